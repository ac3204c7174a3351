# Transfers (included by _loop.pyx; sim.model.transfers has the rule): every call's pre-drawn leg
# plan, indexed by input call id x possible transfer, and the transferred legs' records, indexed by
# leg row (the run's n-th transferred leg has row n and entity LEG_ID_TOP - n). With redials, a
# redial (id REDIAL_ID_BASE + n) follows its caller's first attempt's plan (callers.first[n]); a
# leg's ``call`` is its attempt's run id (put as the attempt's record row when read), and an agent
# keeps both the id in hand (plans) and its record row (agents.hand_id, hand_row).

cdef struct TransferLegs:
    int slots  # possible transfers per call (max_legs - 1)
    i64 plan_capacity  # in calls
    int *to  # per call id * slots + j: the type joined after leg j (-1: none)
    double *consult  # the consult before it (0: none)
    double *talk
    double *wrapup
    double *patience
    i64 n, capacity  # transferred legs so far, rows allocated
    i64 *call
    int *leg
    int *queue
    double *joined
    char *outcome
    int *group
    int *agent
    double *start
    double *end
    double *leg_talk
    double *leg_wrapup


cdef int transfer_plans_add(TransferLegs *t, i64 first, i64 n, const int *to, const double *consult,
                            const double *talk, const double *wrapup, const double *patience) except -1:
    """The plans of calls first .. first + n - 1 (each ``slots`` values per call)."""
    cdef i64 c, s = t.slots
    if first + n > t.plan_capacity:
        t.plan_capacity = max(2 * t.plan_capacity, first + n, 1024)
        c = t.plan_capacity * s
        t.to = <int *>grow(t.to, c, sizeof(int))
        t.consult = <double *>grow(t.consult, c, sizeof(double))
        t.talk = <double *>grow(t.talk, c, sizeof(double))
        t.wrapup = <double *>grow(t.wrapup, c, sizeof(double))
        t.patience = <double *>grow(t.patience, c, sizeof(double))
    if n > 0:
        memcpy(&t.to[first * s], to, n * s * sizeof(int))
        memcpy(&t.consult[first * s], consult, n * s * sizeof(double))
        memcpy(&t.talk[first * s], talk, n * s * sizeof(double))
        memcpy(&t.wrapup[first * s], wrapup, n * s * sizeof(double))
        memcpy(&t.patience[first * s], patience, n * s * sizeof(double))
    return 0


cdef i64 transfer_leg_new(TransferLegs *t, i64 call, int leg, int queue, double joined) except -1:
    """A new transferred leg's row, unfinished."""
    cdef i64 row = t.n, c
    if row == t.capacity:
        t.capacity = max(2 * t.capacity, 1024)
        c = t.capacity
        t.call = <i64 *>grow(t.call, c, sizeof(i64))
        t.leg = <int *>grow(t.leg, c, sizeof(int))
        t.queue = <int *>grow(t.queue, c, sizeof(int))
        t.joined = <double *>grow(t.joined, c, sizeof(double))
        t.outcome = <char *>grow(t.outcome, c, sizeof(char))
        t.group = <int *>grow(t.group, c, sizeof(int))
        t.agent = <int *>grow(t.agent, c, sizeof(int))
        t.start = <double *>grow(t.start, c, sizeof(double))
        t.end = <double *>grow(t.end, c, sizeof(double))
        t.leg_talk = <double *>grow(t.leg_talk, c, sizeof(double))
        t.leg_wrapup = <double *>grow(t.leg_wrapup, c, sizeof(double))
    t.n += 1
    t.call[row], t.leg[row], t.queue[row], t.joined[row] = call, leg, queue, joined
    t.outcome[row], t.group[row], t.agent[row] = UNFINISHED, -1, -1
    t.start[row], t.end[row], t.leg_talk[row], t.leg_wrapup[row] = NAN, NAN, 0.0, 0.0
    return row


cdef dict transfer_legs_arrays(const TransferLegs *t, i64 n_calls):
    """The transferred legs' columns (sim.core.records.TRANSFER_LEG_COLUMNS) as numpy arrays, and
    the calls' planned consults (``consult``: per call x slots)."""
    cdef i64 n = t.n
    return {"call": _array(t.call, n, np.int64), "leg": _array(t.leg, n, np.int32),
            "queue": _array(t.queue, n, np.int32), "joined": _array(t.joined, n, np.float64),
            "outcome": _array(t.outcome, n, np.int8), "group": _array(t.group, n, np.int32),
            "agent": _array(t.agent, n, np.int32), "start": _array(t.start, n, np.float64),
            "end_time": _array(t.end, n, np.float64), "talk": _array(t.leg_talk, n, np.float64),
            "wrapup": _array(t.leg_wrapup, n, np.float64), "consult": _array(t.consult, n_calls * t.slots, np.float64)}


cdef void transfer_legs_free(TransferLegs *t) noexcept:
    free(t.to); free(t.consult); free(t.talk); free(t.wrapup); free(t.patience)
    free(t.call); free(t.leg); free(t.queue); free(t.joined); free(t.outcome); free(t.group); free(t.agent)
    free(t.start); free(t.end); free(t.leg_talk); free(t.leg_wrapup)
