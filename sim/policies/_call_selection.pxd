# The Cython twin of sim/policies/call_selection.py: whether head call a is taken before head
# call b (its key is smaller), one function per rule (tests/test_policies.py compares them).

cdef inline bint priority_fifo_before(int priority_a, double arrival_a, long long id_a,
                                      int priority_b, double arrival_b, long long id_b) noexcept nogil:
    if priority_a != priority_b:
        return priority_a > priority_b
    if arrival_a != arrival_b:
        return arrival_a < arrival_b
    return id_a < id_b


cdef inline bint priority_head_start_before(int priority_a, double arrival_a, double head_start_a, long long id_a,
                                            int priority_b, double arrival_b, double head_start_b,
                                            long long id_b) noexcept nogil:
    cdef double a = arrival_a - head_start_a, b = arrival_b - head_start_b
    if priority_a != priority_b:
        return priority_a > priority_b
    if a != b:
        return a < b
    return id_a < id_b
