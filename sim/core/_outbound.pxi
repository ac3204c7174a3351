# The event loop's outbound campaigns (included by _loop.pyx, after _agents.pxi and _heap.pxi):
# the rules of OUTBOUND_SPEC (the dialler's pass, its attempts, their results, nuisance drops and
# retries) on campaign state kept in C structs, by the policies' Cython twins
# (sim/policies/_dialling.pxd, _blending.pxd). FastCore calls in at its hooks: the dial pass
# once the events of an instant are handled, the outbound events, a free agent taking a waiting live connect. Per-attempt
# rows are C arrays grown by doubling; a campaign's contact draws are read block by block from
# its Python ContactDraws (``block(b)``), the arrays kept alive here while in use.

from sim.policies cimport _blending, _dialling

DEF N_QUANTITIES = 6  # u, ring, no_answer, talk, wrong_talk, wrapup (sim.model.contact_draws)
DEF N_RESULTS = 5  # protocol.DIAL_RESULTS


cdef struct Fifo:  # a ring buffer of i64 (capacity a power of two)
    i64 *items
    i64 head, size, capacity


cdef int fifo_push(Fifo *q, i64 value) except -1:
    cdef i64 i, old = q.capacity
    if q.size == q.capacity:
        q.capacity = 2 * old if old > 0 else 16
        q.items = <i64 *>grow(q.items, q.capacity, sizeof(i64))
        for i in range(q.head if old > 0 else 0):  # unroll the ring
            q.items[old + i] = q.items[i]
    q.items[(q.head + q.size) & (q.capacity - 1)] = value
    q.size += 1
    return 0


cdef inline i64 fifo_pop(Fifo *q) noexcept:
    cdef i64 value = q.items[q.head]
    q.head = (q.head + 1) & (q.capacity - 1)
    q.size -= 1
    return value


cdef struct Campaign:
    # settings (model_tables.CampaignTables)
    int group_first, group_end  # its groups: Outbound.groups[group_first:group_end]
    int served_first, served_end  # inbound types of its blended groups: Outbound.served_type[...]
    const signed char *dial_open  # per interval
    const double *probabilities  # [interval * N_RESULTS + result]
    double retry_delay[N_RESULTS + 1]
    i64 list_size, max_attempts, calls_per_agent, max_calls_per_agent
    int mode
    double target_connect, nuisance_wait, nuisance_cap
    # state
    int *attempts_made  # per record dialled so far
    i64 records_capacity
    i64 next_fresh
    Fifo ready  # records due for a retry
    i64 in_flight
    Fifo waiting_connects  # attempt ids (stale once not ``waiting``)
    _dialling.RollingShare estimate, nuisance
    bint sl_ok
    # the predictive dialler's lines for the last (capacity, estimate, throttled) it was asked
    # (a pure function of them: asked again only when one changes; in_flight is taken off after)
    i64 lines_capacity, lines
    double lines_estimate
    bint lines_throttled
    const double **draws  # [block * N_QUANTITIES + quantity]: (BLOCK_RECORDS, max_attempts) arrays
    i64 n_blocks


@cython.final
cdef class Outbound:
    """The campaigns of one run: built from the model tables and the contact draws, attached to
    a FastCore (its agents, events and inbound counters)."""

    cdef int n_campaigns, n_intervals, n_types, policy
    cdef i64 threshold, block_records
    cdef double sl_floor, interval_length, horizon_end
    cdef Campaign *campaigns
    cdef int *groups
    cdef signed char *blended
    cdef int *served_type
    cdef int *campaign_of_group
    cdef object tables, contacts, kept  # kept: the draws' arrays the C pointers read
    cdef Attempts rows
    cdef i64 *agent_attempt  # per agent: its preview attempt
    # FastCore's (attached)
    cdef Agents *agents
    cdef Heap *events
    cdef i64 *waiting  # per inbound type: calls in its queue
    cdef i64 *within  # per inbound type, since the interval began: answered within T,
    cdef i64 *left  # and answered or abandoned

    def __cinit__(self, tables, contacts, int n_intervals, double interval_length, double horizon_end,
                  int n_agents, i64 block_records):
        cdef int c, i
        cdef Campaign *k
        if len(contacts) != tables.n_campaigns:
            raise ValueError(f"contacts: {len(contacts)} ContactDraws for {tables.n_campaigns} campaigns")
        self.tables, self.contacts, self.kept = tables, list(contacts), []
        self.n_campaigns, self.n_intervals = tables.n_campaigns, n_intervals
        self.interval_length, self.horizon_end, self.block_records = interval_length, horizon_end, block_records
        self.policy, self.threshold, self.sl_floor = tables.blending_policy, tables.threshold, tables.sl_floor
        self.groups = _ints(tables.groups)
        self.blended = <signed char *>zeros(len(tables.blended), sizeof(signed char))
        for i in range(len(tables.blended)):
            self.blended[i] = tables.blended[i]
        self.served_type = _ints(tables.served_type)
        self.campaign_of_group = _ints(tables.campaign_of_group)
        self.agent_attempt = <i64 *>zeros(n_agents, sizeof(i64))
        self.campaigns = <Campaign *>zeros(self.n_campaigns, sizeof(Campaign))
        cdef const signed char[:, ::1] dial_open = tables.dial_open
        cdef const double[:, :, ::1] probabilities = tables.probabilities
        for c in range(self.n_campaigns):
            k = &self.campaigns[c]
            k.group_first, k.group_end = tables.group_start[c], tables.group_start[c + 1]
            k.served_first, k.served_end = tables.served_start[c], tables.served_start[c + 1]
            k.dial_open = &dial_open[c, 0]
            k.probabilities = &probabilities[c, 0, 0]
            for i in range(N_RESULTS + 1):
                k.retry_delay[i] = tables.retry_delay[c, i]
            k.list_size, k.max_attempts = tables.list_size[c], tables.max_attempts[c]
            k.calls_per_agent, k.max_calls_per_agent = tables.calls_per_agent[c], tables.max_calls_per_agent[c]
            k.mode, k.target_connect = tables.mode[c], tables.target_connect[c]
            k.nuisance_wait, k.nuisance_cap = tables.nuisance_wait[c], tables.nuisance_cap[c]
            _dialling.rolling_init(&k.estimate, tables.estimate_window[c], tables.initial_contact_rate[c])
            _dialling.rolling_init(&k.nuisance, tables.nuisance_window[c], 0.0)
            k.sl_ok = True
            k.lines_capacity = -1

    def __dealloc__(self):
        cdef int c
        cdef Campaign *k
        if self.campaigns != NULL:
            for c in range(self.n_campaigns):
                k = &self.campaigns[c]
                free(k.attempts_made); free(k.ready.items); free(k.waiting_connects.items); free(k.draws)
                _dialling.rolling_free(&k.estimate); _dialling.rolling_free(&k.nuisance)
        free(self.campaigns); free(self.groups); free(self.blended); free(self.served_type)
        free(self.campaign_of_group); free(self.agent_attempt)
        attempts_free(&self.rows)

    cdef int attach(self, int n_types, Agents *agents, Heap *events, i64 *waiting, i64 *within, i64 *left) except -1:
        """Work on a core's state; schedule the dialling intervals' starts (DIAL_WINDOW j at j*L)."""
        cdef int j
        self.n_types = n_types
        self.agents, self.events, self.waiting, self.within, self.left = agents, events, waiting, within, left
        for j in range(self.n_intervals):
            heap_push(events, j * self.interval_length, DIAL_WINDOW, j, EV_DIAL_WINDOW, j)
        return 0

    # -- the dialler --------------------------------------------------------------------------

    cdef inline int interval_of(self, double now) noexcept:
        cdef double quotient = now / self.interval_length
        return self.n_intervals - 1 if quotient >= self.n_intervals - 1 else <int>quotient

    cdef i64 idle_of(self, Campaign *k, bint blended) noexcept:
        """Idle agents of the campaign's blended (or dedicated) groups."""
        cdef i64 idle = 0
        cdef int i
        for i in range(k.group_first, k.group_end):
            if self.blended[i] == blended:
                idle += self.agents.idle_count[self.groups[i]]
        return idle

    cdef int dial_pass(self, double now) except -1:
        """Every campaign dials what it may now (a second pass at the same state places nothing)."""
        cdef int c
        if now >= self.horizon_end:
            return 0
        for c in range(self.n_campaigns):
            self.dial(&self.campaigns[c], c, now)
        return 0

    cdef int dial(self, Campaign *k, int c, double now) except -1:
        cdef int interval = self.interval_of(now), i
        cdef i64 waiting = 0, capacity, n, r
        cdef bint allowed, throttled
        cdef double p
        if not k.dial_open[interval]:
            return 0
        if self.policy == _blending.THRESHOLD_NO_QUEUE:
            for i in range(k.served_first, k.served_end):
                waiting += self.waiting[self.served_type[i]]
        allowed = _blending.blended_allowed(self.policy, waiting, k.sl_ok)
        capacity = _blending.outbound_capacity(self.idle_of(k, False), self.idle_of(k, True), self.threshold, allowed)
        if capacity == 0:
            return 0
        if k.mode == _dialling.PREVIEW:
            n = capacity
        elif k.mode == _dialling.PROGRESSIVE:
            n = _dialling.attempts_to_place(k.mode, capacity, k.in_flight, k.calls_per_agent, 0.0, 0.0, 0, False)
        else:  # attempts_to_place(..., in_flight, ...) is its lines (in_flight 0) minus in_flight
            p = _dialling.rolling_estimate(&k.estimate)
            throttled = _dialling.rolling_above(&k.nuisance, k.nuisance_cap)
            if capacity != k.lines_capacity or p != k.lines_estimate or throttled != k.lines_throttled:
                k.lines = _dialling.attempts_to_place(k.mode, capacity, 0, k.calls_per_agent, p, k.target_connect,
                                                      k.max_calls_per_agent, throttled)
                k.lines_capacity, k.lines_estimate, k.lines_throttled = capacity, p, throttled
            n = k.lines - k.in_flight if k.lines > k.in_flight else 0
        while n > 0:
            r = self.next_record(k)
            if r < 0:
                break
            self.place(k, c, r, self.take_agent(k, True, allowed) if k.mode == _dialling.PREVIEW else -1, now, interval)
            n -= 1
        return 0

    cdef i64 next_record(self, Campaign *k) except -2:
        """The record to dial next: the oldest due for a retry, else a fresh one; -1 if none."""
        if k.ready.size > 0:
            return fifo_pop(&k.ready)
        if k.list_size >= 0 and k.next_fresh >= k.list_size:
            return -1
        if k.next_fresh == k.records_capacity:
            k.records_capacity = 2 * k.records_capacity if k.records_capacity > 0 else 1024
            k.attempts_made = <int *>grow(k.attempts_made, k.records_capacity, sizeof(int))
        k.attempts_made[k.next_fresh] = 0
        k.next_fresh += 1
        return k.next_fresh - 1

    cdef int take_agent(self, Campaign *k, bint dialling, bint allowed) noexcept:
        """An idle agent of the campaign (its groups in order, longest idle first), taken off the
        idle list; for dialling, blended agents only above the reservation threshold. -1 if none."""
        cdef int i, g, agent
        for i in range(k.group_first, k.group_end):
            g = self.groups[i]
            if self.agents.idle_head[g] < 0:
                continue
            if dialling and self.blended[i] and not (allowed and self.idle_of(k, True) > self.threshold):
                continue
            agent = self.agents.idle_head[g]
            idle_remove(self.agents, agent)
            return agent
        return -1

    cdef int place(self, Campaign *k, int c, i64 r, int agent, double now, int interval) except -1:
        """Dial record r now (by the preview agent, or by the dialler if agent < 0)."""
        cdef i64 id = attempts_new(&self.rows), b = r // self.block_records
        cdef i64 cell = (r - b * self.block_records) * k.max_attempts + k.attempts_made[r]
        cdef const double **draws
        cdef Attempts *a = &self.rows
        cdef int result
        cdef double ring
        while k.n_blocks <= b:
            self.load_block(k, c)
        draws = &k.draws[b * N_QUANTITIES]
        result = _dialling.dial_result(draws[0][cell], &k.probabilities[interval * N_RESULTS], N_RESULTS)
        ring = draws[2][cell] if result == RESULT_NO_ANSWER else draws[1][cell]
        a.campaign[id], a.record[id], a.attempt[id] = c, r, k.attempts_made[r]
        a.dial_time[id], a.result[id], a.resolve_time[id] = now, result, now + ring
        a.group[id], a.agent[id] = -1, -1
        a.talk_due[id] = draws[3][cell] if result == RESULT_RIGHT_PARTY else draws[4][cell]
        a.wrapup_due[id] = draws[5][cell]
        k.attempts_made[r] += 1
        if agent >= 0:
            a.group[id], a.agent[id] = self.agents.group[agent], agent
            self.agent_attempt[agent] = id
            heap_push(self.events, now + ring, COMPLETION, agent, EV_PREVIEW_END, agent)
        else:
            k.in_flight += 1
            heap_push(self.events, now + ring, DIAL_RESULT, id, EV_DIAL_RESULT, c)
        return 0

    cdef int load_block(self, Campaign *k, int c) except -1:
        """The campaign's next block of contact draws (kept alive in ``kept``)."""
        cdef const double[::1] column
        cdef int q
        arrays = self.contacts[c].block(k.n_blocks)
        k.draws = <const double **>grow(k.draws, (k.n_blocks + 1) * N_QUANTITIES, sizeof(double *))
        for q in range(N_QUANTITIES):
            array = np.ascontiguousarray(arrays[q], np.float64)
            if array.shape != (self.block_records, k.max_attempts):
                raise ValueError(f"contact draws: block of shape {array.shape}, not "
                                 f"{(self.block_records, k.max_attempts)}")
            self.kept.append(array)
            column = array.reshape(-1)
            k.draws[k.n_blocks * N_QUANTITIES + q] = &column[0]
        k.n_blocks += 1
        return 0

    # -- events -------------------------------------------------------------------------------

    cdef int dial_result(self, i64 id, double now) except -1:
        """A dialler's attempt stops ringing: put a live answer through, or wait for an agent."""
        cdef int c = self.rows.campaign[id], agent
        cdef Campaign *k = &self.campaigns[c]
        cdef bint live = self.rows.result[id] <= RESULT_WRONG_PARTY
        k.in_flight -= 1
        _dialling.rolling_add(&k.estimate, live)
        if not live:
            self.rows.end_time[id] = now
            return self.retry_or_close(k, id, self.rows.result[id], now)
        agent = self.take_agent(k, False, False)
        if agent >= 0:
            return self.connect(id, agent, now)
        self.rows.waiting[id] = 1
        fifo_push(&k.waiting_connects, id)
        heap_push(self.events, now + k.nuisance_wait, NUISANCE, id, EV_NUISANCE, c)
        return 0

    cdef bint preview_end(self, int agent, double now) except -1:
        """The preview agent's attempt stops ringing; whether the agent is still busy (connected)."""
        cdef i64 id = self.agent_attempt[agent]
        cdef Campaign *k = &self.campaigns[self.rows.campaign[id]]
        cdef bint live = self.rows.result[id] <= RESULT_WRONG_PARTY
        _dialling.rolling_add(&k.estimate, live)
        if live:
            self.connect(id, agent, now)
            return True
        self.rows.end_time[id] = now
        self.retry_or_close(k, id, self.rows.result[id], now)
        return False

    cdef int nuisance(self, i64 id, double now) except -1:
        """A live answer waited the nuisance wait for an agent in vain (unless one took it): dropped."""
        cdef Campaign *k = &self.campaigns[self.rows.campaign[id]]
        if not self.rows.waiting[id]:
            return 0
        self.rows.waiting[id] = 0  # (its FIFO entry is stale)
        self.rows.nuisance[id] = 1
        self.rows.end_time[id] = now
        _dialling.rolling_add(&k.nuisance, 1)
        return self.retry_or_close(k, id, NUISANCE_RETRY, now)

    cdef int retry_due(self, i64 id) except -1:
        return fifo_push(&self.campaigns[self.rows.campaign[id]].ready, self.rows.record[id])

    cdef int dial_window(self, int j) except -1:
        """Interval j begins: threshold_sl_floor judges the last interval's inbound service level."""
        cdef int c, i
        cdef i64 within, left
        cdef Campaign *k
        if self.policy == _blending.THRESHOLD_SL_FLOOR and j >= 1:
            for c in range(self.n_campaigns):
                k = &self.campaigns[c]
                within = left = 0
                for i in range(k.served_first, k.served_end):
                    within += self.within[self.served_type[i]]
                    left += self.left[self.served_type[i]]
                k.sl_ok = _blending.sl_met(within, left, self.sl_floor)
        for i in range(self.n_types):
            self.within[i] = self.left[i] = 0
        return 0

    cdef int retry_or_close(self, Campaign *k, i64 id, int code, double now) except -1:
        """Schedule the record's retry, unless it is exhausted, never retried for this result, or
        due after the horizon (then it stays open)."""
        cdef double delay = k.retry_delay[code], due
        cdef i64 r = self.rows.record[id]
        if k.attempts_made[r] >= k.max_attempts or delay == INFINITY:
            return 0
        due = now + delay
        if due < self.horizon_end:
            heap_push(self.events, due, RETRY, id, EV_RETRY, 0)
        return 0

    cdef int connect(self, i64 id, int agent, double now) except -1:
        """The agent takes the live answer now: talk, then wrap-up (one event at the end)."""
        cdef Attempts *a = &self.rows
        cdef double end
        a.connect_time[id] = now
        a.group[id], a.agent[id] = self.agents.group[agent], agent
        a.talk[id], a.wrapup[id] = a.talk_due[id], a.wrapup_due[id]
        end = now + a.talk[id]
        a.end_time[id] = end
        _dialling.rolling_add(&self.campaigns[a.campaign[id]].nuisance, 0)
        heap_push(self.events, end + a.wrapup[id] if a.wrapup[id] > 0 else end, COMPLETION, agent, EV_OUTBOUND_END, agent)
        return 0

    cdef bint take_waiting_connect(self, int agent, double now) except -1:
        """A free agent takes the oldest live answer waiting in its campaign, if any."""
        cdef int c = self.campaign_of_group[self.agents.group[agent]]
        cdef Fifo *q
        cdef i64 id
        if c < 0:
            return False
        q = &self.campaigns[c].waiting_connects
        while q.size > 0:
            id = fifo_pop(q)
            if self.rows.waiting[id]:
                self.rows.waiting[id] = 0  # (its NUISANCE event is stale)
                self.connect(id, agent, now)
                return True
        return False

    def attempts(self):
        """The attempt rows as numpy arrays (copies), in sim.core.records.AttemptRecords order."""
        return attempts_arrays(&self.rows)
