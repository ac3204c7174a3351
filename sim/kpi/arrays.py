"""The numbers of the four KPI tables as numpy arrays, and the tables made from them.

A run's tables (:mod:`sim.kpi.tables`) are small, so making them is mostly pandas' fixed cost per
table. Replications (hundreds of short runs of one scenario) keep each run's numbers instead
(:func:`run_columns`: the very code of the tables, ``tables.kpi_columns`` and
``tables.group_columns``, so the same floats), one float64 array per table whose rows are
the table's numeric columns (:func:`numeric_columns`; counts are whole numbers, exact in a
float64), and make the tables once at the end: one table per run only when asked for
(:func:`run_tables`), or one stacked table of all runs (:func:`stacked`) that the aggregation
groups by row. :func:`batch_columns` makes the numbers of several runs at once (of one run:
:func:`run_columns`, a batch of one).
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np
import pandas as pd

from sim.kpi import costs, outbound
from sim.kpi import tables as kpi
from sim.kpi.frames import frame, strings
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario

TABLES = ("summary", "intervals", "groups", "group_intervals")
KEYS = {
    "summary": ["call_type"],
    "intervals": ["interval", "start", "call_type"],
    "groups": ["group"],
    "group_intervals": ["interval", "start", "group"],
}

# the outbound tables of a scenario with campaigns (sim.kpi.outbound), kept per run as tables
OUTBOUND_TABLES = ("campaigns", "campaign_intervals", "group_time", "group_time_intervals")
OUTBOUND_KEYS = {
    "campaigns": list(outbound.CAMPAIGN_KEYS),
    "campaign_intervals": ["interval", "start", "campaign"],
    "group_time": ["group", "role", "campaign"],
    "group_time_intervals": ["interval", "start", "group"],
}

INTEGER_COLUMNS = frozenset(kpi.COUNTS) | {"agents", "answered", "breaks", "late_breaks"}  # int64 in the tables
_NUMERIC = {
    "summary": tuple(kpi.COUNTS) + ("service_level", "abandon_rate") + kpi.RATE_COLUMNS + costs.COLUMNS,
    "groups": ("agents", "paid_hours", "scheduled_hours", "staffed_hours", "available_hours", "busy_hours",
               "occupancy", "utilisation", "answered", "aht", "cost", "breaks", "late_breaks", "mean_lateness",
               "max_lateness"),
    "group_intervals": ("paid", "scheduled", "staffed", "available", "busy", "occupancy", "utilisation", "cost"),
}
_NUMERIC["intervals"] = _NUMERIC["summary"]

Columns = Dict[str, np.ndarray]


def numeric_columns(table: str) -> tuple:
    """The numeric columns of a KPI table, in order (after its key columns)."""
    return _NUMERIC[table]


def _block(table: str, columns: Columns) -> np.ndarray:
    """The columns of ``table`` (each runs x rows) as one float64 array (runs, columns, rows)."""
    names = _NUMERIC[table]
    block = np.empty((len(columns[names[0]]), len(names), columns[names[0]].shape[-1]))
    for row, name in enumerate(names):
        block[:, row] = columns[name]
    return block


def run_columns(scenario: Scenario, inputs: dict, agents, attempts=None, present=None) -> Dict[str, np.ndarray]:
    """A run's four tables as numbers (by table: an array, one row per numeric column), from
    ``sim.kpi.streaming.table_inputs``, the engine's agent log, (with campaigns) its attempts and
    who came (``present``, bool per agent; None: everyone): :func:`batch_columns` of this one run."""
    batch = {"both": {column: values[None] for column, values in inputs["both"].items()},
             "groups": tuple(np.asarray(part)[None] for part in inputs["groups"]),
             "window_end": np.array([inputs["window_end"]])}
    return {name: block[0] for name, block in batch_columns(scenario, batch, [agents], [attempts], [present]).items()}


def batch_columns(scenario: Scenario, inputs: dict, agents: list, attempts: list, present: list) -> Dict[str, np.ndarray]:
    """:func:`run_columns` of several runs at once, from ``sim.kpi.streaming.batch_inputs`` and
    each run's agent log, attempts and ``present``: by table, an array (runs, numeric columns,
    rows); the same floats as one run at a time (the same operations on the same values)."""
    busy_window, busy_intervals, answered, aht = inputs["groups"]
    window_end = inputs["window_end"]
    if scenario.campaigns:  # outbound work from each run's dial attempts (sim.kpi.outbound_work): a run at a time
        busy = [kpi.with_outbound_busy(scenario, attempts[run], float(window_end[run]), busy_window[run],
                                       busy_intervals[run]) for run in range(len(agents))]
        busy_window, busy_intervals = (np.stack([part[i] for part in busy]) for i in (0, 1))
    groups, group_intervals = kpi.batch_group_columns(scenario, agents, window_end, np.asarray(busy_window, float),
                                                      np.asarray(busy_intervals, float), np.asarray(answered, np.int64),
                                                      np.asarray(aht, float), present)
    n_runs = len(agents)
    flat = {name: values.reshape(n_runs, -1) for name, values in kpi.kpi_columns(scenario, inputs["both"]).items()}
    both = _block("summary", flat)  # interval rows, then the summary's
    last = both.shape[2] - len(scenario.call_types) - 1
    return {"summary": both[:, :, last:], "intervals": both[:, :, :last],
            "groups": _block("groups", groups), "group_intervals": _block("group_intervals", group_intervals)}


def outbound_tables(scenario: Scenario, columns: Dict[str, np.ndarray], attempts, window_end: float) -> dict:
    """A run's outbound tables ({} without campaigns) from its :func:`run_columns` and dial attempts:
    ``sim.kpi.outbound.tables`` given the group numbers the group tables are made of."""
    if not scenario.campaigns:
        return {}
    return outbound.tables(scenario, attempts, window_end, _typed("groups", columns["groups"]),
                           _typed("group_intervals", columns["group_intervals"]))


def table_columns(tables: Dict[str, pd.DataFrame]) -> Dict[str, np.ndarray]:
    """:func:`run_columns` from a run's tables (a run that made DataFrames: the SimPy engine)."""
    return {name: _block(name, {column: tables[name][column].to_numpy()[None] for column in _NUMERIC[name]})[0]
            for name in TABLES}


def labels(scenario: Scenario, name: str) -> dict:
    """The label columns of table ``name`` (its keys), kept per scenario."""
    return per_scenario(scenario, "kpi_arrays.labels", _labels)[name]


def _labels(scenario: Scenario) -> dict:
    intervals = kpi.measured_intervals(scenario)
    types = kpi.type_names(scenario)
    groups = [group.name for group in scenario.groups]
    starts = kpi.interval_labels(scenario)
    return {
        "summary": {"call_type": strings(types)},
        "intervals": {"interval": np.repeat(intervals, len(types)), "start": strings(np.repeat(starts, len(types))),
                      "call_type": strings(types * len(intervals))},
        "groups": {"group": strings(groups)},
        "group_intervals": {"interval": np.tile(intervals, len(groups)), "start": strings(starts * len(groups)),
                            "group": strings(np.repeat(groups, len(intervals)))},
    }


def _typed(table: str, block: np.ndarray) -> Columns:
    """The rows of a table's number array as its columns, counts back to int64."""
    return {name: block[row].astype(np.int64) if name in INTEGER_COLUMNS else block[row]
            for row, name in enumerate(_NUMERIC[table])}


def run_tables(scenario: Scenario, columns: Dict[str, np.ndarray]) -> Dict[str, pd.DataFrame]:
    """A run's four tables, as :mod:`sim.kpi.tables` makes them, from its numbers."""
    return {name: frame({**labels(scenario, name), **_typed(name, columns[name])}) for name in TABLES}


def stacked(table: str, runs: List[np.ndarray], typed: bool = False) -> pd.DataFrame:
    """One table of several runs' numbers of a table, run after run (one construction): float64
    columns, or with ``typed`` the tables' own dtypes (counts int64)."""
    block = np.concatenate(runs, axis=1)
    if typed:
        return frame(_typed(table, block))
    return pd.DataFrame(block.T, columns=list(_NUMERIC[table]), copy=False)
