"""KPI tables from per-call records, computed on the engine's record arrays.

The tables are those of :mod:`sim.kpi.tables` (definitions in :mod:`sim.kpi.definitions`), to the
last bit what grouping a pandas table of the calls gives (tests/kpi_reference.py keeps that
computation; tests/test_record_tables.py compares the two): counts and means in one pass over the
calls, means as compensated sums (pandas' grouped mean) or pairwise sums (pandas' mean of a
column), p90 by selection with numpy's interpolation, and the queue's time average and maximum
in one sweep over its sorted arrivals and departures (:mod:`sim.kpi.kernels`). Memory: a few
bytes per call beyond the records; the calls table shares the record arrays, with categorical
labels instead of strings.

With an IVR (``output.ivr``), a call counts in the row of the call type whose queue it joined (a
zero-out's target; the type it dialled if it joined none) and its wait starts when it left the
menu (:func:`kpi_view`).
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from sim.core.protocol import IVR_OUTCOME_NAMES, OUTCOME_NAMES
from sim.core.records import (ABANDONED, ANSWERED, BLOCKED, IVR_ABANDONED, SELF_SERVED, CallRecords, EngineOutput,
                              IvrRecords)
from sim.kpi import _kernels_py, definitions, kernels
from sim.kpi import transfers as transfer_kpi
from sim.kpi import tables as kpi
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario

SHORT_ABANDONED = _kernels_py.SHORT_ABANDONED  # the outcome code of a short abandon (after OUTCOMES')
OUTCOME_LABELS = OUTCOME_NAMES + ("short_abandoned",)


def tables(scenario: Scenario, output: EngineOutput, keep_calls: bool = True) -> tuple:
    """(calls or None, summary, intervals, groups, group_intervals) from the engine's records;
    with transfers, every leg counts as a call of its queue (sim.kpi.transfers)."""
    if transfer_kpi.has_transfers(scenario):
        return _tables_with_transfers(scenario, output, keep_calls)
    records = output.records
    outcome, wait = call_outcomes(scenario, records, output.ivr)
    interval = scenario.arrival_interval(records.arrival)
    window_end = measurement_end(scenario, output)
    summary, intervals = call_tables(scenario, records, outcome, wait, interval, window_end, output.ivr,
                                     away=_scheduled_due(output, len(records)))
    groups, group_intervals = kpi.group_tables(scenario, output, window_end)
    calls = calls_frame(scenario, records, outcome, wait, interval, output.ivr) if keep_calls else None
    return calls, summary, intervals, groups, group_intervals


def _tables_with_transfers(scenario: Scenario, output: EngineOutput, keep_calls: bool) -> tuple:
    """``tables`` over the legs (sim.kpi.transfers.queue_visits); the calls table has the calls."""
    visits = transfer_kpi.queue_visits(output)
    view, n = visits.output, len(output.records)
    outcome, wait = call_outcomes(scenario, view.records, view.ivr)
    interval = scenario.arrival_interval(view.records.arrival)
    window_end = measurement_end(scenario, view)
    summary, intervals = call_tables(scenario, view.records, outcome, wait, interval, window_end, view.ivr, visits,
                                     away=_scheduled_due(output, len(view.records)))
    groups, group_intervals = kpi.group_tables(scenario, output, window_end)
    calls = (calls_frame(scenario, output.records, outcome[:n], wait[:n], interval[:n], output.ivr)
             if keep_calls else None)
    return calls, summary, intervals, groups, group_intervals


def kpi_view(records: CallRecords, ivr: Optional[IvrRecords]) -> tuple:
    """(call type each call counts under, when it joined its queue): without an IVR its type and
    arrival; with one, the queue it joined (its dialled type if none) and the end of its menu."""
    if ivr is None:
        return records.call_type, records.arrival
    return np.where(ivr.queue >= 0, ivr.queue, records.call_type).astype(np.int32), ivr.queue_entry(records)


def call_outcomes(scenario: Scenario, records: CallRecords, ivr: Optional[IvrRecords] = None) -> tuple:
    """(outcome code of every call, short abandons coded SHORT_ABANDONED; its wait: answer or
    abandon time - the time it joined the queue, NaN for the calls that left no queue)."""
    entry = kpi_view(records, ivr)[1]
    wait = np.subtract(records.answer_time, entry)
    wait[records.outcome != ANSWERED] = np.nan
    abandoned = records.outcome == ABANDONED
    np.subtract(records.end_time, entry, out=wait, where=abandoned)
    outcome = records.outcome.copy()
    outcome[abandoned & definitions.is_short_abandon(wait, scenario.kpi.short_abandon)] = SHORT_ABANDONED
    return outcome, wait


def measurement_end(scenario: Scenario, output: EngineOutput) -> float:
    """The end of the measured time: the last moment anyone was present (at least the horizon end):
    an agent, a call ending, or a caller leaving an IVR menu (a caller who then waits unfinished
    was there at that moment)."""
    agents_end = float(output.agents.end.max()) if len(output.agents.end) else 0.0
    menus_end = float(np.fmax.reduce(output.ivr.ivr_end, initial=0.0)) if output.ivr is not None else 0.0
    return max(scenario.horizon_end, agents_end, menus_end, float(np.fmax.reduce(output.records.end_time, initial=0.0)))


def calls_frame(scenario: Scenario, records: CallRecords, outcome, wait, interval, ivr=None) -> pd.DataFrame:
    """One row per call with names, the wait and the outcome (incl. short_abandoned). Names are
    categoricals (the group "" for calls nobody answered); numeric columns share the record arrays.
    With an IVR: the queue it joined ("" for none), when it left the menu, and how."""
    labels = per_scenario(scenario, "record_tables.labels", _labels)
    group = records.group.astype(np.int8 if len(scenario.groups) < 127 else np.int32)
    group[group < 0] = len(scenario.groups)
    frame = pd.DataFrame({
        "call_type": pd.Categorical.from_codes(records.call_type, labels["call_type"]),
        "arrival": records.arrival,
        "outcome": pd.Categorical.from_codes(outcome, labels["outcome"]),
        "wait": wait,
        "group": pd.Categorical.from_codes(group, labels["group"]),
        "agent": records.agent, "answer_time": records.answer_time, "end_time": records.end_time,
        "talk": records.talk, "wrapup": records.wrapup, "interval": interval,
    }, copy=False)
    frame.index.name = "call_id"
    if ivr is not None:
        queue = ivr.queue.copy()
        queue[queue < 0] = len(scenario.call_types)
        names = [t.name for t in scenario.call_types] + [""]
        frame["queue"] = pd.Categorical.from_codes(queue, names)
        frame["ivr_end"] = ivr.ivr_end
        frame["ivr_outcome"] = pd.Categorical.from_codes(ivr.ivr_outcome, list(IVR_OUTCOME_NAMES))
    return frame


def _labels(scenario: Scenario) -> dict:
    return {"call_type": pd.CategoricalDtype([t.name for t in scenario.call_types]).categories,
            "outcome": pd.CategoricalDtype(list(OUTCOME_LABELS)).categories,
            "group": pd.CategoricalDtype([g.name for g in scenario.groups] + [""]).categories}


def _scheduled_due(output: EngineOutput, n_rows: int) -> Optional[np.ndarray]:
    """Per row (the call rows, then any later legs: NaN) the due time of its scheduled callback
    (NaN: none), or None without scheduled callbacks."""
    if output.scheduled is None:
        return None
    due = np.full(n_rows, np.nan)
    due[:len(output.scheduled.due_time)] = output.scheduled.due_time
    return due


def call_tables(scenario: Scenario, records: CallRecords, outcome, wait, interval, window_end: float,
                ivr: Optional[IvrRecords] = None, visits: Optional[transfer_kpi.Visits] = None,
                away: Optional[np.ndarray] = None) -> tuple:
    """(summary, intervals): per call type, and per measured interval x call type, plus totals
    (``visits``: with transfers, the legs the records hold; ``away``: scheduled callbacks' due
    times, sim.core.records.ScheduledRecords, before which they are out of their queue)."""
    call_type, entry = kpi_view(records, ivr)
    n_types = len(scenario.call_types)
    intervals = kpi.measured_intervals(scenario)
    first, n_rows = (int(intervals[0]) if len(intervals) else 0), len(intervals)
    columns = (np.ascontiguousarray(interval, np.int64), np.ascontiguousarray(records.arrival, float),
               np.ascontiguousarray(call_type, np.int32), np.ascontiguousarray(outcome, np.int8),
               np.ascontiguousarray(wait, float))
    counts, means, type_means = kernels.call_tallies(
        *columns, np.ascontiguousarray(records.talk, float), np.ascontiguousarray(records.wrapup, float), first,
        float(scenario.warmup), n_rows, n_types, float(scenario.kpi.sl_threshold))
    by_interval, overall = kernels.wait_quantiles(*columns, first, float(scenario.warmup), n_rows, n_types, 0.9)
    queue = _queue_statistics(scenario, records, window_end, call_type, entry, away)

    interval_columns = _count_columns(counts)
    interval_columns.update(asa=means[..., 0], mean_wait=means[..., 1], aht=means[..., 2], att=means[..., 3],
                            p90_wait=by_interval,
                            avg_queue=queue["avg_queue"], max_queue=queue["max_queue"])
    summary_columns = _count_columns(counts.sum(axis=0))
    if visits is not None:  # (the same rows as the kernels' counts)
        row = _kernels_py.measured_rows(columns[0], columns[1], first, float(scenario.warmup))
        extra = transfer_kpi.record_counts(visits, columns[3], columns[2], row, n_rows, n_types)
        for i, name in enumerate(transfer_kpi.COUNTS):
            interval_columns[name], summary_columns[name] = extra[..., i], extra.sum(axis=0)[..., i]
        consult = transfer_kpi.record_consults(visits, columns[3], columns[2], row, n_rows, n_types)
        interval_columns[transfer_kpi.CONSULT], summary_columns[transfer_kpi.CONSULT] = consult, consult.sum(axis=0)
    totals = _total_means(scenario, records, outcome, wait)
    summary_columns.update({name: np.append(type_means[:, i], totals[i]) for i, name in enumerate(_kernels_py.CALL_MEANS)})
    summary_columns.update(p90_wait=overall, avg_queue=queue["window_avg_queue"], max_queue=queue["window_max_queue"])
    return kpi.assemble_summary(scenario, summary_columns), kpi.assemble_interval_table(scenario, interval_columns)


def _count_columns(counts: np.ndarray) -> dict:
    """The count columns of a KPI table from CALL_COUNTS arrays (last axis)."""
    c = {name: counts[..., i] for i, name in enumerate(_kernels_py.CALL_COUNTS)}
    c["offered"] = definitions.offered(c["answered"], c["abandoned"], c.pop("unfinished"))
    return c


def _total_means(scenario: Scenario, records: CallRecords, outcome, wait) -> list:
    """asa, mean_wait, aht and att over all measured calls, as pandas' mean of a column gives them:
    the pairwise sum of the column (the other calls' values as 0) over the count."""
    measured = records.arrival >= scenario.warmup
    if measured.all():
        measured = slice(None)
    outcome = outcome[measured]
    answered, left = outcome == ANSWERED, (outcome == ANSWERED) | (outcome == ABANDONED)
    means = []
    for selected, values in ((answered, wait[measured]), (left, wait[measured]),
                             (answered, records.talk[measured] + records.wrapup[measured]),
                             (answered, records.talk[measured])):
        count = int(np.count_nonzero(selected))
        means.append(float(np.where(selected, values, 0.0).sum()) / float(count) if count else np.nan)
    return means


def _queue_statistics(scenario: Scenario, records: CallRecords, window_end: float, call_type, entry,
                      away: Optional[np.ndarray] = None) -> dict:
    """avg_queue and max_queue per (measured interval, call type or total), and over the measured
    window [warm-up, window end]: every call that joined a queue (``call_type``'s, at ``entry``)
    waits there until it is answered, abandons, or the window ends; an accepted scheduled callback
    (``away`` not NaN) only from its due time (never if that is at or after the horizon's end)."""
    n_types = len(scenario.call_types)
    queued = records.outcome != BLOCKED
    if call_type is not records.call_type:  # (an IVR: calls that left in the menu joined no queue)
        queued &= (records.outcome != SELF_SERVED) & (records.outcome != IVR_ABANDONED)
    leave = records.answer_time.copy()
    missing = np.isnan(leave)
    leave[missing] = records.end_time[missing]
    leave[np.isnan(leave)] = window_end
    del missing
    labels = np.ascontiguousarray(call_type, np.int32)
    starts = entry
    if away is not None:
        # (one due at or after the horizon's end never rejoined: in no queue, as if it left at once)
        starts = np.where(np.isnan(away), entry, np.where(away < scenario.horizon_end, away, leave))
    if not queued.all():
        starts, labels, leave = starts[queued], labels[queued], leave[queued]
    starts, start_labels = _sorted(np.ascontiguousarray(starts, float), labels)
    order = np.argsort(leave, kind="stable")  # nearly sorted already: timsort is fast
    ends, end_labels = leave[order], labels[order]
    del order, leave

    edges = kpi.interval_edges(scenario, kpi.measured_intervals(scenario))
    window = np.array([scenario.warmup, window_end])
    points = np.concatenate((edges, window))
    level = _sum_min(ends, end_labels, n_types, points) - _sum_min(starts, start_labels, n_types, points)
    span = len(edges)
    # maxima over the pieces between all the points, in one sweep; an interval's (the window's)
    # maximum is the largest of its pieces'
    cuts = np.unique(points)
    pieces = kernels.sorted_level_maxima(starts, start_labels, ends, end_labels, n_types, cuts)
    first = np.searchsorted(cuts, points)
    return {
        "avg_queue": (np.diff(level[:, :span], axis=1) / np.diff(edges)).T,
        "max_queue": _largest(pieces, first[:span]),
        "window_avg_queue": np.diff(level[:, span:], axis=1)[:, 0] / (window[1] - window[0]),
        "window_max_queue": _largest(pieces, first[span:])[0],
    }


def _largest(pieces: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Rows: for each [cuts[bounds[j]], cuts[bounds[j + 1]]), the largest of its pieces' maxima
    (0 for an empty one, as over no time)."""
    out = np.zeros((len(bounds) - 1, pieces.shape[1]))
    for j in np.flatnonzero(bounds[1:] > bounds[:-1]):
        out[j] = pieces[bounds[j]:bounds[j + 1]].max(axis=0)
    return out


def _sorted(values: np.ndarray, labels: np.ndarray) -> tuple:
    """values sorted ascending, with their labels (arrivals come sorted: then no copy)."""
    if len(values) < 2 or bool(np.all(values[1:] >= values[:-1])):
        return values, labels
    order = np.argsort(values, kind="stable")
    return values[order], labels[order]


def _sum_min(values: np.ndarray, labels: np.ndarray, n_labels: int, points: np.ndarray) -> np.ndarray:
    """kernels.sorted_sum_min at points in any order (rows: labels, then all)."""
    order = np.argsort(points, kind="stable")
    out = np.empty((n_labels + 1, len(points)))
    out[:, order] = kernels.sorted_sum_min(values, labels, n_labels, np.ascontiguousarray(points[order], float))
    return out
