"""The aggregation of replicated KPI tables: every cell's mean over the replications in which it is
defined, and its Student t confidence half-width (``<kpi>_ci``), beside ``replications``.

The numbers are pandas' own: those of the runs' tables stacked and grouped by their key columns,
``groupby(keys, sort=False)`` mean, ``std(ddof=1)`` and count. They are computed without a
groupby (:mod:`sim.experiments.cell_stats`, the same recurrences, over all cells at once): a
groupby of hundreds of replications costs more than their KPI numbers. Two layouts keep pandas'
groupby itself, as the reference: a table of one row, or a single run (the groups then come in
order, and pandas >= 3.1 sums them by ``numpy.add.reduceat``, not with its compensated kernel),
and tables whose runs do not list the same keys in the same order (or list a key twice).
"""

from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np
import pandas as pd

from sim.experiments import cell_stats
from sim.kpi import arrays
from sim.kpi.frames import frame
from sim.model.scenario import Scenario


def half_width(std, count, confidence: float):
    """Student t confidence half-width of a mean from the sample std and count (NaN below 2)."""
    from sim.analytic_special import stdtrit  # (scipy: only when there are intervals to compute)

    count = np.asarray(count, float)
    df = np.where(count > 1, count - 1, np.nan)
    # the t quantile once per distinct count (a table has thousands of cells and few counts)
    levels, where = np.unique(df, return_inverse=True)
    t = stdtrit(levels, (1 + confidence) / 2)[where].reshape(df.shape)
    return t * np.asarray(std, float) / np.sqrt(count)


def aggregate(tables: List[pd.DataFrame], keys: List[str], confidence: float = 0.95) -> pd.DataFrame:
    """Cell-by-cell mean and t confidence half-width over replications of one KPI table."""
    runs, rows = len(tables), len(tables[0])
    if runs < 2 or rows < 2 or any(len(t) != rows for t in tables):
        return grouped(tables, keys, confidence)
    stacked = pd.concat(tables, ignore_index=True)
    values = [c for c in stacked.columns if c not in keys and pd.api.types.is_numeric_dtype(stacked[c])]
    if not values or not _same_rows(stacked, keys, runs, rows):
        return grouped(tables, keys, confidence)
    block = np.empty((runs, len(values), rows))
    for j, column in enumerate(values):  # (nullable whole numbers: NA as NaN)
        block[:, j] = stacked[column].to_numpy(float, na_value=np.nan).reshape(runs, rows)
    mean, std, count = cell_stats.mean_std_count(block.reshape(runs, -1))
    half = half_width(std, count, confidence).reshape(len(values), rows)
    out = {key: tables[0][key].reset_index(drop=True) for key in keys}  # (the keys' own dtypes, as the groupby's)
    out["replications"] = np.full(rows, runs, np.int64)
    for j, column in enumerate(values):
        out[column] = mean.reshape(len(values), rows)[j]
        out[f"{column}_ci"] = half[j]
    return pd.DataFrame(out)


def _same_rows(stacked: pd.DataFrame, keys: List[str], runs: int, rows: int) -> bool:
    """Whether every run lists the same keys in the same order, each once (plain keys, none missing):
    then the groupby is cell by cell by position, its groups interleaved (more than one run and row)."""
    for key in keys:
        column = stacked[key]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.isna().any():
            return False
        labels = column.to_numpy().reshape(runs, rows)
        if not (labels == labels[0]).all():
            return False
    return not stacked.iloc[:rows].duplicated(subset=keys).any()


def grouped(tables: List[pd.DataFrame], keys: List[str], confidence: float = 0.95) -> pd.DataFrame:
    """:func:`aggregate` by pandas' groupby (the reference, and the way for layouts it sums its own way)."""
    stacked = pd.concat(tables, ignore_index=True)
    values = [c for c in stacked.columns if c not in keys and pd.api.types.is_numeric_dtype(stacked[c])]
    for column in values:  # nullable whole numbers (an unlimited list has no size: NA) as floats, NA as NaN
        if isinstance(stacked[column].dtype, pd.api.extensions.ExtensionDtype):
            stacked[column] = stacked[column].to_numpy(float, na_value=np.nan)
    by = stacked.groupby(keys, sort=False)[values]
    mean, std, count = by.mean(), by.std(ddof=1), by.count()
    half = pd.DataFrame(half_width(std, count, confidence), index=mean.index, columns=values)
    out = pd.DataFrame(index=mean.index)
    for column in values:
        out[column] = mean[column]
        out[f"{column}_ci"] = half[column]
    out.insert(0, "replications", len(tables))
    return out.reset_index()


def aggregate_runs(scenario: Scenario, runs: List[np.ndarray], table: str,
                   confidence: float = 0.95) -> pd.DataFrame:
    """:func:`aggregate` of one KPI table from the runs' numbers (sim.kpi.arrays)."""
    return aggregated_tables(scenario, {table: runs}, confidence)[table]


def aggregated_tables(scenario: Scenario, runs: Dict[str, Sequence[np.ndarray]],
                      confidence: float = 0.95) -> Dict[str, pd.DataFrame]:
    """Every KPI table of ``runs`` ({table: the runs' numbers, sim.kpi.arrays}) aggregated: the
    cells of all tables in one pass (every run has the same rows in the same order, so the
    grouping by key columns is by position, the counts float64 as pandas makes them for a mean)."""
    shapes = {name: runs[name][0].shape for name in runs}
    n = len(next(iter(runs.values())))
    by_position = [name for name in runs if n > 1 and shapes[name][1] > 1]
    out = {name: _grouped_runs(scenario, runs[name], name, confidence) for name in runs if name not in by_position}
    if not by_position:
        return out
    sizes = [int(np.prod(shapes[name])) for name in by_position]
    block = np.empty((n, sum(sizes)))
    start = 0
    for name, size in zip(by_position, sizes):
        cells = block[:, start:start + size]
        for i, values in enumerate(runs[name]):  # (np.reshape of the list: 15 times slower)
            cells[i] = values.reshape(size)
        start += size
    mean, std, count = cell_stats.mean_std_count(block)
    half = half_width(std, count, confidence)
    start = 0
    for name, size in zip(by_position, sizes):
        cells = slice(start, start + size)
        out[name] = _table(scenario, name, n, mean[cells].reshape(shapes[name]), half[cells].reshape(shapes[name]))
        start += size
    return {name: out[name] for name in runs}


def _table(scenario: Scenario, name: str, n: int, mean: np.ndarray, half: np.ndarray) -> pd.DataFrame:
    columns = dict(arrays.labels(scenario, name))
    columns["replications"] = np.full(mean.shape[1], n, np.int64)
    for j, column in enumerate(arrays.numeric_columns(name)):
        columns[column] = mean[j]
        columns[f"{column}_ci"] = half[j]
    return frame(columns)


def _grouped_runs(scenario: Scenario, runs: Sequence[np.ndarray], name: str, confidence: float) -> pd.DataFrame:
    """One KPI table aggregated by pandas' groupby, the runs stacked and grouped by row number."""
    table_rows = arrays.stacked(name, list(runs))
    n_rows = len(table_rows) // len(runs)
    table_rows.index = np.tile(np.arange(n_rows), len(runs))  # (by level: an array key costs a repr)
    by = table_rows.groupby(level=0, sort=False)
    mean, std, count = by.mean(), by.std(ddof=1), by.count()
    half = half_width(std, count, confidence)
    return _table(scenario, name, len(runs), mean.to_numpy().T, np.asarray(half, float).T)
