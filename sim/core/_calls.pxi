# The event loop's waiting calls (included by _loop.pyx): a waiting call lives in a recycled slot
# (a call answered on arrival needs none); per call type a FIFO ring buffer of queue entries. Queue
# entries and timers name a call by (slot, call id), so that one left behind by a call that has
# gone is recognised as stale; stale entries are dropped lazily at the head.

cdef struct Call:  # a call in the system
    double arrival  # when it joined its queue (its arrival, or the end of its IVR menu)
    double talk  # before the serving group's speed factor
    double wrapup
    double patience  # (only read when it leaves an IVR menu)
    i64 id
    i64 row  # its row of the records (its id, but with redials: rows in the order they were created)
    int caller  # (with redials) its caller's entry (sim/core/_redials.pxi), -1 if none
    int type  # the queue it joins (its type, or its IVR choice once it zeroes out)
    int interval  # of its arrival, for the tallies
    int choice  # (in an IVR menu) its pre-drawn way out: a call type, or IVR_SELF_SERVED / IVR_HUNG_UP
    char state
    char early  # it arrived before the warm-up ended (not measured)
    char callback  # an accepted callback (sim.model.callbacks): no patience; the agent taking it dials


cdef struct Slots:  # the waiting calls
    Call *calls
    int *free  # free slots, the last freed on top
    i64 n_free
    i64 used  # slots ever used: the most calls waiting at once
    i64 capacity


cdef struct Entry:  # a queue entry: stale once the call left or its slot holds another call
    i64 id
    int slot


cdef struct Queue:  # a ring buffer; its capacity is a power of two
    Entry *items
    i64 head
    i64 size
    i64 capacity


cdef int slots_init(Slots *s) except -1:
    s.capacity = 1024
    s.calls = <Call *>grow(NULL, s.capacity, sizeof(Call))
    s.free = <int *>grow(NULL, s.capacity, sizeof(int))
    return 0


cdef void slots_free(Slots *s) noexcept:
    free(s.calls); free(s.free)


cdef int slot_new(Slots *s) except -1:
    """A free call slot (recycled if possible)."""
    if s.n_free > 0:
        s.n_free -= 1
        return s.free[s.n_free]
    if s.used == s.capacity:
        if s.capacity >= (1 << 30):
            raise MemoryError("more than 2**30 calls waiting at once")
        s.capacity *= 2
        s.calls = <Call *>grow(s.calls, s.capacity, sizeof(Call))
        s.free = <int *>grow(s.free, s.capacity, sizeof(int))
    s.used += 1
    return <int>(s.used - 1)


cdef inline void slot_release(Slots *s, int slot) noexcept:
    """The call has left the queue: its slot may hold the next one."""
    s.calls[slot].state = CALL_GONE
    s.free[s.n_free] = slot
    s.n_free += 1


cdef inline bint slot_waiting(const Slots *s, int slot, i64 id) noexcept:
    """Whether the slot still holds call ``id``, waiting."""
    return s.calls[slot].id == id and s.calls[slot].state == CALL_WAITING


cdef Queue *queues_new(int n) except NULL:
    """n empty queues."""
    cdef int i
    cdef Queue *queues = <Queue *>zeros(n, sizeof(Queue))
    for i in range(n):
        queues[i].capacity = 16
        queues[i].items = <Entry *>grow(NULL, 16, sizeof(Entry))
    return queues


cdef void queues_free(Queue *queues, int n) noexcept:
    cdef int i
    if queues != NULL:
        for i in range(n):
            free(queues[i].items)
    free(queues)


cdef int queue_grow(Queue *q) except -1:
    """Unroll the ring into a buffer twice the size (capacities are powers of two)."""
    cdef i64 i, old = q.capacity
    q.capacity *= 2
    q.items = <Entry *>grow(q.items, q.capacity, sizeof(Entry))
    for i in range(q.head):
        q.items[old + i] = q.items[i]
    return 0


cdef inline int queue_push(Queue *q, int slot, i64 id) except -1:
    cdef i64 i
    if q.size == q.capacity:
        queue_grow(q)
    i = (q.head + q.size) & (q.capacity - 1)
    q.items[i].slot = slot
    q.items[i].id = id
    q.size += 1
    return 0


cdef inline int queue_head(Queue *q, const Slots *s) noexcept:
    """Slot of the oldest call still waiting in the queue (-1 if none); drops the stale entries
    before it."""
    cdef Entry *entry
    while q.size > 0:
        entry = &q.items[q.head]
        if slot_waiting(s, entry.slot, entry.id):
            return entry.slot
        q.head = (q.head + 1) & (q.capacity - 1)
        q.size -= 1
    return -1


cdef inline void queue_drop_head(Queue *q) noexcept:
    q.head = (q.head + 1) & (q.capacity - 1)
    q.size -= 1
