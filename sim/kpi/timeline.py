"""Time averages and maxima of counting processes, computed exactly from start/end times.

A counting process N(t) = #{i : start_i <= t < end_i} (calls waiting, agents busy, agents on
duty) is piecewise constant, so its integral and maximum over any interval follow exactly from
the sorted start and end times; no sampling and no state trace from the engine are needed.
"""

from __future__ import annotations

import numpy as np

from sim.kpi import _kernels_py, kernels


def integrals(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of N(t) over each [edges[j], edges[j+1]) (length ``len(edges) - 1``).

    Uses F(x) = sum_i (min(x, end_i) - min(x, start_i)), evaluated with sorted cumulative sums.
    """
    return np.diff(_sum_min(ends, edges) - _sum_min(starts, edges))


def grouped_integrals(group: np.ndarray, n_groups: int, starts: np.ndarray, ends: np.ndarray,
                      points: np.ndarray) -> np.ndarray:
    """``integrals(starts[group == g], ends[group == g], points)`` for every group g at once
    (rows: groups), with the very same arithmetic, so the same floats."""
    return np.diff(_grouped_sum_min(group, n_groups, ends, points)
                   - _grouped_sum_min(group, n_groups, starts, points), axis=1)


def grouped_integrals_at(group: np.ndarray, n_groups: int, starts: np.ndarray, ends: np.ndarray,
                         points: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """:func:`grouped_integrals` with each group g's own points ``points[columns[g]]`` (rows of
    ``columns``: indices into ``points``): the sums at every point once, each row's taken from
    them, then the same arithmetic (a sum at a point does not depend on the other points)."""
    return np.diff(np.take_along_axis(_grouped_sum_min(group, n_groups, ends, points), columns, axis=1)
                   - np.take_along_axis(_grouped_sum_min(group, n_groups, starts, points), columns, axis=1), axis=1)


def _grouped_sum_min(group: np.ndarray, n_groups: int, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``_sum_min(values[group == g], points)`` for every group g (rows): see
    :func:`sim.kpi._kernels_py.grouped_sum_min` (compiled when built: same floats)."""
    return kernels.grouped_sum_min(np.asarray(group, np.int64), n_groups, np.ascontiguousarray(values, float),
                                   np.ascontiguousarray(points, float))


def _sum_min(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """sum_i min(x, values_i) for every x in points."""
    values = np.sort(np.asarray(values, float))
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    below = np.searchsorted(values, points, side="right")  # values <= x count in full
    return cumulative[below] + points * (len(values) - below)


def maxima(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Maximum of N(t) over each [edges[j], edges[j+1])."""
    return _kernels_py.level_maxima(starts, ends, edges)
