"""KPI arithmetic in numpy: the readable originals of the compiled twin ``sim/kpi/_kernels_c.pyx``
(same functions, same numbers to the last bit)."""

from __future__ import annotations

from typing import Optional

import numpy as np


def histogram_quantiles(hist: np.ndarray, q: float, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The q-quantile of each row of histogram counts (bins [low, high)), as pandas' linear
    interpolation between order statistics would give it if the values in each bin were evenly
    spread over the bin."""
    hist = np.asarray(hist, np.int64)
    if len(hist) == 0:
        return np.empty(0)
    cumulative = np.cumsum(hist, axis=1)
    n = cumulative[:, -1]
    position = (np.maximum(n, 1) - 1) * q
    lower = np.floor(position).astype(np.int64)

    def order_statistic(rank):  # the value of rank `rank` (0-based) in each row
        b = np.minimum((cumulative <= rank[:, None]).sum(axis=1), hist.shape[1] - 1)
        rows = np.arange(len(hist))
        before = np.where(b > 0, cumulative[rows, np.maximum(b - 1, 0)], 0)
        count = np.maximum(hist[rows, b], 1)
        return low[b] + (rank - before + 0.5) / count * (high[b] - low[b])

    below = order_statistic(lower)
    above = order_statistic(np.minimum(lower + 1, np.maximum(n - 1, 0)))
    return np.where(n > 0, below + (position - lower) * (above - below), np.nan)


def interval_quantiles(hist: np.ndarray, q: float, low: np.ndarray, high: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """The q-quantile per (interval, call type) and per interval over all types (last column),
    from per (interval, call type) histograms; a chunk of intervals at a time, so that long runs
    need no large temporary arrays."""
    out = np.empty((len(hist), hist.shape[1] + 1))
    for first in range(0, len(hist), chunk):
        part = hist[first:first + chunk].astype(np.int64)
        part = np.concatenate((part, part.sum(axis=1, keepdims=True)), axis=1)
        out[first:first + chunk] = histogram_quantiles(part.reshape(-1, part.shape[-1]), q, low, high).reshape(
            len(part), -1)
    return out


def grouped_sum_min(group: np.ndarray, n_groups: int, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For every group g (rows) and point x, the sum over the values v of group g of min(x, v):
    each group's values sorted into one row padded with inf, their running sums, then
    (sum of the values <= x) + x * (how many are above)."""
    values = np.asarray(values, float)
    group = np.asarray(group, np.intp)
    count = np.bincount(group, minlength=n_groups)
    order = np.lexsort((values, group))  # by group, then value (as np.sort within the group)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    column = np.arange(len(values)) - np.repeat(first, count)
    rows = np.full((n_groups, max(int(count.max(initial=0)), 1)), np.inf)
    rows[group[order], column] = values[order]
    cumulative = np.zeros((n_groups, rows.shape[1] + 1))
    np.cumsum(rows, axis=1, out=cumulative[:, 1:])
    if rows.size * len(points) <= 1 << 20:  # values <= x count in full
        below = (rows[:, :, None] <= points[None, None, :]).sum(axis=1)
    else:
        below = np.array([np.searchsorted(row, points, side="right") for row in rows])
    return np.take_along_axis(cumulative, below, axis=1) + points[None, :] * (count[:, None] - below)


# -- KPIs from per-call records ------------------------------------------------------------------
# outcome codes of the calls: sim.core.protocol's OUTCOMES, and SHORT_ABANDONED for an abandon
# that sim.kpi.definitions counts apart
ANSWERED, ABANDONED, BLOCKED, UNFINISHED, SELF_SERVED, IVR_ABANDONED, SHORT_ABANDONED = 0, 1, 2, 3, 4, 5, 6
CALL_COUNTS = ("arrived", "blocked", "short_abandoned", "answered", "abandoned", "unfinished", "answered_within_T",
               "late_abandoned", "self_served", "ivr_abandoned")
CALL_MEANS = ("asa", "mean_wait", "aht", "att")


def measured_rows(interval, arrival, first, warmup):
    """The row of each call in the interval table (interval - first), -1 if it arrived in the warm-up."""
    return np.where(arrival >= warmup, interval - first, -1)


def call_tallies(interval, arrival, call_type, outcome, wait, talk, wrapup, first, warmup, n_rows, n_types,
                 threshold):
    """Per (interval row, call type, and over all types in the last column) the CALL_COUNTS
    (int64, shape (rows, types + 1, 10)) and CALL_MEANS (float, (rows, types + 1, 4)), and per call
    type the CALL_MEANS over all rows ((types, 4)), of the calls that arrived at or after the
    warm-up (``warmup``; rows: see measured_rows). ``outcome``: codes as above.

    A mean is a compensated (Kahan) sum in call order over the count, as pandas' grouped mean
    (``group_mean``) computes it; NaN for none: asa over the waits of answered calls, mean_wait of
    answered and abandoned ones, aht over the handle times (talk + wrap-up) of answered calls, att
    over their talk times."""
    row = measured_rows(interval, arrival, first, warmup)
    keep = row >= 0
    row, kind, outcome, wait = row[keep], call_type[keep], outcome[keep], wait[keep]
    handle = talk[keep] + wrapup[keep]
    answered, abandoned = outcome == ANSWERED, outcome == ABANDONED
    flags = (np.ones(len(row), bool), outcome == BLOCKED, outcome == SHORT_ABANDONED, answered, abandoned,
             outcome == UNFINISHED, answered & (wait <= threshold), abandoned & (wait > threshold),
             outcome == SELF_SERVED, outcome == IVR_ABANDONED)
    cell = row * (n_types + 1) + kind
    counts = np.stack([np.bincount(cell[flag], minlength=n_rows * (n_types + 1)) for flag in flags], axis=-1)
    counts = counts.astype(np.int64).reshape(n_rows, n_types + 1, len(flags))
    counts[:, n_types] = counts[:, :n_types].sum(axis=1)
    means = np.full((n_rows, n_types + 1, 4), np.nan)
    type_means = np.full((n_types, 4), np.nan)
    for i, (selected, values) in enumerate(((answered, wait), (answered | abandoned, wait), (answered, handle),
                                            (answered, talk[keep]))):
        means[:, :n_types, i] = kahan_means(row[selected] * n_types + kind[selected], n_rows * n_types,
                                            values[selected]).reshape(n_rows, n_types)
        means[:, n_types, i] = kahan_means(row[selected], n_rows, values[selected])
        type_means[:, i] = kahan_means(kind[selected], n_types, values[selected])
    return counts, means, type_means


def kahan_means(key, n_keys, values):
    """The mean of values[key == k] for every k (NaN for none): a compensated sum in order, as
    pandas' group_mean adds (a NaN compensation, after an infinite value, restarts at 0)."""
    total, compensation, seen = [0.0] * n_keys, [0.0] * n_keys, [0] * n_keys
    for k, value in zip(key.tolist(), values.tolist()):
        if value != value:
            continue
        seen[k] += 1
        y = value - compensation[k]
        t = total[k] + y
        compensation[k] = t - total[k] - y
        if compensation[k] != compensation[k]:
            compensation[k] = 0.0
        total[k] = t
    return np.array([t / n if n else np.nan for t, n in zip(total, seen)], float)


def wait_quantiles(interval, arrival, call_type, outcome, wait, first, warmup, n_rows, n_types, q):
    """The q-quantile of the waits of the answered and abandoned calls (np.quantile's linear rule)
    per (interval row, call type; last column: all types), shape (rows, types + 1), and per call
    type and over all ((types + 1,)), of the calls measured as in call_tallies; NaN where none."""
    row = measured_rows(interval, arrival, first, warmup)
    left = (row >= 0) & ((outcome == ANSWERED) | (outcome == ABANDONED))
    row, kind, wait = row[left], call_type[left], wait[left]
    by_interval = np.empty((n_rows, n_types + 1))
    by_interval[:, :n_types] = grouped_quantiles(row * n_types + kind, n_rows * n_types, wait, q).reshape(n_rows, n_types)
    by_interval[:, n_types] = grouped_quantiles(row, n_rows, wait, q)
    overall = np.concatenate((grouped_quantiles(kind, n_types, wait, q),
                              grouped_quantiles(np.zeros(len(wait), np.int64), 1, wait, q)))
    return by_interval, overall


def grouped_quantiles(key, n_keys, values, q):
    """``np.quantile(values[key == k], q)`` for every k (NaN for none), with numpy's arithmetic:
    the order statistics around (n - 1) q, then numpy's _lerp."""
    order = np.lexsort((values, key))
    ordered = values[order]
    count = np.bincount(key, minlength=n_keys)
    first = np.cumsum(count) - count
    virtual = (count - 1) * q
    above = virtual >= count - 1  # numpy takes the largest value
    previous = np.where(above, -1, np.floor(virtual)).astype(np.int64)
    gamma = virtual - previous
    low = np.where(above, count - 1, previous)
    high = np.where(above, count - 1, previous + 1)
    some = count > 0
    a = np.where(some, ordered[np.minimum(first + low, len(ordered) - 1)] if len(ordered) else 0.0, np.nan)
    b = np.where(some, ordered[np.minimum(first + high, len(ordered) - 1)] if len(ordered) else 0.0, np.nan)
    difference = b - a
    result = a + difference * gamma
    return np.where(gamma >= 0.5, b - difference * (1 - gamma), result)


def sorted_sum_min(values, labels, n_labels, points):
    """For ``values`` sorted ascending, each with a label, and ``points`` sorted ascending: the sum
    of min(x, v) over the values v of each label (rows; last row: all values) at every point x,
    as sim.kpi.timeline._sum_min gives it for the label's values (their running sum, then
    + x * how many are above x)."""
    out = np.empty((n_labels + 1, len(points)))
    for g in range(n_labels + 1):
        mine = values if g == n_labels else values[labels == g]
        cumulative = np.concatenate(([0.0], np.cumsum(mine)))
        below = np.searchsorted(mine, points, side="right")
        out[g] = cumulative[below] + points * (len(mine) - below)
    return out


def sorted_level_maxima(starts, start_labels, ends, end_labels, n_labels, edges):
    """Maximum over each [edges[j], edges[j+1]) of N(t) = #{i: start_i <= t < end_i} counting the
    spans of each label (columns; last column: all spans); starts and ends each sorted ascending."""
    out = np.empty((len(edges) - 1, n_labels + 1))
    for g in range(n_labels + 1):
        if g == n_labels:
            out[:, g] = level_maxima(starts, ends, edges)
        else:
            out[:, g] = level_maxima(starts[start_labels == g], ends[end_labels == g], edges)
    return out


def level_maxima(starts, ends, edges):
    """Maximum of N(t) = #{i: start_i <= t < end_i} over each [edges[j], edges[j+1])."""
    times = np.concatenate((starts, ends))
    steps = np.concatenate((np.ones(len(starts)), -np.ones(len(ends))))
    keep = times < np.inf
    times, steps = times[keep], steps[keep]
    order = np.lexsort((steps, times))  # at equal times, leave before join: [start, end) intervals
    times, level = times[order], np.cumsum(steps[order])
    result = np.zeros(len(edges) - 1)
    for j in range(len(edges) - 1):
        first = np.searchsorted(times, edges[j], side="right")  # events up to the interval start
        last = np.searchsorted(times, edges[j + 1], side="left")  # events inside the interval
        at_start = level[first - 1] if first > 0 else 0.0
        inside = level[first:last].max() if last > first else at_start
        result[j] = max(at_start, inside)
    return result


# -- moments of cells over replications (sim.experiments.cell_stats) ---------------------------
# pandas' groupby kernels (group_mean, group_var in pandas/_libs/groupby.pyx) visit a cell's
# values in row order, skipping NaN: the mean is a Kahan (compensated) sum divided by the count,
# the variance Welford's running update. Here the same recurrences run over the runs one at a
# time, each step a few whole-array operations on all cells at once: every cell sees the very
# operations pandas does, in the same order. All cells first take the plain steps (no masks); a
# cell with a NaN or an infinite value in some run ends that pass with a non-finite state, as does
# one whose sum overflowed, and only those cells are then taken again by steps that leave a cell
# unchanged where its value is NaN and reset a compensation made NaN by an infinite value to 0,
# as pandas does (GH#50367).

def cell_moments(block: np.ndarray):
    """(sum, mean, m2, count) of each cell over the runs of ``block[run, cell]`` (float64 arrays),
    NaN values skipped."""
    with np.errstate(invalid="ignore", over="ignore"):
        total, comp, mean, m2 = _plain(block)
        careful = np.flatnonzero(~(np.isfinite(total) & np.isfinite(comp) & np.isfinite(m2)))
    count = np.full(block.shape[1], float(block.shape[0]))
    if len(careful):
        total[careful], mean[careful], m2[careful], count[careful] = _careful(block[:, careful])
    return total, mean, m2, count


def _plain(values: np.ndarray, counts: Optional[np.ndarray] = None):
    """The recurrences as if every value were finite (no NaN to skip, nothing to reset); with
    ``counts`` (descending), step i updates only the cells[:counts > i] (their values packed first)."""
    shape = values.shape[1:]
    total, comp = np.zeros(shape), np.zeros(shape)
    mean, m2 = np.zeros(shape), np.zeros(shape)
    buffers = np.empty((4,) + shape)
    for i, value in enumerate(values):
        k = shape[0] if counts is None else int(np.count_nonzero(counts > i))
        if k == 0:
            break
        y, t, delta, tmp = buffers[0, :k], buffers[1, :k], buffers[2, :k], buffers[3, :k]
        s, c, mu, v, sq = total[:k], comp[:k], mean[:k], value[:k], m2[:k]
        # Kahan: y = val - comp; t = sum + y; comp = t - sum - y; sum = t
        np.subtract(v, c, out=y)
        np.add(s, y, out=t)
        np.subtract(t, s, out=c)
        np.subtract(c, y, out=c)
        s[:] = t
        # Welford: oldmean = mean; mean += (val - oldmean) / nobs; m2 += (val - mean) * (val - oldmean)
        np.subtract(v, mu, out=delta)
        np.divide(delta, float(i + 1), out=tmp)
        np.add(mu, tmp, out=mu)
        np.subtract(v, mu, out=tmp)
        np.multiply(tmp, delta, out=tmp)
        np.add(sq, tmp, out=sq)
    return total, comp, mean, m2


def _careful(values: np.ndarray):
    """The recurrences skipping NaN values: each cell's defined values packed first, in run order,
    the cells by count (most first), so that step i is the plain step of the cells with more than
    i values. With an infinite value: step by step with masks, the compensation reset from NaN."""
    defined = ~np.isnan(values)
    if np.isinf(values).any():
        return _masked(values)
    counts = defined.sum(axis=0)
    by_count = np.argsort(-counts, kind="stable")
    packed = np.take_along_axis(values, np.argsort(~defined, axis=0, kind="stable"), axis=0)[:, by_count]
    total, _, mean, m2 = _plain(np.ascontiguousarray(packed), counts[by_count])
    back = np.empty_like(by_count)
    back[by_count] = np.arange(len(by_count))
    return total[back], mean[back], m2[back], counts.astype(float)


def _masked(values: np.ndarray):
    """The recurrences skipping NaN values (a cell's state unchanged), compensation reset from NaN."""
    shape = values.shape[1:]
    total, comp = np.zeros(shape), np.zeros(shape)
    mean, m2, seen = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for value in values:
            defined = ~np.isnan(value)
            seen += defined
            y = value - comp
            t = total + y
            new_comp = t - total - y
            new_comp[np.isnan(new_comp)] = 0.0  # (pandas, GH#50367: an infinite value keeps its sum infinite)
            np.copyto(comp, new_comp, where=defined)
            np.copyto(total, t, where=defined)
            delta = value - mean
            np.copyto(mean, mean + delta / seen, where=defined)
            np.copyto(m2, m2 + (value - mean) * delta, where=defined)
    return total, mean, m2, seen
