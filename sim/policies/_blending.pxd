# The Cython twin of sim/policies/blending.py (tests/test_policies.py compares the two).

cdef enum:
    THRESHOLD = 0
    THRESHOLD_NO_QUEUE = 1
    THRESHOLD_SL_FLOOR = 2


cdef inline long long outbound_capacity(long long idle_dedicated, long long idle_blended, long long threshold,
                                        bint blended_allowed) noexcept nogil:
    if blended_allowed and idle_blended > threshold:
        return idle_dedicated + idle_blended - threshold
    return idle_dedicated


cdef inline bint blended_allowed(int policy, long long inbound_waiting, bint sl_met) noexcept nogil:
    if policy == THRESHOLD_NO_QUEUE:
        return inbound_waiting == 0
    if policy == THRESHOLD_SL_FLOOR:
        return sl_met
    return True


cdef inline bint sl_met(long long answered_within, long long left, double floor) noexcept nogil:
    return left == 0 or <double>answered_within / <double>left >= floor
