"""KPI tables from engine records: per call, per interval x call type, per group, summary.

The KPIs are defined in :mod:`sim.kpi.definitions` (and in the README); queue statistics are
the time-average and maximum number of calls waiting.
Calls are counted in the interval in which they arrive; time-based measures (queue, agents)
over the interval itself. Calls arriving before the warm-up ends are excluded.

This module computes the tables from per-call records; :mod:`sim.kpi.streaming` computes the same
tables from the fast engine's streaming tallies. Both hand numpy columns to the ``assemble_*``
functions here, so the tables have one layout whatever their source.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from sim.kpi import definitions, timeline
from sim.kpi.frames import frame, strings
from sim.model.cache import per_scenario
from sim.core.protocol import OUTCOME_NAMES
from sim.core.records import ABANDONED, ANSWERED, EngineOutput
from sim.model.scenario import Scenario

TOTAL = definitions.TOTAL


def calls_frame(scenario: Scenario, output: EngineOutput) -> pd.DataFrame:
    """One row per call with names, the wait and the outcome (incl. short_abandoned)."""
    records = output.records
    frame = pd.DataFrame({f.name: getattr(records, f.name) for f in fields(records)})
    frame.index.name = "call_id"
    code = frame.pop("outcome").to_numpy()
    answered, abandoned = code == ANSWERED, code == ABANDONED
    wait = np.where(answered, frame.answer_time - frame.arrival, np.nan)
    wait = np.where(abandoned, frame.end_time - frame.arrival, wait)
    short = abandoned & definitions.is_short_abandon(wait, scenario.kpi.short_abandon)
    names = np.array(OUTCOME_NAMES + ("short_abandoned",), dtype=object)
    frame.insert(2, "outcome", names[np.where(short, len(OUTCOME_NAMES), code)])
    frame.insert(3, "wait", wait)
    frame["call_type"] = pd.Categorical.from_codes(frame.call_type, [t.name for t in scenario.call_types])
    group_names = np.array([g.name for g in scenario.groups] + [""], dtype=object)
    frame["group"] = group_names[frame.group.to_numpy()]
    frame["interval"] = scenario.arrival_interval(frame.arrival.to_numpy())
    return frame


def _indicators(calls: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """0/1 and value columns whose group sums and means give every KPI."""
    T = scenario.kpi.sl_threshold
    outcome = calls.outcome
    answered = outcome == "answered"
    abandoned = outcome == "abandoned"
    offered = definitions.offered(answered, abandoned, outcome == "unfinished")
    left_queue = answered | abandoned
    return pd.DataFrame({
        "interval": calls.interval,
        "call_type": calls.call_type,
        "arrived": 1,
        "blocked": (outcome == "blocked").astype(int),
        "short_abandoned": (outcome == "short_abandoned").astype(int),
        "offered": offered.astype(int),
        "answered": answered.astype(int),
        "abandoned": abandoned.astype(int),
        "answered_within_T": (answered & definitions.within_threshold(calls.wait, T)).astype(int),
        "late_abandoned": (abandoned & definitions.is_late(calls.wait, T)).astype(int),
        "asa": calls.wait.where(answered),
        "mean_wait": calls.wait.where(left_queue),
        "p90_wait": calls.wait.where(left_queue),
        "aht": (calls.talk + calls.wrapup).where(answered),
    })


RATE_COLUMNS = ("asa", "mean_wait", "p90_wait", "aht", "avg_queue", "max_queue")


def _kpi_frame(scenario: Scenario, leading: dict, columns: dict) -> pd.DataFrame:
    """A KPI table in one go: ``leading`` label columns, then the counts, the service level (with
    the scenario's variant) and abandon rate, then the means and queue statistics.

    ``columns`` maps every AGGREGATES name plus avg_queue and max_queue to arrays (any shape;
    flattened in C order, matching the labels); missing counts (NaN) are zeros.
    """
    counts = {name: _count(columns[name]) for name in COUNTS}
    denominator = definitions.sl_denominator(scenario.kpi.sl_variant, counts["offered"], counts["answered"],
                                             counts["late_abandoned"])
    table = dict(leading)
    table.update((name, counts[name]) for name in COUNTS)
    table["service_level"] = definitions.ratio(counts["answered_within_T"], denominator)
    table["abandon_rate"] = definitions.ratio(counts["abandoned"], counts["offered"])
    table.update((name, np.asarray(columns[name], float).ravel()) for name in RATE_COLUMNS)
    return frame(table)


def _count(values) -> np.ndarray:
    """A count column as int64 (NaN, from a group with no calls, is 0)."""
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return values.astype(np.int64).ravel()
    values = values.astype(float).ravel()
    return np.where(np.isnan(values), 0.0, values).astype(np.int64)




AGGREGATES = {
    "arrived": "sum", "blocked": "sum", "short_abandoned": "sum", "offered": "sum",
    "answered": "sum", "abandoned": "sum", "answered_within_T": "sum", "late_abandoned": "sum",
    "asa": "mean", "mean_wait": "mean", "p90_wait": lambda s: s.quantile(0.9), "aht": "mean",
}
COUNTS = [column for column, how in AGGREGATES.items() if how == "sum"]


def _measured(calls: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    return calls[calls.arrival >= scenario.warmup]


def measurement_window(scenario: Scenario, agents: pd.DataFrame, calls: pd.DataFrame) -> tuple:
    """[start, end] of the measured time: warm-up end to the last moment anyone was present."""
    ends = calls.end_time.dropna()
    last = max(scenario.horizon_end, agents.end.max() if len(agents) else 0.0, ends.max() if len(ends) else 0.0)
    return scenario.warmup, float(last)


def _queue_spans(calls: pd.DataFrame, window_end: float):
    """Start and end of every stay in the queue (unfinished calls wait to the window end)."""
    queued = calls[calls.outcome != "blocked"]
    leave = queued.answer_time.fillna(queued.end_time).fillna(window_end)
    return queued, queued.arrival.to_numpy(), leave.to_numpy()


def measured_intervals(scenario: Scenario) -> np.ndarray:
    return np.flatnonzero(scenario.interval_ends() > scenario.warmup)


def interval_table(scenario: Scenario, calls: pd.DataFrame, window_end: float) -> pd.DataFrame:
    """KPIs per interval x call type, plus a ``total`` row per interval."""
    measured = _measured(calls, scenario)
    ind = _indicators(measured, scenario)
    by_type = ind.groupby(["interval", "call_type"], observed=False).agg(AGGREGATES)
    by_all = ind.drop(columns="call_type").groupby("interval").agg(AGGREGATES)
    by_all["call_type"] = TOTAL
    by_all = by_all.set_index("call_type", append=True)
    table = pd.concat([by_type, by_all])
    table.index = pd.MultiIndex.from_arrays([table.index.get_level_values(0),
                                             table.index.get_level_values(1).astype(str)])
    intervals = measured_intervals(scenario)
    names = type_names(scenario)
    table = table.reindex(pd.MultiIndex.from_product([intervals, names]))
    columns = {name: table[name].to_numpy() for name in AGGREGATES}
    columns.update(_queue_by_interval(scenario, calls, window_end, intervals))
    return assemble_interval_table(scenario, columns)


def assemble_interval_table(scenario: Scenario, columns: dict) -> pd.DataFrame:
    """The interval table from per (measured interval, call type or total) arrays of the
    AGGREGATES columns, avg_queue and max_queue (rows: intervals; columns: type_names), whatever
    source computed them."""
    return _kpi_frame(scenario, per_scenario(scenario, "kpi.interval_rows", _interval_rows), columns)


def _interval_rows(scenario: Scenario) -> dict:
    """The label columns of the interval table: interval, start, call type."""
    intervals = measured_intervals(scenario)
    names = type_names(scenario)
    labels = interval_labels(scenario)
    return {"interval": np.repeat(intervals, len(names)), "start": strings(np.repeat(labels, len(names))),
            "call_type": strings(names * len(intervals))}


def interval_labels(scenario: Scenario) -> list:
    """interval_label of every measured interval (kept per scenario)."""
    return per_scenario(scenario, "kpi.interval_labels",
                        lambda s: [interval_label(s, j) for j in measured_intervals(s)])


def type_names(scenario: Scenario) -> list:
    """Call type names, then ``total``: the rows of every per-type table."""
    return [t.name for t in scenario.call_types] + [TOTAL]


def interval_edges(scenario: Scenario, intervals: np.ndarray) -> np.ndarray:
    """Edges of the measured intervals (the first one starts at the end of the warm-up)."""
    ends = scenario.interval_ends()[intervals]
    return np.concatenate(([max(scenario.interval_starts()[intervals[0]], scenario.warmup)], ends))


def _queue_by_interval(scenario, calls, window_end, intervals) -> dict:
    """avg_queue and max_queue per (measured interval, call type or total)."""
    edges = interval_edges(scenario, intervals)
    lengths = np.diff(edges)
    queued, q_start, q_end = _queue_spans(calls, window_end)
    average, maximum = [], []
    for name in type_names(scenario):
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.call_type == name).to_numpy()
        s, e = q_start[mask], q_end[mask]
        average.append(timeline.integrals(s, e, edges) / lengths)
        maximum.append(timeline.maxima(s, e, edges))
    return {"avg_queue": np.column_stack(average), "max_queue": np.column_stack(maximum)}


def summary_table(scenario: Scenario, calls: pd.DataFrame, window_end: float) -> pd.DataFrame:
    """KPIs per call type over the measured horizon, plus a ``total`` row."""
    ind = _indicators(_measured(calls, scenario), scenario)
    by_type = ind.drop(columns="interval").groupby("call_type", observed=False).agg(AGGREGATES)
    total = ind.drop(columns=["interval", "call_type"]).agg(AGGREGATES).to_frame(TOTAL).T
    table = pd.concat([by_type, total])
    table.index = table.index.astype(str)
    table = table.reindex(type_names(scenario))
    columns = {name: table[name].to_numpy() for name in AGGREGATES}
    queued, q_start, q_end = _queue_spans(calls, window_end)
    edges = np.array([scenario.warmup, window_end])
    average, maximum = [], []
    for name in table.index:
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.call_type == name).to_numpy()
        average.append(timeline.integrals(q_start[mask], q_end[mask], edges)[0] / (edges[1] - edges[0]))
        maximum.append(timeline.maxima(q_start[mask], q_end[mask], edges)[0])
    columns.update(avg_queue=np.array(average), max_queue=np.array(maximum))
    return assemble_summary(scenario, columns)


def assemble_summary(scenario: Scenario, columns: dict) -> pd.DataFrame:
    """The summary table from per (call type or total) arrays of the AGGREGATES columns,
    avg_queue and max_queue."""
    return _kpi_frame(scenario, per_scenario(scenario, "kpi.summary_rows",
                                             lambda s: {"call_type": strings(type_names(s))}), columns)


def group_tables(scenario: Scenario, output: EngineOutput, window_end: float):
    """(per group summary, per interval x group) occupancy, utilisation, staffing and cost, from
    the engine's service legs (busy time, answered, AHT: a leg counts when its call arrived after
    the warm-up) and agent log (time on duty)."""
    legs = output.service_legs()
    busy_start, busy_end, handle = legs.start, legs.end, legs.talk + legs.wrapup
    measured_call = output.records.arrival[legs.call] >= scenario.warmup
    edges = interval_edges(scenario, measured_intervals(scenario))
    window = np.array([scenario.warmup, window_end])
    busy_window, busy_intervals, answered, aht = [], [], [], []
    for group in scenario.groups:
        mine = legs.group == group.index
        s, e = busy_start[mine], busy_end[mine]
        busy_window.append(timeline.integrals(s, e, window)[0])
        busy_intervals.append(timeline.integrals(s, e, edges))
        measured = mine & measured_call
        answered.append(int(measured.sum()))
        aht.append(float(handle[measured].mean()) if measured.any() else np.nan)
    return assemble_group_tables(scenario, output.agents, window_end, busy_window, busy_intervals, answered, aht)


def assemble_group_tables(scenario: Scenario, agents, window_end: float, busy_window, busy_intervals,
                          answered, aht):
    """The group tables from each group's busy time (over the measured window, and per measured
    interval), measured answered calls and AHT; time on duty comes from the engine's agent log
    ``agents`` (an :class:`~sim.core.records.AgentLog`: arrays, read without a table's overhead)."""
    const = per_scenario(scenario, "kpi.group_constants", _group_constants)
    lengths = const["lengths"]
    n_groups, n_intervals = len(scenario.groups), len(lengths)
    # time on duty per group: over the interval edges, then over the window [warm-up, window end]
    points = np.concatenate((const["edges"], [scenario.warmup, window_end]))
    on_duty = timeline.grouped_integrals(agents.group, n_groups, agents.start, agents.end, points)
    staffed_j, staffed = on_duty[:, :n_intervals], on_duty[:, n_intervals + 1]
    busy = np.asarray(busy_window, float)
    paid = staffed  # no breaks or paid off-phone time modelled yet
    summary = frame({
        "group": const["group"],
        "agents": const["agents"],
        "staffed_hours": staffed / 3600, "busy_hours": busy / 3600, "paid_hours": paid / 3600,
        "occupancy": definitions.ratio(busy, staffed), "utilisation": definitions.ratio(busy, paid),
        "answered": np.asarray(answered, np.int64), "aht": np.asarray(aht, float),
        "cost": paid / 3600 * const["cost_per_hour"],
    })
    busy_j = np.asarray(busy_intervals, float).reshape(n_groups, n_intervals)
    per_interval = frame({
        "interval": const["interval"], "start": const["start"], "group": const["interval_group"],
        "staffed": (staffed_j / lengths).ravel(), "busy": (busy_j / lengths).ravel(),
        "occupancy": definitions.ratio(busy_j.ravel(), staffed_j.ravel()),
    })
    return summary, per_interval


def _group_constants(scenario: Scenario) -> dict:
    """What the group tables take from the scenario alone."""
    intervals = measured_intervals(scenario)
    edges = interval_edges(scenario, intervals)
    names = [group.name for group in scenario.groups]
    labels = interval_labels(scenario)
    return {
        "edges": edges, "lengths": np.diff(edges), "group": strings(names),
        "agents": np.array([len(group.spells) for group in scenario.groups], np.int64),
        "cost_per_hour": np.array([group.cost_per_hour for group in scenario.groups], float),
        "interval": np.tile(intervals, len(names)), "start": strings(labels * len(names)),
        "interval_group": strings(np.repeat(names, len(intervals))),
    }


def interval_label(scenario: Scenario, j: int) -> str:
    """Clock time ("HH:MM") of the start of interval j, counting from the horizon's day start."""
    minutes = int(round((scenario.day_start + j * scenario.interval_length) / 60))
    days, minutes = divmod(minutes, 24 * 60)
    label = f"{minutes // 60:02d}:{minutes % 60:02d}"
    return f"d{days + 1} {label}" if scenario.horizon_kind == "steady_state" else label
