# The event loop's agents (included by _loop.pyx): their groups and spells on duty (the
# scenario's tables), their state, per group a doubly linked list of idle agents in the order
# they became idle, and the log of the spells they worked. When they change state is decided by
# the loop (FastCore).

cdef struct Agents:
    int *group  # per agent
    int *spell_first  # per agent: its spells are spell_first .. spell_first + spell_count - 1
    int *spell_count
    double *spell_begin  # per spell
    double *spell_end
    double *spell_rest  # per spell: the break before it (0: none)
    double *went_off  # per agent: when it last went off duty (-inf: not yet)
    int *current_spell  # per agent: its spell scheduled or under way (-1 at first, spell_count once none is left)
    char *leaving  # its spell has ended: it goes home once free
    double *on_duty_since  # NaN when off duty
    double *last_done  # when it last finished a call
    i64 *hand_id  # id of the call in talk (with a trunk limit only): a call id or a transferred leg's entity
    i64 *hand_row  # its record row (a call's; the id's without redials)
    double *wrap_in_hand  # wrap-up due after that talk
    int *idle_prev
    int *idle_next
    char *is_idle
    int *idle_head  # per group: the agent idle longest (-1 if none)
    int *idle_tail  # per group: the agent idle shortest
    int *idle_count  # per group: how many are idle (only if count_idle: outbound campaigns read them)
    char count_idle


cdef struct AgentLog:  # spells on duty
    i64 size
    i64 capacity
    int *agent
    double *start
    double *scheduled_end
    double *end


cdef int agents_init(Agents *a, int n_groups, const int[::1] agent_group, const int[::1] spell_first,
                     const int[::1] spell_count, const double[::1] spell_begin, const double[::1] spell_end,
                     const double[::1] spell_rest) except -1:
    """All agents off duty with no spell scheduled yet, no agent idle."""
    cdef int i
    cdef i64 n = agent_group.shape[0]
    a.group = _ints(agent_group)
    a.spell_first = _ints(spell_first)
    a.spell_count = _ints(spell_count)
    a.spell_begin = _doubles(spell_begin)
    a.spell_end = _doubles(spell_end)
    a.spell_rest = _doubles(spell_rest)
    a.went_off = <double *>grow(NULL, n, sizeof(double))
    a.current_spell = <int *>grow(NULL, n, sizeof(int))
    a.leaving = <char *>grow(NULL, n, sizeof(char))
    a.on_duty_since = <double *>grow(NULL, n, sizeof(double))
    a.last_done = <double *>grow(NULL, n, sizeof(double))
    a.hand_id = <i64 *>grow(NULL, n, sizeof(i64))
    a.hand_row = <i64 *>grow(NULL, n, sizeof(i64))
    a.wrap_in_hand = <double *>grow(NULL, n, sizeof(double))
    a.idle_prev = <int *>grow(NULL, n, sizeof(int))
    a.idle_next = <int *>grow(NULL, n, sizeof(int))
    a.is_idle = <char *>grow(NULL, n, sizeof(char))
    for i in range(n):
        a.current_spell[i] = -1
        a.went_off[i] = -INFINITY
        a.leaving[i] = 0
        a.on_duty_since[i] = NAN
        a.last_done[i] = -INFINITY
        a.hand_id[i] = -1
        a.hand_row[i] = -1
        a.is_idle[i] = 0
    a.idle_head = <int *>grow(NULL, n_groups, sizeof(int))
    a.idle_tail = <int *>grow(NULL, n_groups, sizeof(int))
    a.idle_count = <int *>zeros(n_groups, sizeof(int))
    a.count_idle = 0
    for i in range(n_groups):
        a.idle_head[i] = -1
        a.idle_tail[i] = -1
    return 0


cdef void agents_free(Agents *a) noexcept:
    free(a.group); free(a.spell_first); free(a.spell_count); free(a.spell_begin)
    free(a.spell_end); free(a.spell_rest); free(a.went_off); free(a.current_spell); free(a.leaving); free(a.on_duty_since)
    free(a.last_done); free(a.hand_id); free(a.hand_row); free(a.wrap_in_hand); free(a.idle_prev)
    free(a.idle_next); free(a.is_idle); free(a.idle_head); free(a.idle_tail); free(a.idle_count)


cdef inline void idle_add(Agents *a, int agent) noexcept:
    """The agent becomes idle: last in its group's list."""
    cdef int g = a.group[agent]
    a.is_idle[agent] = 1
    if a.count_idle:
        a.idle_count[g] += 1
    a.idle_next[agent] = -1
    a.idle_prev[agent] = a.idle_tail[g]
    if a.idle_tail[g] >= 0:
        a.idle_next[a.idle_tail[g]] = agent
    else:
        a.idle_head[g] = agent
    a.idle_tail[g] = agent


cdef inline void idle_remove(Agents *a, int agent) noexcept:
    cdef int g = a.group[agent]
    cdef int before_ = a.idle_prev[agent], after = a.idle_next[agent]
    if before_ >= 0:
        a.idle_next[before_] = after
    else:
        a.idle_head[g] = after
    if after >= 0:
        a.idle_prev[after] = before_
    else:
        a.idle_tail[g] = before_
    a.is_idle[agent] = 0
    if a.count_idle:
        a.idle_count[g] -= 1


cdef int log_add(AgentLog *log, int agent, double start, double scheduled_end, double end) except -1:
    if log.size == log.capacity:
        log.capacity = max(2 * log.capacity, 64)
        log.agent = <int *>grow(log.agent, log.capacity, sizeof(int))
        log.start = <double *>grow(log.start, log.capacity, sizeof(double))
        log.scheduled_end = <double *>grow(log.scheduled_end, log.capacity, sizeof(double))
        log.end = <double *>grow(log.end, log.capacity, sizeof(double))
    log.agent[log.size] = agent
    log.start[log.size] = start
    log.scheduled_end[log.size] = scheduled_end
    log.end[log.size] = end
    log.size += 1
    return 0


cdef int log_open_spells(AgentLog *log, Agents *a, int n_agents, double horizon_end) except -1:
    """At the end of the run: log the spells still open, as ending at the horizon's end or when
    the agent last finished a call, whichever is later."""
    cdef int agent
    for agent in range(n_agents):
        if not isnan(a.on_duty_since[agent]):
            log_add(log, agent, a.on_duty_since[agent], INFINITY,
                    horizon_end if horizon_end > a.last_done[agent] else a.last_done[agent])
            a.on_duty_since[agent] = NAN
    return 0


cdef dict log_arrays(const AgentLog *log, const int *group, int n_agents):
    """The log as numpy arrays (copies), agent by agent in time order, as a stable sort by agent
    and start puts them (equal starts in the order logged), with each spell's group (``group``:
    per agent); ``latest_end``: the latest end (-inf if none)."""
    cdef i64 n = log.size, i, j, k, entry
    cdef double latest = -INFINITY
    cdef int *a
    cdef int *g
    cdef double *s
    cdef double *e
    cdef double *f
    agent, group_of = np.empty(n, np.int32), np.empty(n, np.int32)
    start, scheduled_end, end = np.empty(n), np.empty(n), np.empty(n)
    a, g, s, e, f = <int *>_data(agent), <int *>_data(group_of), <double *>_data(start), <double *>_data(scheduled_end), <double *>_data(end)
    cdef i64 *first = <i64 *>zeros(n_agents + 1, sizeof(i64))  # agent a's entries: first[a] .. first[a + 1] - 1
    cdef i64 *order = <i64 *>grow(NULL, n, sizeof(i64))
    for i in range(n):  # a counting sort by agent (stable) ...
        first[log.agent[i] + 1] += 1
    for k in range(n_agents):
        first[k + 1] += first[k]
    for i in range(n):
        order[first[log.agent[i]]] = i
        first[log.agent[i]] += 1
    for k in range(n_agents, 0, -1):  # (first[k] is agent k's start again)
        first[k] = first[k - 1]
    first[0] = 0
    for k in range(n_agents):  # ... then by start within an agent (logged in that order already, but for ties)
        for i in range(first[k] + 1, first[k + 1]):
            j, entry = i, order[i]
            while j > first[k] and log.start[entry] < log.start[order[j - 1]]:
                order[j] = order[j - 1]
                j -= 1
            order[j] = entry
    for i in range(n):
        j = order[i]
        a[i], g[i], s[i], e[i], f[i] = log.agent[j], group[log.agent[j]], log.start[j], log.scheduled_end[j], log.end[j]
        if log.end[j] > latest:
            latest = log.end[j]
    free(first)
    free(order)
    return {"agent": agent, "group": group_of, "start": start, "scheduled_end": scheduled_end, "end": end,
            "latest_end": latest}


cdef void log_free(AgentLog *log) noexcept:
    free(log.agent); free(log.start); free(log.scheduled_end); free(log.end)
