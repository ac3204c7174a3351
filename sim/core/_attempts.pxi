# The event loop's per-attempt records of outbound campaigns (included by _loop.pyx, before
# _outbound.pxi): columns in C arrays indexed by attempt id, grown by doubling, copied into numpy
# arrays (sim.core.records.AttemptRecords order) at the end.

cdef struct Attempts:  # per attempt id: the AttemptRecords columns, then what the loop keeps
    i64 size, capacity
    int *campaign
    i64 *record
    int *attempt
    double *dial_time
    signed char *result
    double *resolve_time
    int *group
    int *agent
    double *connect_time
    double *end_time
    double *talk
    double *wrapup
    char *nuisance
    double *talk_due  # talk if it is connected (right party's or wrong party's)
    double *wrapup_due
    char *waiting  # a live answer in its campaign's waiting_connects


cdef i64 attempts_new(Attempts *a) except -1:
    """The next attempt id (its row's columns are set by the caller; connect, end and nuisance
    start unset: NaN, NaN, False; talk and wrap-up 0)."""
    cdef i64 c, id = a.size
    if a.size == a.capacity:
        a.capacity = c = 2 * a.capacity if a.capacity > 0 else 1024
        a.campaign = <int *>grow(a.campaign, c, sizeof(int))
        a.record = <i64 *>grow(a.record, c, sizeof(i64))
        a.attempt = <int *>grow(a.attempt, c, sizeof(int))
        a.dial_time = <double *>grow(a.dial_time, c, sizeof(double))
        a.result = <signed char *>grow(a.result, c, sizeof(signed char))
        a.resolve_time = <double *>grow(a.resolve_time, c, sizeof(double))
        a.group = <int *>grow(a.group, c, sizeof(int))
        a.agent = <int *>grow(a.agent, c, sizeof(int))
        a.connect_time = <double *>grow(a.connect_time, c, sizeof(double))
        a.end_time = <double *>grow(a.end_time, c, sizeof(double))
        a.talk = <double *>grow(a.talk, c, sizeof(double))
        a.wrapup = <double *>grow(a.wrapup, c, sizeof(double))
        a.nuisance = <char *>grow(a.nuisance, c, sizeof(char))
        a.talk_due = <double *>grow(a.talk_due, c, sizeof(double))
        a.wrapup_due = <double *>grow(a.wrapup_due, c, sizeof(double))
        a.waiting = <char *>grow(a.waiting, c, sizeof(char))
    a.connect_time[id] = NAN
    a.end_time[id] = NAN
    a.talk[id] = 0.0
    a.wrapup[id] = 0.0
    a.nuisance[id] = 0
    a.waiting[id] = 0
    a.size += 1
    return id


cdef dict attempts_arrays(const Attempts *a):
    cdef i64 n = a.size
    return {
        "campaign": _array(a.campaign, n, np.int32), "record": _array(a.record, n, np.int64),
        "attempt": _array(a.attempt, n, np.int32), "dial_time": _array(a.dial_time, n, np.float64),
        "result": _array(a.result, n, np.int8), "resolve_time": _array(a.resolve_time, n, np.float64),
        "group": _array(a.group, n, np.int32), "agent": _array(a.agent, n, np.int32),
        "connect_time": _array(a.connect_time, n, np.float64), "end_time": _array(a.end_time, n, np.float64),
        "talk": _array(a.talk, n, np.float64), "wrapup": _array(a.wrapup, n, np.float64),
        "nuisance": _array(a.nuisance, n, np.bool_),
    }


cdef void attempts_free(Attempts *a) noexcept:
    free(a.campaign); free(a.record); free(a.attempt); free(a.dial_time); free(a.result)
    free(a.resolve_time); free(a.group); free(a.agent); free(a.connect_time); free(a.end_time)
    free(a.talk); free(a.wrapup); free(a.nuisance); free(a.talk_due); free(a.wrapup_due); free(a.waiting)
