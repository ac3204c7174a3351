# The KPI kernels on per-call records (included by _kernels_c.pyx): the twins of
# sim.kpi._kernels_py's call_tallies, wait_quantiles, sorted_sum_min and sorted_level_maxima, with
# the same arithmetic (tests/test_compiled_helpers.py compares them bit for bit).

# outcome codes: sim.core.protocol's, and 6 for a short abandon
cdef enum:
    ANSWERED = 0
    ABANDONED = 1
    BLOCKED = 2
    UNFINISHED = 3
    SELF_SERVED = 4
    IVR_ABANDONED = 5
    SHORT_ABANDONED = 6


cdef inline void _count(i64 *c, signed char o, double w, double threshold) noexcept nogil:
    """A call into the CALL_COUNTS of its cell."""
    c[0] += 1
    if o == BLOCKED:
        c[1] += 1
    elif o == SHORT_ABANDONED:
        c[2] += 1
    elif o == ANSWERED:
        c[3] += 1
        if w <= threshold:
            c[6] += 1
    elif o == ABANDONED:
        c[4] += 1
        if w > threshold:
            c[7] += 1
    elif o == UNFINISHED:
        c[5] += 1
    elif o == SELF_SERVED:
        c[8] += 1
    elif o == IVR_ABANDONED:
        c[9] += 1


cdef inline void _kahan(double *total, double *compensation, i64 *n, double value) noexcept nogil:
    """One value into a compensated sum, as pandas' grouped mean adds it (NaN skipped)."""
    cdef double y, t
    if value != value:
        return
    n[0] += 1
    y = value - compensation[0]
    t = total[0] + y
    compensation[0] = t - total[0] - y
    if compensation[0] != compensation[0]:  # an infinite value: pandas keeps the infinity
        compensation[0] = 0
    total[0] = t


def call_tallies(const i64[::1] interval, const double[::1] arrival, const int[::1] call_type,
                 const signed char[::1] outcome, const double[::1] wait, const double[::1] talk,
                 const double[::1] wrapup, i64 first, double warmup, Py_ssize_t n_rows, Py_ssize_t n_types,
                 double threshold):
    """Counts and compensated means per (interval row, call type or all), and means per call type,
    in one pass over the calls (see sim.kpi._kernels_py.call_tallies)."""
    cdef Py_ssize_t n = arrival.shape[0], i, cell, total_cell, cell_k, k, m
    cdef Py_ssize_t cells = (n_rows * (n_types + 1) + n_types) * 4
    cdef i64 row
    cdef signed char o
    cdef double w, handle
    cdef double values[4]
    cdef bint uses[4]
    if not (interval.shape[0] == call_type.shape[0] == outcome.shape[0] == wait.shape[0] == talk.shape[0]
            == wrapup.shape[0] == n):
        raise ValueError("call_tallies: columns of different lengths")
    counts_array = np.zeros((n_rows, n_types + 1, 10), np.int64)
    means_array = np.full((n_rows, n_types + 1, 4), np.nan)
    type_means_array = np.full((n_types, 4), np.nan)
    cdef i64[:, :, ::1] counts = counts_array
    cdef double[:, :, ::1] means = means_array
    cdef double[:, ::1] type_means = type_means_array
    cdef double *total = <double *>zeros(2 * cells, sizeof(double))
    cdef double *compensation = total + cells
    cdef i64 *seen = <i64 *>zeros(cells, sizeof(i64))
    try:
        for i in range(n):
            if not arrival[i] >= warmup:
                continue
            row, k, o, w = interval[i] - first, call_type[i], outcome[i], wait[i]
            if not (0 <= row < n_rows and 0 <= k < n_types and 0 <= o <= SHORT_ABANDONED):
                raise ValueError("call_tallies: interval, call type or outcome out of range")
            cell, total_cell = row * (n_types + 1) + k, row * (n_types + 1) + n_types
            _count(&counts[row, k, 0], o, w, threshold)
            _count(&counts[row, n_types, 0], o, w, threshold)
            if o != ANSWERED and o != ABANDONED:
                continue
            handle = talk[i] + wrapup[i]
            values[0], values[1], values[2], values[3] = w, w, handle, talk[i]
            uses[0], uses[1], uses[2], uses[3] = o == ANSWERED, True, o == ANSWERED, o == ANSWERED
            for m in range(4):
                if uses[m]:
                    _kahan(&total[cell * 4 + m], &compensation[cell * 4 + m], &seen[cell * 4 + m], values[m])
                    _kahan(&total[total_cell * 4 + m], &compensation[total_cell * 4 + m], &seen[total_cell * 4 + m],
                           values[m])
                    cell_k = (n_rows * (n_types + 1) + k) * 4 + m
                    _kahan(&total[cell_k], &compensation[cell_k], &seen[cell_k], values[m])
        for cell in range(n_rows * (n_types + 1) + n_types):
            for m in range(4):
                if seen[cell * 4 + m] == 0:
                    continue
                w = total[cell * 4 + m] / <double>seen[cell * 4 + m]
                if cell < n_rows * (n_types + 1):
                    means[cell // (n_types + 1), cell % (n_types + 1), m] = w
                else:
                    type_means[cell - n_rows * (n_types + 1), m] = w
    finally:
        free(total)
        free(seen)
    return counts_array, means_array, type_means_array


cdef inline void _swap(double *a, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    cdef double t = a[i]
    a[i] = a[j]
    a[j] = t


cdef double _select(double *a, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    """The k-th smallest of a[0..n-1] (0-based), leaving a[k] there with nothing larger before it and
    nothing smaller after it (median-of-three quickselect)."""
    cdef Py_ssize_t low = 0, high = n - 1, middle, i, j
    cdef double pivot
    while True:
        if high <= low + 1:
            if high == low + 1 and a[high] < a[low]:
                _swap(a, low, high)
            return a[k]
        middle = (low + high) >> 1
        _swap(a, middle, low + 1)
        if a[low] > a[high]:
            _swap(a, low, high)
        if a[low + 1] > a[high]:
            _swap(a, low + 1, high)
        if a[low] > a[low + 1]:
            _swap(a, low, low + 1)
        i, j, pivot = low + 1, high, a[low + 1]
        while True:
            i += 1
            while a[i] < pivot:
                i += 1
            j -= 1
            while a[j] > pivot:
                j -= 1
            if j < i:
                break
            _swap(a, i, j)
        a[low + 1] = a[j]
        a[j] = pivot
        if j >= k:
            high = j - 1
        if j <= k:
            low = i


cdef double _quantile(double *a, Py_ssize_t n, double q) noexcept nogil:
    """np.quantile(a[:n], q) (linear): the order statistics around (n - 1) q and numpy's _lerp;
    reorders a."""
    cdef double virtual, gamma, below, above, difference, result
    cdef Py_ssize_t previous, i
    if n == 0:
        return NAN
    virtual = <double>(n - 1) * q
    if virtual >= <double>(n - 1):  # numpy takes the largest value
        below = _select(a, n, n - 1)
        above = below
        gamma = virtual - (-1.0)
    else:
        previous = <Py_ssize_t>floor(virtual)
        gamma = virtual - <double>previous
        below = _select(a, n, previous)
        above = a[previous + 1]
        for i in range(previous + 2, n):  # the next order statistic: the least value after a[previous]
            if a[i] < above:
                above = a[i]
    difference = above - below
    result = below + difference * gamma
    if gamma >= 0.5:
        result = above - difference * (1 - gamma)
    return result


def wait_quantiles(const i64[::1] interval, const double[::1] arrival, const int[::1] call_type,
                   const signed char[::1] outcome, const double[::1] wait, i64 first, double warmup,
                   Py_ssize_t n_rows, Py_ssize_t n_types, double q):
    """sim.kpi._kernels_py.wait_quantiles: the waits sorted into runs by (row, type) (then by type),
    and each run's quantile by selection, in time linear in the calls."""
    cdef Py_ssize_t n = arrival.shape[0], i, r, k, cells = n_rows * n_types, left = 0
    cdef i64 row
    if not (interval.shape[0] == call_type.shape[0] == outcome.shape[0] == wait.shape[0] == n):
        raise ValueError("wait_quantiles: columns of different lengths")
    by_interval_array = np.empty((n_rows, n_types + 1))
    overall_array = np.empty(n_types + 1)
    cdef double[:, ::1] by_interval = by_interval_array
    cdef double[::1] overall = overall_array
    cdef Py_ssize_t *start = <Py_ssize_t *>zeros(max(cells, n_types) + 1, sizeof(Py_ssize_t))
    cdef Py_ssize_t *fill = <Py_ssize_t *>zeros(max(cells, n_types) + 1, sizeof(Py_ssize_t))
    cdef double *values = NULL
    try:
        for i in range(n):  # how many per (row, type)
            if arrival[i] >= warmup and (outcome[i] == ANSWERED or outcome[i] == ABANDONED):
                row, k = interval[i] - first, call_type[i]
                if not (0 <= row < n_rows and 0 <= k < n_types):
                    raise ValueError("wait_quantiles: interval or call type out of range")
                start[row * n_types + k + 1] += 1
                left += 1
        values = <double *>grow(NULL, left, sizeof(double))
        for r in range(cells):
            start[r + 1] += start[r]
            fill[r] = start[r]
        for i in range(n):
            if arrival[i] >= warmup and (outcome[i] == ANSWERED or outcome[i] == ABANDONED):
                r = (interval[i] - first) * n_types + call_type[i]
                values[fill[r]] = wait[i]
                fill[r] += 1
        for r in range(n_rows):
            for k in range(n_types):
                i = r * n_types + k
                by_interval[r, k] = _quantile(values + start[i], start[i + 1] - start[i], q)
            if n_types == 1:  # the total is the one type's
                by_interval[r, 1] = by_interval[r, 0]
            else:
                by_interval[r, n_types] = _quantile(values + start[r * n_types],
                                                    start[(r + 1) * n_types] - start[r * n_types], q)
        if n_types == 1:
            overall[0] = overall[1] = _quantile(values, left, q)
            return by_interval_array, overall_array
        for k in range(n_types + 1):  # again, by type
            start[k] = 0
        for i in range(n):
            if arrival[i] >= warmup and (outcome[i] == ANSWERED or outcome[i] == ABANDONED):
                start[call_type[i] + 1] += 1
        for k in range(n_types):
            start[k + 1] += start[k]
            fill[k] = start[k]
        for i in range(n):
            if arrival[i] >= warmup and (outcome[i] == ANSWERED or outcome[i] == ABANDONED):
                values[fill[call_type[i]]] = wait[i]
                fill[call_type[i]] += 1
        for k in range(n_types):
            overall[k] = _quantile(values + start[k], start[k + 1] - start[k], q)
        overall[n_types] = _quantile(values, left, q)
    finally:
        free(start)
        free(fill)
        free(values)
    return by_interval_array, overall_array


def sorted_sum_min(const double[::1] values, const int[::1] labels, Py_ssize_t n_labels, const double[::1] points):
    """sim.kpi._kernels_py.sorted_sum_min in one sweep over the sorted values."""
    cdef Py_ssize_t n = values.shape[0], m = points.shape[0], i, p = 0, g
    if labels.shape[0] != n:
        raise ValueError("sorted_sum_min: one label per value")
    out = np.empty((n_labels + 1, m))
    cdef double[:, ::1] result = out
    cdef double *running = <double *>zeros(n_labels + 1, sizeof(double))
    cdef i64 *seen = <i64 *>zeros(2 * (n_labels + 1), sizeof(i64))
    cdef i64 *count = seen + n_labels + 1
    cdef double v
    try:
        for i in range(n):
            if not 0 <= labels[i] < n_labels:
                raise ValueError("sorted_sum_min: label out of range")
            if i and not values[i - 1] <= values[i]:
                raise ValueError("sorted_sum_min: values not sorted")
            count[labels[i]] += 1
        count[n_labels] = n
        for i in range(1, m):
            if not points[i - 1] <= points[i]:
                raise ValueError("sorted_sum_min: points not sorted")
        for i in range(n + 1):
            v = values[i] if i < n else INFINITY
            while p < m and (i == n or v > points[p]):  # every value <= points[p] counted
                for g in range(n_labels + 1):
                    result[g, p] = running[g] + points[p] * <double>(count[g] - seen[g])
                p += 1
            if i < n:
                running[labels[i]] += v
                seen[labels[i]] += 1
                running[n_labels] += v
                seen[n_labels] += 1
    finally:
        free(running)
        free(seen)
    return out


def sorted_level_maxima(const double[::1] starts, const int[::1] start_labels, const double[::1] ends,
                        const int[::1] end_labels, Py_ssize_t n_labels, const double[::1] edges):
    """sim.kpi._kernels_py.sorted_level_maxima in one sweep over the merged starts and ends (at
    equal times ends first, as [start, end) spans have it)."""
    cdef Py_ssize_t ns = starts.shape[0], ne = ends.shape[0], m = edges.shape[0], s = 0, e = 0, j, g, label
    cdef double t, limit
    cdef bint is_end
    if start_labels.shape[0] != ns or end_labels.shape[0] != ne:
        raise ValueError("sorted_level_maxima: one label per time")
    out = np.zeros((m - 1 if m > 1 else 0, n_labels + 1))
    cdef double[:, ::1] result = out
    cdef double *level = <double *>zeros(n_labels + 1, sizeof(double))
    try:
        for j in range(1, ns):
            if not starts[j - 1] <= starts[j]:
                raise ValueError("sorted_level_maxima: starts not sorted")
        for j in range(1, ne):
            if not ends[j - 1] <= ends[j]:
                raise ValueError("sorted_level_maxima: ends not sorted")
        for j in range(ns):
            if not 0 <= start_labels[j] < n_labels:
                raise ValueError("sorted_level_maxima: label out of range")
        for j in range(ne):
            if not 0 <= end_labels[j] < n_labels:
                raise ValueError("sorted_level_maxima: label out of range")
        for j in range(m - 1):
            for inside in range(2):  # events up to the interval start, then those inside it
                limit = edges[j] if inside == 0 else edges[j + 1]
                while True:
                    if e < ne and (s >= ns or ends[e] <= starts[s]):
                        t, is_end = ends[e], True
                    elif s < ns:
                        t, is_end = starts[s], False
                    else:
                        break
                    if not (t <= limit if inside == 0 else t < limit):
                        break
                    label = end_labels[e] if is_end else start_labels[s]
                    if is_end:
                        e += 1
                        level[label] -= 1.0
                        level[n_labels] -= 1.0
                    else:
                        s += 1
                        level[label] += 1.0
                        level[n_labels] += 1.0
                    if inside:
                        result[j, label] = max(result[j, label], level[label])
                        result[j, n_labels] = max(result[j, n_labels], level[n_labels])
                if inside == 0:
                    for g in range(n_labels + 1):
                        result[j, g] = level[g]
    finally:
        free(level)
    return out
