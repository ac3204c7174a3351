# The event loop's pending events (included by _loop.pyx): a 4-ary min-heap of 24-byte C structs
# ordered by (time, key), the time stored as an order-preserving integer so that one 128-bit
# comparison orders two events. A key is class << ENTITY_BITS | entity, the entity an agent or a
# call (unique among the pending events of its class), or, for an event pushed "sequenced", the
# run's count of sequenced events so far: such events of one class and instant fire in the order
# they were scheduled (an insertion sequence in the key, for features that give one agent or call
# several pending events of a class; the reference engine keeps the same count).

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
    unsigned long long key  # class << ENTITY_BITS | entity (or sequence): unique among pending events
    int target  # call slot or agent
    int kind


cdef struct Heap:  # children of item i: 4i + 1 .. 4i + 4
    Event *items  # items[size:capacity] are sentinels, later than any event (capacity >= size + 4)
    i64 size
    i64 capacity
    i64 sequenced  # events pushed sequenced so far: the next one's entity


cdef inline bint before(const Event *a, const Event *b) noexcept nogil:
    return events_before(a.time, a.key, b.time, b.key)


# Fills the heap beyond its last event, so that every event has four children (a time key and a
# key no event has: events' times are never NaN, their keys' class bits never all set).
cdef Event SENTINEL = Event(0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFFULL, -1, 0)


cdef int heap_init(Heap *heap) except -1:
    heap.size = 0
    heap.sequenced = 0
    heap.capacity = 0
    heap.items = NULL
    return heap_grow(heap)


cdef int heap_grow(Heap *heap) except -1:
    cdef i64 i, old = heap.capacity
    heap.capacity = 2 * old if old > 0 else 256  # (a day of a mid-size center peaks at a few hundred events)
    heap.items = <Event *>grow(heap.items, heap.capacity, sizeof(Event))
    for i in range(old, heap.capacity):
        heap.items[i] = SENTINEL
    return 0


cdef inline void event_set(Event *event, double time, int event_class, i64 entity, int kind, int target) noexcept:
    """Fill in an event (its time as a time key, its class and entity as its key)."""
    event.time = time_key(time)
    event.key = (<unsigned long long>event_class << ENTITY_BITS) | <unsigned long long>entity
    event.kind = kind
    event.target = target


cdef inline int heap_push(Heap *h, double time, int event_class, i64 entity, int kind, int target) except -1:
    """Add an event to the 4-ary heap."""
    cdef Event event
    event_set(&event, time, event_class, entity, kind, target)
    return heap_insert(h, &event)


cdef inline int heap_insert(Heap *h, const Event *event) except -1:
    """Add a filled-in event to the 4-ary heap."""
    cdef i64 i, parent
    cdef Event *heap
    if h.size + 4 >= h.capacity:  # room for the event and the sentinels after it
        heap_grow(h)
    heap = h.items
    i = h.size
    h.size += 1
    while i > 0:
        parent = (i - 1) >> 2
        if not before(event, &heap[parent]):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = event[0]
    return 0


cdef inline void heap_pop(Heap *h, Event *top) noexcept:
    """Remove the first event into ``top``: move the hole down along the earliest children to
    a leaf, then sift the last event up from there (it usually belongs near the bottom)."""
    cdef Event *heap = h.items
    cdef Event *last
    cdef i64 i = 0, child, best, pair, parent, n
    top[0] = heap[0]
    h.size -= 1
    n = h.size
    last = &heap[n]  # (its place becomes a sentinel)
    while True:
        child = 4 * i + 1
        if child >= n:
            break
        # the earliest of the four children (absent ones are sentinels), by a branch-free
        # tournament (keys are unique: no ties)
        pair = child + before(&heap[child + 1], &heap[child])
        best = child + 2 + before(&heap[child + 3], &heap[child + 2])
        best = pair + ((best - pair) & -<i64>before(&heap[best], &heap[pair]))  # (no branch)
        heap[i] = heap[best]
        i = best
    while i > 0:
        parent = (i - 1) >> 2
        if not before(last, &heap[parent]):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = last[0]
    last[0] = SENTINEL


cdef inline int heap_push_sequenced(Heap *h, double time, int event_class, int kind, int target) except -1:
    """Add an event keyed by insertion: among events of its class at its instant, it fires after
    those scheduled before it (its entity is the count of sequenced events so far)."""
    h.sequenced += 1
    return heap_push(h, time, event_class, h.sequenced - 1, kind, target)


def heap_order(const double[::1] times, const int[::1] classes, const long long[::1] entities):
    """The order in which the heap gives back events pushed in the given order, as indices into
    the inputs; an entity of -1 pushes the event sequenced. For the tests of the heap itself."""
    cdef Heap heap
    cdef Event event
    cdef Py_ssize_t i, n = times.shape[0]
    out = np.empty(n, np.int64)
    cdef long long[::1] order = out
    heap_init(&heap)
    try:
        for i in range(n):
            if entities[i] < 0:
                heap_push_sequenced(&heap, times[i], classes[i], 0, <int>i)
            else:
                heap_push(&heap, times[i], classes[i], entities[i], 0, <int>i)
        for i in range(n):
            heap_pop(&heap, &event)
            order[i] = event.target
    finally:
        free(heap.items)
    return out



def heap_pops(const signed char[::1] pushes, const double[::1] times, const int[::1] classes,
              const long long[::1] entities):
    """Pushes and pops interleaved: for each item of ``pushes``, 1 pushes the next event (its
    target its index in the inputs), 0 pops the first event; the heap is emptied at the end.
    The targets in the order popped. For the tests of the heap itself."""
    cdef Heap heap
    cdef Event event
    cdef Py_ssize_t i, pushed = 0, popped = 0
    out = np.empty(times.shape[0], np.int64)
    cdef long long[::1] order = out
    heap_init(&heap)
    try:
        for i in range(pushes.shape[0] + times.shape[0]):
            if i < pushes.shape[0] and pushes[i]:
                heap_push(&heap, times[pushed], classes[pushed], entities[pushed], 0, <int>pushed)
                pushed += 1
            elif heap.size > 0:
                heap_pop(&heap, &event)
                order[popped] = event.target
                popped += 1
    finally:
        free(heap.items)
    return out[:popped]
