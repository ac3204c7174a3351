"""Outbound KPI tables: per campaign (and per interval x campaign) and the time split of every
agent group, from the engine's dial attempts (:class:`~sim.core.records.AttemptRecords`) and the
group tables of the run (time on duty, and busy time that already counts outbound work).

Definitions: :mod:`sim.kpi.definitions` (and the README). Attempts are counted in the interval
of their dial time, those dialled before the warm-up ends excluded; agent-hours over the
interval itself, and over the measured window [warm-up, window end] for the whole run. The list's
state (penetration, finished, exhausted, open) is its state at the end of the run, over every
attempt. Each table is a few numpy operations over the attempts (no Python loop over rows).

  campaigns             per campaign over the run
  campaign_intervals    per measured interval x campaign (penetration: cumulative at the interval end)
  group_time            per group: hours on duty, inbound / outbound (of which preview dialling) / idle
  group_time_intervals  per measured interval x group: the same as shares of the time on duty
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.protocol import NUISANCE_RETRY
from sim.kpi import definitions, outbound_work
from sim.kpi import tables as kpi
from sim.kpi.frames import frame, strings
from sim.model.scenario import Scenario

COUNTS = ("attempts", "live_answers", "connects", "rpc", "nuisance")
CAMPAIGN_KEYS = ["campaign"]
SHARES = ("inbound", "outbound", "dialling", "idle")


def tables(scenario: Scenario, attempts, window_end: float, groups, group_intervals) -> dict:
    """The four outbound tables (names above), or {} for a scenario without campaigns.

    ``groups`` / ``group_intervals``: the run's group tables, or any mapping of their columns
    (available_hours, busy_hours; available, busy per interval, groups then intervals) to arrays;
    their time on duty (available) is what these tables call ``staffed``."""
    if not scenario.campaigns:
        return {}
    edges = kpi.interval_edges(scenario, kpi.measured_intervals(scenario))
    points = np.concatenate((edges, [scenario.warmup, window_end]))
    pieces = outbound_work.work_pieces(scenario, attempts)
    time = group_time(scenario, pieces, points, groups, group_intervals)
    campaign_tables = campaign_kpis(scenario, attempts, pieces, points, time)
    return {**campaign_tables, "group_time": time["table"], "group_time_intervals": time["interval_table"]}


def _seconds(values) -> np.ndarray:
    """A time in seconds, with less than kpi.TIME_RESIDUE (a rounding residue) as 0."""
    values = np.maximum(np.asarray(values, float), 0.0)
    values[values < kpi.TIME_RESIDUE] = 0.0
    return values


def group_time(scenario: Scenario, pieces: dict, points: np.ndarray, groups, group_intervals) -> dict:
    """Each group's time on duty split into inbound busy, outbound busy (of which preview
    dialling) and idle: over the window ([:, -1]) and per measured interval ([:, :-1]), in
    seconds; and the two tables. Inbound busy is the group tables' busy time less the outbound."""
    n_groups, n_intervals = len(scenario.groups), len(points) - 3
    lengths = np.diff(points[:n_intervals + 1])
    outbound = outbound_work.integrals(pieces, "group", n_groups, points)
    dialling = outbound_work.integrals(pieces, "group", n_groups, points, only=pieces["ringing"])
    keep = np.r_[0:n_intervals, n_intervals + 1]  # the intervals, then the window
    outbound, dialling = outbound[:, keep], dialling[:, keep]
    staffed = np.column_stack((np.asarray(group_intervals["available"], float).reshape(n_groups, n_intervals) * lengths,
                               np.asarray(groups["available_hours"], float) * 3600))  # time on duty
    busy = np.column_stack((np.asarray(group_intervals["busy"], float).reshape(n_groups, n_intervals) * lengths,
                            np.asarray(groups["busy_hours"], float) * 3600))
    split = {"staffed": _seconds(staffed), "inbound": _seconds(busy - outbound), "outbound": _seconds(outbound),
             "dialling": _seconds(dialling)}
    split["idle"] = _seconds(split["staffed"] - split["inbound"] - split["outbound"])
    names = [g.name for g in scenario.groups]
    work = _campaign_of_group(scenario)
    window = {f"{name}_hours": split[name][:, -1] / 3600 for name in ("staffed",) + SHARES}
    shares = {f"{name}_share": definitions.ratio(split[name][:, -1], split["staffed"][:, -1]) for name in SHARES}
    table = frame({"group": strings(names), "role": strings([_role(scenario, g, work) for g in range(n_groups)]),
                   "campaign": strings([scenario.campaigns[c].name if c >= 0 else "" for c in work]),
                   **window, **shares})
    per_interval = {f"{name}_share": definitions.ratio(split[name][:, :-1], split["staffed"][:, :-1]).ravel()
                    for name in SHARES}
    intervals = kpi.measured_intervals(scenario)
    interval_table = frame({"interval": np.tile(intervals, n_groups),
                            "start": strings(kpi.interval_labels(scenario) * n_groups),
                            "group": strings(np.repeat(names, n_intervals)),
                            "staffed": (split["staffed"][:, :-1] / lengths).ravel(), **per_interval})
    return {"split": split, "table": table, "interval_table": interval_table}


def _campaign_of_group(scenario: Scenario) -> np.ndarray:
    """The campaign each group works (-1: none; a group works at most one)."""
    work = np.full(len(scenario.groups), -1, np.int64)
    for campaign in scenario.campaigns:
        work[list(campaign.groups)] = campaign.index
    return work


def _role(scenario: Scenario, g: int, work: np.ndarray) -> str:
    """inbound (no campaign), blended (a campaign and inbound calls) or outbound (only a campaign)."""
    if work[g] < 0:
        return "inbound"
    campaign = scenario.campaigns[work[g]]
    return "blended" if campaign.blended[campaign.groups.index(g)] else "outbound"


def campaign_kpis(scenario: Scenario, attempts, pieces: dict, points: np.ndarray, time: dict) -> dict:
    """The campaigns and campaign_intervals tables."""
    n_campaigns, n_intervals = len(scenario.campaigns), len(points) - 3
    intervals = kpi.measured_intervals(scenario)
    campaign = np.asarray(attempts.campaign, np.int64)
    interval = scenario.arrival_interval(attempts.dial_time) - (intervals[0] if len(intervals) else 0)
    measured = attempts.dial_time >= scenario.warmup
    cell = np.where(measured, campaign * n_intervals + interval, -1)  # row of (campaign, interval); -1: warm-up
    live = definitions.is_live(attempts.result)
    flags = {"attempts": np.ones(len(campaign), bool), "live_answers": live,
             "connects": definitions.is_connected(attempts.connect_time),
             "rpc": definitions.is_rpc(attempts.result, attempts.connect_time), "nuisance": attempts.nuisance}
    counts = {name: _per_cell(cell, flag, n_campaigns * n_intervals).reshape(n_campaigns, n_intervals)
              for name, flag in flags.items()}

    # agent-hours: outbound work on the campaign + idle time of its dedicated groups
    keep = np.r_[0:n_intervals, n_intervals + 1]
    seconds = outbound_work.integrals(pieces, "campaign", n_campaigns, points)[:, keep]
    work = _campaign_of_group(scenario)
    for g in np.flatnonzero(work >= 0):
        c = scenario.campaigns[work[g]]
        if not c.blended[c.groups.index(g)]:
            seconds[c.index] += time["split"]["idle"][g]
    cap = np.array([c.nuisance_cap for c in scenario.campaigns])
    names = [c.name for c in scenario.campaigns]

    per_interval = {name: values.ravel() for name, values in counts.items()}
    per_interval.update(_rates(per_interval, np.repeat(cap, n_intervals), seconds[:, :-1].ravel()))
    per_interval["first_attempts"] = _per_cell(cell, np.asarray(attempts.attempt) == 0, n_campaigns * n_intervals)
    per_interval["penetration"] = _penetration_by_interval(scenario, attempts, points[1:n_intervals + 1]).ravel()
    campaign_intervals = frame({"interval": np.tile(intervals, n_campaigns),
                                "start": strings(kpi.interval_labels(scenario) * n_campaigns),
                                "campaign": strings(np.repeat(names, n_intervals)), **per_interval})

    totals = {name: values.sum(axis=1) for name, values in counts.items()}
    totals.update(_rates(totals, cap, seconds[:, -1]))
    summary = pd.DataFrame({"campaign": strings(names), **totals, **record_states(scenario, attempts)})
    return {"campaigns": summary, "campaign_intervals": campaign_intervals}


def _per_cell(cell: np.ndarray, flag: np.ndarray, n: int) -> np.ndarray:
    """How many attempts with ``flag`` fall in each cell (cells < 0 are not counted)."""
    counted = (cell >= 0) & np.asarray(flag, bool)
    return np.bincount(cell[counted], minlength=n).astype(np.int64)


def _rates(counts: dict, cap: np.ndarray, seconds: np.ndarray) -> dict:
    return {"nuisance_rate": definitions.nuisance_rate(counts["nuisance"], counts["live_answers"]),
            "nuisance_cap": cap.astype(float), "agent_hours": seconds / 3600,
            "rpc_per_agent_hour": definitions.ratio(counts["rpc"], seconds / 3600)}


def _list_sizes(scenario: Scenario) -> np.ndarray:
    return np.array([c.list_size for c in scenario.campaigns], np.int64)


def _penetration_by_interval(scenario: Scenario, attempts, ends: np.ndarray) -> np.ndarray:
    """Per campaign (rows) and measured interval: records first dialled before the interval's
    end / list size (NaN for an unlimited list)."""
    first = np.asarray(attempts.attempt) == 0
    n_campaigns = len(scenario.campaigns)
    cell = np.asarray(attempts.campaign, np.int64)[first] * (len(ends) + 1) + np.searchsorted(
        ends, attempts.dial_time[first], side="right")  # first dials in [ends[j - 1], ends[j]) -> j
    dialled = np.bincount(cell, minlength=n_campaigns * (len(ends) + 1)).reshape(n_campaigns, -1)
    cumulative = np.cumsum(dialled, axis=1)[:, :len(ends)]
    sizes = _list_sizes(scenario).astype(float)
    sizes[sizes < 0] = np.nan
    return definitions.ratio(cumulative, sizes[:, None])


def record_states(scenario: Scenario, attempts) -> dict:
    """Per campaign, the contact list at the end of the run (definitions: sim.kpi.definitions)."""
    n_campaigns = len(scenario.campaigns)
    campaign = np.asarray(attempts.campaign, np.int64)
    order = np.lexsort((attempts.attempt, attempts.record, campaign))  # by campaign, record, attempt
    c, r = campaign[order], np.asarray(attempts.record)[order]
    starts = np.flatnonzero(np.r_[True, (c[1:] != c[:-1]) | (r[1:] != r[:-1])]) if len(order) else np.zeros(0, int)
    last = np.r_[starts[1:], len(order)] - 1 if len(order) else np.zeros(0, np.int64)  # each record's last attempt
    record_campaign = c[starts]
    tried = np.diff(np.r_[starts, len(order)])
    connected = definitions.is_connected(attempts.connect_time)[order]
    finished = np.logical_or.reduceat(connected, starts) if len(starts) else np.zeros(0, bool)
    row = order[last]
    code = np.where(attempts.nuisance[row], NUISANCE_RETRY, attempts.result[row].astype(np.int64))
    delays = np.array([c.retry_delay for c in scenario.campaigns], float).reshape(n_campaigns, -1)
    max_attempts = np.array([c.max_attempts for c in scenario.campaigns], np.int64)
    ended = ~np.isnan(attempts.end_time[row])
    closed = (tried >= max_attempts[record_campaign]) | np.isinf(delays[record_campaign, code])
    exhausted = ~finished & ended & closed

    def count(mask):
        return np.bincount(record_campaign[mask], minlength=n_campaigns).astype(np.int64)

    attempted = count(np.ones(len(starts), bool))
    sizes = _list_sizes(scenario)
    unlimited = sizes < 0
    finished_n, exhausted_n = count(finished), count(exhausted)
    all_attempts = np.bincount(campaign, minlength=n_campaigns)
    return {
        "list_size": _unless(unlimited, sizes),
        "attempted": attempted, "finished": finished_n, "exhausted": exhausted_n,
        "open": attempted - finished_n - exhausted_n,
        "never_dialled": _unless(unlimited, sizes - attempted),
        "penetration": definitions.ratio(attempted, np.where(unlimited, np.nan, sizes)),
        "attempts_per_record": definitions.ratio(all_attempts, attempted),
    }


def _unless(missing: np.ndarray, values: np.ndarray):
    """Whole numbers, n/a (pandas' NA) where ``missing`` (an unlimited list has no size)."""
    return pd.array([None if m else int(v) for m, v in zip(missing, values)], dtype="Int64")


def per_replication_campaigns(scenario: Scenario, seeds, campaign_tables) -> pd.DataFrame:
    """Every replication's campaigns table, headed by the replication number and seed (as
    replications.csv heads the summary rows); ``campaign_tables``: one campaigns table per run.
    Their cell-by-cell mean and CI: ``sim.experiments.replications.aggregate(tables, CAMPAIGN_KEYS)``."""
    n = len(scenario.campaigns)
    stacked = pd.concat(list(campaign_tables), ignore_index=True)
    head = pd.DataFrame({"replication": np.repeat(np.arange(len(seeds), dtype=np.int64), n),
                         "seed": np.repeat(np.asarray(seeds, np.int64), n)})
    return pd.concat((head, stacked), axis=1)
