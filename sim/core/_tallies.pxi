# The event loop's streaming KPI tallies (included by _loop.pyx, after _calls.pxi): per
# (interval, call type) counts, sums and wait histograms of the measured calls, per group
# answered calls and handle time, and the time integrals and maxima of the levels (queue length
# per type and in total, busy agents per group) per time bucket. Their memory does not grow with
# the number of calls; the layout is in sim/core/protocol.py.

cimport cython


cdef inline int wait_bin(double wait, int log2_per_octave) noexcept nogil:
    """Histogram bin of a wait (layout in sim/core/protocol.py), read off the IEEE bits: a wait
    in [2**e, 2**(e + 1)) has biased exponent e + 1023, and its position within the octave,
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


@cython.final
cdef class Tallies:
    """The tallies of one run; the loop reports each arrival, answer, abandon and level change."""

    cdef int n_types, n_groups, n_intervals
    cdef double interval_length, warmup, sl_threshold, short_abandon
    cdef double max_call_end  # the latest end of a call (answered, abandoned or blocked) so far
    cdef int known_interval  # interval_of: every arrival in [known_from, known_below) is in this interval
    cdef double known_from, known_below
    # (each tally handed out is a numpy array the loop writes in place: ``out`` holds them, by name)
    cdef dict out
    cdef i64 *counts  # [(interval * n_types + type) * N_COUNTS + field]
    cdef double *sums  # [(interval * n_types + type) * N_SUMS + field]
    cdef unsigned int *interval_hist  # [(interval * n_types + type) * INTERVAL_BINS + bin]
    cdef i64 *summary_hist  # [type * SUMMARY_BINS + bin]
    cdef i64 *group_answered
    cdef double *group_handle
    # levels (queue length per type, in total, busy agents per group), integrated per time bucket
    cdef int n_levels, n_buckets
    cdef int *level
    cdef double *level_since
    cdef int *level_bucket  # bucket of level_since
    cdef int now_bucket  # bucket of the latest level change
    cdef double *edges  # n_buckets + 1 bucket edges, the last one inf
    cdef double *level_integral  # [bucket * n_levels + level]
    cdef int *level_max  # [bucket * n_levels + level]

    def __cinit__(self, int n_types, int n_groups, int n_intervals, double interval_length, double warmup,
                  double sl_threshold, double short_abandon, const double[::1] bucket_edges):
        self.n_types = n_types
        self.n_groups = n_groups
        self.n_intervals = n_intervals
        self.interval_length = interval_length
        self.warmup = warmup
        self.sl_threshold = sl_threshold
        self.short_abandon = short_abandon
        self.max_call_end = -INFINITY
        self.known_from, self.known_below = INFINITY, -INFINITY  # (nothing known yet)
        self.n_levels = n_types + 1 + n_groups
        self.n_buckets = bucket_edges.shape[0]
        shape = (n_intervals, n_types)
        self.out = {"counts": np.zeros(shape + (N_COUNTS,), np.int64), "sums": np.zeros(shape + (N_SUMS,)),
                    "interval_hist": np.zeros(shape + (INTERVAL_BINS,), np.uint32),
                    "summary_hist": np.zeros((n_types, SUMMARY_BINS), np.int64),
                    "group_answered": np.zeros(n_groups, np.int64), "group_handle": np.zeros(n_groups),
                    "level_integral": np.zeros((self.n_buckets, self.n_levels)),
                    "level_max": np.zeros((self.n_buckets, self.n_levels), np.int32)}
        self.counts = <i64 *>_data(self.out["counts"])
        self.sums = <double *>_data(self.out["sums"])
        self.interval_hist = <unsigned int *>_data(self.out["interval_hist"])
        self.summary_hist = <i64 *>_data(self.out["summary_hist"])
        self.group_answered = <i64 *>_data(self.out["group_answered"])
        self.group_handle = <double *>_data(self.out["group_handle"])
        self.level_integral = <double *>_data(self.out["level_integral"])
        self.level_max = <int *>_data(self.out["level_max"])
        self.edges = <double *>grow(NULL, self.n_buckets + 1, sizeof(double))
        memcpy(self.edges, &bucket_edges[0], <size_t>self.n_buckets * sizeof(double))
        self.edges[self.n_buckets] = INFINITY
        self.level = <int *>zeros(self.n_levels, sizeof(int))
        self.level_since = <double *>zeros(self.n_levels, sizeof(double))
        self.level_bucket = <int *>zeros(self.n_levels, sizeof(int))

    def __dealloc__(self):
        free(self.level); free(self.level_since); free(self.level_bucket); free(self.edges)

    # -- levels -------------------------------------------------------------------------------

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

    cdef inline void level_step(self, int l, int delta, double now) noexcept:
        """Level l changes by delta now (a level only counts once time moves on: N is right-continuous)."""
        cdef int b, value
        cdef double low
        cdef i64 cell
        if now > self.level_since[l]:
            while now >= self.edges[self.now_bucket + 1]:  # time never goes back
                self.now_bucket += 1
            value = self.level[l]
            if value != 0:
                b = self.level_bucket[l]
                if b == self.now_bucket:  # commit's one step: [since, now) inside bucket b
                    low = self.level_since[l] if self.level_since[l] > self.edges[b] else self.edges[b]
                    if now > low:
                        cell = <i64>b * self.n_levels + l
                        self.level_integral[cell] += value * (now - low)
                        if value > self.level_max[cell]:
                            self.level_max[cell] = value
                else:
                    self.commit(l, b, self.level_since[l], now)
            self.level_since[l] = now
            self.level_bucket[l] = self.now_bucket
        self.level[l] += delta

    cdef inline void queue_step(self, int k, int delta, double now) noexcept:
        """Type k's queue changes by delta now, and so does the total queue."""
        self.level_step(k, delta, now)
        if self.n_types > 1:  # with one type, the total is that type's level (see arrays)
            self.level_step(self.n_types, delta, now)

    cdef inline void busy_step(self, int group, int delta, double now) noexcept:
        """The group's busy agents change by delta now."""
        self.level_step(self.n_types + 1 + group, delta, now)

    cdef void close_levels(self, double window_end) noexcept:
        """Integrate every level up to the end of the measured window."""
        cdef int l
        for l in range(self.n_levels):
            if self.level[l] != 0 and window_end > self.level_since[l]:
                self.commit(l, self.level_bucket[l], self.level_since[l], window_end)
            self.level_since[l] = window_end

    # -- calls --------------------------------------------------------------------------------

    cdef inline int interval_of(self, double arrival) noexcept:
        """As Scenario.arrival_interval (``interval_quotient``), without its division for an
        arrival in the span of the previous one's interval that is known to give the same answer."""
        if self.known_from <= arrival < self.known_below:
            return self.known_interval
        return self.interval_learn(arrival)

    cdef inline int interval_quotient(self, double arrival) noexcept:
        """As Scenario.arrival_interval: truncated IEEE quotient, the last interval taking the end."""
        cdef double quotient = arrival / self.interval_length
        if quotient >= self.n_intervals - 1:
            return self.n_intervals - 1
        return <int>quotient

    cdef int interval_learn(self, double arrival) noexcept:
        """The arrival's interval i by the division, and the span [arrival, below) that has the
        same answer: a rounded quotient never decreases as the arrival grows, so every time from
        ``arrival`` up to the last double whose quotient is still i gives i."""
        cdef int i = self.interval_quotient(arrival)
        cdef double last = (i + 1) * self.interval_length
        if i == self.n_intervals - 1 or isnan(arrival):
            last = INFINITY if i == self.n_intervals - 1 else NAN  # (NaN: nothing is known)
        else:
            while self.interval_quotient(last) > i:
                last = nextafter(last, -INFINITY)
        self.known_interval, self.known_from = i, arrival
        self.known_below = nextafter(last, INFINITY) if last < INFINITY else INFINITY
        return i

    cdef inline i64 cell(self, int interval, int k) noexcept:
        return <i64>interval * self.n_types + k

    cdef inline void count(self, int interval, int k, int field) noexcept:
        """Add one to count ``field`` (C_...) of the calls of type k that arrived in the interval."""
        self.counts[self.cell(interval, k) * N_COUNTS + field] += 1

    cdef inline void call_end(self, double end) noexcept:
        """A call ended (or will end) at ``end``."""
        if end > self.max_call_end:
            self.max_call_end = end

    cdef inline void wait_left(self, i64 cell, int k, double wait) noexcept:
        """An answered or (not short) abandoned call left the queue after ``wait``."""
        self.sums[cell * N_SUMS + S_WAIT_LEFT] += wait
        self.interval_hist[cell * INTERVAL_BINS + wait_bin(wait, INTERVAL_LOG2)] += 1
        self.summary_hist[<i64>k * SUMMARY_BINS + wait_bin(wait, SUMMARY_LOG2)] += 1

    cdef void abandoned(self, const Call *c, double now) noexcept:
        """The waiting call c abandons now."""
        cdef double wait = now - c.arrival
        cdef i64 cell = self.cell(c.interval, c.type)
        if c.early:
            return
        if wait < self.short_abandon:
            self.counts[cell * N_COUNTS + C_SHORT_ABANDONED] += 1
            return
        self.counts[cell * N_COUNTS + C_ABANDONED] += 1
        if wait > self.sl_threshold:
            self.counts[cell * N_COUNTS + C_LATE_ABANDONED] += 1
        self.wait_left(cell, c.type, wait)

    cdef inline void answered(self, const Call *c, int group, double talk, double handle, double now) noexcept:
        """The call c is answered now by an agent of the group, for ``talk`` s of talk and ``handle``
        s of talk and wrap-up."""
        cdef double wait = now - c.arrival
        cdef i64 cell = self.cell(c.interval, c.type)
        if c.early:
            return
        self.counts[cell * N_COUNTS + C_ANSWERED] += 1
        if wait <= self.sl_threshold:
            self.counts[cell * N_COUNTS + C_ANSWERED_WITHIN_T] += 1
        self.sums[cell * N_SUMS + S_WAIT_ANSWERED] += wait
        self.sums[cell * N_SUMS + S_HANDLE] += handle
        self.sums[cell * N_SUMS + S_TALK] += talk
        self.wait_left(cell, c.type, wait)
        self.group_answered[group] += 1
        self.group_handle[group] += handle

    cdef inline void consulted(self, const Call *c, double seconds) noexcept:
        """The measured leg c, answered now, will be transferred after a consult of ``seconds``."""
        self.sums[self.cell(c.interval, c.type) * N_SUMS + S_CONSULT] += seconds

    cdef void count_unfinished(self, const Queue *q, const Slots *s) noexcept:
        """At the end of the run: count the calls still waiting in queue q as unfinished."""
        cdef i64 i
        cdef int slot
        cdef const Entry *entry
        cdef const Call *c
        for i in range(q.size):
            entry = &q.items[(q.head + i) & (q.capacity - 1)]
            slot = entry.slot
            c = &s.calls[slot]
            if slot_waiting(s, slot, entry.id) and not c.early:
                self.count(c.interval, c.type, C_UNFINISHED)

    # -- results ------------------------------------------------------------------------------

    def arrays(self):
        """The tallies as numpy arrays (not copies: the loop is done with them); after close_levels."""
        if self.n_types == 1:  # the total queue was not tracked apart
            integral, maximum = self.out["level_integral"], self.out["level_max"]
            integral[:, 1], maximum[:, 1] = integral[:, 0], maximum[:, 0]
        return dict(self.out)


def tally_intervals(const double[::1] arrivals, int n_intervals, double interval_length, const double[::1] bucket_edges):
    """The interval the tallies give each arrival, asked in the given order (so that the span
    kept from the previous one is used). For the tests of ``interval_of``."""
    cdef Tallies tallies = Tallies(1, 1, n_intervals, interval_length, 0.0, 0.0, 0.0, bucket_edges)
    cdef Py_ssize_t i
    out = np.empty(arrivals.shape[0], np.int64)
    cdef long long[::1] intervals = out
    for i in range(arrivals.shape[0]):
        intervals[i] = tallies.interval_of(arrivals[i])
    return out
