"""KPI tables from engine records: per call, per interval x call type, per group, summary.

Definitions (also in the README):
  offered       calls that reach the agents' queue: answered + abandoned + unfinished.
                Blocked calls (trunks full) and short abandons (waited < kpi.short_abandon s)
                are counted apart and are not offered.
  service level answered within T / offered (variant ``offered``, the default); or / answered
                (``answered``); or / (answered + abandoned after waiting more than T)
                (``answered_and_late_abandoned``). T = kpi.sl_threshold.
  ASA           mean wait of answered calls; mean_wait and p90_wait cover all offered calls
                that left the queue (answered or abandoned).
  abandon rate  abandoned / offered.
  AHT           talk + wrap-up, mean over answered calls.
  occupancy     time busy (talk + wrap-up) / time on duty; utilisation = busy / time paid.
                With no breaks modelled yet, time paid = time on duty and the two coincide.
  queue         time-average and maximum number of calls waiting.
Calls are counted in the interval in which they arrive; time-based measures (queue, agents)
over the interval itself. Calls arriving before the warm-up ends are excluded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import timeline
from sim.core.records import ABANDONED, ANSWERED, OUTCOME_NAMES, EngineOutput
from sim.scenario import Scenario

TOTAL = "total"


def calls_frame(scenario: Scenario, output: EngineOutput) -> pd.DataFrame:
    """One row per call with names, the wait and the outcome (incl. short_abandoned)."""
    frame = output.records.to_frame()
    code = frame.pop("outcome").to_numpy()
    answered, abandoned = code == ANSWERED, code == ABANDONED
    wait = np.where(answered, frame.answer_time - frame.arrival, np.nan)
    wait = np.where(abandoned, frame.end_time - frame.arrival, wait)
    short = abandoned & (wait < scenario.kpi.short_abandon)
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
    offered = answered | abandoned | (outcome == "unfinished")
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
        "answered_within_T": (answered & (calls.wait <= T)).astype(int),
        "late_abandoned": (abandoned & (calls.wait > T)).astype(int),
        "asa": calls.wait.where(answered),
        "mean_wait": calls.wait.where(left_queue),
        "p90_wait": calls.wait.where(left_queue),
        "aht": (calls.talk + calls.wrapup).where(answered),
    })


def _finish(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Ratios from the counts, with the service-level variant chosen in the scenario."""
    variant = scenario.kpi.sl_variant
    denominator = {
        "offered": table.offered,
        "answered": table.answered,
        "answered_and_late_abandoned": table.answered + table.late_abandoned,
    }[variant]
    table.insert(table.columns.get_loc("answered_within_T") + 1, "service_level",
                 table.answered_within_T / denominator.where(denominator > 0))
    table.insert(table.columns.get_loc("asa"), "abandon_rate",
                 table.abandoned / table.offered.where(table.offered > 0))
    return table.drop(columns="late_abandoned")


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
    table = pd.concat([by_type, by_all]).reset_index()
    table["call_type"] = table.call_type.astype(str)
    intervals = measured_intervals(scenario)
    queue = _queue_by_interval(scenario, calls, window_end, intervals)
    return assemble_interval_table(scenario, table.set_index(["interval", "call_type"]), queue)


def assemble_interval_table(scenario: Scenario, table: pd.DataFrame, queue: pd.DataFrame) -> pd.DataFrame:
    """The interval table from per (interval, call_type) counts and means (the AGGREGATES
    columns) and queue statistics (avg_queue, max_queue), whatever source computed them."""
    intervals = measured_intervals(scenario)
    full = pd.MultiIndex.from_product([intervals, type_names(scenario)], names=["interval", "call_type"])
    table = table.reindex(full)
    table[COUNTS] = table[COUNTS].fillna(0).astype(int)
    table = table.join(queue).reset_index()
    table.insert(1, "start", [interval_label(scenario, j) for j in table.interval])
    return _finish(table, scenario)


def type_names(scenario: Scenario) -> list:
    """Call type names, then ``total``: the rows of every per-type table."""
    return [t.name for t in scenario.call_types] + [TOTAL]


def interval_edges(scenario: Scenario, intervals: np.ndarray) -> np.ndarray:
    """Edges of the measured intervals (the first one starts at the end of the warm-up)."""
    ends = scenario.interval_ends()[intervals]
    return np.concatenate(([max(scenario.interval_starts()[intervals[0]], scenario.warmup)], ends))


def _queue_by_interval(scenario, calls, window_end, intervals) -> pd.DataFrame:
    edges = interval_edges(scenario, intervals)
    lengths = np.diff(edges)
    queued, q_start, q_end = _queue_spans(calls, window_end)
    parts = []
    for name in type_names(scenario):
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.call_type == name).to_numpy()
        s, e = q_start[mask], q_end[mask]
        parts.append(pd.DataFrame({
            "interval": intervals, "call_type": name,
            "avg_queue": timeline.integrals(s, e, edges) / lengths,
            "max_queue": timeline.maxima(s, e, edges),
        }))
    return pd.concat(parts).set_index(["interval", "call_type"])


def summary_table(scenario: Scenario, calls: pd.DataFrame, window_end: float) -> pd.DataFrame:
    """KPIs per call type over the measured horizon, plus a ``total`` row."""
    ind = _indicators(_measured(calls, scenario), scenario)
    by_type = ind.drop(columns="interval").groupby("call_type", observed=False).agg(AGGREGATES)
    total = ind.drop(columns=["interval", "call_type"]).agg(AGGREGATES).to_frame(TOTAL).T
    table = pd.concat([by_type, total])
    table.index = table.index.astype(str)
    queued, q_start, q_end = _queue_spans(calls, window_end)
    edges = np.array([scenario.warmup, window_end])
    queue = {}
    for name in table.index:
        mask = np.ones(len(queued), bool) if name == TOTAL else (queued.call_type == name).to_numpy()
        queue[name] = (timeline.integrals(q_start[mask], q_end[mask], edges)[0] / (edges[1] - edges[0]),
                       timeline.maxima(q_start[mask], q_end[mask], edges)[0])
    return assemble_summary(scenario, table, pd.DataFrame(queue, index=["avg_queue", "max_queue"]).T)


def assemble_summary(scenario: Scenario, table: pd.DataFrame, queue: pd.DataFrame) -> pd.DataFrame:
    """The summary table from per call type (and total) counts and means, and queue statistics."""
    table = table.reindex(type_names(scenario))
    table.index.name = "call_type"
    table[COUNTS] = table[COUNTS].fillna(0).astype(int)
    table = table.join(queue)
    return _finish(table.reset_index(), scenario)


def _busy_spans(calls: pd.DataFrame):
    served = calls[calls.outcome == "answered"]
    start = served.answer_time.to_numpy()
    return served, start, start + (served.talk + served.wrapup).to_numpy()


def group_tables(scenario: Scenario, calls: pd.DataFrame, agents: pd.DataFrame, window_end: float):
    """(per group summary, per interval x group) occupancy, utilisation, staffing and cost."""
    served, busy_start, busy_end = _busy_spans(calls)
    edges = interval_edges(scenario, measured_intervals(scenario))
    window = np.array([scenario.warmup, window_end])
    busy_window, busy_intervals, answered, aht = [], [], [], []
    for group in scenario.groups:
        mine = (served.group == group.name).to_numpy()
        s, e = busy_start[mine], busy_end[mine]
        busy_window.append(timeline.integrals(s, e, window)[0])
        busy_intervals.append(timeline.integrals(s, e, edges))
        measured = mine & (served.arrival >= scenario.warmup).to_numpy()
        answered.append(int(measured.sum()))
        aht.append(float((served.talk + served.wrapup)[measured].mean()) if measured.any() else np.nan)
    return assemble_group_tables(scenario, agents, window_end, busy_window, busy_intervals, answered, aht)


def assemble_group_tables(scenario: Scenario, agents: pd.DataFrame, window_end: float, busy_window, busy_intervals,
                          answered, aht):
    """The group tables from each group's busy time (over the measured window, and per measured
    interval), measured answered calls and AHT; time on duty comes from the agent log."""
    intervals = measured_intervals(scenario)
    edges = interval_edges(scenario, intervals)
    lengths = np.diff(edges)
    window = np.array([scenario.warmup, window_end])
    summary, per_interval = [], []
    for group in scenario.groups:
        g = group.index
        on = agents[agents.group == g]
        on_start, on_end = on.start.to_numpy(), on.end.to_numpy()
        staffed = timeline.integrals(on_start, on_end, window)[0]
        busy = busy_window[g]
        paid = staffed  # no breaks or paid off-phone time modelled yet
        summary.append({
            "group": group.name,
            "agents": len(group.spells),
            "staffed_hours": staffed / 3600, "busy_hours": busy / 3600, "paid_hours": paid / 3600,
            "occupancy": busy / staffed if staffed > 0 else np.nan,
            "utilisation": busy / paid if paid > 0 else np.nan,
            "answered": int(answered[g]),
            "aht": aht[g],
            "cost": paid / 3600 * group.cost_per_hour,
        })
        staffed_j = timeline.integrals(on_start, on_end, edges)
        busy_j = np.asarray(busy_intervals[g], float)
        per_interval.append(pd.DataFrame({
            "interval": intervals, "start": [interval_label(scenario, j) for j in intervals],
            "group": group.name, "staffed": staffed_j / lengths, "busy": busy_j / lengths,
            "occupancy": busy_j / np.where(staffed_j > 0, staffed_j, np.nan),
        }))
    return pd.DataFrame(summary), pd.concat(per_interval, ignore_index=True)


def interval_label(scenario: Scenario, j: int) -> str:
    """Clock time ("HH:MM") of the start of interval j, counting from the horizon's day start."""
    minutes = int(round((scenario.day_start + j * scenario.interval_length) / 60))
    days, minutes = divmod(minutes, 24 * 60)
    label = f"{minutes // 60:02d}:{minutes % 60:02d}"
    return f"d{days + 1} {label}" if scenario.horizon_kind == "steady_state" else label
