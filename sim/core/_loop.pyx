# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The fast engine's event loop: the model of sim/core/simpy_engine.py in C data structures.

Same rules, same event order, same arithmetic as the SimPy reference engine, so the per-call
records are identical bit for bit (see the SimPy engine's docstring for the model). Without a
trunk limit nothing observes the end of talk but the agent, so one event ends talk and wrap-up
(the call's end time is recorded when it is answered). Calls are read block by block from
sim.model.random_inputs: the loop returns to Python when it needs the next block, so inputs are
never all in memory at once. Two outputs, each optional: per-call records, and streaming KPI
tallies whose memory does not grow with the number of calls. No Python object is created per
call or per event.

One extension module, in files included textually (Cython ``include``) from beside this one:
  _protocol.pxi  the protocol's constants (generated from sim/core/protocol.py by setup.py);
  _copies.pxi    copies between numpy arrays and C memory;
  _heap.pxi      the events: a 4-ary heap of C structs, ordered by one 128-bit comparison (two
                 heaps: the staffing events, one per agent always pending, and the others; the
                 loop takes the earlier head);
  _calls.pxi     the waiting calls: recycled slots, per call type a ring-buffer queue;
  _agents.pxi    the agents' spells, state and idle lists (per group, longest idle first), their log;
  _routing.pxi   the routing tables and choices (group for an arriving call, call for an agent);
  _tallies.pxi   the streaming KPI tallies (class Tallies);
  _records.pxi   the per-call records (columns indexed by record row: the call id, but with
                 redials rows in the order they were created, put in call order when read);
  _redials.pxi   the callers who may redial (sim.model.redials), the redials' links and rows;
  _attempts.pxi  the per-attempt records of outbound campaigns (columns indexed by attempt id);
  _outbound.pxi  class Outbound: the campaigns' state, the dialler, the outbound events;
  _transfers.pxi the calls' transfer plans and the transferred legs' records;
  _callbacks.pxi the callbacks' draws per call slot and their records;
  _model.pxi     class CoreModel: the scenario's tables, built once per scenario, that a run reads;
  _loop.pyx      class FastCore: setup, the event handlers and their dispatch (answering calls,
                 agents' spells, abandons, overflows), the run, and the results.

Outbound campaigns (scenarios that have them): once every event of an instant has been handled
(arrivals included) the dialler's pass runs (Outbound.dial_pass), and again after any events it
scheduled at that instant; a free agent takes a live answer waiting in its campaign before any
inbound call. Without campaigns all of it is skipped behind one flag test per event. The
streaming tallies stay inbound: a group's busy level counts inbound work only (an agent on an
outbound call counts as not busy there); the attempts are recorded in both modes.
"""

from libc.math cimport INFINITY, NAN, isnan, nextafter
from libc.stdlib cimport free
from libc.string cimport memcpy

import numpy as np

from sim._cmemory cimport grow, i64, zeros
from sim.policies._agent_selection cimport least_skilled_before
from sim.policies._call_selection cimport priority_fifo_before, priority_head_start_before
from sim.policies._routing cimport eligible, needs_overflow_timer

include "_protocol.pxi"  # event classes, kinds, outcome and state codes, tally layout (sim/core/protocol.py)
include "_copies.pxi"
include "_heap.pxi"
include "_calls.pxi"
include "_agents.pxi"
include "_routing.pxi"
include "_tallies.pxi"
include "_records.pxi"
include "_redials.pxi"
include "_attempts.pxi"
include "_outbound.pxi"
include "_transfers.pxi"
include "_callbacks.pxi"
include "_model.pxi"


@cython.final  # its methods are called directly (no virtual table), so the C compiler may inline them
cdef class FastCore:
    """One run of the model: load call blocks, run the loop, read the records and tallies."""

    # scenario
    cdef int n_types, n_groups, n_agents
    cdef i64 trunks
    cdef double horizon_end
    cdef Routing routing
    cdef double *speed  # [group * n_types + type]
    cdef Agents agents
    cdef AgentLog log
    # the block of calls being read (numpy arrays kept alive by `block`)
    cdef object block
    cdef double *in_arrival
    cdef int *in_type
    cdef double *in_talk
    cdef double *in_wrapup
    cdef double *in_patience
    cdef i64 block_first, block_size, block_next, n_calls
    # waiting calls
    cdef Slots slots
    cdef Queue *queues  # per type
    # outputs: per-call records, indexed by call id (only if keep_records); tallies (only if tally)
    cdef bint keep_records, tally
    cdef bint talk_end_event  # a separate event ends talk, before wrap-up (something observes it)
    cdef bint chain_timers  # a waiting call's timers are pushed one at a time (see push_timers)
    cdef bint heap_arrivals  # the blocks' arrivals go through the heap (as generated arrivals will)
    cdef i64 pending_arrivals  # (heap_arrivals) arrivals of the loaded block still in the heap
    cdef Records rec
    cdef Tallies kpi
    # events, clock
    cdef Heap events
    cdef Heap shifts  # the STAFFING events, apart: one per agent always pending, they would deepen the heap of the rest
    cdef i64 in_system
    cdef double now
    # outbound campaigns (only if ``outbound``); inbound counters their blending rules read:
    # per type, calls in its queue; answered within T and answered or abandoned since the interval began
    cdef bint outbound
    cdef bint dial_due  # an event was handled since the dialler's last pass (see run_dialling)
    cdef Outbound out
    cdef i64 *waiting
    cdef i64 *within
    cdef i64 *left
    cdef double sl_threshold
    # IVR menus (only if ``any_ivr``; sim.model.ivr): per type whether it has one, the port limit
    # (-1: none), calls in a menu now, the loaded block's IVR times and choices, their records
    cdef bint any_ivr
    cdef char *has_ivr
    cdef i64 ivr_ports, in_menu
    cdef double *in_ivr_time
    cdef int *in_ivr_choice
    cdef IvrRecs ivr_rec
    cdef double warmup
    # redials (only if ``any_redial``; sim.model.redials): per type the probabilities after an
    # abandon and after a block and the attempts allowed; the callers; the loaded block's draws;
    # record rows so far (n_calls without redials) and the loaded block's first row
    cdef bint any_redial
    cdef double *redial_abandoned
    cdef double *redial_blocked
    cdef int *redial_max
    cdef Callers callers
    cdef double *in_redial_u
    cdef double *in_redial_delay
    cdef double *in_redial_patience
    cdef i64 n_rows, block_row_first
    cdef i64 *caller_counts  # (with tallies) [(interval * n_types + type) * N_CALLER_COUNTS + field]
    cdef int n_intervals
    # transfers (only if ``any_transfer``; sim.model.transfers): the plans, the transferred legs
    cdef bint any_transfer
    cdef TransferLegs tr
    # callbacks (only if ``any_callback``; sim.model.callbacks): per type the offer rule's values and
    # dial attempts, agents on duty per group (always kept), the loaded block's draws, per slot the
    # draws of the call in it, the records; ``count_waiting``: keep ``waiting`` (outbound or callbacks)
    cdef bint any_callback, count_waiting
    cdef char *cb_offers
    cdef double *cb_offer_above
    cdef double *cb_mean_handle
    cdef int *cb_first_group
    cdef int *cb_attempts
    cdef char *cb_scheduled  # per type: its callbacks are scheduled (they leave the queue until due)
    cdef i64 *on_duty
    cdef char *in_cb_accept
    cdef double *in_cb_ring
    cdef double *in_cb_reach
    cdef double *in_cb_delay
    cdef CbSlots cb
    cdef CbSlots cb_caller  # (with redials) per caller entry: its first attempt's draws, for its redials
    cdef CbRecs cb_rec
    cdef CbDials cb_dials  # (records) every dial: the agents' busy time dialling
    cdef i64 *cb_counts  # (tally) per interval and type of the measured calls: offered, accepted, completed,
                         # failed, at [(interval * n_types + type) * 4 + count]
    cdef double *cb_waits  # (tally) per interval and type: the sum of the completed ones' times to callback

    def __cinit__(self, CoreModel m, bint keep_records, bint tally, Outbound outbound=None):
        """A run of the scenario whose tables ``m`` holds: per-call records if ``keep_records``,
        streaming tallies if ``tally``; ``outbound``: the campaigns' state (None: no campaign)."""
        cdef int i
        self.n_types = m.priority.shape[0]
        self.n_groups = m.served_start.shape[0] - 1
        self.n_agents = m.agent_group.shape[0]
        self.trunks = m.trunks
        self.horizon_end = m.horizon_end
        routing_init(&self.routing, m.priority, m.route_start, m.route_group, m.route_delay, m.served_start,
                     m.served_type, m.served_delay, m.head_start, m.group_skills, m.call_selection, m.agent_selection)
        self.speed = _doubles(m.speed)
        agents_init(&self.agents, self.n_groups, m.agent_group, m.spell_first, m.spell_count, m.spell_begin,
                    m.spell_end, m.spell_rest)
        self.queues = queues_new(self.n_types)
        heap_init(&self.events)
        heap_init(&self.shifts)
        slots_init(&self.slots)
        self.keep_records = keep_records
        self.talk_end_event = m.talk_end_event
        self.heap_arrivals = m.heap_arrivals
        self.tally = tally
        self.sl_threshold = m.sl_threshold
        self.waiting = <i64 *>zeros(self.n_types, sizeof(i64))
        self.within = <i64 *>zeros(self.n_types, sizeof(i64))
        self.left = <i64 *>zeros(self.n_types, sizeof(i64))
        self.warmup = m.warmup
        self.has_ivr = <char *>zeros(self.n_types, sizeof(char))
        if m.ivr is not None:
            for i in range(self.n_types):
                self.has_ivr[i] = m.ivr[i] != 0
                self.any_ivr = self.any_ivr or m.ivr[i] != 0
        self.ivr_ports = m.ivr_ports
        self.any_redial = m.redial_width > 0
        if self.any_redial:
            self.redial_abandoned, self.redial_blocked = _doubles(m.redial_abandoned), _doubles(m.redial_blocked)
            self.redial_max = <int *>zeros(self.n_types, sizeof(int))
            memcpy(self.redial_max, &m.redial_max[0], self.n_types * sizeof(int))
            self.callers.width = m.redial_width
            if tally:
                self.caller_counts = <i64 *>zeros(<i64>m.n_intervals * self.n_types * N_CALLER_COUNTS, sizeof(i64))
        self.n_intervals = m.n_intervals
        self.any_transfer = m.transfer_slots > 0
        self.tr.slots = m.transfer_slots
        self.on_duty = <i64 *>zeros(self.n_groups, sizeof(i64))
        if m.callback_offers is not None:
            self.callbacks_init(m.callback_offers, m.callback_offer_above, m.callback_mean_handle, m.callback_first_group,
                                m.callback_attempts, m.callback_width, m.callback_scheduled)
        self.outbound = outbound is not None
        self.count_waiting = self.outbound or self.any_callback
        self.chain_timers = not (self.outbound or self.any_callback)
        if self.chain_timers:  # (only worth it with overflows: without, a call has one timer)
            self.chain_timers = False
            for i in range(m.route_delay.shape[0]):
                self.chain_timers = self.chain_timers or m.route_delay[i] > 0
        if self.outbound:
            self.out = outbound
            self.agents.count_idle = 1
            outbound.attach(self.n_types, &self.agents, &self.events, self.waiting, self.within, self.left)
        if tally:
            self.kpi = Tallies(self.n_types, self.n_groups, m.n_intervals, m.interval_length, m.warmup, m.sl_threshold,
                               m.short_abandon, m.bucket_edges)
        for i in range(self.n_agents):
            self.next_spell(i)

    def __dealloc__(self):
        routing_free(&self.routing); free(self.speed); agents_free(&self.agents); log_free(&self.log)
        queues_free(self.queues, self.n_types); slots_free(&self.slots); free(self.events.items); free(self.shifts.items)
        records_free(&self.rec); free(self.waiting); free(self.within); free(self.left)
        free(self.has_ivr); ivr_records_free(&self.ivr_rec); transfer_legs_free(&self.tr)
        free(self.redial_abandoned); free(self.redial_blocked); free(self.redial_max); callers_free(&self.callers)
        free(self.caller_counts)
        free(self.on_duty); free(self.cb_offers); free(self.cb_offer_above); free(self.cb_mean_handle)
        free(self.cb_first_group); free(self.cb_attempts); free(self.cb_scheduled); cb_slots_free(&self.cb); cb_records_free(&self.cb_rec)
        cb_dials_free(&self.cb_dials)
        cb_slots_free(&self.cb_caller)
        free(self.cb_counts); free(self.cb_waits)

    cdef int callbacks_init(self, const signed char[::1] offers, const double[::1] offer_above,
                            const double[::1] mean_handle, const int[::1] first_group, const int[::1] attempts,
                            int width, const signed char[::1] scheduled) except -1:
        cdef int k
        self.cb_offers = <char *>zeros(self.n_types, sizeof(char))
        self.cb_offer_above = _doubles(offer_above)
        self.cb_mean_handle = _doubles(mean_handle)
        self.cb_first_group = <int *>zeros(self.n_types, sizeof(int))
        self.cb_attempts = <int *>zeros(self.n_types, sizeof(int))
        self.cb_scheduled = <char *>zeros(self.n_types, sizeof(char))
        for k in range(self.n_types):
            self.cb_scheduled[k] = scheduled is not None and scheduled[k] != 0
            self.cb_offers[k] = offers[k] != 0
            self.any_callback = self.any_callback or offers[k] != 0
            self.cb_first_group[k] = first_group[k]
            self.cb_attempts[k] = attempts[k]
        self.cb.width = width
        self.cb_caller.width = width
        self.cb_counts = <i64 *>zeros(<i64>self.n_intervals * self.n_types * 4, sizeof(i64))
        self.cb_waits = <double *>zeros(<i64>self.n_intervals * self.n_types, sizeof(double))
        return 0

    # -- calls --------------------------------------------------------------------------------

    def load(self, double[::1] arrival, int[::1] call_type, double[::1] talk, double[::1] wrapup,
             double[::1] patience, double[::1] ivr_time=None, int[::1] ivr_choice=None,
             double[::1] redial_u=None, double[::1] redial_delay=None, double[::1] redial_patience=None,
             const int[::1] transfer_to=None, const double[::1] transfer_consult=None,
             const double[::1] transfer_talk=None, const double[::1] transfer_wrapup=None,
             const double[::1] transfer_patience=None, signed char[::1] callback_accept=None,
             double[::1] callback_ring=None, double[::1] callback_reach=None, double[::1] callback_delay=None):
        """Make the next block of calls (ids continue from the previous block) the one to read;
        ``ivr_time`` and ``ivr_choice``: the calls' IVR decisions (required with an IVR);
        ``redial_*``: the calls' redial draws, ``redial_width`` per call, row after row (with redials);
        ``transfer_*``: their leg plans, flattened (sim.model.transfers.LegPlan; with transfers);
        the ``callback_*`` ones (required with callbacks: per call, and per call and attempt, flat).

        The previous block must have been read to the end (``run`` returned True).
        """
        cdef i64 n = arrival.shape[0], first = self.n_calls, i, m
        if self.block_next < self.block_size:
            raise RuntimeError("load: the previous block of calls has not been read to the end")
        self.block_first, self.block_size, self.block_next = first, n, 0
        if n == 0:
            return
        if not (call_type.shape[0] == n and talk.shape[0] == n and wrapup.shape[0] == n
                and patience.shape[0] == n):
            raise ValueError("load: the columns of a block must have the same length")
        self.block = (arrival, call_type, talk, wrapup, patience, ivr_time, ivr_choice, redial_u, redial_delay,
                      redial_patience, callback_accept, callback_ring, callback_reach, callback_delay)
        self.in_arrival, self.in_type, self.in_talk = &arrival[0], &call_type[0], &talk[0]
        self.in_wrapup, self.in_patience = &wrapup[0], &patience[0]
        if self.any_ivr:
            if ivr_time is None or ivr_choice is None or ivr_time.shape[0] != n or ivr_choice.shape[0] != n:
                raise ValueError("load: the scenario has an IVR: give ivr_time and ivr_choice for every call")
            self.in_ivr_time, self.in_ivr_choice = &ivr_time[0], &ivr_choice[0]
        if self.any_redial:
            self.load_redial_draws(n, redial_u, redial_delay, redial_patience)
        if self.any_transfer:
            m = n * self.tr.slots
            if (transfer_to is None or transfer_consult is None or transfer_talk is None or transfer_wrapup is None
                    or transfer_patience is None or transfer_to.shape[0] != m or transfer_consult.shape[0] != m
                    or transfer_talk.shape[0] != m or transfer_wrapup.shape[0] != m or transfer_patience.shape[0] != m):
                raise ValueError("load: the scenario has transfers: give every call's leg plan")
            transfer_plans_add(&self.tr, first, n, &transfer_to[0], &transfer_consult[0], &transfer_talk[0],
                               &transfer_wrapup[0], &transfer_patience[0])
        if self.any_callback:
            if (callback_accept is None or callback_ring is None or callback_reach is None or callback_delay is None
                    or callback_accept.shape[0] != n or callback_ring.shape[0] != n * self.cb.width
                    or callback_reach.shape[0] != n * self.cb.width or callback_delay.shape[0] != n * self.cb.width):
                raise ValueError("load: the scenario offers callbacks: give the callback decisions for every call")
            self.in_cb_accept, self.in_cb_ring = <char *>&callback_accept[0], &callback_ring[0]
            self.in_cb_reach, self.in_cb_delay = &callback_reach[0], &callback_delay[0]
        self.n_calls = first + n
        self.block_row_first = self.n_rows
        self.n_rows += n
        if self.keep_records:
            records_add(&self.rec, self.block_row_first, n, self.in_arrival, self.in_type)
            if self.any_ivr:
                ivr_records_add(&self.ivr_rec, self.block_row_first, n, self.in_type, self.has_ivr)
            if self.any_redial:
                rows_mark(&self.callers, self.block_row_first, n, 0)
            if self.any_callback:  # (indexed by record row, as the call records)
                cb_records_add(&self.cb_rec, self.block_row_first, n)
        if self.heap_arrivals:  # every arrival of the block as an event: (time, ARRIVAL, call id)
            for i in range(n):
                heap_push(&self.events, arrival[i], ARRIVAL, first + i, EV_ARRIVAL, 0)
            self.pending_arrivals = n

    cdef inline int enqueue(self, int k, int slot, i64 id) except -1:
        queue_push(&self.queues[k], slot, id)
        if self.count_waiting:
            self.waiting[k] += 1
        if self.tally:
            self.kpi.queue_step(k, 1, self.now)
        return 0

    cdef inline void leave_queue(self, int k) noexcept:
        if self.count_waiting:
            self.waiting[k] -= 1
        if self.tally:
            self.kpi.queue_step(k, -1, self.now)

    cdef inline int serve(self, int agent, Call *c) except -1:
        """The agent answers the call now and starts talking (the caller frees the call's slot).

        Unless ``talk_end_event`` (something observes the end of talk: the trunk it frees),
        nothing but the agent does, who is busy until the end of wrap-up: the call's end is
        recorded now and one event ends talk and wrap-up.
        """
        cdef int g = self.agents.group[agent]
        cdef double factor = self.speed[g * self.n_types + c.type]
        cdef double talk = c.talk, wrapup = c.wrapup, end
        if self.any_callback and c.callback:
            return self.callback_dial(agent, c)  # (1: the call keeps its slot)
        if factor != 1.0:  # (x / 1 is x: the division is skipped, not changed)
            talk, wrapup = talk / factor, wrapup / factor
        end = self.now + talk
        if self.outbound:  # (the blending rule threshold_sl_floor reads them)
            self.left[c.type] += 1
            self.within[c.type] += self.now - c.arrival <= self.sl_threshold
        if self.keep_records:
            if c.id >= LEG_ID_FLOOR:
                self.leg_answered(LEG_ID_TOP - c.id, g, agent, talk, wrapup)
            else:
                self.rec.outcome[c.row] = ANSWERED
                self.rec.answer[c.row] = self.now
                self.rec.group[c.row] = g
                self.rec.agent[c.row] = agent
                self.rec.talk[c.row] = talk
                self.rec.wrapup[c.row] = wrapup
        if self.any_redial and c.caller >= 0:  # through: the caller is done
            caller_release(&self.callers, c.caller)
        if self.tally:
            if self.any_transfer:
                self.count_transfer(c, g, talk, wrapup)
            else:
                self.kpi.answered(c, g, talk, talk + wrapup, self.now)
            self.kpi.busy_step(g, 1, self.now)
        if not self.talk_end_event:
            if self.keep_records:
                self.rec.end[c.row] = end
            if self.tally:
                self.kpi.call_end(end)
            heap_push(&self.events, end + wrapup if wrapup > 0 else end, COMPLETION, agent, EV_WRAP_END, agent)
        else:  # the end of talk frees a trunk
            self.agents.hand_id[agent], self.agents.hand_row[agent] = c.id, c.row  # (row -1: a transferred leg)
            self.agents.wrap_in_hand[agent] = wrapup
            heap_push(&self.events, end, COMPLETION, agent, EV_TALK_END, agent)
        return 0

    cdef inline int next_call(self, int agent) noexcept:
        """Slot of the waiting call a free agent takes now (taken off its queue), or -1."""
        cdef int k = -1  # the call's type
        cdef int slot = waiting_call(&self.routing, self.queues, &self.slots, self.agents.group[agent], self.now, &k)
        if slot >= 0:
            queue_drop_head(&self.queues[k])
            self.leave_queue(k)
        return slot

    # -- agents -------------------------------------------------------------------------------

    cdef int next_spell(self, int agent) except -1:
        """Schedule the agent's next spell on the phones: at its start, or its rest (a break's
        length) after the agent went off duty if that is later; a spell that would start at or
        after its scheduled end is skipped."""
        cdef int s = self.agents.current_spell[agent] + 1
        cdef int last = self.agents.spell_count[agent]
        cdef int index
        cdef double begin, ready
        while s < last:
            index = self.agents.spell_first[agent] + s
            begin = self.agents.spell_begin[index]
            ready = self.agents.went_off[agent] + self.agents.spell_rest[index]
            if ready > begin:
                begin = ready
            if begin >= self.agents.spell_end[index]:
                s += 1
                continue
            heap_push(&self.shifts, begin, STAFFING, agent, EV_SHIFT_START, agent)
            break
        self.agents.current_spell[agent] = s
        return 0

    cdef int end_spell(self, int agent) except -1:
        cdef int index = self.agents.spell_first[agent] + self.agents.current_spell[agent]
        log_add(&self.log, agent, self.agents.on_duty_since[agent], self.agents.spell_end[index], self.now)
        self.on_duty[self.agents.group[agent]] -= 1
        self.agents.on_duty_since[agent] = NAN
        self.agents.went_off[agent] = self.now
        self.next_spell(agent)
        return 0

    cdef int agent_free(self, int agent) except -1:
        """After talk (and wrap-up): go home if the spell is over, else take the next call."""
        self.agents.last_done[agent] = self.now
        if self.tally:
            self.kpi.busy_step(self.agents.group[agent], -1, self.now)
        if self.agents.leaving[agent]:
            return self.end_spell(agent)
        return self.work_or_idle(agent)

    cdef inline int work_or_idle(self, int agent) except -1:
        """A free agent on duty takes a live answer waiting in its campaign, else the next waiting
        call, or joins its group's idle list."""
        cdef int slot
        if self.outbound and self.out.take_waiting_connect(agent, self.now):
            return 0
        slot = self.next_call(agent)
        if slot >= 0:
            if self.serve(agent, &self.slots.calls[slot]) == 0:
                slot_release(&self.slots, slot)
        else:
            idle_add(&self.agents, agent)
        return 0

    # -- events -------------------------------------------------------------------------------

    cdef inline int arrive(self) except -1:
        """The next call of the block arrives (now)."""
        cdef i64 i = self.block_next, id = self.block_first + self.block_next, row = self.block_row_first + i
        cdef int k = self.in_type[i], j, g, agent, slot, interval = 0
        cdef double arrival = self.in_arrival[i], patience = self.in_patience[i], delay
        cdef int offer = CB_DECLINED
        cdef Call *c
        cdef Call call
        self.block_next += 1
        self.now = arrival
        if self.any_ivr and self.has_ivr[k]:
            return self.enter_ivr(i, id, k, arrival)
        if self.tally:
            interval = self.kpi.interval_of(arrival)
            if arrival >= self.kpi.warmup:
                self.kpi.count(interval, k, C_ARRIVED)
                if self.any_redial:
                    self.caller_count(interval, k, CC_CALLERS)
        if self.trunks >= 0 and self.in_system >= self.trunks:
            if self.keep_records:
                self.rec.outcome[row] = BLOCKED
                self.rec.end[row] = arrival
            if self.tally:
                if arrival >= self.kpi.warmup:
                    self.kpi.count(interval, k, C_BLOCKED)
                self.kpi.call_end(arrival)
            if self.any_redial:
                self.attempt_failed(self.caller_of(i, id, interval), True)
            return 0
        self.in_system += 1
        g = select_group(&self.routing, self.agents.idle_head, k, arrival)
        if g >= 0:  # answered at once: the call never needs a slot, a queue entry or a timer
            call.arrival, call.talk, call.wrapup = arrival, self.in_talk[i], self.in_wrapup[i]
            call.id, call.type, call.interval, call.early = id, k, interval, arrival < self.warmup
            call.row, call.caller, call.callback = row, -1, 0
            agent = self.agents.idle_head[g]
            idle_remove(&self.agents, agent)
            return self.serve(agent, &call)
        slot = slot_new(&self.slots)
        c = &self.slots.calls[slot]
        c.arrival, c.talk, c.wrapup = arrival, self.in_talk[i], self.in_wrapup[i]
        c.id, c.type, c.interval, c.state, c.early = id, k, interval, CALL_WAITING, arrival < self.warmup
        c.row, c.caller, c.callback, c.patience = row, -1, 0, patience
        if self.any_redial:
            c.caller = self.caller_of(i, id, interval)
        if self.any_callback:
            offer = self.callback_offer(slot, i)
            if offer != CB_DECLINED:
                patience = INFINITY  # an accepted callback never abandons
        if offer != CB_SCHEDULED:  # (a scheduled callback left the queue until due)
            self.enqueue(k, slot, id)
        if self.chain_timers:
            return self.push_next_timer(slot, NULL)
        if patience < INFINITY:
            heap_push(&self.events, arrival + patience, ABANDON, id, EV_ABANDON, slot)
        for j in range(self.routing.route_start[k], self.routing.route_start[k + 1]):
            delay = self.routing.route_delay[j]
            if needs_overflow_timer(arrival, delay, patience, arrival):
                heap_push(&self.events, arrival + delay, OVERFLOW,
                          (id << ROUTE_BITS) | (j - self.routing.route_start[k]), EV_OVERFLOW, slot)
        return 0

    cdef int enter_ivr(self, i64 i, i64 id, int k, double arrival) except -1:
        """(Not inlined: the usual path stays compact.) Call i of the block, of a type with an IVR,
        arrives now: ``ivr_admit``."""
        cdef Call call
        call.arrival, call.talk, call.wrapup, call.patience = arrival, self.in_talk[i], self.in_wrapup[i], self.in_patience[i]
        call.id, call.row, call.type, call.interval, call.early = id, self.block_row_first + i, k, 0, arrival < self.warmup
        call.choice, call.caller = self.in_ivr_choice[i], -1
        if self.tally:
            call.interval = self.kpi.interval_of(arrival)
            if self.any_redial and not call.early:
                self.caller_count(call.interval, k, CC_CALLERS)
        if self.any_redial:
            call.caller = self.caller_of(i, id, call.interval)
        return self.ivr_admit(&call, self.in_ivr_time[i], i)

    cdef int ivr_admit(self, Call *call, double ivr_time, i64 block_index) except -1:
        """The call (filled in but for its state), of a type with an IVR, arrives now: blocked if
        every trunk or every port is taken, else it enters the menu (in a slot, until its IVR_END
        event)."""
        cdef int slot
        if (self.trunks >= 0 and self.in_system >= self.trunks) or (self.ivr_ports >= 0 and self.in_menu >= self.ivr_ports):
            if self.keep_records:
                self.rec.outcome[call.row] = BLOCKED
                self.rec.end[call.row] = self.now
            if self.tally:
                if not call.early:
                    self.kpi.count(call.interval, call.type, C_ARRIVED)
                    self.kpi.count(call.interval, call.type, C_BLOCKED)
                self.kpi.call_end(self.now)
            if self.any_redial:
                self.attempt_failed(call.caller, True)
            return 0
        self.in_system += 1
        self.in_menu += 1
        slot = slot_new(&self.slots)
        self.slots.calls[slot] = call[0]
        self.slots.calls[slot].state = CALL_IN_IVR
        self.slots.calls[slot].callback = 0
        if self.any_callback:  # (its block may be replaced before it joins a queue)
            self.callback_draws_for(slot, block_index, call.caller)
        heap_push(&self.events, self.now + ivr_time, IVR_END, call.id, EV_IVR_END, slot)
        return 0

    cdef int leave_ivr(self, int slot) except -1:
        """The call in the slot leaves its IVR menu now: it leaves (self-served or hung up), or
        joins its choice's queue as an arriving call would (the wait counts from now)."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int k = c.choice
        self.in_menu -= 1
        if self.keep_records:
            self.ivr_rec.end[c.row] = self.now
        if k < 0:
            self.in_system -= 1
            if self.keep_records:
                self.ivr_rec.outcome[c.row] = IVR_FINISHED if k == IVR_SELF_SERVED else IVR_HUNG
                self.rec.outcome[c.row] = SELF_SERVED if k == IVR_SELF_SERVED else IVR_ABANDONED
                self.rec.end[c.row] = self.now
            if self.tally:
                if not c.early:
                    self.kpi.count(c.interval, c.type, C_ARRIVED)
                    self.kpi.count(c.interval, c.type, C_SELF_SERVED if k == IVR_SELF_SERVED else C_IVR_ABANDONED)
                self.kpi.call_end(self.now)
            if self.any_redial and c.caller >= 0:  # done in the menu: no redial
                caller_release(&self.callers, c.caller)
            slot_release(&self.slots, slot)
            return 0
        if self.keep_records:
            self.ivr_rec.outcome[c.row] = IVR_ZEROED
            self.ivr_rec.queue[c.row] = k
        c.type, c.arrival = k, self.now
        if self.tally:
            self.kpi.call_end(self.now)  # (a caller was present then: the measured window reaches it)
            if not c.early:
                self.kpi.count(c.interval, k, C_ARRIVED)
        return self.join_queue(slot)

    cdef int push_next_timer(self, int slot, const Event *after) except -1:
        """(chain_timers) Push the first of the waiting call's timers (its abandon, its overflows to
        its route's later groups, from when it joined its queue, ``c.arrival``) that comes after
        the event ``after`` in event order (NULL: the first of all), if any.

        A call's timers are pushed one at a time, the next when the previous one fires with the
        call still waiting: a call answered within seconds never puts its abandon in the heap.
        The events handled and their order are the same as with every timer pushed at once: a
        timer fires after every event before it in event order, whenever it was pushed, and
        once the call has left, its remaining timers would only have found it gone (it never
        waits again: not with callbacks, which rejoin their queue, nor with campaigns, whose
        dialler runs after any event, so chain_timers is off there)."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int k = c.type, j, first = self.routing.route_start[k]
        cdef Event best, candidate
        cdef bint found = False
        cdef double delay
        if c.patience < INFINITY:
            event_set(&candidate, c.arrival + c.patience, ABANDON, c.id, EV_ABANDON, slot)
            if after == NULL or before(after, &candidate):
                best, found = candidate, True
        for j in range(first, self.routing.route_start[k + 1]):
            delay = self.routing.route_delay[j]
            if needs_overflow_timer(c.arrival, delay, c.patience, c.arrival):
                event_set(&candidate, c.arrival + delay, OVERFLOW, (c.id << ROUTE_BITS) | (j - first), EV_OVERFLOW, slot)
                if (after == NULL or before(after, &candidate)) and not (found and before(&best, &candidate)):
                    best, found = candidate, True
        if found:
            heap_insert(&self.events, &best)
        return 0

    cdef int join_queue(self, int slot) except -1:
        """The call in the slot joins its type's queue now (leaving an IVR menu, transferred, or a
        redial), as an arriving call would: an idle agent answers it, or it waits with its timers."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int k = c.type, g, j, agent
        cdef double delay
        g = select_group(&self.routing, self.agents.idle_head, k, self.now)
        if g >= 0:
            agent = self.agents.idle_head[g]
            idle_remove(&self.agents, agent)
            self.serve(agent, c)
            slot_release(&self.slots, slot)
            return 0
        c.state = CALL_WAITING
        if not (self.any_callback and self.callback_offer(slot, -1) == CB_SCHEDULED):
            self.enqueue(k, slot, c.id)
        if self.chain_timers:
            return self.push_next_timer(slot, NULL)
        if c.patience < INFINITY:
            heap_push(&self.events, self.now + c.patience, ABANDON, c.id, EV_ABANDON, slot)
        for j in range(self.routing.route_start[k], self.routing.route_start[k + 1]):
            delay = self.routing.route_delay[j]
            if needs_overflow_timer(self.now, delay, c.patience, self.now):
                heap_push(&self.events, self.now + delay, OVERFLOW,
                          (c.id << ROUTE_BITS) | (j - self.routing.route_start[k]), EV_OVERFLOW, slot)
        return 0

    # -- redials (sim.model.redials) ------------------------------------------------------------

    cdef inline void caller_count(self, int interval, int k, int field) noexcept:
        """Add one to caller-level count ``field`` (CC_...) of type k in the interval (tallies)."""
        self.caller_counts[(<i64>interval * self.n_types + k) * N_CALLER_COUNTS + field] += 1

    cdef int load_redial_draws(self, i64 n, double[::1] u, double[::1] delay, double[::1] patience) except -1:
        cdef i64 w = self.callers.width
        if u is None or delay is None or patience is None or u.shape[0] != n * w or delay.shape[0] != n * w \
                or patience.shape[0] != n * w:
            raise ValueError("load: the scenario has redials: give redial_u, redial_delay and redial_patience, "
                             "redial_width values per call")
        self.in_redial_u, self.in_redial_delay, self.in_redial_patience = &u[0], &delay[0], &patience[0]
        return 0

    cdef int caller_of(self, i64 i, i64 id, int interval) except -1:
        """A new entry for the caller of call i of the block (its first attempt, arriving now)."""
        cdef int entry = caller_new(&self.callers), w = self.callers.width
        cdef Caller *p = &self.callers.items[entry]
        cdef double *d = &self.callers.draws[<i64>entry * 3 * w]
        p.talk, p.wrapup, p.first, p.type = self.in_talk[i], self.in_wrapup[i], id, self.in_type[i]
        p.ivr_time, p.ivr_choice = 0.0, 0
        if self.any_ivr:
            p.ivr_time, p.ivr_choice = self.in_ivr_time[i], self.in_ivr_choice[i]
        p.attempt, p.interval, p.early = 1, interval, self.now < self.warmup
        memcpy(d, &self.in_redial_u[i * w], w * sizeof(double))
        memcpy(d + w, &self.in_redial_delay[i * w], w * sizeof(double))
        memcpy(d + 2 * w, &self.in_redial_patience[i * w], w * sizeof(double))
        if self.any_callback:  # (its redials' callback draws: sim.model.callbacks)
            self.callback_block_draws(&self.cb_caller, entry, i)
        return entry

    cdef int attempt_failed(self, int entry, bint blocked) except -1:
        """The caller's attempt ended now, blocked or abandoned: its draw says whether it redials
        (a REDIAL event, a record row now) unless the redial would come at or after the horizon's
        end; else the caller is done, lost."""
        cdef Caller *p = &self.callers.items[entry]
        cdef int w = self.callers.width, a = p.attempt, k = p.type
        cdef double *d = &self.callers.draws[<i64>entry * 3 * w]
        cdef double when
        if self.tally and not p.early and a == 1:
            self.caller_count(p.interval, k, CC_FIRST_LOST)
        when = self.now + d[w + a - 1]
        if a < self.redial_max[k] and d[a - 1] < (self.redial_blocked[k] if blocked else self.redial_abandoned[k]) \
                and when < self.horizon_end:
            p.attempt, p.next_row = a + 1, self.n_rows
            self.n_rows += 1
            if self.keep_records:
                records_add(&self.rec, p.next_row, 1, &when, &k)
                rows_mark(&self.callers, p.next_row, 1, 1)
                if self.any_ivr:
                    ivr_records_add(&self.ivr_rec, p.next_row, 1, &k, self.has_ivr)
                if self.any_callback:
                    cb_records_add(&self.cb_rec, p.next_row, 1)
            heap_push(&self.events, when, REDIAL, self.callers.n_redials, EV_REDIAL, entry)
            return redial_logged(&self.callers, p.first, a + 1)
        if self.tally and not p.early:
            self.caller_count(p.interval, k, CC_CALLERS_LOST)
        caller_release(&self.callers, entry)
        return 0

    cdef int redial_arrives(self, i64 number, int entry) except -1:
        """The caller's redial number ``number`` arrives now: a new call of its type (its talk,
        wrap-up, IVR decisions; its fresh patience), through the type's menu if it has one."""
        cdef Caller *p = &self.callers.items[entry]
        cdef int w = self.callers.width, slot
        cdef Call call
        call.arrival, call.talk, call.wrapup = self.now, p.talk, p.wrapup
        call.patience = self.callers.draws[<i64>entry * 3 * w + 2 * w + p.attempt - 2]
        call.id, call.row, call.type, call.caller = REDIAL_ID_BASE + number, p.next_row, p.type, entry
        call.interval, call.early, call.choice = 0, self.now < self.warmup, p.ivr_choice
        call.callback = 0
        if self.tally:
            call.interval = self.kpi.interval_of(self.now)
            if not call.early:
                self.caller_count(call.interval, p.type, CC_REDIALS)
            if not p.early:
                self.caller_count(p.interval, p.type, CC_CALLER_REDIALS)
        if self.has_ivr[p.type]:
            return self.ivr_admit(&call, p.ivr_time, -1)
        if self.tally and not call.early:
            self.kpi.count(call.interval, call.type, C_ARRIVED)
        if self.trunks >= 0 and self.in_system >= self.trunks:
            if self.keep_records:
                self.rec.outcome[call.row] = BLOCKED
                self.rec.end[call.row] = self.now
            if self.tally:
                if not call.early:
                    self.kpi.count(call.interval, call.type, C_BLOCKED)
                self.kpi.call_end(self.now)
            return self.attempt_failed(entry, True)
        self.in_system += 1
        slot = slot_new(&self.slots)
        self.slots.calls[slot] = call
        if self.any_callback:
            self.callback_draws_for(slot, -1, entry)
        return self.join_queue(slot)
    # -- transfers ----------------------------------------------------------------------------

    cdef inline i64 leg_origin(self, i64 id, int *leg) noexcept:
        """The call id of a leg's entity (a call id, or a transferred leg's), and its leg number."""
        if id < LEG_ID_FLOOR:
            leg[0] = 0
            return id
        leg[0] = self.tr.leg[LEG_ID_TOP - id]
        return self.tr.call[LEG_ID_TOP - id]

    cdef inline i64 planned(self, i64 id) noexcept:
        """Index in the plans of the transfer after the leg ``id`` (a leg entity), or -1 if its
        call has no transfer after it. A redial follows its caller's plan: its first attempt's."""
        cdef int leg = 0
        cdef i64 origin = self.leg_origin(id, &leg), index
        if leg >= self.tr.slots:
            return -1
        if origin >= REDIAL_ID_BASE:
            origin = self.callers.first[origin - REDIAL_ID_BASE]
        index = origin * self.tr.slots + leg
        return index if self.tr.to[index] >= 0 else -1

    cdef int leg_answered(self, i64 row, int g, int agent, double talk, double wrapup) except -1:
        self.tr.outcome[row], self.tr.group[row], self.tr.agent[row] = ANSWERED, g, agent
        self.tr.start[row], self.tr.leg_talk[row], self.tr.leg_wrapup[row] = self.now, talk, wrapup
        return 0

    cdef int count_transfer(self, const Call *c, int g, double talk, double wrapup) except -1:
        """(Tallies) The leg c is answered now by group g: counted answered with its consult in
        its handle time (talk + (wrap-up + consult), as the record route adds them); transferred
        if its plan says so, and (a first leg) its caller answered, resolved at first contact if
        never transferred."""
        cdef int leg = 0
        cdef i64 index = self.planned(c.id)
        cdef bint moved = index >= 0
        self.kpi.answered(c, g, talk, talk + (wrapup + (self.tr.consult[index] if moved else 0.0)), self.now)
        if c.early:
            return 0
        self.leg_origin(c.id, &leg)
        if moved:
            self.kpi.count(c.interval, c.type, C_TRANSFERRED)
            self.kpi.consulted(c, self.tr.consult[index])
        if leg == 0:
            self.kpi.count(c.interval, c.type, C_FIRST_ANSWERED)
            if not moved:
                self.kpi.count(c.interval, c.type, C_FIRST_RESOLVED)
        return 0

    cdef bint transfer(self, i64 id) except -1:
        """The talk of leg ``id`` ended now: if its call's plan says so, the caller joins the next
        queue now as a new leg (True), else it leaves (False)."""
        cdef i64 index = self.planned(id), row, origin
        cdef int leg = 0, slot
        cdef Call *c
        if index < 0:
            return False
        origin = self.leg_origin(id, &leg)
        row = transfer_leg_new(&self.tr, origin, leg + 1, self.tr.to[index], self.now)
        slot = slot_new(&self.slots)
        c = &self.slots.calls[slot]
        c.arrival, c.talk, c.wrapup, c.patience = self.now, self.tr.talk[index], self.tr.wrapup[index], self.tr.patience[index]
        c.id, c.type, c.state, c.early = LEG_ID_TOP - row, self.tr.to[index], CALL_WAITING, self.now < self.warmup
        c.row, c.caller, c.callback = -1, -1, 0  # (no record row: the legs' own records; no redial after it)
        c.interval, c.choice = 0, 0
        if self.tally:
            c.interval = self.kpi.interval_of(self.now)
            if not c.early:
                self.kpi.count(c.interval, c.type, C_ARRIVED)
        self.join_queue(slot)
        return True

    # -- callbacks (sim.model.callbacks; not inlined: the usual path stays compact) ------------

    cdef inline i64 cb_cell(self, const Call *c) noexcept:
        """The call's cell of the callback tallies: its arrival interval and the type it queues as."""
        return <i64>c.interval * self.n_types + c.type

    cdef int callback_block_draws(self, CbSlots *s, i64 row, i64 i) except -1:
        """Copy call i of the loaded block's callback draws into row ``row`` of ``s`` (a call slot's,
        or a caller entry's)."""
        cdef int w = s.width, a
        cb_slots_reserve(s, row)
        s.accept[row] = self.in_cb_accept[i]
        s.attempts[row] = 0
        for a in range(w):
            s.ring[row * w + a] = self.in_cb_ring[i * w + a]
            s.reach[row * w + a] = self.in_cb_reach[i * w + a]
            s.delay[row * w + a] = self.in_cb_delay[i * w + a]
        return 0

    cdef int callback_draws_for(self, int slot, i64 i, int caller) except -1:
        """The slot takes its call's draws: call i of the loaded block's (i >= 0), else (a redial)
        its caller's, the first attempt's (sim.model.callbacks: the caller's disposition)."""
        if i >= 0:
            return self.callback_block_draws(&self.cb, slot, i)
        if self.any_redial and caller >= 0:
            cb_row_copy(&self.cb, slot, &self.cb_caller, caller)
        return 0

    cdef int callback_offer(self, int slot, i64 i) except -1:
        """The call in the slot joins its queue now (before it is counted there): offered a
        callback if its predicted wait exceeds its type's threshold, accepted by its draw
        (``i``: its row in the loaded block, whose draws the slot takes; -1: already copied).
        Returns CB_DECLINED (not offered or declined), CB_KEEP_PLACE (accepted: it has no
        patience), or CB_SCHEDULED (accepted, scheduled: out of the queue until its due time)."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int k = c.type
        cdef i64 on_duty
        cdef double wait, due
        if i >= 0:
            self.callback_block_draws(&self.cb, slot, i)
        if not self.cb_offers[k] or c.callback or c.id >= LEG_ID_FLOOR:  # (a transferred leg: never)
            return CB_DECLINED
        on_duty = self.on_duty[self.cb_first_group[k]]
        wait = (self.waiting[k] + 1) * self.cb_mean_handle[k] / on_duty if on_duty > 0 else INFINITY
        if not wait > self.cb_offer_above[k]:
            return CB_DECLINED
        if self.keep_records:
            self.cb_rec.offered[c.row] = 1
        if self.tally and not c.early:
            self.cb_counts[self.cb_cell(c) * 4] += 1
        if not self.cb.accept[slot]:
            return CB_DECLINED
        if self.keep_records:
            self.cb_rec.accepted[c.row] = 1
        if self.tally and not c.early:
            self.cb_counts[self.cb_cell(c) * 4 + 1] += 1
        c.callback = 1
        c.patience = INFINITY
        if not self.cb_scheduled[k]:
            return CB_KEEP_PLACE
        c.state = CALL_CALLBACK  # out of its queue until due (never, if due at or after the horizon's end)
        due = self.now + self.cb.delay[<i64>slot * self.cb.width]
        if self.keep_records:
            self.cb_rec.due[c.row] = due
        if due < self.horizon_end:
            heap_push(&self.events, due, CALLBACK_RETRY, c.id, EV_CALLBACK_DUE, slot)
        elif self.tally and not c.early:  # never dialled: unfinished at the end (in no queue for close)
            self.kpi.count(c.interval, k, C_UNFINISHED)
        return CB_SCHEDULED

    cdef int callback_dial(self, int agent, Call *c) except -1:
        """The agent took the accepted callback c (in its slot): it dials; the ring ends at a
        CALLBACK_RING event. Returns 1 (the call keeps its slot)."""
        cdef int slot = <int>(c - self.slots.calls)
        cdef int attempt = self.cb.attempts[slot]
        cdef double ring_end = self.now + self.cb.ring[slot * self.cb.width + attempt]
        self.cb.attempts[slot] = attempt + 1
        self.cb.agent[slot] = agent
        c.state = CALL_CALLBACK
        if self.tally:  # it still counts in its queue's length until connected or failed (as in the records)
            self.kpi.queue_step(c.type, 1, self.now)
            self.kpi.busy_step(self.agents.group[agent], 1, self.now)  # dialling is busy time
        if self.keep_records:
            self.cb_rec.attempts[c.row] = attempt + 1
            if attempt == 0:
                self.cb_rec.first_dial[c.row] = self.now
            self.cb_rec.last_dial[c.row] = self.now
            cb_dials_add(&self.cb_dials, c.row, attempt, self.agents.group[agent], agent, self.now, ring_end)
        heap_push(&self.events, ring_end, CALLBACK_RING, c.id, EV_CALLBACK_RING, slot)
        return 1

    cdef int callback_ring(self, int slot) except -1:
        """The dial of the callback in the slot ends now: reached, the agent talks (the call is
        answered now); not reached, the agent is free and the callback retries after its delay,
        or fails after its last attempt."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int attempt = self.cb.attempts[slot] - 1, agent = self.cb.agent[slot]
        cdef i64 at = <i64>slot * self.cb.width + attempt
        if self.tally:
            self.kpi.busy_step(self.agents.group[agent], -1, self.now)  # the dial ends (a talk: busy again now)
        if self.tally and (self.cb.reach[at] != 0 or attempt + 1 >= self.cb_attempts[c.type]):
            self.kpi.queue_step(c.type, -1, self.now)  # connected or failed: it leaves its queue's length
        if self.cb.reach[at] != 0:
            if self.keep_records:
                self.cb_rec.connect[c.row] = self.now
                self.cb_rec.outcome[c.row] = CALLBACK_COMPLETED
            if self.tally and not c.early:
                self.cb_counts[self.cb_cell(c) * 4 + 2] += 1
                self.cb_waits[self.cb_cell(c)] += self.now - c.arrival
            c.callback = 0
            self.serve(agent, c)
            slot_release(&self.slots, slot)
            return 0
        if attempt + 1 < self.cb_attempts[c.type]:
            heap_push(&self.events, self.now + self.cb.delay[at + 1], CALLBACK_RETRY, c.id, EV_CALLBACK_RETRY, slot)
        else:  # failed: the call ends (recorded as an abandon)
            self.in_system -= 1
            if self.outbound:
                self.left[c.type] += 1
            if self.keep_records:
                self.cb_rec.outcome[c.row] = CALLBACK_FAILED
                self.rec.outcome[c.row] = ABANDONED
                self.rec.end[c.row] = self.now
            if self.tally:
                self.kpi.abandoned(c, self.now)
                self.kpi.call_end(self.now)
                if not c.early:
                    self.cb_counts[self.cb_cell(c) * 4 + 3] += 1
            if self.any_redial and c.caller >= 0:  # an abandon of the attempt: the caller may redial
                self.attempt_failed(c.caller, False)
            slot_release(&self.slots, slot)
        return self.outbound_free(agent)  # (free again: its busy count ended with the dial)

    cdef int callback_rejoin(self, int slot, bint at_head) except -1:
        """The retry (``at_head``) or the scheduled time of the callback in the slot is due: an idle
        agent of a group eligible for it takes it, or it rejoins its queue, at the head (a retry:
        it had reached the head) or at the back (scheduled). Its overflow timers still run from its
        queue entry. A retry still counts in the queue length (since it joined); a scheduled one
        counts again from now."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int k = c.type, agent
        cdef int g = select_group_at(&self.routing, self.agents.idle_head, k, c.arrival, self.now)
        c.state = CALL_WAITING
        if g >= 0:
            agent = self.agents.idle_head[g]
            idle_remove(&self.agents, agent)
            if self.tally and at_head:
                self.kpi.queue_step(k, -1, self.now)  # (the dial counts it again)
            self.serve(agent, c)  # (it dials: the call keeps its slot)
            return 0
        if not at_head:
            return self.enqueue(k, slot, c.id)
        queue_push_front(&self.queues[k], slot, c.id)
        self.waiting[k] += 1  # (its queue length in the tallies never stopped counting it)
        return 0

    cdef int abandon(self, int slot) except -1:
        cdef Call *c = &self.slots.calls[slot]
        self.in_system -= 1
        self.leave_queue(c.type)  # its queue entry goes stale; dropped when it reaches the head
        if self.outbound:
            self.left[c.type] += 1
        if self.keep_records:
            if c.id >= LEG_ID_FLOOR:
                self.tr.outcome[LEG_ID_TOP - c.id], self.tr.end[LEG_ID_TOP - c.id] = ABANDONED, self.now
            else:
                self.rec.outcome[c.row] = ABANDONED
                self.rec.end[c.row] = self.now
        if self.tally:
            self.kpi.abandoned(c, self.now)
            self.kpi.call_end(self.now)
        if self.any_redial and c.caller >= 0:  # (a transferred leg has none: it leads to no redial)
            self.attempt_failed(c.caller, False)
        slot_release(&self.slots, slot)
        return 0
    cdef int overflow(self, int slot, int step) except -1:
        """The call became eligible for its route's group ``step``: an idle agent there answers it."""
        cdef Call *c = &self.slots.calls[slot]
        cdef int group = self.routing.route_group[self.routing.route_start[c.type] + step]
        cdef int agent = self.agents.idle_head[group]
        if agent < 0:
            return 0
        self.leave_queue(c.type)  # its queue entry goes stale
        idle_remove(&self.agents, agent)
        if self.serve(agent, c) == 0:
            slot_release(&self.slots, slot)
        return 0

    cdef int shift_start(self, int agent) except -1:
        cdef int index = self.agents.spell_first[agent] + self.agents.current_spell[agent]
        self.agents.leaving[agent] = 0
        self.agents.on_duty_since[agent] = self.now
        self.on_duty[self.agents.group[agent]] += 1
        if self.agents.spell_end[index] < INFINITY:
            heap_push(&self.shifts, self.agents.spell_end[index], STAFFING, agent, EV_SHIFT_END, agent)
        return self.work_or_idle(agent)

    cdef int shift_end(self, int agent) except -1:
        self.agents.leaving[agent] = 1
        if self.agents.is_idle[agent]:
            idle_remove(&self.agents, agent)
            self.end_spell(agent)
        return 0

    cdef int talk_end(self, int agent) except -1:
        """(Only with a trunk limit or transfers.) The caller hangs up, freeing a trunk, or is
        transferred (keeping it), after a consult if its plan has one; wrap-up follows."""
        cdef i64 id = self.agents.hand_id[agent], index
        if self.any_transfer:
            index = self.planned(id)
            if index >= 0 and self.tr.consult[index] > 0:  # the agent stays with the caller
                heap_push(&self.events, self.now + self.tr.consult[index], COMPLETION, agent, EV_CONSULT_END, agent)
                return 0
        return self.caller_leaves(agent)

    cdef int caller_leaves(self, int agent) except -1:
        """The caller leaves the agent now (end of talk or of a consult): it hangs up or is
        transferred; the agent's wrap-up follows."""
        cdef i64 id = self.agents.hand_id[agent]
        if not (self.any_transfer and self.transfer(id)):
            self.in_system -= 1
        if self.keep_records:
            if id >= LEG_ID_FLOOR:
                self.tr.end[LEG_ID_TOP - id] = self.now
            else:
                self.rec.end[self.agents.hand_row[agent]] = self.now
        if self.tally:
            self.kpi.call_end(self.now)
        if self.agents.wrap_in_hand[agent] > 0:
            heap_push(&self.events, self.now + self.agents.wrap_in_hand[agent], COMPLETION, agent, EV_WRAP_END, agent)
            return 0
        return self.agent_free(agent)

    cdef int arrive_from_heap(self) except -1:
        """(heap_arrivals) The block's next call arrives: the heap gives the arrivals in id order.
        (Not inlined, so that the usual path through ``run`` stays as compact as without it.)"""
        self.pending_arrivals -= 1
        return self.arrive()

    cdef inline int dispatch(self, Event *event) except -1:
        cdef i64 entity = <i64>(event.key & ((<unsigned long long>1 << ENTITY_BITS) - 1))
        cdef int kind = event.kind
        cdef int target = event.target
        if kind == EV_WRAP_END:
            return self.agent_free(target)
        if kind == EV_ABANDON:
            if slot_waiting(&self.slots, target, entity):
                return self.abandon(target)
            return 0
        if kind == EV_TALK_END:
            return self.talk_end(target)
        if kind == EV_OVERFLOW:
            if slot_waiting(&self.slots, target, entity >> ROUTE_BITS):
                self.overflow(target, <int>(entity & ((1 << ROUTE_BITS) - 1)))
                if self.chain_timers and slot_waiting(&self.slots, target, entity >> ROUTE_BITS):
                    return self.push_next_timer(target, event)  # (an abandon fires last: nothing follows it)
            return 0
        if kind == EV_SHIFT_START:
            return self.shift_start(target)
        if kind == EV_ARRIVAL:
            return self.arrive_from_heap()
        if kind == EV_SHIFT_END:
            return self.shift_end(target)
        if kind == EV_IVR_END:
            return self.leave_ivr(target)
        if kind == EV_REDIAL:
            return self.redial_arrives(entity, target)
        if kind == EV_CONSULT_END:
            return self.caller_leaves(target)
        if kind == EV_CALLBACK_RING:
            return self.callback_ring(target)
        if kind == EV_CALLBACK_RETRY:
            return self.callback_rejoin(target, True)
        if kind == EV_CALLBACK_DUE:
            return self.callback_rejoin(target, False)
        return self.outbound_event(kind, entity, target)

    cdef int outbound_event(self, int kind, i64 entity, int target) except -1:
        """The events of outbound campaigns (the Outbound object's, but for freeing agents)."""
        if kind == EV_OUTBOUND_END:
            return self.outbound_free(target)
        if kind == EV_PREVIEW_END:
            if self.out.preview_end(target, self.now):
                return 0  # a live answer: the agent talks
            return self.outbound_free(target)
        if kind == EV_DIAL_RESULT:
            return self.out.dial_result(entity, self.now)
        if kind == EV_NUISANCE:
            return self.out.nuisance(entity, self.now)
        if kind == EV_RETRY:
            return self.out.retry_due(entity)
        return self.out.dial_window(<int>entity)

    cdef int outbound_free(self, int agent) except -1:
        """After outbound work (not inbound busy time in the tallies): home, or the next work."""
        self.agents.last_done[agent] = self.now
        if self.agents.leaving[agent]:
            return self.end_spell(agent)
        return self.work_or_idle(agent)

    def run(self, bint final):
        """Process events in order. Unless ``final``, return when the next call must be loaded.

        The next arrival is not kept in the heap: the calls are already in time order, and an
        arrival comes after every other event of the same instant (its class is last), so it is
        due when the heap's first event is strictly later. With ``heap_arrivals`` the block's
        arrivals are events like any other, in the same order (class ARRIVAL, then call id), and
        the loop stops after the block's last one. Returns True if it stopped to wait for more
        calls.
        """
        cdef Event event
        cdef Heap *first
        if self.heap_arrivals:
            return self.run_heap_arrivals(final)
        if self.outbound:
            return self.run_dialling(final)
        while True:
            first = self.first_heap()
            if self.block_next < self.block_size:
                if first.size > 0 and key_time(first.items[0].time) <= self.in_arrival[self.block_next]:
                    heap_pop(first, &event)
                    self.now = key_time(event.time)
                    self.dispatch(&event)
                else:
                    self.arrive()
            elif not final:
                return True  # the next arrival is not loaded yet: no event may run before it
            elif first.size > 0:
                heap_pop(first, &event)
                self.now = key_time(event.time)
                self.dispatch(&event)
            else:
                return False

    cdef inline Heap *first_heap(self) noexcept:
        """The heap holding the next event: the shifts' or the others' (an empty heap's first item
        is a sentinel, later than any event; both empty: either)."""
        return &self.shifts if before(&self.shifts.items[0], &self.events.items[0]) else &self.events

    cdef bint run_dialling(self, bint final) except -1:
        """``run`` with outbound campaigns: the same loop, and the dialler's pass once every event
        of the instant has been handled (a loop of its own, so that the inbound loop has no test
        for it). ``dial_due`` (kept across blocks: the next block's first call may arrive now)
        says an event was handled since the last pass; the pass runs before time moves on, and
        the loop then looks again, since the pass may have scheduled events at now."""
        cdef Event event
        cdef double next_time
        cdef bint arrival_next
        cdef Heap *first
        while True:
            first = self.first_heap()
            if self.block_next < self.block_size:
                arrival_next = not (first.size > 0
                                    and key_time(first.items[0].time) <= self.in_arrival[self.block_next])
                next_time = self.in_arrival[self.block_next] if arrival_next else key_time(first.items[0].time)
            elif not final:
                return True  # (dial_due stays as it is)
            elif first.size > 0:
                arrival_next, next_time = False, key_time(first.items[0].time)
            elif self.dial_due:
                arrival_next, next_time = False, INFINITY  # the last pass (it may schedule events)
            else:
                return False
            if self.dial_due and next_time > self.now:
                self.dial_due = False
                self.out.dial_pass(self.now)
                continue
            if arrival_next:
                self.arrive()
            else:
                heap_pop(first, &event)
                self.now = key_time(event.time)
                self.dispatch(&event)
            self.dial_due = True

    cdef bint run_heap_arrivals(self, bint final) except -1:
        """``run`` when the loaded arrivals are in the heap: no event may pass the block's last.
        With campaigns, the dialler's pass runs as in ``run_dialling``: once the instant's events
        are all handled."""
        cdef Event event
        cdef Heap *first
        while True:
            if self.pending_arrivals == 0 and not final:
                return True
            first = self.first_heap()
            if self.dial_due and (first.size == 0 or key_time(first.items[0].time) > self.now):
                self.dial_due = False
                self.out.dial_pass(self.now)
                continue
            if first.size == 0:
                return False
            heap_pop(first, &event)
            self.now = key_time(event.time)
            self.dispatch(&event)
            self.dial_due = self.outbound

    # -- results ------------------------------------------------------------------------------

    def records(self):
        """Per-call columns as numpy arrays (copies), in sim.core.records.CallRecords order."""
        if not self.keep_records:
            raise RuntimeError("records: this run did not keep per-call records")
        return self._in_call_order(records_arrays(&self.rec, self.n_rows))

    def ivr_records(self):
        """The IVR columns (sim.core.records.IvrRecords order), or None without an IVR."""
        if not (self.keep_records and self.any_ivr):
            return None
        return self._in_call_order(ivr_records_arrays(&self.ivr_rec, self.n_rows))

    def redial_records(self):
        """(With redials and records) per redial, in creation order: its caller's first attempt's
        id and its attempt number; else None."""
        if not (self.keep_records and self.any_redial):
            return None
        return {"first": _array(self.callers.first, self.callers.n_redials, np.int64),
                "attempt": _array(self.callers.attempt, self.callers.n_redials, np.int32)}

    def _in_call_order(self, dict columns):
        """Record rows (in creation order) put in call order: input calls, then redials."""
        cdef object is_redial
        if not self.any_redial:
            return columns
        is_redial = _array(self.callers.is_redial, self.n_rows, np.int8).astype(bool)
        order = np.concatenate((np.flatnonzero(~is_redial), np.flatnonzero(is_redial)))
        return {name: values[order] for name, values in columns.items()}

    def close(self, double agents_end):
        """After the run: count the calls still waiting (unfinished) and close the time integrals at
        the end of the measured window, the last moment anyone was present: the latest of the
        horizon end, ``agents_end`` (when the last agent left) and the last call's end. Returns it."""
        cdef int k
        cdef double window_end
        if not self.tally:
            raise RuntimeError("close: this run did not keep tallies")
        window_end = max(self.horizon_end, agents_end, self.kpi.max_call_end)
        for k in range(self.n_types):
            self.kpi.count_unfinished(&self.queues[k], &self.slots)
        self.kpi.close_levels(window_end)
        return window_end

    def tallies(self):
        """The streaming tallies as numpy arrays (the core's own, not copies: the loop is done with
        them; a later run has its own core); call ``close`` first."""
        if not self.tally:
            raise RuntimeError("tallies: this run did not keep tallies")
        arrays = {"calls": self.n_rows,  # (input calls, and redial attempts)
                  "slots": self.slots.used,  # call slots ever used: the most calls waiting at once
                  **self.kpi.arrays()}
        if self.any_redial:
            arrays["caller_counts"] = _array(self.caller_counts, <i64>self.n_intervals * self.n_types * N_CALLER_COUNTS,
                                             np.int64).reshape((self.n_intervals, self.n_types, N_CALLER_COUNTS))
        if self.any_callback:  # (sim.kpi.callbacks reads them)
            cells = <i64>self.n_intervals * self.n_types
            arrays["callback_counts"] = _array(self.cb_counts, cells * 4, np.int64).reshape(
                (self.n_intervals, self.n_types, 4))
            arrays["callback_waits"] = _array(self.cb_waits, cells, np.float64).reshape((self.n_intervals, self.n_types))
        return arrays

    def transfer_legs(self):
        """The transferred legs' columns (sim.core.records.TRANSFER_LEG_COLUMNS), or None."""
        return transfer_legs_arrays(&self.tr, self.n_calls) if self.any_transfer else None

    def callback_records(self):
        """The callback columns (sim.core.records.CallbackRecords order), or None without callbacks."""
        if not (self.keep_records and self.any_callback):
            return None
        return self._in_call_order(cb_records_arrays(&self.cb_rec, self.n_rows))

    def dial_records(self):
        """The callbacks' dials (sim.core.records.DialRecords columns, the call's row in call order),
        or None without callbacks."""
        if not (self.keep_records and self.any_callback):
            return None
        dials = cb_dials_arrays(&self.cb_dials)
        if self.any_redial:  # creation-order rows to call order (as _in_call_order puts them)
            is_redial = _array(self.callers.is_redial, self.n_rows, np.int8).astype(bool)
            order = np.concatenate((np.flatnonzero(~is_redial), np.flatnonzero(is_redial)))
            position = np.empty(self.n_rows, np.int64)
            position[order] = np.arange(self.n_rows)
            dials["call"] = position[dials["call"]]
        return dials

    def attempts(self):
        """The outbound attempts' columns (sim.core.records.AttemptRecords order), or None."""
        return self.out.attempts() if self.outbound else None

    def agent_log(self):
        """Spells on duty (the open ones still running at the end closed first), agent by agent
        in time order, with their groups and the latest end (see log_arrays)."""
        log_open_spells(&self.log, &self.agents, self.n_agents, self.horizon_end)
        return log_arrays(&self.log, self.agents.group, self.n_agents)
