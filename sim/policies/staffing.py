"""Staffing: who is on duty when, as on-duty spells per agent.

Three policies, named by the group's config field (exactly one per group):
  headcount               n agents on duty for the whole run;
  headcount_per_interval  a count per interval: agent a is on duty in the intervals whose count
                          exceeds a (agents numbered from 0), consecutive intervals merged;
  shifts                  named shifts (start, end, count): count agents each with one spell.
A spell reaching the end of the horizon is left open (end inf): the agents on duty at closing
time clear the queue before going home. The engines read the spells from the model tables;
what an agent does at a spell's start and end is in :mod:`sim.agents.states`.
These three are the ``scenario`` staffing policy; a planned one (``staffing=erlang``,
:mod:`sim.planning.policies`) gives a group ``headcount_per_interval`` before the scenario is built.
"""

from __future__ import annotations

import math
from typing import List, Sequence, Tuple

from sim.errors import ConfigError
from sim.model.bounds import MAX_AGENTS, MAX_SPELLS, whole_in_range

POLICIES = ("headcount", "headcount_per_interval", "shifts")
Spells = Tuple[Tuple[float, float], ...]  # one agent's (start, end) spells, in time order
INFINITY = math.inf


def _close(t: float, end: float) -> float:
    return INFINITY if t >= end else t


def fixed(headcount: int, where: str) -> Tuple[Spells, ...]:
    """``headcount`` agents on duty for the whole run."""
    headcount = whole_in_range(headcount, f"{where}.headcount", 0, MAX_AGENTS)
    return (((0.0, INFINITY),),) * headcount


def per_interval(counts: Sequence[int], interval_length: float, horizon_end: float, where: str) -> Tuple[Spells, ...]:
    """Agent a is on duty in every interval whose count exceeds a; runs of intervals merge.

    Built from the changes of the count (agents c0..c1-1 start when it rises from c0 to c1 and
    stop when it falls back), so the work grows with the spells, not with agents x intervals."""
    counts = [whole_in_range(c, f"{where}.headcount_per_interval[{j}]", 0, MAX_AGENTS) for j, c in enumerate(counts)]
    rises = sum(max(b - a, 0) for a, b in zip([0] + counts, counts))
    if rises > MAX_SPELLS:
        raise ConfigError(f"{where}.headcount_per_interval", f"makes {rises:,} spells on duty: the scenario may have "
                                                             f"between 0 and {MAX_SPELLS:,} (fewer ups and downs)")
    agents: List[List[Tuple[float, float]]] = [[] for _ in range(max(counts, default=0))]
    since: List[float] = [0.0] * len(agents)  # start of agent a's current spell
    previous = 0
    for j, count in enumerate(counts + [0]):
        for a in range(previous, count):
            since[a] = j * interval_length
        for a in range(count, previous):
            agents[a].append((since[a], _close(min(j * interval_length, horizon_end), horizon_end)))
        previous = count
    return tuple(tuple(spells) for spells in agents)


def shifts(named: Sequence[Tuple[str, float, float, int]], horizon_end: float, where: str) -> Tuple[Spells, ...]:
    """``count`` agents with one spell [start, end) per named shift (times from the horizon
    start, already checked to lie inside it)."""
    agents: List[Spells] = []
    for name, start, stop, count in named:
        count = whole_in_range(count, f"{where}.shifts.{name}.count", 0, MAX_AGENTS)
        if len(agents) + count > MAX_AGENTS:
            raise ConfigError(f"{where}.shifts", f"{len(agents) + count:,} agents: must be between 0 and {MAX_AGENTS:,}")
        agents.extend([((start, _close(stop, horizon_end)),)] * count)
    return tuple(agents)
