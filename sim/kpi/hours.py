"""Agent hours per group, per measured interval and over the measured window, and break lateness.

The four measures of time (README, "KPIs"), each an integral of a count of agents over time:

  paid       time in a shift as rostered, unpaid breaks and unpaid activities excluded (groups
             staffed by headcount or a per-interval table: their time on duty as rostered);
  scheduled  paid time on the phones as rostered: every break, lunch and activity excluded;
  staffed    scheduled time of the agents who came (absences removed);
  available  time actually on duty, from the engine's agent log (out-of-adherence stretches
             removed; a late break, or a call finished after a spell, shows here).

Agents on duty at the horizon's end stay until the queue is empty: that time after the horizon
counts in all four as they actually stayed (the agent log). Break lateness: a break is taken
when the agent worked the spell before it; its lateness is that spell's actual end minus its
scheduled end (the break's scheduled start), 0 for a break taken on time; breaks scheduled
before the warm-up ends are not measured. Mean and max lateness are 0 when no break was taken.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from sim.kpi import timeline
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario


def _flat(scenario: Scenario, attribute: str):
    """(group, agent, start, end clipped to the horizon) of every agent's rostered intervals."""
    rows, agent = [], 0
    for group in scenario.groups:
        for a in range(len(group.spells)):
            spans = group.agent_paid(a) if attribute == "paid" else group.spells[a]
            rows.extend((group.index, agent, s, min(e, scenario.horizon_end)) for s, e in spans)
            agent += 1
    columns = list(zip(*rows)) if rows else [(), (), (), ()]
    return (np.array(columns[0], np.int64), np.array(columns[1], np.int64), np.array(columns[2], float),
            np.array(columns[3], float))


def _rostered(scenario: Scenario, edges: np.ndarray) -> dict:
    """What the hours take from the scenario alone: paid and scheduled integrals at the interval
    edges and over [warm-up, horizon end]; the scheduled spells (for staffed); the breaks."""
    points = np.concatenate((edges, [scenario.warmup, scenario.horizon_end]))
    n_groups, n = len(scenario.groups), len(edges) - 1
    out = {}
    for name in ("paid", "scheduled"):
        group, agent, start, end = _flat(scenario, name)
        integral = timeline.grouped_integrals(group, n_groups, start, end, points)
        out[name] = (integral[:, :n], integral[:, n + 1])
        if name == "scheduled":
            out["spells"] = (group, agent, start, end)
    out["points"] = points
    keys, agent = {}, 0  # (agent, scheduled start of a break) -> group
    for group in scenario.groups:
        for a, spells in enumerate(group.spells):
            for i, rest in enumerate(group.agent_rests(a)):
                if rest > 0 and i > 0 and spells[i - 1][1] >= scenario.warmup:
                    keys[(agent, spells[i - 1][1])] = group.index
            agent += 1
    out["breaks"] = keys
    out["no_breaks"] = {"breaks": np.zeros(n_groups, np.int64), "late_breaks": np.zeros(n_groups, np.int64),
                        "mean_lateness": np.zeros(n_groups), "max_lateness": np.zeros(n_groups)}
    return out


def rostered(scenario: Scenario, edges: np.ndarray) -> dict:
    return per_scenario(scenario, "kpi.hours.rostered", lambda s: _rostered(s, edges))


def hours(scenario: Scenario, edges: np.ndarray, tail: np.ndarray, present: list) -> dict:
    """{paid, scheduled, staffed: (per run x group x interval seconds, per run x group window
    seconds)} of several runs, given ``tail`` (per run x group, time on duty after the horizon's
    end, from the agent log; NaN for a run without: none) and ``present`` (per run: who came,
    bool per agent, or None: everyone)."""
    r = rostered(scenario, edges)
    n_runs, n_groups, n = len(present), len(scenario.groups), len(edges) - 1
    after = ~np.isnan(tail)

    def with_tail(window: np.ndarray) -> np.ndarray:
        return np.where(after, window + tail, window)

    out = {name: (np.broadcast_to(r[name][0], (n_runs, n_groups, n)), with_tail(np.broadcast_to(r[name][1], tail.shape)))
           for name in ("paid", "scheduled")}
    absent = [run for run, came in enumerate(present) if came is not None and not came.all()]
    if not absent:
        out["staffed"] = out["scheduled"]
        return out
    # the scheduled spells of the agents who came, one row per (run with absences, group)
    group, agent, start, end = r["spells"]
    came = [np.asarray(present[run], bool)[agent] for run in absent]
    rows = np.concatenate([group[mine] + n_groups * k for k, mine in enumerate(came)])
    integral = timeline.grouped_integrals(rows, len(absent) * n_groups, np.concatenate([start[mine] for mine in came]),
                                          np.concatenate([end[mine] for mine in came]), r["points"])
    integral = integral.reshape(len(absent), n_groups, -1)
    staffed_j, staffed = np.array(out["scheduled"][0]), np.array(np.broadcast_to(r["scheduled"][1], tail.shape))
    staffed_j[absent], staffed[absent] = integral[:, :, :n], integral[:, :, n + 1]
    out["staffed"] = (staffed_j, with_tail(staffed))
    return out


def break_lateness(scenario: Scenario, edges: np.ndarray, agents: list) -> dict:
    """Per run (one agent log each) x group: breaks taken, late breaks, mean and max lateness (s;
    0 when no break was taken: a NaN column would change how pandas sums the other columns of the
    replications' tables). A run at a time (its breaks are Python lists: np.mean's summation)."""
    n_groups = len(scenario.groups)
    r = rostered(scenario, edges)
    keys = r["breaks"]
    if not keys:
        return {name: np.tile(values, (len(agents), 1)) for name, values in r["no_breaks"].items()}
    runs = [_lateness(keys, n_groups, log) for log in agents]
    return {name: np.stack([run[name] for run in runs]) for name in runs[0]}


def _lateness(keys: dict, n_groups: int, agents) -> dict:
    lateness = [[] for _ in range(n_groups)]
    for agent, scheduled_end, end in zip(agents.agent.tolist(), agents.scheduled_end.tolist(), agents.end.tolist()):
        g = keys.get((agent, scheduled_end))
        if g is not None:
            lateness[g].append(end - scheduled_end)
    return {"breaks": np.array([len(x) for x in lateness], np.int64),
            "late_breaks": np.array([sum(1 for v in x if v > 0) for x in lateness], np.int64),
            "mean_lateness": np.array([float(np.mean(x)) if x else 0.0 for x in lateness]),
            "max_lateness": np.array([float(np.max(x)) if x else 0.0 for x in lateness])}
