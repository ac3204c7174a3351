# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""KPI arithmetic in C (the twin of :mod:`sim.kpi._kernels_py`, which tests compare it with bit for
bit): quantiles of wait histograms row by row, the sums of min(x, value) per agent group that
give time on duty, the moments of cells over replications, and (``_record_kernels.pxi``) the
KPIs of per-call records. Loaded through :mod:`sim.kpi.kernels`.
"""

from libc.math cimport INFINITY, floor, NAN
from libc.stdlib cimport free, qsort

import numpy as np

from sim._cmemory cimport grow, i64, zeros


# -- histogram quantiles ----------------------------------------------------------------------
# sim.kpi.streaming.histogram_quantile, row by row: the very same arithmetic (the order statistics
# bracketing the q-quantile, each spread evenly over its bin), so the same floats. A row is summed
# once, then scanned once from its first bin to the bin holding the upper order statistic.

ctypedef fused count_t:
    unsigned int
    i64


cdef inline double _spread(const count_t *hist, Py_ssize_t b, i64 rank, i64 before, const double *low,
                           const double *high) noexcept nogil:
    """Order statistic ``rank`` (0-based), in bin b after ``before`` values of earlier bins."""
    cdef i64 count = <i64>hist[b] if hist[b] > 1 else 1
    return low[b] + (<double>(rank - before) + 0.5) / <double>count * (high[b] - low[b])


cdef double _row_quantile(const count_t *hist, i64 n, Py_ssize_t bins, double q, const double *low,
                          const double *high) noexcept nogil:
    """The q-quantile of one histogram row holding n values."""
    cdef Py_ssize_t b = 0
    cdef i64 lower, upper, before = 0
    cdef double position, below, above
    if n <= 0:
        return NAN
    position = <double>((n if n > 1 else 1) - 1) * q
    lower = <i64>floor(position)
    upper = lower + 1 if lower + 1 < n - 1 else (n - 1 if n - 1 > 0 else 0)
    # the first bin whose cumulative count exceeds the rank (the last bin at most)
    while b < bins - 1 and before + <i64>hist[b] <= lower:
        before += hist[b]
        b += 1
    below = _spread(hist, b, lower, before, low, high)
    while b < bins - 1 and before + <i64>hist[b] <= upper:  # (upper >= lower: onwards from there)
        before += hist[b]
        b += 1
    above = _spread(hist, b, upper, before, low, high)
    return below + (position - <double>lower) * (above - below)


def histogram_quantiles(const i64[:, ::1] hist, double q, const double[::1] low, const double[::1] high):
    """The q-quantile of each row of ``hist`` (sim.kpi.streaming.histogram_quantile)."""
    cdef Py_ssize_t rows = hist.shape[0], bins = hist.shape[1], r, b
    cdef i64 n
    out = np.empty(rows, np.float64)
    cdef double[::1] result = out
    if rows == 0:
        return out
    if low.shape[0] < bins or high.shape[0] < bins:
        raise ValueError("histogram_quantiles: fewer bin bounds than bins")
    for r in range(rows):
        n = 0
        for b in range(bins):
            n += hist[r, b]
        result[r] = _row_quantile(&hist[r, 0], n, bins, q, &low[0], &high[0])
    return out


def interval_quantiles(const count_t[:, :, ::1] hist, double q, const double[::1] low, const double[::1] high):
    """The q-quantile per (interval, call type) and per interval over all types (last column),
    from per (interval, call type) histograms (counts uint32 or int64)."""
    cdef Py_ssize_t n = hist.shape[0], types = hist.shape[1], bins = hist.shape[2], j, k, b
    cdef i64 count, all_types
    cdef count_t value
    out = np.empty((n, types + 1), np.float64)
    cdef double[:, ::1] result = out
    if n == 0:
        return out
    if low.shape[0] < bins or high.shape[0] < bins:
        raise ValueError("interval_quantiles: fewer bin bounds than bins")
    cdef i64 *total = <i64 *>grow(NULL, bins, sizeof(i64))
    for j in range(n):
        for b in range(bins):
            total[b] = 0
        all_types = 0
        for k in range(types):
            count = 0
            for b in range(bins):
                value = hist[j, k, b]
                count += value
                total[b] += value
            all_types += count
            result[j, k] = _row_quantile(&hist[j, k, 0], count, bins, q, &low[0], &high[0])
        result[j, types] = _row_quantile(total, all_types, bins, q, &low[0], &high[0])
    free(total)
    return out


# -- time on duty -----------------------------------------------------------------------------

cdef int _compare_doubles(const void *x, const void *y) noexcept nogil:
    """qsort order of doubles: ascending, NaN last (as numpy sorts)."""
    cdef double a = (<const double *>x)[0], b = (<const double *>y)[0]
    if a < b or (b != b and a == a):
        return -1
    if b < a or (a != a and b == b):
        return 1
    return 0


cdef inline Py_ssize_t _count_at_most(const double *values, Py_ssize_t n, double x) noexcept nogil:
    """How many of the sorted values (NaN last) are <= x (binary search)."""
    cdef Py_ssize_t low = 0, high = n, middle
    while low < high:
        middle = (low + high) >> 1
        if values[middle] <= x:
            low = middle + 1
        else:
            high = middle
    return low


def grouped_sum_min(const i64[::1] group, Py_ssize_t n_groups, const double[::1] values,
                    const double[::1] points):
    """sim.kpi.timeline._grouped_sum_min: for every group g (rows) and point x,
    sum over the values v of group g of min(x, v), with the very same arithmetic: the group's
    values sorted, their running sums, then (sum of the values <= x) + x * (how many are above)."""
    cdef Py_ssize_t n = values.shape[0], m = points.shape[0], i, g, c, below, width = 1
    if group.shape[0] != n:
        raise ValueError("grouped_sum_min: one group per value")
    out = np.empty((n_groups, m), np.float64)
    cdef double[:, ::1] result = out
    cdef Py_ssize_t *first = <Py_ssize_t *>zeros(2 * n_groups + 2, sizeof(Py_ssize_t))
    cdef Py_ssize_t *fill = first + n_groups + 1
    cdef double *sorted_ = <double *>grow(NULL, n, sizeof(double))
    cdef double *cumulative = <double *>grow(NULL, n + n_groups, sizeof(double))
    cdef double *row
    cdef double x
    try:
        for i in range(n):
            if not 0 <= group[i] < n_groups:
                raise ValueError("grouped_sum_min: group out of range")
            first[group[i] + 1] += 1
        for g in range(n_groups):
            width = max(width, first[g + 1])
            first[g + 1] += first[g]
            fill[g] = first[g]
        for i in range(n):  # each group's values in a run of their own, then sorted
            sorted_[fill[group[i]]] = values[i]
            fill[group[i]] += 1
        for g in range(n_groups):
            c = first[g + 1] - first[g]
            qsort(sorted_ + first[g], c, sizeof(double), _compare_doubles)
            row = cumulative + first[g] + g  # c + 1 running sums, starting at 0
            row[0] = 0.0
            for i in range(c):
                row[i + 1] = row[i] + sorted_[first[g] + i]
            for i in range(m):
                x = points[i]
                below = _count_at_most(sorted_ + first[g], c, x)
                if below == c and c < width and x >= INFINITY:  # numpy pads rows with inf: x = inf counts them
                    result[g, i] = (row[c] + INFINITY) + x * <double>(c - width)
                else:
                    result[g, i] = row[below] + x * <double>(c - below)
    finally:
        free(first)
        free(sorted_)
        free(cumulative)
    return out


# -- moments of cells over replications ---------------------------------------------------------
# The twin of _kernels_py.cell_moments: pandas' group_mean (a Kahan sum, its compensation reset to
# 0 when an infinite value made it NaN, GH#50367) and group_var (Welford's update) per cell, over
# the runs in order, NaN values skipped: the very operations pandas does, value by value.

def cell_moments(const double[:, ::1] block):
    """(sum, mean, m2, count) of each cell over the runs of ``block[run, cell]`` (float64 arrays)."""
    cdef Py_ssize_t runs = block.shape[0], cells = block.shape[1], r, c
    total, compensation, mean, m2, count = (np.zeros(cells) for _ in range(5))
    cdef double[::1] s = total, k = compensation, mu = mean, sq = m2, n = count
    cdef double value, y, t, old
    with nogil:
        for r in range(runs):
            for c in range(cells):
                value = block[r, c]
                if value != value:  # NaN: skipped
                    continue
                n[c] += 1
                y = value - k[c]
                t = s[c] + y
                k[c] = t - s[c] - y
                if k[c] != k[c]:
                    k[c] = 0
                s[c] = t
                old = mu[c]
                mu[c] += (value - old) / n[c]
                sq[c] += (value - mu[c]) * (value - old)
    return total, mean, m2, count


include "_record_kernels.pxi"  # counts, means, p90, queue and busy sweeps from per-call records
