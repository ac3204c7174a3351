"""Mean, standard deviation and count of every cell over the replications, bit for bit as pandas'
``groupby(...).mean()``, ``.std(ddof=1)`` and ``.count()`` give them, without a groupby.

The replications' tables are stacked as one array ``block[run, cell]``. pandas' cython kernels
visit the values of a cell in row order, skipping NaN: the mean is a Kahan (compensated) sum
divided by the count, the variance Welford's running update (``group_mean``, ``group_var`` in
pandas/_libs/groupby.pyx). :func:`sim.kpi.kernels.cell_moments` runs the same recurrences over
the runs in order (compiled: value by value; its numpy twin: all cells of a run at once), so
every cell sees the very operations pandas does: the same floats (held by
tests/test_cell_stats.py against pandas, for both twins).

(pandas >= 3.1 sums groups that come in order, not interleaved, by ``numpy.add.reduceat`` when
they hold no NaN: one run, or a table of one row. :mod:`sim.experiments.aggregation` leaves those
layouts to pandas.)
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from sim.kpi import kernels


def mean_std_count(block: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's mean over the runs that define it (NaN: none do), its sample standard deviation
    (ddof=1; NaN below two values) and how many runs define it (float64), for ``block[run, cell]``
    (float64, C-contiguous; a run's cells in one row)."""
    total, _, m2, count = kernels.cell_moments(np.ascontiguousarray(block, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(count > 0, total / count, np.nan)
        std = np.where(count > 1, np.sqrt(m2 / (count - 1)), np.nan)
    return average, std, count
