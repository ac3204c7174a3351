"""The rostered plan's shrinkage: breaks, lunches and activities as gaps between spells on the phones.

A group's staffing policy (:mod:`sim.policies.staffing`) gives each agent its spells on duty;
here the breaks of its shift and the group's activities cut those spells into the spells the
agent is on the phones, each with a ``rest``:

  * a break (or lunch) of length b between two spells gives the spell after it rest b: that
    spell starts at max(its scheduled start, the time the agent went off + b), so an agent who
    finished a call first still takes the whole break and comes back late by as much (two
    breaks back to back add up);
  * an activity block (meeting, training, coaching) gives rest 0: it ends on time, and an agent
    who joined late simply has a shorter block.

Break times: ``start`` for everyone, or a ``window`` [earliest, latest]: agent k of the
shift's n agents starts at earliest + (latest - earliest) * k / (n - 1) (n = 1: earliest),
rounded to the nearest whole minute (halves up). Breaks lie strictly inside their shift and do
not overlap (one may start where another ends). Activities take ``agents`` agents of the group,
in agent order, among those on the phones for the whole block (after breaks and earlier
activities).

Paid time per agent: its spells on duty as rostered minus unpaid breaks and unpaid activities.
The random part (absences, adherence: drawn per replication) is in :mod:`sim.agents.shrinkage`.
"""

from __future__ import annotations

import math
from typing import List, NamedTuple, Sequence, Tuple

from sim.errors import ConfigError
from sim.model.bounds import DAY, MAX_AGENTS, in_range, whole_in_range

ACTIVITY_KINDS = ("meeting", "training", "coaching")
Spells = Tuple[Tuple[float, float], ...]


class Gap(NamedTuple):
    start: float  # s from the horizon's start
    end: float
    rest: float  # break length (s), 0 for an activity
    paid: bool


class Plan(NamedTuple):
    """Per agent: spells on the phones, the rest before each, and paid time (intervals)."""

    spells: Tuple[Spells, ...]
    rests: Tuple[Tuple[float, ...], ...]
    paid: Tuple[Spells, ...]


def _relative(clock: float, day_start: float, not_before: float) -> float:
    """A clock time (s after midnight) as a time from the horizon's start, on the next day if
    that puts it at or after ``not_before`` (a night shift's break past midnight)."""
    t = clock - day_start
    return t + DAY if t < not_before else t


def _minute(seconds: float) -> float:
    return math.floor(seconds / 60.0 + 0.5) * 60.0


def shift_breaks(breaks, shift: Tuple[float, float], count: int, day_start: float, parse_clock,
                 where: str) -> List[List[Gap]]:
    """The break gaps of each of a shift's ``count`` agents (times from the horizon's start),
    checked: inside the shift and not overlapping."""
    start, stop = shift
    per_break = []
    for i, b in enumerate(breaks):
        at = f"{where}.breaks[{i}]"
        minutes = in_range(b.minutes, f"{at}.minutes", 0.0, DAY / 60, " minutes")
        if minutes <= 0:
            raise ConfigError(f"{at}.minutes", f"must be more than 0 minutes, got {b.minutes!r}")
        if (b.start is None) == (b.window is None):
            raise ConfigError(at, "give exactly one of start (a clock time) or window ([earliest, latest] clock times)")
        if b.start is not None:
            first = last = _relative(parse_clock(b.start, f"{at}.start"), day_start, start)
        else:
            if len(b.window) != 2:
                raise ConfigError(f"{at}.window", f"must be [earliest, latest] (two clock times), got {list(b.window)!r}")
            first = _relative(parse_clock(b.window[0], f"{at}.window[0]"), day_start, start)
            last = _relative(parse_clock(b.window[1], f"{at}.window[1]"), day_start, start)
            if last < first:
                raise ConfigError(f"{at}.window", f"the latest start {b.window[1]} is before the earliest {b.window[0]}")
        length = minutes * 60.0
        if not (start < first and last + length < stop):
            raise ConfigError(at, f"{b.name} of {minutes:g} minutes starting {b.start or ' to '.join(b.window)} "
                                  "must lie inside its shift (after its start, ending before its end)")
        per_break.append((b.name, first, last, length, bool(b.paid)))
    agents = []
    for k in range(count):
        gaps = []
        for name, first, last, length, paid in per_break:
            at = first if count == 1 else _minute(first + (last - first) * k / (count - 1))
            gaps.append((at, name, length, paid))
        gaps.sort()
        for (a, name_a, length_a, _), (b, name_b, _, _) in zip(gaps, gaps[1:]):
            if a + length_a > b:
                raise ConfigError(f"{where}.breaks", f"breaks {name_a!r} and {name_b!r} overlap (agent {k} of the shift)")
        agents.append([Gap(a, a + length, length, paid) for a, _, length, paid in gaps])
    return agents


def _cut(spells: Spells, rests: Sequence[float], gaps: Sequence[Gap]) -> Tuple[list, list]:
    """Spells and rests with the gaps (sorted, each inside one spell) taken out; a spell left
    empty is dropped, its rest carried to the next (activities carry none)."""
    out_spells, out_rests = [], []
    gaps = list(gaps)
    for (start, end), rest in zip(spells, rests):
        carry, cursor = rest, start
        for gap in [g for g in gaps if start <= g.start and g.end <= end]:
            if gap.start > cursor:
                out_spells.append((cursor, gap.start))
                out_rests.append(carry)
                carry = 0.0
            carry = carry + gap.rest if gap.rest > 0 else 0.0
            cursor = gap.end
        if end > cursor:
            out_spells.append((cursor, end))
            out_rests.append(carry)
    return out_spells, out_rests


def _minus(spells: Spells, gaps: Sequence[Gap]) -> Spells:
    """The spells with the unpaid gaps taken out (paid time)."""
    unpaid = [g for g in gaps if not g.paid]
    if not unpaid:
        return tuple(spells)
    return tuple(_cut(spells, [0.0] * len(spells), unpaid)[0])


def plan(spells: Sequence[Spells], breaks: Sequence[Sequence[Gap]], activities: dict, day_start: float,
         horizon_end: float, parse_clock, shift_times, where: str) -> Plan:
    """The group's plan: each agent's spells (from its staffing policy) cut by its breaks
    (``breaks[a]``, empty for none) and the group's activities (config nodes by name)."""
    on_phone, rests, gaps = [], [], []
    for a, agent_spells in enumerate(spells):
        mine = list(breaks[a]) if a < len(breaks) else []
        cut, cut_rests = _cut(agent_spells, [0.0] * len(agent_spells), mine)
        on_phone.append(cut)
        rests.append(cut_rests)
        gaps.append(mine)
    for name, act in activities.items():
        at = f"{where}.activities.{name}"
        if act.kind not in ACTIVITY_KINDS:
            raise ConfigError(f"{at}.kind", f"unknown activity {act.kind!r}", allowed=ACTIVITY_KINDS)
        start, stop = shift_times(parse_clock(act.start, f"{at}.start"), parse_clock(act.end, f"{at}.end"), day_start,
                                  horizon_end)
        if not 0 <= start < stop <= horizon_end + 1e-9:
            raise ConfigError(at, f"{act.start}-{act.end} must lie inside the horizon and end after it starts")
        wanted = whole_in_range(act.agents, f"{at}.agents", 1, MAX_AGENTS)
        gap = Gap(start, stop, 0.0, bool(act.paid))
        taken = [a for a, agent_spells in enumerate(on_phone) if any(s <= start and stop <= e for s, e in agent_spells)]
        if len(taken) < wanted:
            raise ConfigError(f"{at}.agents", f"{wanted} agents in a {act.kind} {act.start}-{act.end}, but only "
                                              f"{len(taken)} of the group are on the phones for the whole block")
        for a in taken[:wanted]:
            on_phone[a], rests[a] = _cut(on_phone[a], rests[a], [gap])
            gaps[a].append(gap)
    paid = tuple(_minus(agent_spells, sorted(gaps[a])) for a, agent_spells in enumerate(spells))
    return Plan(tuple(tuple(s) for s in on_phone), tuple(tuple(r) for r in rests), paid)
