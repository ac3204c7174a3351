# The event loop's per-call records (included by _loop.pyx): columns in C arrays indexed by call
# id, grown block by block, copied into numpy arrays at the end.

cdef struct Records:  # per-call columns, in sim.core.records.CallRecords order
    i64 capacity
    int *type
    double *arrival
    char *outcome
    int *group
    int *agent
    double *answer
    double *end
    double *talk
    double *wrapup


cdef int records_add(Records *r, i64 first, i64 n, const double *arrival, const int *call_type) except -1:
    """Rows first .. first + n - 1 for a block of calls, as unfinished calls."""
    cdef i64 i, c
    if first + n > r.capacity:
        r.capacity = max(2 * r.capacity, first + n, 1024)
        c = r.capacity
        r.arrival = <double *>grow(r.arrival, c, sizeof(double))
        r.type = <int *>grow(r.type, c, sizeof(int))
        r.outcome = <char *>grow(r.outcome, c, sizeof(char))
        r.group = <int *>grow(r.group, c, sizeof(int))
        r.agent = <int *>grow(r.agent, c, sizeof(int))
        r.answer = <double *>grow(r.answer, c, sizeof(double))
        r.end = <double *>grow(r.end, c, sizeof(double))
        r.talk = <double *>grow(r.talk, c, sizeof(double))
        r.wrapup = <double *>grow(r.wrapup, c, sizeof(double))
    for i in range(n):
        r.arrival[first + i] = arrival[i]
        r.type[first + i] = call_type[i]
        r.outcome[first + i] = UNFINISHED
        r.group[first + i] = -1
        r.agent[first + i] = -1
        r.answer[first + i] = NAN
        r.end[first + i] = NAN
        r.talk[first + i] = 0.0
        r.wrapup[first + i] = 0.0
    return 0


cdef dict records_arrays(const Records *r, i64 n):
    """The first n rows as numpy arrays (copies)."""
    return {
        "call_type": _array(r.type, n, np.int32), "arrival": _array(r.arrival, n, np.float64),
        "outcome": _array(r.outcome, n, np.int8), "group": _array(r.group, n, np.int32),
        "agent": _array(r.agent, n, np.int32), "answer_time": _array(r.answer, n, np.float64),
        "end_time": _array(r.end, n, np.float64), "talk": _array(r.talk, n, np.float64),
        "wrapup": _array(r.wrapup, n, np.float64),
    }


cdef void records_free(Records *r) noexcept:
    free(r.arrival); free(r.type); free(r.outcome); free(r.group)
    free(r.agent); free(r.answer); free(r.end); free(r.talk); free(r.wrapup)


cdef struct IvrRecs:  # the IVR stage per call, in sim.core.records.IvrRecords order (scenarios with an IVR)
    i64 capacity
    double *end
    char *outcome
    int *queue


cdef int ivr_records_add(IvrRecs *r, i64 first, i64 n, const int *call_type, const char *has_ivr) except -1:
    """Rows first .. first + n - 1 for a block of calls, before anything happened to them."""
    cdef i64 i
    if first + n > r.capacity:
        r.capacity = max(2 * r.capacity, first + n, 1024)
        r.end = <double *>grow(r.end, r.capacity, sizeof(double))
        r.outcome = <char *>grow(r.outcome, r.capacity, sizeof(char))
        r.queue = <int *>grow(r.queue, r.capacity, sizeof(int))
    for i in range(n):
        r.end[first + i] = NAN
        r.outcome[first + i] = IVR_NONE
        r.queue[first + i] = -1 if has_ivr[call_type[i]] else call_type[i]
    return 0


cdef dict ivr_records_arrays(const IvrRecs *r, i64 n):
    return {"ivr_end": _array(r.end, n, np.float64), "ivr_outcome": _array(r.outcome, n, np.int8),
            "queue": _array(r.queue, n, np.int32)}


cdef void ivr_records_free(IvrRecs *r) noexcept:
    free(r.end); free(r.outcome); free(r.queue)
