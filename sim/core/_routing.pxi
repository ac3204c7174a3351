# The event loop's routing (included by _loop.pyx, after _calls.pxi): the scenario's routes and
# policies in C arrays, and the two choices made with them, the group that answers an arriving
# call and the waiting call a free agent takes, by the rules of sim/policies (their Cython
# twins, cimported).

cdef struct Routing:
    int *priority  # per type
    int *route_start  # per type: its route's steps are route_start[k] .. route_start[k + 1] - 1
    int *route_group  # per route step
    double *route_delay
    int *served_start  # per group: the types it serves are served_start[g] .. served_start[g + 1] - 1
    int *served_type
    double *served_delay
    double *head_start  # per type (call selection priority_head_start)
    int *group_skills  # per group: call types served (agent selection least_skilled)
    int call_selection, agent_selection  # policy codes (sim.core.protocol)


cdef int routing_init(Routing *r, const int[::1] priority, const int[::1] route_start, const int[::1] route_group,
                      const double[::1] route_delay, const int[::1] served_start, const int[::1] served_type,
                      const double[::1] served_delay, const double[::1] head_start, const int[::1] group_skills,
                      int call_selection, int agent_selection) except -1:
    r.priority = _ints(priority)
    r.route_start = _ints(route_start)
    r.route_group = _ints(route_group)
    r.route_delay = _doubles(route_delay)
    r.served_start = _ints(served_start)
    r.served_type = _ints(served_type)
    r.served_delay = _doubles(served_delay)
    r.head_start = _doubles(head_start)
    r.group_skills = _ints(group_skills)
    r.call_selection = call_selection
    r.agent_selection = agent_selection
    return 0


cdef void routing_free(Routing *r) noexcept:
    free(r.priority); free(r.route_start); free(r.route_group); free(r.route_delay)
    free(r.served_start); free(r.served_type); free(r.served_delay)
    free(r.head_start); free(r.group_skills)


cdef inline int select_group(const Routing *r, const int *idle_head, int k, double arrival) noexcept:
    """The group whose longest-idle agent answers an arriving call of type k: among the
    route's groups eligible now with an idle agent (``idle_head``, per group), the scenario's
    agent-selection policy's choice (sim/policies/_agent_selection.pxd); -1 if none."""
    return select_group_at(r, idle_head, k, arrival, arrival)


cdef inline int select_group_at(const Routing *r, const int *idle_head, int k, double arrival, double now) noexcept:
    """``select_group`` at ``now`` for a call of type k that joined its queue at ``arrival`` (a
    callback rejoining its queue)."""
    cdef int j, g, step, best = -1, best_step = -1
    for j in range(r.route_start[k], r.route_start[k + 1]):
        g = r.route_group[j]
        if idle_head[g] < 0 or not eligible(arrival, r.route_delay[j], now):
            continue
        if r.agent_selection == AGENT_SELECTION_ROUTE_ORDER:
            return g  # no later step comes before it in route order
        step = j - r.route_start[k]
        if best < 0 or least_skilled_before(step, r.group_skills[g], best_step, r.group_skills[best]):
            best, best_step = g, step
    return best


cdef inline bint call_before(const Routing *r, int k, const Call *a, int best_type, const Call *b) noexcept:
    """Whether head call a (of type k) is taken before head call b, by the scenario's
    call-selection policy (sim/policies/_call_selection.pxd)."""
    if r.call_selection == CALL_SELECTION_PRIORITY_FIFO:
        return priority_fifo_before(r.priority[k], a.arrival, a.id, r.priority[best_type], b.arrival, b.id)
    return priority_head_start_before(r.priority[k], a.arrival, r.head_start[k], a.id,
                                      r.priority[best_type], b.arrival, r.head_start[best_type], b.id)


cdef inline int waiting_call(const Routing *r, Queue *queues, const Slots *s, int g, double now,
                             int *call_type) noexcept:
    """Slot of the waiting call an agent of group g takes now, or -1; its type in ``call_type``.
    It is left at the head of its queue (stale entries before the heads are dropped)."""
    cdef int j, k, best_type = -1, head, best = -1
    cdef const Call *h
    cdef const Call *b = NULL
    for j in range(r.served_start[g], r.served_start[g + 1]):
        k = r.served_type[j]
        head = queue_head(&queues[k], s)
        if head < 0:
            continue
        h = &s.calls[head]
        if not eligible(h.arrival, r.served_delay[j], now):
            continue
        if best < 0 or call_before(r, k, h, best_type, b):
            best, best_type, b = head, k, h
    call_type[0] = best_type
    return best
