"""The caller's journey in replications (issue 14): what each run keeps of it and how the runs'
journey tables are aggregated.

A run of a scenario with journey features keeps, beside its KPI numbers (:mod:`sim.kpi.arrays`,
which hold the columns every scenario has):

* ``transfers``: with transfers, the transfer columns of its summary and interval tables
  (transferred, first_answered, first_resolved, fcr: :mod:`sim.kpi.transfers`), as arrays;
* ``callers``, ``caller_intervals``: with redials, its caller-level tables (:mod:`sim.kpi.callers`);
* ``callbacks``, ``callback_intervals``: with callbacks, its callback tables per call type and
  per interval x call type (:mod:`sim.kpi.callbacks`).

A scenario without them keeps nothing ({}): the default day's replications pay one check each.
The aggregation (:func:`sim.experiments.replications.aggregate`) is that of every replicated table:
each cell's mean over the replications in which it is defined and its t half-width, ratios
(fcr, caller_loss, acceptance_rate...) as the mean of the runs' ratios, as the service level is.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

import numpy as np
import pandas as pd

from sim.kpi import callbacks as callback_kpi
from sim.kpi import callers as caller_kpi
from sim.kpi import transfers as transfer_kpi
from sim.kpi.tables import type_names
from sim.model.scenario import Scenario

TABLES = ("callers", "caller_intervals", "callbacks", "callback_intervals")  # kept as tables, aggregated like the outbound ones
KEYS = {"callers": ["call_type"], "caller_intervals": ["interval", "call_type"], "callbacks": ["call_type"],
        "callback_intervals": ["interval", "call_type"]}
TRANSFER_COLUMNS = transfer_kpi.COUNTS + ("fcr",)  # appended to the summary and interval tables


def streamed(scenario: Scenario, output, inputs: dict) -> dict:
    """What a run without records keeps of its journey, from its engine output (tallies) and
    ``sim.kpi.streaming.table_inputs`` (``inputs``)."""
    kept = {}
    if transfer_kpi.has_transfers(scenario):
        both = transfer_kpi.columns(scenario, inputs["both"])  # interval rows, then the summary's
        last = len(both["fcr"]) - len(type_names(scenario))
        kept["transfers"] = {"summary": {name: values[last:] for name, values in both.items()},
                             "intervals": {name: values[:last] for name, values in both.items()}}
    return _with_tables(kept, *callback_kpi.tables(scenario, output), *caller_kpi.tables(scenario, output))


def from_results(scenario: Scenario, results) -> dict:
    """What a run that made its tables (records, or the SimPy engine) keeps of its journey."""
    kept = {}
    if transfer_kpi.has_transfers(scenario):
        kept["transfers"] = {table: {name: getattr(results, table)[name].to_numpy() for name in TRANSFER_COLUMNS}
                             for table in ("summary", "intervals")}
    return _with_tables(kept, results.callbacks, results.callback_intervals, results.callers, results.caller_intervals)


def _with_tables(kept: dict, callbacks, callback_intervals, callers, caller_intervals) -> dict:
    for name, table in zip(("callbacks", "callback_intervals", "callers", "caller_intervals"),
                           (callbacks, callback_intervals, callers, caller_intervals)):
        if table is not None:
            kept[name] = table
    return kept


def run_tables(kept: dict, tables: Dict[str, pd.DataFrame]) -> dict:
    """A run's journey tables as ``simulate`` gives them, from what it kept; ``tables`` (its
    summary and intervals, from sim.kpi.arrays) get their transfer columns back, in place."""
    for table, columns in kept.get("transfers", {}).items():
        for name, values in columns.items():
            tables[table][name] = values
    return {name: kept.get(name) for name in TABLES}


def aggregated(kept: List[dict], aggregate: Callable, confidence: float) -> dict:
    """The journey tables of the runs (``kept``: each run's), aggregated by ``aggregate``
    (sim.experiments.replications.aggregate); the transfer columns with their half-widths,
    by table, under ``transfers`` ({} without journey features)."""
    if not kept or not kept[0]:
        return {}
    out = {name: aggregate([run[name] for run in kept], KEYS[name], confidence) for name in TABLES if name in kept[0]}
    if "transfers" in kept[0]:
        out["transfers"] = {}
        for table in ("summary", "intervals"):
            rows = [pd.DataFrame({"row": np.arange(len(run["transfers"][table]["fcr"])), **run["transfers"][table]})
                    for run in kept]
            out["transfers"][table] = aggregate(rows, ["row"], confidence).drop(columns=["row", "replications"])
    return out


def with_transfer_columns(table: pd.DataFrame, columns: Optional[pd.DataFrame]) -> pd.DataFrame:
    """An aggregated KPI table with the aggregated transfer columns appended (None: unchanged)."""
    if columns is None:
        return table
    return pd.concat([table, columns.set_index(table.index)], axis=1)
