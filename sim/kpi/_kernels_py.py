"""KPI arithmetic in numpy: the readable originals of the compiled twin ``sim/kpi/_kernels_c.pyx``
(same functions, same numbers to the last bit)."""

from __future__ import annotations

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
