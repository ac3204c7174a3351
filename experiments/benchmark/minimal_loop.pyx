# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""A minimal hand-written Cython event loop of M/M/c+M: the yardstick of the fast engine's loop.

Written the way a competent person writes one model and nothing else: the calls' inputs are
pre-drawn arrays (sorted arrival times, talk times, patience times), identical agents are a
count of free ones, the waiting calls a FIFO of call ids in one preallocated array (a call that
abandoned is skipped lazily when it reaches the head), the pending completions and abandons a
binary heap of (time, kind, call) structs ordered by time alone, and the next arrival is read
from the array (it is due when the heap's first event is later). The outputs are counts and a
sum: answered, abandoned, answered within the threshold, total wait of the answered calls.

``ordered=True`` orders the heap like the fast engine (time, then class << 48 | entity in one
128-bit comparison, the time as an order-preserving integer): the cost of a fixed event order
in a loop that has nothing else to pay for.

Not part of the package: loop_vs_minimal.py compiles it (pyximport) for the benchmark.
"""

from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

cdef extern from *:
    """
    typedef unsigned __int128 minimal_u128;
    static inline unsigned long long minimal_time_key(double time) {
        unsigned long long bits;
        time += 0.0;
        memcpy(&bits, &time, 8);
        return (bits >> 63) ? ~bits : (bits | 0x8000000000000000ULL);
    }
    static inline double minimal_key_time(unsigned long long key) {
        double time;
        unsigned long long bits = (key >> 63) ? (key & 0x7FFFFFFFFFFFFFFFULL) : ~key;
        memcpy(&time, &bits, 8);
        return time;
    }
    static inline int minimal_before(unsigned long long a_time, unsigned long long a_key,
                                     unsigned long long b_time, unsigned long long b_key) {
        return ((((minimal_u128)a_time) << 64) | a_key) < ((((minimal_u128)b_time) << 64) | b_key);
    }
    """
    unsigned long long time_key "minimal_time_key"(double time) noexcept nogil
    double key_time "minimal_key_time"(unsigned long long key) noexcept nogil
    bint keyed_before "minimal_before"(unsigned long long a_time, unsigned long long a_key,
                                       unsigned long long b_time, unsigned long long b_key) noexcept nogil

DEF DONE = 0  # an agent finishes a call
DEF ABANDON = 1  # a waiting caller's patience runs out

cdef struct Event:
    double time
    long long call  # the abandoning call (ABANDON)
    int kind


cdef struct KeyedEvent:  # (ordered=True) as the fast engine's: (time key, class << 48 | entity)
    unsigned long long time
    unsigned long long key
    int kind


cdef inline void push(Event *heap, long long *size, double time, int kind, long long call) noexcept nogil:
    cdef long long i = size[0], parent
    size[0] += 1
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent].time <= time:
            break
        heap[i] = heap[parent]
        i = parent
    heap[i].time = time
    heap[i].kind = kind
    heap[i].call = call


cdef inline void pop(Event *heap, long long *size) noexcept nogil:
    """Remove heap[0] (the caller has read it)."""
    cdef long long i = 0, child, n
    cdef Event last
    size[0] -= 1
    n = size[0]
    last = heap[n]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and heap[child + 1].time < heap[child].time:
            child += 1
        if last.time <= heap[child].time:
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last


cdef inline bint kbefore(const KeyedEvent *a, const KeyedEvent *b) noexcept nogil:
    return keyed_before(a.time, a.key, b.time, b.key)


cdef inline void kpush(KeyedEvent *heap, long long *size, double time, int kind, unsigned long long entity) noexcept nogil:
    cdef long long i = size[0], parent
    cdef KeyedEvent event
    event.time = time_key(time)
    event.key = (<unsigned long long>(kind + 2) << 48) | entity  # COMPLETION = 2, ABANDON = 3
    event.kind = kind
    size[0] += 1
    while i > 0:
        parent = (i - 1) >> 1
        if not kbefore(&event, &heap[parent]):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = event


cdef inline void kpop(KeyedEvent *heap, long long *size) noexcept nogil:
    cdef long long i = 0, child, n
    cdef KeyedEvent last
    size[0] -= 1
    n = size[0]
    last = heap[n]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and kbefore(&heap[child + 1], &heap[child]):
            child += 1
        if not kbefore(&heap[child], &last):
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last


def run(const double[::1] arrival, const double[::1] talk, const double[::1] patience, int agents,
        double threshold=20.0, bint ordered=False):
    """Simulate the calls; returns (answered, abandoned, answered within threshold, total wait
    of the answered calls)."""
    cdef long long n = arrival.shape[0]
    if n == 0:
        return 0, 0, 0, 0.0
    if ordered:
        return run_ordered(&arrival[0], &talk[0], &patience[0], n, agents, threshold)
    cdef Event *heap = <Event *>malloc((n + agents + 1) * sizeof(Event))
    cdef long long *queue = <long long *>malloc(n * sizeof(long long))
    cdef char *waiting = <char *>malloc(n)
    cdef long long size = 0, head = 0, tail = 0, next_call = 0, c
    cdef long long answered = 0, abandoned = 0, within = 0
    cdef int free_agents = agents, kind
    cdef double now, wait, total_wait = 0.0
    if heap == NULL or queue == NULL or waiting == NULL:
        free(heap); free(queue); free(waiting)
        raise MemoryError()
    with nogil:
        while True:
            if next_call < n and (size == 0 or arrival[next_call] < heap[0].time):
                now = arrival[next_call]
                if free_agents > 0:  # answered at once
                    free_agents -= 1
                    answered += 1
                    within += 1
                    push(heap, &size, now + talk[next_call], DONE, next_call)
                else:
                    waiting[next_call] = 1
                    queue[tail] = next_call
                    tail += 1
                    push(heap, &size, now + patience[next_call], ABANDON, next_call)
                next_call += 1
            elif size > 0:
                now = heap[0].time
                kind = heap[0].kind
                c = heap[0].call
                pop(heap, &size)
                if kind == DONE:  # the agent takes the oldest call still waiting
                    while head < tail and not waiting[queue[head]]:
                        head += 1
                    if head < tail:
                        c = queue[head]
                        head += 1
                        waiting[c] = 0
                        wait = now - arrival[c]
                        answered += 1
                        total_wait += wait
                        if wait <= threshold:
                            within += 1
                        push(heap, &size, now + talk[c], DONE, c)
                    else:
                        free_agents += 1
                elif waiting[c]:  # ABANDON of a call still waiting
                    waiting[c] = 0
                    abandoned += 1
            else:
                break
    free(heap); free(queue); free(waiting)
    return answered, abandoned, within, total_wait


cdef tuple run_ordered(const double *arrival, const double *talk, const double *patience, long long n, int agents,
                       double threshold):
    """``run`` with the fast engine's event order: (time, class, entity) in one 128-bit key."""
    cdef KeyedEvent *heap = <KeyedEvent *>malloc((n + agents + 1) * sizeof(KeyedEvent))
    cdef long long *queue = <long long *>malloc(n * sizeof(long long))
    cdef char *waiting = <char *>malloc(n)
    cdef int *idle = <int *>malloc(agents * sizeof(int))  # a stack of the free agents
    cdef long long size = 0, head = 0, tail = 0, next_call = 0, c
    cdef long long answered = 0, abandoned = 0, within = 0
    cdef int free_agents = agents, kind, i
    cdef double now, wait, total_wait = 0.0
    if heap == NULL or queue == NULL or waiting == NULL or idle == NULL:
        free(heap); free(queue); free(waiting); free(idle)
        raise MemoryError()
    for i in range(agents):
        idle[i] = i
    with nogil:
        while True:
            # an arrival comes after every other event of its instant (its class is last)
            if next_call < n and (size == 0 or key_time(heap[0].time) > arrival[next_call]):
                now = arrival[next_call]
                if free_agents > 0:
                    free_agents -= 1
                    answered += 1
                    within += 1
                    kpush(heap, &size, now + talk[next_call], DONE, <unsigned long long>idle[free_agents])
                else:
                    waiting[next_call] = 1
                    queue[tail] = next_call
                    tail += 1
                    kpush(heap, &size, now + patience[next_call], ABANDON, <unsigned long long>next_call)
                next_call += 1
            elif size > 0:
                now = key_time(heap[0].time)
                kind = heap[0].kind
                c = <long long>(heap[0].key & ((1ULL << 48) - 1))
                kpop(heap, &size)
                if kind == DONE:  # c: the agent
                    while head < tail and not waiting[queue[head]]:
                        head += 1
                    if head < tail:
                        waiting[queue[head]] = 0
                        wait = now - arrival[queue[head]]
                        answered += 1
                        total_wait += wait
                        if wait <= threshold:
                            within += 1
                        kpush(heap, &size, now + talk[queue[head]], DONE, <unsigned long long>c)
                        head += 1
                    else:
                        idle[free_agents] = <int>c
                        free_agents += 1
                elif waiting[c]:
                    waiting[c] = 0
                    abandoned += 1
            else:
                break
    free(heap); free(queue); free(waiting); free(idle)
    return answered, abandoned, within, total_wait
