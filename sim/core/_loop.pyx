# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The fast engine's event loop: the model of sim/core/simpy_engine.py in C data structures.

Same rules, same event order, same arithmetic as the SimPy reference engine, so the per-call
records are identical bit for bit (see the SimPy engine's docstring for the model). Here:
  * a 4-ary heap of 24-byte C structs keyed by (time, class << 48 | entity), two events
    compared by one 128-bit integer comparison (the time as an order-preserving integer);
  * without a trunk limit nothing observes the end of talk but the agent, so one event ends
    talk and wrap-up (the call's end time is recorded when it is answered);
  * a waiting call lives in a recycled slot (a call answered on arrival needs none); queues and
    timers name it by (slot, call id), so a timer or queue entry left behind by a call that has
    gone is recognised as stale;
  * per call type a FIFO ring buffer of queue entries, stale ones dropped lazily at the head;
  * per group a doubly linked list of idle agents in the order they became idle;
  * calls are read block by block from sim.model.random_inputs: the loop returns to Python when it
    needs the next block, so inputs are never all in memory at once.
Two outputs, each optional: per-call records (columns indexed by call id), and streaming KPI
tallies (per interval x call type counts, sums and wait histograms; time integrals and maxima of
queue lengths and busy agents per time bucket), whose memory does not grow with the number of
calls. No Python object is created per call or per event.
"""

from libc.math cimport INFINITY, NAN, floor, isnan
from libc.stdlib cimport free
from libc.string cimport memcpy

import numpy as np

from sim._cmemory cimport grow, i64, zeros
from sim.policies._agent_selection cimport least_skilled_before
from sim.policies._call_selection cimport priority_fifo_before, priority_head_start_before
from sim.policies._routing cimport eligible, needs_overflow_timer

include "_protocol.pxi"  # event classes, kinds, outcome and state codes, tally layout (sim/core/protocol.py)


cdef extern from *:
    """
    /* Events are ordered by (time, key). The time is stored as an unsigned integer of the same
       order (sign-magnitude IEEE bits mapped to two's-complement order, -0 taken as +0), so that
       one 128-bit unsigned comparison orders two events, without branches. */
    typedef unsigned __int128 callsim_u128;
    static inline unsigned long long callsim_time_key(double time) {
        unsigned long long bits;
        time += 0.0;  /* -0.0 -> +0.0: equal times, equal keys */
        memcpy(&bits, &time, 8);
        return (bits >> 63) ? ~bits : (bits | 0x8000000000000000ULL);
    }
    static inline double callsim_key_time(unsigned long long key) {
        double time;
        unsigned long long bits = (key >> 63) ? (key & 0x7FFFFFFFFFFFFFFFULL) : ~key;
        memcpy(&time, &bits, 8);
        return time;
    }
    static inline int callsim_before(unsigned long long a_time, unsigned long long a_key,
                                     unsigned long long b_time, unsigned long long b_key) {
        return ((((callsim_u128)a_time) << 64) | a_key) < ((((callsim_u128)b_time) << 64) | b_key);
    }
    """
    unsigned long long time_key "callsim_time_key"(double time) noexcept nogil
    double key_time "callsim_key_time"(unsigned long long key) noexcept nogil
    bint events_before "callsim_before"(unsigned long long a_time, unsigned long long a_key,
                                        unsigned long long b_time, unsigned long long b_key) noexcept nogil


cdef struct Event:  # 24 bytes
    unsigned long long time  # time_key(time)
    unsigned long long key  # class << 48 | entity: unique among pending events, so no insertion counter is needed
    int target  # call slot or agent
    int kind


cdef struct Call:  # a call in the system
    double arrival
    double talk  # before the serving group's speed factor
    double wrapup
    i64 id
    int type
    int interval  # of its arrival, for the tallies
    char state


cdef struct Entry:  # a queue entry: stale once the call left or its slot holds another call
    i64 id
    int slot


cdef struct Queue:
    Entry *items
    i64 head
    i64 size
    i64 capacity


cdef inline bint before(const Event *a, const Event *b) noexcept nogil:
    return events_before(a.time, a.key, b.time, b.key)


cdef int *_ints(const int[::1] values) except NULL:
    """A malloc'ed copy of an int array (setup only; the caller frees it)."""
    cdef int *copy = <int *>grow(NULL, values.shape[0], sizeof(int))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(int))
    return copy


cdef double *_doubles(const double[::1] values) except NULL:
    """A malloc'ed copy of a double array (setup only; the caller frees it)."""
    cdef double *copy = <double *>grow(NULL, values.shape[0], sizeof(double))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(double))
    return copy


cdef inline int wait_bin(double wait, int log2_per_octave) noexcept nogil:
    """Histogram bin of a wait (layout above), read off the IEEE bits: a wait in
    [2**e, 2**(e + 1)) has biased exponent e + 1023, and its position within the octave,
    (wait / 2**e - 1) * per_octave rounded down, is the top log2(per_octave) mantissa bits."""
    cdef int exponent
    cdef unsigned long long bits
    if wait <= 0:
        return 0
    memcpy(&bits, &wait, 8)
    exponent = <int>(bits >> 52) - 1023  # wait in [2**exponent, 2**(exponent + 1)) (normal waits)
    if exponent < MIN_EXP:
        return 1
    if exponent >= MAX_EXP:
        return 2 + ((MAX_EXP - MIN_EXP) << log2_per_octave)
    return 2 + ((exponent - MIN_EXP) << log2_per_octave) + <int>((bits >> (52 - log2_per_octave))
                                                                 & ((1 << log2_per_octave) - 1))


cdef class FastCore:
    """One run of the model: load call blocks, run the loop, read the records and tallies."""

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
    cdef double *head_start  # per type (call selection priority_head_start)
    cdef int *group_skills  # per group: call types served (agent selection least_skilled)
    cdef int call_selection, agent_selection  # policy codes (sim.core.protocol)
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
    cdef i64 *hand_id  # id of the call in talk (with a trunk limit only)
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
    # the block of calls being read (numpy arrays kept alive by `block`)
    cdef object block
    cdef double *in_arrival
    cdef int *in_type
    cdef double *in_talk
    cdef double *in_wrapup
    cdef double *in_patience
    cdef i64 block_first, block_size, block_next, n_calls
    # calls in the system
    cdef Call *calls
    cdef i64 slots_used, slot_capacity
    cdef int *free_slots
    cdef i64 n_free
    # per-call records, indexed by call id (only if keep_records)
    cdef bint keep_records
    cdef i64 record_capacity
    cdef double *rec_arrival
    cdef int *rec_type
    cdef char *rec_outcome
    cdef int *rec_group
    cdef int *rec_agent
    cdef double *rec_answer
    cdef double *rec_end
    cdef double *rec_talk
    cdef double *rec_wrapup
    # streaming tallies (only if tally)
    cdef bint tally
    cdef int n_intervals
    cdef double interval_length, warmup, sl_threshold, short_abandon, max_call_end
    cdef i64 *counts  # [(interval * n_types + type) * N_COUNTS + field]
    cdef double *sums  # [(interval * n_types + type) * N_SUMS + field]
    cdef unsigned int *interval_hist  # [(interval * n_types + type) * INTERVAL_BINS + bin]
    cdef object interval_hist_array  # owns interval_hist: the largest tally, handed out without a copy
    cdef i64 *summary_hist  # [type * SUMMARY_BINS + bin]
    cdef i64 *group_answered
    cdef double *group_handle
    # levels: queue length per type, in total, busy agents per group; integrated per time bucket
    cdef int n_levels, n_buckets
    cdef int *level
    cdef double *level_since
    cdef int *level_bucket  # bucket of level_since
    cdef int now_bucket  # bucket of the latest level change
    cdef double *edges  # n_buckets + 1 bucket edges, the last one inf
    cdef double *level_integral  # [bucket * n_levels + level]
    cdef int *level_max
    # queues, heap, clock
    cdef Queue *queues
    cdef Event *heap
    cdef i64 heap_size, heap_capacity
    cdef i64 in_system
    cdef double now

    def __cinit__(self, const int[::1] priority, const int[::1] route_start, const int[::1] route_group, const double[::1] route_delay,
                  const int[::1] served_start, const int[::1] served_type, const double[::1] served_delay, const double[::1] speed,
                  const int[::1] agent_group, const int[::1] spell_first, const int[::1] spell_count,
                  const double[::1] spell_begin, const double[::1] spell_end, i64 trunks, double horizon_end,
                  bint keep_records, bint tally, int n_intervals, double interval_length, double warmup,
                  double sl_threshold, double short_abandon, const double[::1] bucket_edges,
                  const double[::1] head_start, const int[::1] group_skills, int call_selection, int agent_selection):
        cdef int i
        cdef i64 n
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
        self.head_start = _doubles(head_start)
        self.group_skills = _ints(group_skills)
        self.call_selection = call_selection
        self.agent_selection = agent_selection
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
        self.hand_id = <i64 *>grow(NULL, n, sizeof(i64))
        self.wrap_in_hand = <double *>grow(NULL, n, sizeof(double))
        self.idle_prev = <int *>grow(NULL, n, sizeof(int))
        self.idle_next = <int *>grow(NULL, n, sizeof(int))
        self.is_idle = <char *>grow(NULL, n, sizeof(char))
        for i in range(n):
            self.current_spell[i] = -1
            self.leaving[i] = 0
            self.on_duty_since[i] = NAN
            self.last_done[i] = -INFINITY
            self.hand_id[i] = -1
            self.is_idle[i] = 0
        self.idle_head = <int *>grow(NULL, self.n_groups, sizeof(int))
        self.idle_tail = <int *>grow(NULL, self.n_groups, sizeof(int))
        for i in range(self.n_groups):
            self.idle_head[i] = -1
            self.idle_tail[i] = -1
        self.queues = <Queue *>zeros(self.n_types, sizeof(Queue))
        for i in range(self.n_types):
            self.queues[i].capacity = 16
            self.queues[i].items = <Entry *>grow(NULL, 16, sizeof(Entry))
        self.heap_capacity = 1024
        self.heap = <Event *>grow(NULL, self.heap_capacity, sizeof(Event))
        self.slot_capacity = 1024
        self.calls = <Call *>grow(NULL, self.slot_capacity, sizeof(Call))
        self.free_slots = <int *>grow(NULL, self.slot_capacity, sizeof(int))
        self.keep_records = keep_records
        self.tally = tally
        if tally:
            self.setup_tallies(n_intervals, interval_length, warmup, sl_threshold, short_abandon, bucket_edges)
        for i in range(n):
            self.next_spell(i)

    cdef int setup_tallies(self, int n_intervals, double interval_length, double warmup, double sl_threshold,
                           double short_abandon, const double[::1] bucket_edges) except -1:
        cdef i64 cells = <i64>n_intervals * self.n_types
        cdef unsigned int[:, :, ::1] hist_view
        self.n_intervals = n_intervals
        self.interval_length = interval_length
        self.warmup = warmup
        self.sl_threshold = sl_threshold
        self.short_abandon = short_abandon
        self.max_call_end = -INFINITY
        self.counts = <i64 *>zeros(cells * N_COUNTS, sizeof(i64))
        self.sums = <double *>zeros(cells * N_SUMS, sizeof(double))
        self.interval_hist_array = np.zeros((n_intervals, self.n_types, INTERVAL_BINS), np.uint32)
        hist_view = self.interval_hist_array
        self.interval_hist = &hist_view[0, 0, 0]
        self.summary_hist = <i64 *>zeros(<i64>self.n_types * SUMMARY_BINS, sizeof(i64))
        self.group_answered = <i64 *>zeros(self.n_groups, sizeof(i64))
        self.group_handle = <double *>zeros(self.n_groups, sizeof(double))
        self.n_levels = self.n_types + 1 + self.n_groups
        self.n_buckets = bucket_edges.shape[0]
        self.edges = <double *>grow(NULL, self.n_buckets + 1, sizeof(double))
        memcpy(self.edges, &bucket_edges[0], <size_t>self.n_buckets * sizeof(double))
        self.edges[self.n_buckets] = INFINITY
        self.level = <int *>zeros(self.n_levels, sizeof(int))
        self.level_since = <double *>zeros(self.n_levels, sizeof(double))
        self.level_bucket = <int *>zeros(self.n_levels, sizeof(int))
        self.level_integral = <double *>zeros(<i64>self.n_buckets * self.n_levels, sizeof(double))
        self.level_max = <int *>zeros(<i64>self.n_buckets * self.n_levels, sizeof(int))
        return 0

    def __dealloc__(self):
        cdef int i
        if self.queues != NULL:
            for i in range(self.n_types):
                free(self.queues[i].items)
        free(self.priority); free(self.route_start); free(self.route_group); free(self.route_delay)
        free(self.served_start); free(self.served_type); free(self.served_delay); free(self.speed)
        free(self.head_start); free(self.group_skills)
        free(self.agent_group); free(self.spell_first); free(self.spell_count); free(self.spell_begin)
        free(self.spell_end); free(self.current_spell); free(self.leaving); free(self.on_duty_since)
        free(self.last_done); free(self.hand_id); free(self.wrap_in_hand); free(self.idle_prev)
        free(self.idle_next); free(self.is_idle); free(self.idle_head); free(self.idle_tail)
        free(self.log_agent); free(self.log_start); free(self.log_scheduled_end); free(self.log_end)
        free(self.calls); free(self.free_slots)
        free(self.rec_arrival); free(self.rec_type); free(self.rec_outcome); free(self.rec_group)
        free(self.rec_agent); free(self.rec_answer); free(self.rec_end); free(self.rec_talk); free(self.rec_wrapup)
        free(self.counts); free(self.sums); free(self.summary_hist)
        free(self.group_answered); free(self.group_handle); free(self.level); free(self.level_since); free(self.level_bucket)
        free(self.edges); free(self.level_integral); free(self.level_max)
        free(self.queues); free(self.heap)

    # -- the event heap ---------------------------------------------------------------------

    cdef int grow_heap(self) except -1:
        self.heap_capacity *= 2
        self.heap = <Event *>grow(self.heap, self.heap_capacity, sizeof(Event))
        return 0

    cdef inline int push(self, double time, int event_class, i64 entity, int kind, int target) except -1:
        """Add an event to the 4-ary heap (children of i: 4i + 1 .. 4i + 4)."""
        cdef i64 i, parent
        cdef Event event
        cdef Event *heap
        if self.heap_size == self.heap_capacity:
            self.grow_heap()
        heap = self.heap
        event.time = time_key(time)
        event.key = (<unsigned long long>event_class << ENTITY_BITS) | <unsigned long long>entity
        event.kind = kind
        event.target = target
        i = self.heap_size
        self.heap_size += 1
        while i > 0:
            parent = (i - 1) >> 2
            if not before(&event, &heap[parent]):
                break
            heap[i] = heap[parent]
            i = parent
        heap[i] = event
        return 0

    cdef inline void pop(self, Event *top) noexcept:
        """Remove the first event into ``top``: move the hole down along the earliest children to
        a leaf, then sift the last event up from there (it usually belongs near the bottom)."""
        cdef Event *heap = self.heap
        cdef Event *last
        cdef i64 i = 0, child, best, parent, n
        top[0] = heap[0]
        self.heap_size -= 1
        n = self.heap_size
        if n == 0:
            return
        last = &heap[n]
        while True:
            child = 4 * i + 1
            if child + 3 < n:
                best = child
                if before(&heap[child + 1], &heap[best]):
                    best = child + 1
                if before(&heap[child + 2], &heap[best]):
                    best = child + 2
                if before(&heap[child + 3], &heap[best]):
                    best = child + 3
            elif child < n:
                best = child
                child += 1
                while child < n:
                    if before(&heap[child], &heap[best]):
                        best = child
                    child += 1
            else:
                break
            heap[i] = heap[best]
            i = best
        while i > 0:
            parent = (i - 1) >> 2
            if not before(last, &heap[parent]):
                break
            heap[i] = heap[parent]
            i = parent
        heap[i] = last[0]

    # -- calls --------------------------------------------------------------------------------

    def load(self, double[::1] arrival, int[::1] call_type, double[::1] talk, double[::1] wrapup,
             double[::1] patience):
        """Make the next block of calls (ids continue from the previous block) the one to read.

        The previous block must have been read to the end (``run`` returned True).
        """
        cdef i64 n = arrival.shape[0], first = self.n_calls, i
        if self.block_next < self.block_size:
            raise RuntimeError("load: the previous block of calls has not been read to the end")
        self.block_first, self.block_size, self.block_next = first, n, 0
        if n == 0:
            return
        if not (call_type.shape[0] == n and talk.shape[0] == n and wrapup.shape[0] == n
                and patience.shape[0] == n):
            raise ValueError("load: the columns of a block must have the same length")
        self.block = (arrival, call_type, talk, wrapup, patience)
        self.in_arrival, self.in_type, self.in_talk = &arrival[0], &call_type[0], &talk[0]
        self.in_wrapup, self.in_patience = &wrapup[0], &patience[0]
        self.n_calls = first + n
        if not self.keep_records:
            return
        if self.n_calls > self.record_capacity:
            self.record_capacity = max(2 * self.record_capacity, self.n_calls, 1024)
            c = self.record_capacity
            self.rec_arrival = <double *>grow(self.rec_arrival, c, sizeof(double))
            self.rec_type = <int *>grow(self.rec_type, c, sizeof(int))
            self.rec_outcome = <char *>grow(self.rec_outcome, c, sizeof(char))
            self.rec_group = <int *>grow(self.rec_group, c, sizeof(int))
            self.rec_agent = <int *>grow(self.rec_agent, c, sizeof(int))
            self.rec_answer = <double *>grow(self.rec_answer, c, sizeof(double))
            self.rec_end = <double *>grow(self.rec_end, c, sizeof(double))
            self.rec_talk = <double *>grow(self.rec_talk, c, sizeof(double))
            self.rec_wrapup = <double *>grow(self.rec_wrapup, c, sizeof(double))
        for i in range(n):
            self.rec_arrival[first + i] = arrival[i]
            self.rec_type[first + i] = call_type[i]
            self.rec_outcome[first + i] = UNFINISHED
            self.rec_group[first + i] = -1
            self.rec_agent[first + i] = -1
            self.rec_answer[first + i] = NAN
            self.rec_end[first + i] = NAN
            self.rec_talk[first + i] = 0.0
            self.rec_wrapup[first + i] = 0.0

    cdef int new_slot(self) except -1:
        """A free call slot (recycled if possible)."""
        if self.n_free > 0:
            self.n_free -= 1
            return self.free_slots[self.n_free]
        if self.slots_used == self.slot_capacity:
            if self.slot_capacity >= (1 << 30):
                raise MemoryError("more than 2**30 calls waiting at once")
            self.slot_capacity *= 2
            self.calls = <Call *>grow(self.calls, self.slot_capacity, sizeof(Call))
            self.free_slots = <int *>grow(self.free_slots, self.slot_capacity, sizeof(int))
        self.slots_used += 1
        return <int>(self.slots_used - 1)

    cdef inline void release(self, int slot) noexcept:
        """The call has left the queue: its slot may hold the next one."""
        self.calls[slot].state = CALL_GONE
        self.free_slots[self.n_free] = slot
        self.n_free += 1

    cdef int grow_queue(self, Queue *q) except -1:
        """Unroll the ring into a buffer twice the size (capacities are powers of two)."""
        cdef i64 i, old = q.capacity
        q.capacity *= 2
        q.items = <Entry *>grow(q.items, q.capacity, sizeof(Entry))
        for i in range(q.head):
            q.items[old + i] = q.items[i]
        return 0

    cdef inline int enqueue(self, int k, int slot, i64 id) except -1:
        cdef Queue *q = &self.queues[k]
        cdef i64 i
        if q.size == q.capacity:
            self.grow_queue(q)
        i = (q.head + q.size) & (q.capacity - 1)
        q.items[i].slot = slot
        q.items[i].id = id
        q.size += 1
        if self.tally:
            self.level_step(k, 1)
            if self.n_types > 1:  # with one type, the total is that type's level (see tallies)
                self.level_step(self.n_types, 1)
        return 0

    cdef inline bint is_waiting(self, int slot, i64 id) noexcept:
        return self.calls[slot].id == id and self.calls[slot].state == CALL_WAITING

    cdef inline int waiting_head(self, int k) noexcept:
        """Slot of the oldest call still waiting in type k's queue (-1 if none); drops the others."""
        cdef Queue *q = &self.queues[k]
        cdef Entry *entry
        while q.size > 0:
            entry = &q.items[q.head]
            if self.is_waiting(entry.slot, entry.id):
                return entry.slot
            q.head = (q.head + 1) & (q.capacity - 1)
            q.size -= 1
        return -1

    cdef inline void leave_queue(self, int k) noexcept:
        if self.tally:
            self.level_step(k, -1)
            if self.n_types > 1:
                self.level_step(self.n_types, -1)

    # -- tallies ------------------------------------------------------------------------------

    cdef void commit(self, int l, int b, double start, double end) noexcept:
        """Level l held its value over [start, end), start in bucket b: add to the integral and
        maximum of each bucket that interval overlaps."""
        cdef int value = self.level[l]
        cdef double low, high
        cdef i64 cell
        while True:
            low = start if start > self.edges[b] else self.edges[b]
            high = end if end < self.edges[b + 1] else self.edges[b + 1]
            if high > low:
                cell = <i64>b * self.n_levels + l
                self.level_integral[cell] += value * (high - low)
                if value > self.level_max[cell]:
                    self.level_max[cell] = value
            if end <= self.edges[b + 1]:
                break
            b += 1

    cdef inline void level_step(self, int l, int delta) noexcept:
        """Level l changes by delta now (a level only counts once time moves on: N is right-continuous)."""
        cdef int b, value
        cdef double low
        cdef i64 cell
        if self.now > self.level_since[l]:
            while self.now >= self.edges[self.now_bucket + 1]:  # time never goes back
                self.now_bucket += 1
            value = self.level[l]
            if value != 0:
                b = self.level_bucket[l]
                if b == self.now_bucket:  # commit's one step: [since, now) inside bucket b
                    low = self.level_since[l] if self.level_since[l] > self.edges[b] else self.edges[b]
                    if self.now > low:
                        cell = <i64>b * self.n_levels + l
                        self.level_integral[cell] += value * (self.now - low)
                        if value > self.level_max[cell]:
                            self.level_max[cell] = value
                else:
                    self.commit(l, b, self.level_since[l], self.now)
            self.level_since[l] = self.now
            self.level_bucket[l] = self.now_bucket
        self.level[l] += delta

    cdef inline int interval_of(self, double arrival) noexcept:
        """As Scenario.arrival_interval: truncated IEEE quotient, the last interval taking the end."""
        cdef double quotient = arrival / self.interval_length
        if quotient >= self.n_intervals - 1:
            return self.n_intervals - 1
        return <int>quotient

    cdef inline i64 cell(self, int interval, int k) noexcept:
        return <i64>interval * self.n_types + k

    cdef inline void tally_wait_left(self, i64 cell, int k, double wait) noexcept:
        """An answered or (not short) abandoned call left the queue after ``wait``."""
        self.sums[cell * N_SUMS + S_WAIT_LEFT] += wait
        self.interval_hist[cell * INTERVAL_BINS + wait_bin(wait, INTERVAL_LOG2)] += 1
        self.summary_hist[<i64>k * SUMMARY_BINS + wait_bin(wait, SUMMARY_LOG2)] += 1

    cdef void tally_abandon(self, Call *c) noexcept:
        cdef double wait = self.now - c.arrival
        cdef i64 cell = self.cell(c.interval, c.type)
        if c.arrival < self.warmup:
            return
        if wait < self.short_abandon:
            self.counts[cell * N_COUNTS + C_SHORT_ABANDONED] += 1
            return
        self.counts[cell * N_COUNTS + C_ABANDONED] += 1
        if wait > self.sl_threshold:
            self.counts[cell * N_COUNTS + C_LATE_ABANDONED] += 1
        self.tally_wait_left(cell, c.type, wait)

    cdef inline void tally_answer(self, Call *c, int group, double handle) noexcept:
        cdef double wait = self.now - c.arrival
        cdef i64 cell = self.cell(c.interval, c.type)
        if c.arrival < self.warmup:
            return
        self.counts[cell * N_COUNTS + C_ANSWERED] += 1
        if wait <= self.sl_threshold:
            self.counts[cell * N_COUNTS + C_ANSWERED_WITHIN_T] += 1
        self.sums[cell * N_SUMS + S_WAIT_ANSWERED] += wait
        self.sums[cell * N_SUMS + S_HANDLE] += handle
        self.tally_wait_left(cell, c.type, wait)
        self.group_answered[group] += 1
        self.group_handle[group] += handle

    def close(self, double agents_end):
        """After the run: count the calls still waiting (unfinished) and close the time integrals at
        the end of the measured window, the last moment anyone was present: the latest of the
        horizon end, ``agents_end`` (when the last agent left) and the last call's end. Returns it."""
        cdef int k, l
        cdef i64 i
        cdef int slot
        cdef Queue *q
        cdef Call *c
        cdef Entry *entry
        cdef double window_end = max(self.horizon_end, agents_end, self.max_call_end)
        if not self.tally:
            raise RuntimeError("close: this run did not keep tallies")
        for k in range(self.n_types):
            q = &self.queues[k]
            for i in range(q.size):
                entry = &q.items[(q.head + i) & (q.capacity - 1)]
                slot = entry.slot
                c = &self.calls[slot]
                if self.is_waiting(slot, entry.id) and c.arrival >= self.warmup:
                    self.counts[self.cell(c.interval, c.type) * N_COUNTS + C_UNFINISHED] += 1
        for l in range(self.n_levels):
            if self.level[l] != 0 and window_end > self.level_since[l]:
                self.commit(l, self.level_bucket[l], self.level_since[l], window_end)
            self.level_since[l] = window_end
        return window_end

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
                      STAFFING, agent, EV_SHIFT_START, agent)
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

    cdef inline void make_idle(self, int agent) noexcept:
        cdef int g = self.agent_group[agent]
        self.is_idle[agent] = 1
        self.idle_next[agent] = -1
        self.idle_prev[agent] = self.idle_tail[g]
        if self.idle_tail[g] >= 0:
            self.idle_next[self.idle_tail[g]] = agent
        else:
            self.idle_head[g] = agent
        self.idle_tail[g] = agent

    cdef inline void remove_idle(self, int agent) noexcept:
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

    cdef inline int serve(self, int agent, Call *c) except -1:
        """The agent answers the call now and starts talking (the caller frees the call's slot).

        Without a trunk limit nothing observes the end of talk but the agent, who is busy until
        the end of wrap-up: the call's end is recorded now and one event ends talk and wrap-up.
        """
        cdef int g = self.agent_group[agent]
        cdef double factor = self.speed[g * self.n_types + c.type]
        cdef double talk = c.talk / factor
        cdef double wrapup = c.wrapup / factor
        cdef double end = self.now + talk
        if self.keep_records:
            self.rec_outcome[c.id] = ANSWERED
            self.rec_answer[c.id] = self.now
            self.rec_group[c.id] = g
            self.rec_agent[c.id] = agent
            self.rec_talk[c.id] = talk
            self.rec_wrapup[c.id] = wrapup
        if self.tally:
            self.tally_answer(c, g, talk + wrapup)
            self.level_step(self.n_types + 1 + g, 1)
        if self.trunks < 0:
            if self.keep_records:
                self.rec_end[c.id] = end
            if self.tally and end > self.max_call_end:
                self.max_call_end = end
            self.push(end + wrapup if wrapup > 0 else end, COMPLETION, agent, EV_WRAP_END, agent)
        else:  # the end of talk frees a trunk
            self.hand_id[agent] = c.id
            self.wrap_in_hand[agent] = wrapup
            self.push(end, COMPLETION, agent, EV_TALK_END, agent)
        return 0

    cdef inline bint call_before(self, int k, const Call *a, int best_type, const Call *b) noexcept:
        """Whether head call a (of type k) is taken before head call b, by the scenario's
        call-selection policy (sim/policies/_call_selection.pxd)."""
        if self.call_selection == CALL_SELECTION_PRIORITY_FIFO:
            return priority_fifo_before(self.priority[k], a.arrival, a.id, self.priority[best_type], b.arrival, b.id)
        return priority_head_start_before(self.priority[k], a.arrival, self.head_start[k], a.id,
                                          self.priority[best_type], b.arrival, self.head_start[best_type], b.id)

    cdef inline int select_group(self, int k, double arrival) noexcept:
        """The group whose longest-idle agent answers an arriving call of type k: among the
        route's groups eligible now with an idle agent, the scenario's agent-selection policy's
        choice (sim/policies/_agent_selection.pxd); -1 if none."""
        cdef int j, g, step, best = -1, best_step = -1
        for j in range(self.route_start[k], self.route_start[k + 1]):
            g = self.route_group[j]
            if self.idle_head[g] < 0 or not eligible(arrival, self.route_delay[j], arrival):
                continue
            if self.agent_selection == AGENT_SELECTION_ROUTE_ORDER:
                return g  # no later step comes before it in route order
            step = j - self.route_start[k]
            if best < 0 or least_skilled_before(step, self.group_skills[g], best_step, self.group_skills[best]):
                best, best_step = g, step
        return best

    cdef inline int next_call(self, int agent) noexcept:
        """Slot of the waiting call a free agent takes now (taken off its queue), or -1."""
        cdef int g = self.agent_group[agent]
        cdef int j, k, best_type = -1, head, best = -1
        cdef Call *h
        cdef Call *b = NULL
        cdef Queue *q
        for j in range(self.served_start[g], self.served_start[g + 1]):
            k = self.served_type[j]
            head = self.waiting_head(k)
            if head < 0:
                continue
            h = &self.calls[head]
            if not eligible(h.arrival, self.served_delay[j], self.now):
                continue
            if best < 0 or self.call_before(k, h, best_type, b):
                best, best_type, b = head, k, h
        if best >= 0:
            q = &self.queues[best_type]
            q.head = (q.head + 1) & (q.capacity - 1)
            q.size -= 1
            self.leave_queue(best_type)
        return best

    cdef int agent_free(self, int agent) except -1:
        """After talk (and wrap-up): go home if the spell is over, else take the next call."""
        self.last_done[agent] = self.now
        if self.tally:
            self.level_step(self.n_types + 1 + self.agent_group[agent], -1)
        if self.leaving[agent]:
            return self.end_spell(agent)
        return self.work_or_idle(agent)

    cdef inline int work_or_idle(self, int agent) except -1:
        """A free agent on duty takes the next waiting call, or joins its group's idle list."""
        cdef int slot = self.next_call(agent)
        if slot >= 0:
            self.serve(agent, &self.calls[slot])
            self.release(slot)
        else:
            self.make_idle(agent)
        return 0

    # -- events -------------------------------------------------------------------------------

    cdef inline int arrive(self) except -1:
        """The next call of the block arrives (now)."""
        cdef i64 i = self.block_next, id = self.block_first + self.block_next
        cdef int k = self.in_type[i], j, g, agent, slot, interval = 0
        cdef double arrival = self.in_arrival[i], patience = self.in_patience[i], delay
        cdef Call *c
        cdef Call call
        self.block_next += 1
        self.now = arrival
        if self.tally:
            interval = self.interval_of(arrival)
            if arrival >= self.warmup:
                self.counts[self.cell(interval, k) * N_COUNTS + C_ARRIVED] += 1
        if self.trunks >= 0 and self.in_system >= self.trunks:
            if self.keep_records:
                self.rec_outcome[id] = BLOCKED
                self.rec_end[id] = arrival
            if self.tally:
                if arrival >= self.warmup:
                    self.counts[self.cell(interval, k) * N_COUNTS + C_BLOCKED] += 1
                if arrival > self.max_call_end:
                    self.max_call_end = arrival
            return 0
        self.in_system += 1
        g = self.select_group(k, arrival)
        if g >= 0:  # answered at once: the call never needs a slot, a queue entry or a timer
            call.arrival, call.talk, call.wrapup = arrival, self.in_talk[i], self.in_wrapup[i]
            call.id, call.type, call.interval = id, k, interval
            agent = self.idle_head[g]
            self.remove_idle(agent)
            return self.serve(agent, &call)
        slot = self.new_slot()
        c = &self.calls[slot]
        c.arrival, c.talk, c.wrapup = arrival, self.in_talk[i], self.in_wrapup[i]
        c.id, c.type, c.interval, c.state = id, k, interval, CALL_WAITING
        self.enqueue(k, slot, id)
        if patience < INFINITY:
            self.push(arrival + patience, ABANDON, id, EV_ABANDON, slot)
        for j in range(self.route_start[k], self.route_start[k + 1]):
            delay = self.route_delay[j]
            if needs_overflow_timer(arrival, delay, patience, arrival):
                self.push(arrival + delay, OVERFLOW, (id << ROUTE_BITS) | (j - self.route_start[k]), EV_OVERFLOW, slot)
        return 0

    cdef int abandon(self, int slot) except -1:
        cdef Call *c = &self.calls[slot]
        self.in_system -= 1
        self.leave_queue(c.type)  # its queue entry goes stale; dropped when it reaches the head
        if self.keep_records:
            self.rec_outcome[c.id] = ABANDONED
            self.rec_end[c.id] = self.now
        if self.tally:
            self.tally_abandon(c)
            if self.now > self.max_call_end:
                self.max_call_end = self.now
        self.release(slot)
        return 0

    cdef int overflow(self, int slot, int step) except -1:
        """The call became eligible for its route's group ``step``: an idle agent there answers it."""
        cdef Call *c = &self.calls[slot]
        cdef int group = self.route_group[self.route_start[c.type] + step]
        cdef int agent = self.idle_head[group]
        if agent < 0:
            return 0
        self.leave_queue(c.type)  # its queue entry goes stale
        self.remove_idle(agent)
        self.serve(agent, c)
        self.release(slot)
        return 0

    cdef int shift_start(self, int agent) except -1:
        cdef int index = self.spell_first[agent] + self.current_spell[agent]
        self.leaving[agent] = 0
        self.on_duty_since[agent] = self.now
        if self.spell_end[index] < INFINITY:
            self.push(self.spell_end[index], STAFFING, agent, EV_SHIFT_END, agent)
        return self.work_or_idle(agent)

    cdef int shift_end(self, int agent) except -1:
        self.leaving[agent] = 1
        if self.is_idle[agent]:
            self.remove_idle(agent)
            self.end_spell(agent)
        return 0

    cdef int talk_end(self, int agent) except -1:
        """(Only with a trunk limit.) The caller hangs up, freeing a trunk; wrap-up follows."""
        self.in_system -= 1
        if self.keep_records:
            self.rec_end[self.hand_id[agent]] = self.now
        if self.tally and self.now > self.max_call_end:
            self.max_call_end = self.now
        if self.wrap_in_hand[agent] > 0:
            self.push(self.now + self.wrap_in_hand[agent], COMPLETION, agent, EV_WRAP_END, agent)
            return 0
        return self.agent_free(agent)

    cdef inline int dispatch(self, Event *event) except -1:
        cdef i64 entity = <i64>(event.key & ((<unsigned long long>1 << ENTITY_BITS) - 1))
        cdef int kind = event.kind
        if kind == EV_WRAP_END:
            return self.agent_free(event.target)
        if kind == EV_ABANDON:
            if self.is_waiting(event.target, entity):
                return self.abandon(event.target)
            return 0
        if kind == EV_TALK_END:
            return self.talk_end(event.target)
        if kind == EV_OVERFLOW:
            if self.is_waiting(event.target, entity >> ROUTE_BITS):
                return self.overflow(event.target, <int>(entity & ((1 << ROUTE_BITS) - 1)))
            return 0
        if kind == EV_SHIFT_START:
            return self.shift_start(event.target)
        return self.shift_end(event.target)

    def run(self, bint final):
        """Process events in order. Unless ``final``, return when the next call must be loaded.

        The next arrival is not kept in the heap: the calls are already in time order, and an
        arrival comes after every other event of the same instant (its class is last), so it is
        due when the heap's first event is strictly later. Returns True if it stopped to wait
        for more calls.
        """
        cdef Event event
        while True:
            if self.block_next < self.block_size:
                if self.heap_size > 0 and key_time(self.heap[0].time) <= self.in_arrival[self.block_next]:
                    self.pop(&event)
                    self.now = key_time(event.time)
                    self.dispatch(&event)
                else:
                    self.arrive()
            elif not final:
                return True  # the next arrival is not loaded yet: no event may run before it
            elif self.heap_size > 0:
                self.pop(&event)
                self.now = key_time(event.time)
                self.dispatch(&event)
            else:
                return False

    # -- results ------------------------------------------------------------------------------

    def records(self):
        """Per-call columns as numpy arrays (copies), in sim.core.records.CallRecords order."""
        if not self.keep_records:
            raise RuntimeError("records: this run did not keep per-call records")
        n = self.n_calls
        return {
            "call_type": _array(self.rec_type, n, np.int32), "arrival": _array(self.rec_arrival, n, np.float64),
            "outcome": _array(self.rec_outcome, n, np.int8), "group": _array(self.rec_group, n, np.int32),
            "agent": _array(self.rec_agent, n, np.int32), "answer_time": _array(self.rec_answer, n, np.float64),
            "end_time": _array(self.rec_end, n, np.float64), "talk": _array(self.rec_talk, n, np.float64),
            "wrapup": _array(self.rec_wrapup, n, np.float64),
        }

    def tallies(self):
        """The streaming tallies as numpy arrays (copies); call ``close`` first."""
        if not self.tally:
            raise RuntimeError("tallies: this run did not keep tallies")
        cells = <i64>self.n_intervals * self.n_types
        shape = (self.n_intervals, self.n_types)
        integral = _array(self.level_integral, <i64>self.n_buckets * self.n_levels, np.float64).reshape(
            (self.n_buckets, self.n_levels))
        maximum = _array(self.level_max, <i64>self.n_buckets * self.n_levels, np.int32).reshape(
            (self.n_buckets, self.n_levels))
        if self.n_types == 1:  # the total queue was not tracked apart
            integral[:, 1], maximum[:, 1] = integral[:, 0], maximum[:, 0]
        return {
            "calls": self.n_calls,
            "slots": self.slots_used,  # call slots ever used: the most calls in the system at once
            "counts": _array(self.counts, cells * N_COUNTS, np.int64).reshape(shape + (N_COUNTS,)),
            "sums": _array(self.sums, cells * N_SUMS, np.float64).reshape(shape + (N_SUMS,)),
            "interval_hist": self.interval_hist_array,  # not a copy: the core is done with it
            "summary_hist": _array(self.summary_hist, <i64>self.n_types * SUMMARY_BINS, np.int64).reshape(
                (self.n_types, SUMMARY_BINS)),
            "group_answered": _array(self.group_answered, self.n_groups, np.int64),
            "group_handle": _array(self.group_handle, self.n_groups, np.float64),
            "level_integral": integral,
            "level_max": maximum,
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
