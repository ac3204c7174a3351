"""Staffing: who is on duty when, as on-duty spells per agent.

Three policies, named by the group's config field (exactly one per group):
  headcount               n agents on duty for the whole run;
  headcount_per_interval  a count per interval: agent a is on duty in the intervals whose count
                          exceeds a (agents numbered from 0), consecutive intervals merged;
  shifts                  named shifts (start, end, count): count agents each with one spell.
A spell reaching the end of the horizon is left open (end inf): the agents on duty at closing
time clear the queue before going home. The engines read the spells from the model tables;
what an agent does at a spell's start and end is in :mod:`sim.agents.states`.
"""

from __future__ import annotations

import math
from typing import List, Sequence, Tuple

from sim.errors import ConfigError

POLICIES = ("headcount", "headcount_per_interval", "shifts")
Spells = Tuple[Tuple[float, float], ...]  # one agent's (start, end) spells, in time order
INFINITY = math.inf


def _close(t: float, end: float) -> float:
    return INFINITY if t >= end else t


def fixed(headcount: int, where: str) -> Tuple[Spells, ...]:
    """``headcount`` agents on duty for the whole run."""
    if headcount < 0:
        raise ConfigError(f"{where}.headcount", f"must be >= 0, got {headcount}")
    return (((0.0, INFINITY),),) * headcount


def per_interval(counts: Sequence[int], interval_length: float, horizon_end: float, where: str) -> Tuple[Spells, ...]:
    """Agent a is on duty in every interval whose count exceeds a; runs of intervals merge."""
    counts = list(counts)
    n = len(counts)
    for j, c in enumerate(counts):
        if c < 0:
            raise ConfigError(f"{where}.headcount_per_interval[{j}]", f"must be >= 0, got {c}")
    agents: List[Spells] = []
    for a in range(max(counts, default=0)):
        spells, start = [], None
        for j in range(n + 1):
            on = j < n and counts[j] > a
            if on and start is None:
                start = j * interval_length
            elif not on and start is not None:
                spells.append((start, _close(min(j * interval_length, horizon_end), horizon_end)))
                start = None
        agents.append(tuple(spells))
    return tuple(agents)


def shifts(named: Sequence[Tuple[str, float, float, int]], horizon_end: float, where: str) -> Tuple[Spells, ...]:
    """``count`` agents with one spell [start, end) per named shift (times from the horizon
    start, already checked to lie inside it)."""
    agents: List[Spells] = []
    for name, start, stop, count in named:
        if count < 0:
            raise ConfigError(f"{where}.shifts.{name}.count", f"must be >= 0, got {count}")
        agents.extend([((start, _close(stop, horizon_end)),)] * count)
    return tuple(agents)
