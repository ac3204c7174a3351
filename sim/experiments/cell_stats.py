"""Mean, standard deviation and count of every cell over the replications, bit for bit as pandas'
``groupby(...).mean()``, ``.std(ddof=1)`` and ``.count()`` give them, without a groupby.

The replications' tables are stacked as one array ``block[run, cell]``. pandas' cython kernels
visit the values of a cell in row order, skipping NaN: the mean is a Kahan (compensated) sum
divided by the count, the variance Welford's running update (``group_mean``, ``group_var`` in
pandas/_libs/groupby.pyx). Here the same recurrences run over the runs one at a time, each step a
few whole-array operations on all cells at once, so every cell sees the very operations pandas
does, in the same order: the same floats (held by tests/test_cell_stats.py against pandas).

All cells first take the plain steps (no masks); a cell with a NaN or an infinite value in some
run (a service level of an interval without calls is NaN) ends that pass with a non-finite state,
as does one whose sum overflowed, and only those cells are then taken again by steps that leave a
cell unchanged where its value is NaN and reset a compensation made NaN by an infinite value to 0,
as pandas does (GH#50367).

(pandas >= 3.1 sums groups that come in order, not interleaved, by ``numpy.add.reduceat`` when
they hold no NaN: one run, or a table of one row. :mod:`sim.experiments.aggregation` leaves those
layouts to pandas.)
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np


def mean_std_count(block: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's mean over the runs that define it (NaN: none do), its sample standard deviation
    (ddof=1; NaN below two values) and how many runs define it (float64), for ``block[run, cell]``
    (float64, C-contiguous; a run's cells in one row)."""
    runs = block.shape[0]
    with np.errstate(invalid="ignore", over="ignore"):
        total, comp, mean, m2 = _plain(block)
        # A NaN or infinite value, or a sum that overflowed, leaves a cell's state non-finite:
        # those cells again, the careful way.
        careful = np.flatnonzero(~(np.isfinite(total) & np.isfinite(comp) & np.isfinite(m2)))
    count = np.full(block.shape[1], float(runs))
    if len(careful):
        total[careful], mean[careful], m2[careful], count[careful] = _careful(block[:, careful])
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(count > 0, total / count, np.nan)
        std = np.where(count > 1, np.sqrt(m2 / (count - 1)), np.nan)
    return average, std, count


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
