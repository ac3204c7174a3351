# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The fast engine's event loop: the model of sim/core/simpy_engine.py in C data structures.

Same rules, same event order, same arithmetic as the SimPy reference engine, so the per-call
records are identical bit for bit (see the SimPy engine's docstring for the model). Here:
  * a binary heap of C structs keyed by (time, class << 48 | entity);
  * per call type a FIFO ring buffer of call ids, abandoned calls dropped lazily at the head;
  * per group a doubly linked list of idle agents in the order they became idle;
  * calls are loaded block by block (one interval at a time) from sim.random_inputs: the loop
    returns to Python when it needs the next block, so inputs are never all in memory at once.
No Python object is created per call or per event.
"""

from libc.math cimport INFINITY, NAN, isnan
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

import numpy as np

# event classes: the order of simultaneous events (as in the SimPy engine)
DEF STAFFING = 1
DEF COMPLETION = 2
DEF ABANDON = 3
DEF OVERFLOW = 4
DEF ARRIVAL = 5  # arrivals are not in the heap; they come last at equal times (see run)
DEF ENTITY_BITS = 48
DEF ROUTE_STEPS = 64

# event kinds
DEF EV_SHIFT_START = 1
DEF EV_SHIFT_END = 2
DEF EV_TALK_END = 3
DEF EV_WRAP_END = 4
DEF EV_ABANDON = 5
DEF EV_OVERFLOW = 6

# call states and outcomes (outcomes as in sim.core.records)
DEF WAITING = 0
DEF SERVED = 1
DEF GONE = 2
DEF ANSWERED = 0
DEF ABANDONED = 1
DEF BLOCKED = 2
DEF UNFINISHED = 3

ctypedef long long i64


cdef struct Event:  # 32 bytes
    double time
    i64 key  # class << 48 | entity: unique among pending events, so no insertion counter is needed
    i64 target  # call id or agent
    int kind
    int extra  # group (overflow) or spell index (shift start)


cdef struct Queue:
    i64 *ids
    i64 head
    i64 size
    i64 capacity


cdef inline bint before(Event *a, Event *b) nogil:
    if a.time != b.time:
        return a.time < b.time
    return a.key < b.key


cdef void *grow(void *pointer, i64 count, size_t item) except NULL:
    cdef void *bigger = realloc(pointer, <size_t>(count if count > 0 else 1) * item)
    if bigger == NULL:
        raise MemoryError()
    return bigger


cdef int *_ints(int[::1] values) except NULL:
    """A malloc'ed copy of an int array (setup only; the caller frees it)."""
    cdef int *copy = <int *>grow(NULL, values.shape[0], sizeof(int))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(int))
    return copy


cdef double *_doubles(double[::1] values) except NULL:
    """A malloc'ed copy of a double array (setup only; the caller frees it)."""
    cdef double *copy = <double *>grow(NULL, values.shape[0], sizeof(double))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(double))
    return copy


cdef class FastCore:
    """One run of the model: load call blocks, run the loop, read the records."""

    # scenario
    cdef int n_types, n_groups, n_agents
    cdef i64 trunks
    cdef double horizon_end
    cdef int *priority
    cdef int *route_start
    cdef int *route_group
    cdef double *route_delay
    cdef int *served_start
    cdef int *served_type
    cdef double *served_delay
    cdef double *speed  # [group * n_types + type]
    # agents
    cdef int *agent_group
    cdef int *spell_first
    cdef int *spell_count
    cdef double *spell_begin
    cdef double *spell_end
    cdef int *current_spell
    cdef char *leaving
    cdef double *on_duty_since
    cdef double *last_done
    cdef i64 *in_hand
    cdef double *wrap_in_hand
    cdef int *idle_prev
    cdef int *idle_next
    cdef char *is_idle
    cdef int *idle_head
    cdef int *idle_tail
    # agent log
    cdef i64 log_size, log_capacity
    cdef int *log_agent
    cdef double *log_start
    cdef double *log_scheduled_end
    cdef double *log_end
    # calls (inputs, state, records), indexed by call id
    cdef i64 n_calls, call_capacity, next_arrival
    cdef double *arrival
    cdef int *call_type
    cdef double *talk
    cdef double *wrapup
    cdef double *patience
    cdef char *state
    cdef char *outcome
    cdef int *served_group
    cdef int *served_agent
    cdef double *answer_time
    cdef double *end_time
    cdef double *talk_used
    cdef double *wrapup_used
    # queues, heap, clock
    cdef Queue *queues
    cdef Event *heap
    cdef i64 heap_size, heap_capacity
    cdef i64 in_system
    cdef double now

    def __cinit__(self, int[::1] priority, int[::1] route_start, int[::1] route_group, double[::1] route_delay,
                  int[::1] served_start, int[::1] served_type, double[::1] served_delay, double[::1] speed,
                  int[::1] agent_group, int[::1] spell_first, int[::1] spell_count,
                  double[::1] spell_begin, double[::1] spell_end, i64 trunks, double horizon_end):
        cdef int i
        self.n_types = priority.shape[0]
        self.n_groups = served_start.shape[0] - 1
        self.n_agents = agent_group.shape[0]
        self.trunks = trunks
        self.horizon_end = horizon_end
        self.priority = _ints(priority)
        self.route_start = _ints(route_start)
        self.route_group = _ints(route_group)
        self.route_delay = _doubles(route_delay)
        self.served_start = _ints(served_start)
        self.served_type = _ints(served_type)
        self.served_delay = _doubles(served_delay)
        self.speed = _doubles(speed)
        self.agent_group = _ints(agent_group)
        self.spell_first = _ints(spell_first)
        self.spell_count = _ints(spell_count)
        self.spell_begin = _doubles(spell_begin)
        self.spell_end = _doubles(spell_end)
        n = self.n_agents
        self.current_spell = <int *>grow(NULL, n, sizeof(int))
        self.leaving = <char *>grow(NULL, n, sizeof(char))
        self.on_duty_since = <double *>grow(NULL, n, sizeof(double))
        self.last_done = <double *>grow(NULL, n, sizeof(double))
        self.in_hand = <i64 *>grow(NULL, n, sizeof(i64))
        self.wrap_in_hand = <double *>grow(NULL, n, sizeof(double))
        self.idle_prev = <int *>grow(NULL, n, sizeof(int))
        self.idle_next = <int *>grow(NULL, n, sizeof(int))
        self.is_idle = <char *>grow(NULL, n, sizeof(char))
        for i in range(n):
            self.current_spell[i] = -1
            self.leaving[i] = 0
            self.on_duty_since[i] = NAN
            self.last_done[i] = -INFINITY
            self.in_hand[i] = -1
            self.is_idle[i] = 0
        self.idle_head = <int *>grow(NULL, self.n_groups, sizeof(int))
        self.idle_tail = <int *>grow(NULL, self.n_groups, sizeof(int))
        for i in range(self.n_groups):
            self.idle_head[i] = -1
            self.idle_tail[i] = -1
        self.queues = <Queue *>grow(NULL, self.n_types, sizeof(Queue))
        for i in range(self.n_types):
            self.queues[i].capacity = 16
            self.queues[i].ids = <i64 *>grow(NULL, 16, sizeof(i64))
            self.queues[i].head = 0
            self.queues[i].size = 0
        self.heap_capacity = 1024
        self.heap = <Event *>grow(NULL, self.heap_capacity, sizeof(Event))
        for i in range(n):
            self.next_spell(i)

    def __dealloc__(self):
        cdef int i
        if self.queues != NULL:
            for i in range(self.n_types):
                free(self.queues[i].ids)
        free(self.priority); free(self.route_start); free(self.route_group); free(self.route_delay)
        free(self.served_start); free(self.served_type); free(self.served_delay); free(self.speed)
        free(self.agent_group); free(self.spell_first); free(self.spell_count); free(self.spell_begin)
        free(self.spell_end); free(self.current_spell); free(self.leaving); free(self.on_duty_since)
        free(self.last_done); free(self.in_hand); free(self.wrap_in_hand); free(self.idle_prev)
        free(self.idle_next); free(self.is_idle); free(self.idle_head); free(self.idle_tail)
        free(self.log_agent); free(self.log_start); free(self.log_scheduled_end); free(self.log_end)
        free(self.arrival); free(self.call_type); free(self.talk); free(self.wrapup); free(self.patience)
        free(self.state); free(self.outcome); free(self.served_group); free(self.served_agent)
        free(self.answer_time); free(self.end_time); free(self.talk_used); free(self.wrapup_used)
        free(self.queues); free(self.heap)

    # -- the event heap ---------------------------------------------------------------------

    cdef int push(self, double time, int event_class, i64 entity, int kind, i64 target, int extra) except -1:
        cdef i64 i, parent
        cdef Event event
        if self.heap_size == self.heap_capacity:
            self.heap_capacity *= 2
            self.heap = <Event *>grow(self.heap, self.heap_capacity, sizeof(Event))
        event.time = time
        event.key = (<i64>event_class << ENTITY_BITS) | entity
        event.kind = kind
        event.target = target
        event.extra = extra
        i = self.heap_size
        self.heap_size += 1
        while i > 0:
            parent = (i - 1) >> 1
            if not before(&event, &self.heap[parent]):
                break
            self.heap[i] = self.heap[parent]
            i = parent
        self.heap[i] = event
        return 0

    cdef Event pop(self):
        cdef Event top = self.heap[0]
        cdef Event last
        cdef i64 i = 0, child, n
        self.heap_size -= 1
        n = self.heap_size
        if n > 0:
            last = self.heap[n]
            while True:
                child = 2 * i + 1
                if child >= n:
                    break
                if child + 1 < n and before(&self.heap[child + 1], &self.heap[child]):
                    child += 1
                if not before(&self.heap[child], &last):
                    break
                self.heap[i] = self.heap[child]
                i = child
            self.heap[i] = last
        return top

    # -- calls --------------------------------------------------------------------------------

    def load(self, double[::1] arrival, int[::1] call_type, double[::1] talk, double[::1] wrapup,
             double[::1] patience):
        """Append one block of calls (ids continue from the previous block)."""
        cdef i64 n = arrival.shape[0], first = self.n_calls, i
        if n == 0:
            return
        if first + n > self.call_capacity:
            self.call_capacity = max(2 * self.call_capacity, first + n, 1024)
            c = self.call_capacity
            self.arrival = <double *>grow(self.arrival, c, sizeof(double))
            self.call_type = <int *>grow(self.call_type, c, sizeof(int))
            self.talk = <double *>grow(self.talk, c, sizeof(double))
            self.wrapup = <double *>grow(self.wrapup, c, sizeof(double))
            self.patience = <double *>grow(self.patience, c, sizeof(double))
            self.state = <char *>grow(self.state, c, sizeof(char))
            self.outcome = <char *>grow(self.outcome, c, sizeof(char))
            self.served_group = <int *>grow(self.served_group, c, sizeof(int))
            self.served_agent = <int *>grow(self.served_agent, c, sizeof(int))
            self.answer_time = <double *>grow(self.answer_time, c, sizeof(double))
            self.end_time = <double *>grow(self.end_time, c, sizeof(double))
            self.talk_used = <double *>grow(self.talk_used, c, sizeof(double))
            self.wrapup_used = <double *>grow(self.wrapup_used, c, sizeof(double))
        for i in range(n):
            self.arrival[first + i] = arrival[i]
            self.call_type[first + i] = call_type[i]
            self.talk[first + i] = talk[i]
            self.wrapup[first + i] = wrapup[i]
            self.patience[first + i] = patience[i]
            self.state[first + i] = WAITING
            self.outcome[first + i] = UNFINISHED
            self.served_group[first + i] = -1
            self.served_agent[first + i] = -1
            self.answer_time[first + i] = NAN
            self.end_time[first + i] = NAN
            self.talk_used[first + i] = 0.0
            self.wrapup_used[first + i] = 0.0
        self.n_calls = first + n

    cdef int enqueue(self, int k, i64 call) except -1:
        cdef Queue *q = &self.queues[k]
        cdef i64 i, old
        if q.size == q.capacity:  # unroll the ring into a buffer twice the size
            old = q.capacity
            q.capacity *= 2
            q.ids = <i64 *>grow(q.ids, q.capacity, sizeof(i64))
            for i in range(q.head):
                q.ids[old + i] = q.ids[i]
        q.ids[(q.head + q.size) % q.capacity] = call
        q.size += 1
        return 0

    cdef inline i64 waiting_head(self, int k):
        """The oldest call still waiting in type k's queue (-1 if none); drops the others."""
        cdef Queue *q = &self.queues[k]
        cdef i64 call
        while q.size > 0:
            call = q.ids[q.head]
            if self.state[call] == WAITING:
                return call
            q.head = (q.head + 1) % q.capacity
            q.size -= 1
        return -1

    # -- agents -------------------------------------------------------------------------------

    cdef int next_spell(self, int agent) except -1:
        """Schedule the agent's next spell on duty, at its start or when the call in hand ends."""
        cdef int s = self.current_spell[agent] + 1
        cdef int last = self.spell_count[agent]
        cdef int index
        while s < last:
            index = self.spell_first[agent] + s
            if self.now >= self.spell_end[index]:
                s += 1
                continue
            self.push(self.spell_begin[index] if self.spell_begin[index] > self.now else self.now,
                      STAFFING, agent, EV_SHIFT_START, agent, s)
            break
        self.current_spell[agent] = s
        return 0

    cdef int log_spell(self, int agent, double scheduled_end, double end) except -1:
        if self.log_size == self.log_capacity:
            self.log_capacity = max(2 * self.log_capacity, 64)
            self.log_agent = <int *>grow(self.log_agent, self.log_capacity, sizeof(int))
            self.log_start = <double *>grow(self.log_start, self.log_capacity, sizeof(double))
            self.log_scheduled_end = <double *>grow(self.log_scheduled_end, self.log_capacity, sizeof(double))
            self.log_end = <double *>grow(self.log_end, self.log_capacity, sizeof(double))
        self.log_agent[self.log_size] = agent
        self.log_start[self.log_size] = self.on_duty_since[agent]
        self.log_scheduled_end[self.log_size] = scheduled_end
        self.log_end[self.log_size] = end
        self.log_size += 1
        return 0

    cdef int end_spell(self, int agent) except -1:
        cdef int index = self.spell_first[agent] + self.current_spell[agent]
        self.log_spell(agent, self.spell_end[index], self.now)
        self.on_duty_since[agent] = NAN
        self.next_spell(agent)
        return 0

    cdef inline void make_idle(self, int agent):
        cdef int g = self.agent_group[agent]
        self.is_idle[agent] = 1
        self.idle_next[agent] = -1
        self.idle_prev[agent] = self.idle_tail[g]
        if self.idle_tail[g] >= 0:
            self.idle_next[self.idle_tail[g]] = agent
        else:
            self.idle_head[g] = agent
        self.idle_tail[g] = agent

    cdef inline void remove_idle(self, int agent):
        cdef int g = self.agent_group[agent]
        cdef int before_ = self.idle_prev[agent], after = self.idle_next[agent]
        if before_ >= 0:
            self.idle_next[before_] = after
        else:
            self.idle_head[g] = after
        if after >= 0:
            self.idle_prev[after] = before_
        else:
            self.idle_tail[g] = before_
        self.is_idle[agent] = 0

    cdef inline void answer(self, i64 call, int agent):
        self.state[call] = SERVED
        self.outcome[call] = ANSWERED
        self.answer_time[call] = self.now
        self.served_group[call] = self.agent_group[agent]
        self.served_agent[call] = agent

    cdef int serve(self, int agent, i64 call) except -1:
        """Start talking: the call was just answered by this agent."""
        cdef double factor = self.speed[self.agent_group[agent] * self.n_types + self.call_type[call]]
        cdef double talk = self.talk[call] / factor
        self.talk_used[call] = talk
        self.wrapup_used[call] = self.wrapup[call] / factor
        self.wrap_in_hand[agent] = self.wrapup_used[call]
        self.in_hand[agent] = call
        self.push(self.now + talk, COMPLETION, agent, EV_TALK_END, agent, 0)
        return 0

    cdef i64 next_call(self, int agent) except -2:
        """The waiting call a free agent takes now (answered), or -1."""
        cdef int g = self.agent_group[agent]
        cdef int j, k, best_type = -1
        cdef i64 head, best = -1
        cdef double delay
        for j in range(self.served_start[g], self.served_start[g + 1]):
            k = self.served_type[j]
            delay = self.served_delay[j]
            head = self.waiting_head(k)
            if head < 0 or self.now < self.arrival[head] + delay:
                continue
            if (best < 0 or self.priority[k] > self.priority[best_type]
                    or (self.priority[k] == self.priority[best_type]
                        and (self.arrival[head] < self.arrival[best]
                             or (self.arrival[head] == self.arrival[best] and head < best)))):
                best, best_type = head, k
        if best >= 0:
            q = &self.queues[best_type]
            q.head = (q.head + 1) % q.capacity
            q.size -= 1
            self.answer(best, agent)
        return best

    cdef int agent_free(self, int agent) except -1:
        """After talk (and wrap-up): go home if the spell is over, else take the next call."""
        self.last_done[agent] = self.now
        self.in_hand[agent] = -1
        if self.leaving[agent]:
            self.end_spell(agent)
            return 0
        return self.work_or_idle(agent)

    cdef int work_or_idle(self, int agent) except -1:
        """A free agent on duty takes the next waiting call, or joins its group's idle list."""
        cdef i64 call = self.next_call(agent)
        if call >= 0:
            self.serve(agent, call)
        else:
            self.make_idle(agent)
        return 0

    cdef int give_to_idle_agent(self, i64 call, int group) except -1:
        """Answer the call by the group's longest-idle agent (the caller checked there is one)."""
        cdef int agent = self.idle_head[group]
        self.remove_idle(agent)
        self.answer(call, agent)
        self.serve(agent, call)
        return 0

    # -- events -------------------------------------------------------------------------------

    cdef int arrive(self, i64 call) except -1:
        cdef int k = self.call_type[call]
        cdef int j, g, step
        cdef double delay, patience = self.patience[call], arrival = self.arrival[call]
        if self.trunks >= 0 and self.in_system >= self.trunks:
            self.outcome[call] = BLOCKED
            self.end_time[call] = self.now
            self.state[call] = GONE
            return 0
        self.in_system += 1
        for j in range(self.route_start[k], self.route_start[k + 1]):
            g = self.route_group[j]
            if self.now >= arrival + self.route_delay[j] and self.idle_head[g] >= 0:
                return self.give_to_idle_agent(call, g)
        self.enqueue(k, call)
        if patience < INFINITY:
            self.push(arrival + patience, ABANDON, call, EV_ABANDON, call, 0)
        for j in range(self.route_start[k], self.route_start[k + 1]):
            delay = self.route_delay[j]
            if self.now < arrival + delay and delay < patience:
                step = j - self.route_start[k]
                self.push(arrival + delay, OVERFLOW, call * ROUTE_STEPS + step, EV_OVERFLOW, call, self.route_group[j])
        return 0

    cdef int shift_start(self, int agent) except -1:
        cdef int index = self.spell_first[agent] + self.current_spell[agent]
        self.leaving[agent] = 0
        self.on_duty_since[agent] = self.now
        if self.spell_end[index] < INFINITY:
            self.push(self.spell_end[index], STAFFING, agent, EV_SHIFT_END, agent, 0)
        return self.work_or_idle(agent)

    cdef int shift_end(self, int agent) except -1:
        self.leaving[agent] = 1
        if self.is_idle[agent]:
            self.remove_idle(agent)
            self.end_spell(agent)
        return 0

    cdef int talk_end(self, int agent) except -1:
        cdef i64 call = self.in_hand[agent]
        self.in_system -= 1
        self.end_time[call] = self.now
        if self.wrap_in_hand[agent] > 0:
            self.push(self.now + self.wrap_in_hand[agent], COMPLETION, agent, EV_WRAP_END, agent, 0)
        else:
            self.agent_free(agent)
        return 0

    cdef int dispatch(self, Event *event) except -1:
        cdef i64 call = event.target
        if event.kind == EV_TALK_END:
            self.talk_end(<int>event.target)
        elif event.kind == EV_WRAP_END:
            self.agent_free(<int>event.target)
        elif event.kind == EV_ABANDON:
            if self.state[call] == WAITING:
                self.state[call] = GONE
                self.in_system -= 1
                self.outcome[call] = ABANDONED
                self.end_time[call] = self.now
        elif event.kind == EV_OVERFLOW:
            if self.state[call] == WAITING and self.idle_head[event.extra] >= 0:
                self.give_to_idle_agent(call, event.extra)
        elif event.kind == EV_SHIFT_START:
            self.shift_start(<int>event.target)
        elif event.kind == EV_SHIFT_END:
            self.shift_end(<int>event.target)
        return 0

    def run(self, bint final):
        """Process events in order. Unless ``final``, return when the next call must be loaded.

        The next arrival is not kept in the heap: the calls are already in time order, and an
        arrival comes after every other event of the same instant (its class is last), so it is
        due when the heap's first event is strictly later. Returns True if it stopped to wait
        for more calls.
        """
        cdef Event event
        cdef i64 call
        while True:
            if self.next_arrival < self.n_calls:
                if self.heap_size > 0 and self.heap[0].time <= self.arrival[self.next_arrival]:
                    event = self.pop()
                    self.now = event.time
                    self.dispatch(&event)
                else:
                    call = self.next_arrival
                    self.next_arrival += 1
                    self.now = self.arrival[call]
                    self.arrive(call)
            elif not final:
                return True  # the next arrival is not loaded yet: no event may run before it
            elif self.heap_size > 0:
                event = self.pop()
                self.now = event.time
                self.dispatch(&event)
            else:
                return False

    # -- results ------------------------------------------------------------------------------

    def records(self):
        """Per-call columns as numpy arrays (copies), in sim.core.records.CallRecords order."""
        n = self.n_calls
        return {
            "call_type": _array(self.call_type, n, np.int32), "arrival": _array(self.arrival, n, np.float64),
            "outcome": _array(self.outcome, n, np.int8), "group": _array(self.served_group, n, np.int32),
            "agent": _array(self.served_agent, n, np.int32), "answer_time": _array(self.answer_time, n, np.float64),
            "end_time": _array(self.end_time, n, np.float64), "talk": _array(self.talk_used, n, np.float64),
            "wrapup": _array(self.wrapup_used, n, np.float64),
        }

    def agent_log(self):
        """Spells on duty: finished ones in order, then the open ones still running at the end."""
        cdef int agent
        for agent in range(self.n_agents):
            if not isnan(self.on_duty_since[agent]):
                self.log_spell(agent, INFINITY, self.horizon_end if self.horizon_end > self.last_done[agent]
                               else self.last_done[agent])
                self.on_duty_since[agent] = NAN
        n = self.log_size
        agents = _array(self.log_agent, n, np.int32)
        return {"agent": agents, "start": _array(self.log_start, n, np.float64),
                "scheduled_end": _array(self.log_scheduled_end, n, np.float64),
                "end": _array(self.log_end, n, np.float64)}


cdef object _array(void *data, i64 n, dtype):
    """A numpy copy of n items of C memory."""
    out = np.empty(n, dtype=dtype)
    if n > 0:
        _copy_into(out, data, n * out.itemsize)
    return out


cdef void _copy_into(object out, void *data, i64 nbytes):
    cdef unsigned char[::1] view = out.view(np.uint8)
    memcpy(&view[0], data, <size_t>nbytes)
