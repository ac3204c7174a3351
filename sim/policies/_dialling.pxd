# The Cython twin of sim/policies/dialling.py: the same arithmetic in the same order, so that the
# results are identical to the last bit (tests/test_policies.py compares them on many inputs).

from libc.math cimport pow
from libc.stdlib cimport free

from sim._cmemory cimport grow, zeros

cdef enum:
    PREVIEW = 0
    PROGRESSIVE = 1
    PREDICTIVE = 2


cdef inline int dial_result(double u, const double *probabilities, int n) noexcept nogil:
    cdef double cumulative = 0.0
    cdef int code
    for code in range(n):
        cumulative += probabilities[code]
        if u < cumulative:
            return code
    return n - 1


cdef inline double share_connected(long long lines, long long free_, double p) noexcept nogil:
    cdef double q, pmf, expected_min = 0.0, below = 0.0
    cdef long long x = 0
    if p <= 0.0 or lines <= 0:
        return 1.0
    if p >= 1.0:
        return <double>(lines if lines < free_ else free_) / <double>lines
    q = 1.0 - p
    pmf = pow(q, <double>lines)  # (Python's float ** int is C pow)
    while x < free_ and x <= lines:
        expected_min += <double>x * pmf
        below += pmf
        pmf = pmf * <double>(lines - x) / <double>(x + 1) * p / q
        x += 1
    expected_min += <double>free_ * (1.0 - below)
    return expected_min / (<double>lines * p)


cdef inline long long attempts_to_place(int mode, long long capacity, long long in_flight, long long calls_per_agent,
                                        double p, double target_connect, long long max_calls_per_agent,
                                        bint throttled) noexcept nogil:
    cdef long long lines
    if capacity <= 0:
        return 0
    if mode == PREVIEW:
        return capacity
    if mode == PROGRESSIVE:
        lines = calls_per_agent * capacity
    elif throttled:
        lines = capacity
    else:
        lines = capacity
        while lines < max_calls_per_agent * capacity and share_connected(lines + 1, capacity, p) >= target_connect:
            lines += 1
    return lines - in_flight if lines > in_flight else 0


cdef struct RollingShare:  # the twin of dialling.RollingShare
    char *values
    long long window, position, seen, ones
    double prior


cdef inline int rolling_init(RollingShare *s, long long window, double prior) except -1:
    s.values = <char *>zeros(window, sizeof(char))
    s.window, s.prior = window, prior
    s.position = s.seen = s.ones = 0
    return 0


cdef inline void rolling_free(RollingShare *s) noexcept:
    free(s.values)
    s.values = NULL


cdef inline void rolling_add(RollingShare *s, char value) noexcept nogil:
    if s.seen >= s.window:
        s.ones -= s.values[s.position]
    else:
        s.seen += 1
    s.values[s.position] = value
    s.ones += value
    s.position = (s.position + 1) % s.window


cdef inline double rolling_estimate(const RollingShare *s) noexcept nogil:
    return (<double>s.ones + s.prior * <double>(s.window - s.seen)) / <double>s.window


cdef inline bint rolling_above(const RollingShare *s, double cap) noexcept nogil:
    return <double>s.ones > cap * <double>s.seen
