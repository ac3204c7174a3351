"""The KPI tables as they were first computed: from a pandas table of the calls, one groupby per
table (the code of sim/kpi/tables.py before the tables were computed from the record arrays).

Kept as the slow, readable reference the array code is compared with, bit for bit
(tests/test_record_tables.py). With an IVR (issue 14): a call is grouped under the call type whose
queue it joined (its dialled type if none), its wait and its stay in the queue start when it left
the menu, and self-served and IVR-abandoned calls are counted apart. A scheduled callback stays in
its queue only from its due time (never, if due at or after the horizon's end)."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pandas as pd

from sim.core.protocol import IVR_OUTCOME_NAMES, OUTCOME_NAMES
from sim.core.records import ABANDONED, ANSWERED, EngineOutput
from sim.kpi import definitions, timeline
from sim.model.scenario import Scenario
from sim.kpi.tables import (TOTAL, assemble_group_tables, assemble_interval_table, assemble_summary,
                            interval_edges, measured_intervals, type_names)


def reference_tables(scenario, output, agents):
    """(calls, summary, intervals, groups, group_intervals) as simulate() computed them."""
    calls = calls_frame(scenario, output)
    _, window_end = measurement_window(scenario, agents, calls)
    summary = summary_table(scenario, calls, window_end)
    intervals = interval_table(scenario, calls, window_end)
    groups, group_intervals = group_tables(scenario, output, window_end)
    return calls.drop(columns=["queued_at", "kpi_type", "queue_from"]), summary, intervals, groups, group_intervals


def calls_frame(scenario: Scenario, output: EngineOutput) -> pd.DataFrame:
    """One row per call with names, the wait and the outcome (incl. short_abandoned)."""
    records = output.records
    frame = pd.DataFrame({f.name: getattr(records, f.name) for f in fields(records)})
    frame.index.name = "call_id"
    code = frame.pop("outcome").to_numpy()
    answered, abandoned = code == ANSWERED, code == ABANDONED
    queued_at, kpi_type = frame.arrival.to_numpy(), frame.call_type.to_numpy()
    if output.ivr is not None:
        menu_end = output.ivr.ivr_end
        queued_at = np.array([a if math.isnan(e) else e for a, e in zip(queued_at, menu_end)])
        kpi_type = np.array([t if q < 0 else q for t, q in zip(kpi_type, output.ivr.queue)])
    wait = np.where(answered, frame.answer_time - queued_at, np.nan)
    wait = np.where(abandoned, frame.end_time - queued_at, wait)
    short = abandoned & definitions.is_short_abandon(wait, scenario.kpi.short_abandon)
    names = np.array(OUTCOME_NAMES + ("short_abandoned",), dtype=object)
    frame.insert(2, "outcome", names[np.where(short, len(OUTCOME_NAMES), code)])
    frame.insert(3, "wait", wait)
    frame["call_type"] = pd.Categorical.from_codes(frame.call_type, [t.name for t in scenario.call_types])
    group_names = np.array([g.name for g in scenario.groups] + [""], dtype=object)
    frame["group"] = group_names[frame.group.to_numpy()]
    frame["interval"] = scenario.arrival_interval(frame.arrival.to_numpy())
    if output.ivr is not None:  # (the calls table's IVR columns)
        frame["queue"] = np.array([t.name for t in scenario.call_types] + [""], dtype=object)[output.ivr.queue]
        frame["ivr_end"] = output.ivr.ivr_end
        frame["ivr_outcome"] = np.array(IVR_OUTCOME_NAMES, dtype=object)[output.ivr.ivr_outcome]
    frame["queued_at"] = queued_at  # (helper columns of the reference, dropped from the calls it returns)
    frame["kpi_type"] = pd.Categorical.from_codes(kpi_type, [t.name for t in scenario.call_types])
    frame["queue_from"] = queued_at
    if output.scheduled is not None:  # out of the queue until due; never back if due at the horizon's end
        frame["queue_from"] = [q if math.isnan(d) else (d if d < scenario.horizon_end else math.inf)
                               for q, d in zip(queued_at, output.scheduled.due_time)]
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
        "call_type": calls.kpi_type,
        "arrived": 1,
        "blocked": (outcome == "blocked").astype(int),
        "short_abandoned": (outcome == "short_abandoned").astype(int),
        "self_served": (outcome == "self_served").astype(int),
        "ivr_abandoned": (outcome == "ivr_abandoned").astype(int),
        "offered": offered.astype(int),
        "answered": answered.astype(int),
        "abandoned": abandoned.astype(int),
        "answered_within_T": (answered & definitions.within_threshold(calls.wait, T)).astype(int),
        "late_abandoned": (abandoned & definitions.is_late(calls.wait, T)).astype(int),
        "asa": calls.wait.where(answered),
        "mean_wait": calls.wait.where(left_queue),
        "p90_wait": calls.wait.where(left_queue),
        "aht": (calls.talk + calls.wrapup).where(answered),
        "att": calls.talk.where(answered),
    })


AGGREGATES = {
    "arrived": "sum", "blocked": "sum", "short_abandoned": "sum", "self_served": "sum", "ivr_abandoned": "sum",
    "offered": "sum",
    "answered": "sum", "abandoned": "sum", "answered_within_T": "sum", "late_abandoned": "sum",
    "asa": "mean", "mean_wait": "mean", "p90_wait": lambda s: s.quantile(0.9), "aht": "mean",
    "att": "mean",
}
COUNTS = [column for column, how in AGGREGATES.items() if how == "sum"]


def _measured(calls: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    return calls[calls.arrival >= scenario.warmup]


def measurement_window(scenario: Scenario, agents: pd.DataFrame, calls: pd.DataFrame) -> tuple:
    """[start, end] of the measured time: warm-up end to the last moment anyone was present (an
    agent; a call ending; a caller leaving an IVR menu, who may then wait unfinished)."""
    ends = pd.concat([calls.end_time, calls["ivr_end"]] if "ivr_end" in calls else [calls.end_time]).dropna()
    last = max(scenario.horizon_end, agents.end.max() if len(agents) else 0.0, ends.max() if len(ends) else 0.0)
    return scenario.warmup, float(last)


def _queue_spans(calls: pd.DataFrame, window_end: float):
    """Start and end of every stay in the queue (unfinished calls wait to the window end)."""
    queued = calls[~calls.outcome.isin(["blocked", "self_served", "ivr_abandoned"])]
    leave = queued.answer_time.fillna(queued.end_time).fillna(window_end)
    return queued, np.minimum(queued.queue_from.to_numpy(), leave.to_numpy()), leave.to_numpy()


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


def _queue_by_interval(scenario, calls, window_end, intervals) -> dict:
    """avg_queue and max_queue per (measured interval, call type or total)."""
    edges = interval_edges(scenario, intervals)
    lengths = np.diff(edges)
    queued, q_start, q_end = _queue_spans(calls, window_end)
    average, maximum = [], []
    for name in type_names(scenario):
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.kpi_type == name).to_numpy()
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
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.kpi_type == name).to_numpy()
        average.append(timeline.integrals(q_start[mask], q_end[mask], edges)[0] / (edges[1] - edges[0]))
        maximum.append(timeline.maxima(q_start[mask], q_end[mask], edges)[0])
    columns.update(avg_queue=np.array(average), max_queue=np.array(maximum))
    return assemble_summary(scenario, columns)


def group_tables(scenario: Scenario, output: EngineOutput, window_end: float):
    """(per group summary, per interval x group) occupancy, utilisation, staffing and cost, from
    the engine's service legs (busy time, answered, AHT: a leg counts when its call arrived after
    the warm-up), callback dials (busy time) and agent log (time on duty)."""
    legs = output.service_legs()
    busy_start, busy_end, handle = legs.start, legs.end, legs.talk + legs.wrapup
    measured_call = output.records.arrival[legs.call] >= scenario.warmup
    edges = interval_edges(scenario, measured_intervals(scenario))
    window = np.array([scenario.warmup, window_end])
    busy_window, busy_intervals, answered, aht = [], [], [], []
    for group in scenario.groups:
        mine = legs.group == group.index
        s, e = busy_start[mine], busy_end[mine]
        if output.dials is not None:  # an agent dialling a callback is busy until the ring ends
            dialled = output.dials.group == group.index
            s, e = np.concatenate((s, output.dials.start[dialled])), np.concatenate((e, output.dials.end[dialled]))
        # (a busy time is never negative: rounding residues clamped at 0, as the tables do)
        busy_window.append(max(timeline.integrals(s, e, window)[0], 0.0))
        busy_intervals.append(np.maximum(timeline.integrals(s, e, edges), 0.0))
        measured = mine & measured_call
        answered.append(int(measured.sum()))
        aht.append(float(handle[measured].mean()) if measured.any() else np.nan)
    return assemble_group_tables(scenario, output.agents, window_end, busy_window, busy_intervals, answered, aht,
                                 output.present)
