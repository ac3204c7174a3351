"""The roster: every agent numbered (group by group, in the order of the scenario's groups) with
its spells on the phones (from the group's staffing policy, :mod:`sim.policies.staffing`, cut by
its breaks and activities, :mod:`sim.model.shrinkage`) and the rest before each, and the rule
that closes a spell left open at the end of the run."""

from __future__ import annotations

from typing import List, NamedTuple, Tuple


class RosterEntry(NamedTuple):
    agent: int
    group: int
    spells: Tuple[Tuple[float, float], ...]  # (start, scheduled end), in time order
    rests: Tuple[float, ...]  # per spell: the break before it (0: none)


def roster(scenario) -> List[RosterEntry]:
    """Every agent of the scenario, numbered group by group."""
    entries: List[RosterEntry] = []
    for group in scenario.groups:
        for a, spells in enumerate(group.spells):
            entries.append(RosterEntry(len(entries), group.index, spells, group.agent_rests(a)))
    return entries


def open_spell_end(horizon_end: float, last_done: float) -> float:
    """When an agent on duty at closing time (a spell with no scheduled end) goes home: at the end
    of the horizon, or after its last call if it was still clearing the queue then."""
    return horizon_end if horizon_end > last_done else last_done

