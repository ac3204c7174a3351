# The event loop's callbacks (included by _loop.pyx; the rule: sim.model.callbacks): per call slot
# the draws of the call in it (copied in when the call takes the slot: an accepted callback may be
# dialled long after its block was replaced), its dial attempts so far and the agent dialling it;
# with redials, per caller entry its first attempt's draws (a redial's, copied into its slot); per
# record row the callback records (sim.core.records.CallbackRecords order; redials' rows added
# with their call rows, as the IVR records' are).

# what a call's callback offer came to (FastCore.callback_offer)
cdef enum:
    CB_DECLINED = 0
    CB_KEEP_PLACE = 1
    CB_SCHEDULED = 2


cdef struct CbSlots:  # indexed by call slot; the per-attempt draws at [slot * width + attempt]
    i64 capacity
    int width
    char *accept
    int *attempts
    int *agent
    double *ring
    double *reach
    double *delay


cdef int cb_slots_reserve(CbSlots *s, i64 slot) except -1:
    """Room for the slot's row (grown with the call slots)."""
    cdef i64 c
    if slot < s.capacity:
        return 0
    s.capacity = max(2 * s.capacity, slot + 1, 1024)
    c = s.capacity
    s.accept = <char *>grow(s.accept, c, sizeof(char))
    s.attempts = <int *>grow(s.attempts, c, sizeof(int))
    s.agent = <int *>grow(s.agent, c, sizeof(int))
    s.ring = <double *>grow(s.ring, c * s.width, sizeof(double))
    s.reach = <double *>grow(s.reach, c * s.width, sizeof(double))
    s.delay = <double *>grow(s.delay, c * s.width, sizeof(double))
    return 0


cdef void cb_slots_free(CbSlots *s) noexcept:
    free(s.accept); free(s.attempts); free(s.agent); free(s.ring); free(s.reach); free(s.delay)


cdef struct CbRecs:  # per call id
    i64 capacity
    char *offered
    char *accepted
    double *first_dial
    double *last_dial
    int *attempts
    double *connect
    char *outcome
    double *due  # (sim.core.records.ScheduledRecords) a scheduled callback's due time


cdef int cb_records_add(CbRecs *r, i64 first, i64 n) except -1:
    """Rows first .. first + n - 1 for a block of calls, before anything happened to them."""
    cdef i64 i, c
    if first + n > r.capacity:
        r.capacity = max(2 * r.capacity, first + n, 1024)
        c = r.capacity
        r.offered = <char *>grow(r.offered, c, sizeof(char))
        r.accepted = <char *>grow(r.accepted, c, sizeof(char))
        r.first_dial = <double *>grow(r.first_dial, c, sizeof(double))
        r.last_dial = <double *>grow(r.last_dial, c, sizeof(double))
        r.attempts = <int *>grow(r.attempts, c, sizeof(int))
        r.connect = <double *>grow(r.connect, c, sizeof(double))
        r.outcome = <char *>grow(r.outcome, c, sizeof(char))
        r.due = <double *>grow(r.due, c, sizeof(double))
    for i in range(first, first + n):
        r.offered[i] = 0
        r.accepted[i] = 0
        r.first_dial[i] = NAN
        r.last_dial[i] = NAN
        r.attempts[i] = 0
        r.connect[i] = NAN
        r.outcome[i] = CALLBACK_NONE
        r.due[i] = NAN
    return 0


cdef dict cb_records_arrays(const CbRecs *r, i64 n):
    return {"offered": _array(r.offered, n, np.int8), "accepted": _array(r.accepted, n, np.int8),
            "first_dial": _array(r.first_dial, n, np.float64), "last_dial": _array(r.last_dial, n, np.float64),
            "attempts": _array(r.attempts, n, np.int32), "connect_time": _array(r.connect, n, np.float64),
            "outcome": _array(r.outcome, n, np.int8), "due_time": _array(r.due, n, np.float64)}


cdef void cb_records_free(CbRecs *r) noexcept:
    free(r.offered); free(r.accepted); free(r.first_dial); free(r.last_dial); free(r.attempts)
    free(r.connect); free(r.outcome); free(r.due)


cdef inline int queue_push_front(Queue *q, int slot, i64 id) except -1:
    """Put a call at the head of the queue (a callback's retry: it had reached the head)."""
    if q.size == q.capacity:
        queue_grow(q)
    q.head = (q.head - 1) & (q.capacity - 1)
    q.items[q.head].slot = slot
    q.items[q.head].id = id
    q.size += 1
    return 0


cdef int cb_row_copy(CbSlots *to, i64 row, const CbSlots *source, i64 source_row) except -1:
    """Row ``row`` of ``to`` takes the draws of row ``source_row`` of ``source`` (no attempt made)."""
    cdef i64 w = to.width
    cb_slots_reserve(to, row)
    to.accept[row] = source.accept[source_row]
    to.attempts[row] = 0
    memcpy(&to.ring[row * w], &source.ring[source_row * w], w * sizeof(double))
    memcpy(&to.reach[row * w], &source.reach[source_row * w], w * sizeof(double))
    memcpy(&to.delay[row * w], &source.delay[source_row * w], w * sizeof(double))
    return 0


cdef struct CbDials:  # one row per callback dial, in dialling order (sim.core.records.DialRecords)
    i64 size
    i64 capacity
    i64 *row  # the call's record row (creation order, as the call records before _in_call_order)
    int *attempt
    int *group
    int *agent
    double *start
    double *end


cdef int cb_dials_add(CbDials *d, i64 row, int attempt, int group, int agent, double start, double end) except -1:
    cdef i64 c, i = d.size
    if i == d.capacity:
        d.capacity = max(2 * d.capacity, 1024)
        c = d.capacity
        d.row = <i64 *>grow(d.row, c, sizeof(i64))
        d.attempt = <int *>grow(d.attempt, c, sizeof(int))
        d.group = <int *>grow(d.group, c, sizeof(int))
        d.agent = <int *>grow(d.agent, c, sizeof(int))
        d.start = <double *>grow(d.start, c, sizeof(double))
        d.end = <double *>grow(d.end, c, sizeof(double))
    d.row[i], d.attempt[i], d.group[i], d.agent[i], d.start[i], d.end[i] = row, attempt, group, agent, start, end
    d.size = i + 1
    return 0


cdef dict cb_dials_arrays(const CbDials *d):
    return {"call": _array(d.row, d.size, np.int64), "attempt": _array(d.attempt, d.size, np.int32),
            "group": _array(d.group, d.size, np.int32), "agent": _array(d.agent, d.size, np.int32),
            "start": _array(d.start, d.size, np.float64), "end": _array(d.end, d.size, np.float64)}


cdef void cb_dials_free(CbDials *d) noexcept:
    free(d.row); free(d.attempt); free(d.group); free(d.agent); free(d.start); free(d.end)
