"""The day as the animation shows it: calls waiting per call type and agents per group (idle,
busy on their own calls, busy on overflow calls, busy on outbound campaign work) at regular
clock times, and the KPIs of each interval, rebuilt from one run's per-call records, dial
attempts and agent log.

A call waits in the queue it joined (its type's; with an IVR, the menu's choice) from when it
joined it (its arrival; with an IVR, the menu's end) until it is answered or abandons (``wait``
later), or to the end if still waiting; an agent is busy from ``answer_time`` for its talk and
wrap-up (the record's ``end_time`` is the caller's: the end of talk) and on duty during its
spells in the agent log. With transfers every leg counts so (``results.legs``), as the KPI tables
count it: its wait in the queue it joined, and its handling (talk, the consult of a leg then
transferred, wrap-up) busy at the group of its agent. A call (leg) is the group's *own* when the
group is on its queue's first route step (or on a step with the same delay); otherwise it
reached the group by overflow. An agent dialling a callback customer is busy for the ring
(``results.dials``, reached or not), on its group's own work or overflow as the call would be.
An agent is busy on outbound work as the KPIs count it (:func:`sim.kpi.outbound_work.work_pieces`:
a preview attempt's ringing, and a connected call's talk and wrap-up).
Counts are of the state just after each time (events at exactly t count as done).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

import numpy as np
import pandas as pd

from sim.kpi.outbound_work import work_pieces
from sim.kpi.tables import TOTAL

TILE_KPIS = ("service_level", "asa", "abandon_rate", "occupancy")


@dataclass
class Timeline:
    """The animation's data: ``times`` in seconds since the horizon starts, one value per time."""

    times: np.ndarray
    clock: List[str]  # "HH:MM" of each time
    interval: np.ndarray  # the interval each time falls in
    waiting: Dict[str, np.ndarray]  # call type -> calls waiting
    idle: Dict[str, np.ndarray]  # group -> agents on duty and not serving a call
    own: Dict[str, np.ndarray]  # group -> agents serving a call of a type the group is first for
    overflow: Dict[str, np.ndarray]  # group -> agents serving an overflowed call
    outbound: Dict[str, np.ndarray]  # group -> agents on outbound campaign work (0 without campaigns)
    kpis: pd.DataFrame  # per interval: start, service_level, asa, abandon_rate, occupancy (all types)


def frame_times(scenario, step_seconds: float = 60.0) -> np.ndarray:
    """Clock times from the horizon's start to its end, every ``step_seconds``."""
    return np.arange(0.0, scenario.horizon_end + 1e-9, step_seconds)


def clock_labels(scenario, times: np.ndarray) -> List[str]:
    minutes = np.round((scenario.day_start + times) / 60).astype(int) % (24 * 60)
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


def _count_until(moments, times: np.ndarray) -> np.ndarray:
    """How many of ``moments`` are at or before each time."""
    return np.searchsorted(np.sort(np.asarray(moments, float)), times, side="right")


def _active(starts, ends, times: np.ndarray) -> np.ndarray:
    """How many of the spans [start, end) contain each time."""
    return _count_until(starts, times) - _count_until(ends, times)


def own_groups(scenario) -> Dict[str, set]:
    """Call type name -> the groups it does not overflow to (its first route step's delay)."""
    out = {}
    for call_type in scenario.call_types:
        first_delay = call_type.route[0][1] if call_type.route else 0.0
        out[call_type.name] = {scenario.groups[g].name for g, delay in call_type.route if delay == first_delay}
    return out


def interval_kpis(results) -> pd.DataFrame:
    """Service level, ASA and abandonment of all calls, and occupancy of all agents, per interval."""
    calls = results.intervals[results.intervals.call_type == TOTAL].set_index("interval")
    work = results.group_intervals.groupby("interval")[["busy", "available"]].sum()
    occupancy = (work.busy / work.available.where(work.available > 0)).reindex(calls.index)
    return pd.DataFrame({"start": calls.start, "service_level": calls.service_level, "asa": calls.asa,
                         "abandon_rate": calls.abandon_rate, "occupancy": occupancy}).reset_index()


def outbound_busy(results, times: np.ndarray) -> Dict[str, np.ndarray]:
    """Group -> agents on outbound work at each time (zeros for a scenario without campaigns)."""
    scenario = results.scenario
    busy = {g.name: np.zeros(len(times), np.int64) for g in scenario.groups}
    attempts = getattr(results, "attempts", None)
    if scenario.campaigns and attempts is not None and len(attempts):
        pieces = work_pieces(scenario, attempts)
        for group in scenario.groups:
            mine = pieces["group"] == group.index
            busy[group.name] = _active(pieces["start"][mine], pieces["end"][mine], times)
    return busy


@dataclass
class Stays:
    """Every stay in a queue, one row each (every leg with transfers, else every call that joined
    a queue): the queue (a call type's name), when it was joined and left (inf: still waiting at
    the end), and for the answered ones the group, when its agent took it and was free again."""

    queue: pd.Series  # call type names
    joined: np.ndarray
    left: np.ndarray
    answered: np.ndarray  # bool
    group: pd.Series  # group names ("" or None: nobody answered)
    start: np.ndarray
    free: np.ndarray


def stays(results) -> Stays:
    """The stays of a run made with records: its legs (with transfers) or its calls."""
    legs = getattr(results, "legs", None)
    if legs is not None:
        left = np.where(legs.outcome == "unfinished", np.inf, legs.joined + legs.wait)
        free = legs.start + legs.talk + legs.wrapup + legs.consult  # the consult is busy time (sim.kpi.transfers)
        return Stays(legs.queue, legs.joined.to_numpy(), left, (legs.outcome == "answered").to_numpy(), legs.group,
                     legs.start.to_numpy(), free.to_numpy())
    calls = results.calls
    queue = calls.queue if "queue" in calls else calls.call_type  # (with an IVR: the queue the menu chose)
    joined = calls.ivr_end.fillna(calls.arrival) if "ivr_end" in calls else calls.arrival
    # NaN: never in a queue (blocked, self-served); a call still in the menu at the end has queue ""
    left = np.where(calls.outcome == "unfinished", np.inf, joined + calls.wait)
    free = calls.answer_time + calls.talk + calls.wrapup  # end_time is the caller's: no wrap-up
    return Stays(queue, joined.to_numpy(), left, (calls.outcome == "answered").to_numpy(), calls.group,
                 calls.answer_time.to_numpy(), free.to_numpy())


def _dials(results, column: str) -> np.ndarray:
    """A column of the run's callback dials (none without callbacks); ``queue``: the dialled
    call's queue, which makes the dial the group's own work or overflow as the call would be."""
    dials = getattr(results, "dials", None)
    if dials is None:
        return np.array([], object if column in ("group", "queue") else float)
    if column == "queue":
        calls = results.calls
        queue = calls.queue if "queue" in calls else calls.call_type
        return queue.astype(object).to_numpy()[dials.call_id.to_numpy()]
    return dials[column].astype(object).to_numpy() if column == "group" else dials[column].to_numpy()


def day_timeline(results, step_seconds: float = 60.0) -> Timeline:
    """The timeline of a run made with records (``simulate(..., records=True)``)."""
    scenario, spells = results.scenario, results.agents
    times = frame_times(scenario, step_seconds)
    visits = stays(results)
    in_queue = ~np.isnan(visits.left)
    waiting = {}
    for call_type in scenario.call_types:
        mine = in_queue & (visits.queue == call_type.name).to_numpy()
        waiting[call_type.name] = _active(visits.joined[mine], visits.left[mine], times)
    served = visits.answered
    own_of = own_groups(scenario)
    # busy spells: the answered stays, then the callbacks' dials (the agent rings the customer)
    group = np.concatenate((visits.group.astype(object).to_numpy()[served], _dials(results, "group")))
    start = np.concatenate((visits.start[served], _dials(results, "start")))
    end = np.concatenate((visits.free[served], _dials(results, "end")))
    queue = np.concatenate((visits.queue.astype(object).to_numpy()[served], _dials(results, "queue")))
    is_own = np.array([g in own_of[kind] for kind, g in zip(queue, group)], bool)
    idle, own, overflow, outbound = {}, {}, {}, outbound_busy(results, times)
    for g in scenario.groups:
        name = g.name
        on_duty = spells[spells.group_name == name]
        present = _active(on_duty.start, on_duty.end, times)
        here = group == name
        own[name] = _active(start[here & is_own], end[here & is_own], times)
        overflow[name] = _active(start[here & ~is_own], end[here & ~is_own], times)
        idle[name] = present - own[name] - overflow[name] - outbound[name]
    return Timeline(times, clock_labels(scenario, times), scenario.arrival_interval(times), waiting, idle, own,
                    overflow, outbound, interval_kpis(results))
