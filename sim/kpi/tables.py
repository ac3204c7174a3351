"""KPI tables from engine records: per call, per interval x call type, per group, summary.

The KPIs are defined in :mod:`sim.kpi.definitions` (and in the README); queue statistics are
the time-average and maximum number of calls waiting.
Calls are counted in the interval in which they arrive; time-based measures (queue, agents)
over the interval itself. Calls arriving before the warm-up ends are excluded.

:mod:`sim.kpi.record_tables` computes the tables from per-call records, :mod:`sim.kpi.streaming`
from the fast engine's streaming tallies. Both hand numpy columns to the ``assemble_*`` functions
here, so the tables have one layout whatever their source; the group tables' busy time comes
from the service legs (:func:`group_tables`) or from the tallies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.kpi import costs, definitions, hours, kernels, outbound_work, timeline
from sim.kpi import transfers as transfer_kpi
from sim.kpi.frames import frame, strings
from sim.model.cache import per_scenario
from sim.core.records import ANSWERED, EngineOutput
from sim.model.scenario import Scenario

TOTAL = definitions.TOTAL


RATE_COLUMNS = ("asa", "mean_wait", "p90_wait", "aht", "att", "avg_queue", "max_queue")


def _kpi_frame(scenario: Scenario, leading: dict, columns: dict) -> pd.DataFrame:
    """A KPI table in one go: ``leading`` label columns, then :func:`kpi_columns`."""
    return frame({**leading, **kpi_columns(scenario, columns)})


def kpi_columns(scenario: Scenario, columns: dict) -> dict:
    """The numeric columns of a KPI table after its labels: the counts, the service level (with
    the scenario's variant) and abandon rate, then the means and queue statistics.

    ``columns`` maps every AGGREGATES name plus avg_queue and max_queue to arrays (any shape;
    flattened in C order, matching the labels); missing counts (NaN) are zeros.
    """
    counts = {name: _count(columns[name]) for name in COUNTS}
    denominator = definitions.sl_denominator(scenario.kpi.sl_variant, counts["offered"], counts["answered"],
                                             counts["late_abandoned"])
    out = dict(counts)
    out["service_level"] = definitions.ratio(counts["answered_within_T"], denominator)
    out["abandon_rate"] = definitions.ratio(counts["abandoned"], counts["offered"])
    out.update((name, np.asarray(columns[name], float).ravel()) for name in RATE_COLUMNS)
    out.update(costs.call_cost_columns(scenario, counts, out, columns.get(transfer_kpi.CONSULT)))
    out.update(transfer_kpi.columns(scenario, columns))
    return out


def _count(values) -> np.ndarray:
    """A count column as int64 (NaN, from a group with no calls, is 0)."""
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return values.astype(np.int64).ravel()
    values = values.astype(float).ravel()
    return np.where(np.isnan(values), 0.0, values).astype(np.int64)


AGGREGATES = {
    "arrived": "sum", "blocked": "sum", "short_abandoned": "sum", "self_served": "sum", "ivr_abandoned": "sum",
    "offered": "sum",
    "answered": "sum", "abandoned": "sum", "answered_within_T": "sum", "late_abandoned": "sum",
    "asa": "mean", "mean_wait": "mean", "p90_wait": lambda s: s.quantile(0.9), "aht": "mean",
    "att": "mean",
}
COUNTS = [column for column, how in AGGREGATES.items() if how == "sum"]


def measured_intervals(scenario: Scenario) -> np.ndarray:
    return np.flatnonzero(scenario.interval_ends() > scenario.warmup)


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


def assemble_summary(scenario: Scenario, columns: dict) -> pd.DataFrame:
    """The summary table from per (call type or total) arrays of the AGGREGATES columns,
    avg_queue and max_queue."""
    return _kpi_frame(scenario, per_scenario(scenario, "kpi.summary_rows",
                                             lambda s: {"call_type": strings(type_names(s))}), columns)


def group_tables(scenario: Scenario, output: EngineOutput, window_end: float):
    """(per group summary, per interval x group) occupancy, utilisation, staffing and cost, from
    the engine's service legs (busy time, answered, AHT: a leg counts when its call arrived after
    the warm-up), callback dials (busy time) and agent log (time on duty)."""
    edges = interval_edges(scenario, measured_intervals(scenario))
    window = np.array([scenario.warmup, window_end])
    points = np.concatenate((edges, window))
    order = np.argsort(points, kind="stable")
    busy_window, busy_intervals, answered, aht = [], [], [], []
    for group in scenario.groups:
        start, handle, arrival = _group_legs(output, group.index)
        end = start + handle
        measured = arrival >= scenario.warmup
        answered.append(int(measured.sum()))
        aht.append(float(handle[measured].mean()) if measured.any() else np.nan)
        del handle, arrival, measured
        start, end = _with_dials(output, group.index, start, end)
        start.sort(kind="stable")  # legs start nearly in order: timsort is fast
        end.sort(kind="stable")
        busy = np.empty(len(points))  # sum of min(x, end) - min(x, start) over the legs, at the points
        busy[order] = _sum_min(end, points[order]) - _sum_min(start, points[order])
        # a busy time is never negative: where no leg overlaps an interval, the two sums can
        # differ by a rounding residue of either sign (-5e-16 once made an occupancy of -0.5)
        busy_window.append(max(np.diff(busy[len(edges):])[0], 0.0))
        busy_intervals.append(np.maximum(np.diff(busy[:len(edges)]), 0.0))
    busy_window, busy_intervals = with_outbound_busy(scenario, output.attempts, window_end, busy_window, busy_intervals)
    return assemble_group_tables(scenario, output.agents, window_end, busy_window, busy_intervals, answered, aht,
                                 output.present)


def with_outbound_busy(scenario: Scenario, attempts, window_end: float, busy_window, busy_intervals) -> tuple:
    """Each group's busy time (over the window, per measured interval) with its outbound work
    added (:mod:`sim.kpi.outbound_work`), for a scenario with campaigns: occupancy is then
    (inbound + outbound busy) / staffed. Unchanged (the very arrays) without campaigns."""
    if not scenario.campaigns:
        return busy_window, busy_intervals
    if attempts is None:
        raise ValueError("the scenario has campaigns: its group tables need the engine's dial attempts")
    edges = interval_edges(scenario, measured_intervals(scenario))
    points = np.concatenate((edges, [scenario.warmup, window_end]))
    outbound = outbound_work.integrals(outbound_work.work_pieces(scenario, attempts), "group", len(scenario.groups),
                                       points)
    n_intervals = len(edges) - 1
    return (np.asarray(busy_window, float) + outbound[:, n_intervals + 1],
            np.asarray(busy_intervals, float).reshape(len(scenario.groups), n_intervals) + outbound[:, :n_intervals])


def _group_legs(output: EngineOutput, group: int) -> tuple:
    """(start, talk + wrap-up, arrival) of the service legs of one group, in leg order: the recorded
    legs, or one per answered call read off the call records (without copying every column).
    A leg's arrival (it is measured if at or after the warm-up): its call's, for a transferred
    leg (recorded with its queue entry) when it joined its queue."""
    records = output.records
    if output.legs is not None:
        legs = output.legs
        mine = np.flatnonzero(legs.group == group)
        arrival = records.arrival[legs.call[mine]]
        if legs.joined is not None:
            arrival = np.where(legs.leg[mine] > 0, legs.joined[mine], arrival)
        return legs.start[mine], legs.handle[mine], arrival
    served = np.flatnonzero((records.outcome == ANSWERED) & (records.group == group))
    handle = records.talk[served]
    handle += records.wrapup[served]
    return records.answer_time[served], handle, records.arrival[served]


def _with_dials(output: EngineOutput, group: int, start: np.ndarray, end: np.ndarray) -> tuple:
    """(start, end) of the group's busy spells: its service legs', then its agents' callback dials
    (busy from the dial to the end of its ring, whether the customer is reached or not)."""
    if output.dials is None:
        return start, end
    mine = output.dials.group == group
    return np.concatenate((start, output.dials.start[mine])), np.concatenate((end, output.dials.end[mine]))


def _sum_min(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """sum of min(x, v) over the sorted values at the sorted points (sim.kpi.timeline's arithmetic)."""
    return kernels.sorted_sum_min(np.ascontiguousarray(values, float), np.zeros(len(values), np.int32), 1,
                                  np.ascontiguousarray(points, float))[0]


TIME_RESIDUE = 1e-6  # seconds


def assemble_group_tables(scenario: Scenario, agents, window_end: float, busy_window, busy_intervals,
                          answered, aht, present=None):
    """The group tables from each group's busy time (over the measured window, and per measured
    interval), measured answered calls and AHT; time on duty comes from the engine's agent log
    ``agents`` (an :class:`~sim.core.records.AgentLog`: arrays, read without a table's overhead),
    who came from ``present`` (bool per agent; None: everyone)."""
    const = per_scenario(scenario, "kpi.group_constants", _group_constants)
    summary, per_interval = group_columns(scenario, agents, window_end, busy_window, busy_intervals, answered, aht,
                                          present)
    return (frame({"group": const["group"], **summary}),
            frame({"interval": const["interval"], "start": const["start"], "group": const["interval_group"],
                   **per_interval}))


def group_columns(scenario: Scenario, agents, window_end: float, busy_window, busy_intervals, answered,
                  aht, present=None) -> tuple:
    """The numeric columns of the group and group-interval tables (after their labels): agent
    hours paid, scheduled, staffed and available (:mod:`sim.kpi.hours`), busy time, occupancy
    (busy / available), utilisation (busy / paid), cost (paid), break lateness:
    :func:`batch_group_columns` of this one run."""
    n_groups = len(scenario.groups)
    summary, per_interval = batch_group_columns(
        scenario, [agents], np.array([window_end], float), np.asarray(busy_window, float).reshape(1, n_groups),
        np.asarray(busy_intervals, float).reshape(1, n_groups, -1), np.asarray(answered, np.int64).reshape(1, -1),
        np.asarray(aht, float).reshape(1, -1), [present])
    return {name: values[0] for name, values in summary.items()}, {name: values[0] for name, values in per_interval.items()}


def batch_group_columns(scenario: Scenario, agents: list, window_end: np.ndarray, busy_window: np.ndarray,
                        busy_intervals: np.ndarray, answered: np.ndarray, aht: np.ndarray, present: list) -> tuple:
    """:func:`group_columns` of several runs at once (every argument and column with a leading
    axis, the runs: ``agents`` and ``present`` one per run), with the same operations on the same
    values, so the same floats."""
    const = per_scenario(scenario, "kpi.group_constants", _group_constants)
    lengths = const["lengths"]
    n_runs, n_groups, n_intervals = len(agents), len(scenario.groups), len(lengths)
    # time on duty per group: over the interval edges, over the window [warm-up, window end],
    # then after the horizon's end [horizon end, window end] (the agents clearing the queue)
    on_duty = _on_duty(scenario, const["edges"], agents, window_end)
    # less than a microsecond of agent time is a rounding residue of the sums above, not staffing:
    # zero, so that no occupancy is a ratio of two residues (2e-15 / 1e-15 once made 200 %)
    on_duty[on_duty < TIME_RESIDUE] = 0.0
    available_j, available = on_duty[:, :, :n_intervals], on_duty[:, :, n_intervals + 1]
    tail = np.where((window_end > scenario.horizon_end)[:, None], on_duty[:, :, n_intervals + 3], np.nan)
    rostered = hours.hours(scenario, const["edges"], tail, present)
    (paid_j, paid), (scheduled_j, scheduled), (staffed_j, staffed) = (
        rostered[name] for name in ("paid", "scheduled", "staffed"))
    busy = busy_window
    summary = {
        "agents": np.tile(const["agents"], (n_runs, 1)),
        "paid_hours": paid / 3600, "scheduled_hours": scheduled / 3600, "staffed_hours": staffed / 3600,
        "available_hours": available / 3600, "busy_hours": busy / 3600,
        "occupancy": definitions.ratio(busy, available), "utilisation": definitions.ratio(busy, paid),
        "answered": answered, "aht": aht,
        "cost": paid / 3600 * const["cost_per_hour"],
        **hours.break_lateness(scenario, const["edges"], agents),
    }
    busy_j = busy_intervals.reshape(n_runs, -1)
    per_interval = {
        "paid": (paid_j / lengths).reshape(n_runs, -1), "scheduled": (scheduled_j / lengths).reshape(n_runs, -1),
        "staffed": (staffed_j / lengths).reshape(n_runs, -1), "available": (available_j / lengths).reshape(n_runs, -1),
        "busy": (busy_intervals / lengths).reshape(n_runs, -1),
        "occupancy": definitions.ratio(busy_j, available_j.reshape(n_runs, -1)),
        "utilisation": definitions.ratio(busy_j, paid_j.reshape(n_runs, -1)),
        "cost": (paid_j / 3600 * const["cost_per_hour"][:, None]).reshape(n_runs, -1),
    }
    return summary, per_interval


def _on_duty(scenario: Scenario, edges: np.ndarray, agents: list, window_end: np.ndarray) -> np.ndarray:
    """Per run x group, the integrals of the agents on duty (each run's agent log) between the
    points edges..., warm-up, window end, horizon end, window end (its own window end): one
    row per (run, group) in one call (:func:`sim.kpi.timeline.grouped_integrals_at`)."""
    n_runs, n_groups, n_edges = len(agents), len(scenario.groups), len(edges)
    sizes = [len(log.group) for log in agents]
    group = np.concatenate([log.group for log in agents]) + n_groups * np.repeat(np.arange(n_runs), sizes)
    points = np.concatenate((edges, [scenario.warmup, scenario.horizon_end], window_end))
    own_end = np.repeat(n_edges + 2 + np.arange(n_runs), n_groups)[:, None]  # column of each row's window end
    columns = np.concatenate((np.broadcast_to(np.arange(n_edges + 1), (len(own_end), n_edges + 1)), own_end,
                              np.full_like(own_end, n_edges + 1), own_end), axis=1)
    on_duty = timeline.grouped_integrals_at(group, n_runs * n_groups, np.concatenate([log.start for log in agents]),
                                            np.concatenate([log.end for log in agents]), points, columns)
    return on_duty.reshape(n_runs, n_groups, -1)


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
