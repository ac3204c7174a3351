# The Cython twin of sim/policies/routing.py (tests/test_policies.py compares the two).

cdef inline bint eligible(double arrival, double delay, double now) noexcept nogil:
    return now >= arrival + delay


cdef inline bint needs_overflow_timer(double arrival, double delay, double patience, double now) noexcept nogil:
    return now < arrival + delay and delay < patience
