"""The spells agents actually work in one replication: the rostered plan with absences and
adherence drawn (the random part of shrinkage; breaks and activities are in the plan,
:mod:`sim.model.shrinkage`).

Both engines read a :class:`SpellTables`: per agent its spells on the phones (start, scheduled
end) and the ``rest`` before each. A spell starts at max(its start, the time the agent went off
duty + rest): a break lasts its full length even when the agent went late (sim.agents.states).

Random inputs of a replication, each from a named stream of its own per group (keyed by the
group's index, :mod:`sim.model.random_inputs`), so that alternatives (another headcount, another
routing) see the same absences for the same agents:

  * absenteeism p: agent k of the group (numbered from 0 within it) is absent all day when
    u_k < p, u_k the k-th draw of the stream (ABSENCE, group);
  * adherence a < 1 (a modelling assumption): each spell of length L (up to the horizon's end)
    has one out-of-adherence stretch of (1 - a) L starting at start + u (a L), u the next draw
    of the stream (ADHERENCE, group), one per spell in agent order (absent agents' spells take
    theirs too, so that absences never shift another agent's draws); the spell is split there
    and the part after the stretch starts on time (rest 0).

Without absenteeism and adherence nothing is drawn: the plan's tables are returned as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from sim.agents.roster import roster
from sim.model.cache import per_scenario
from sim.model.random_inputs import ABSENCE, ADHERENCE, stream
from sim.model.scenario import Scenario


@dataclass(frozen=True)
class SpellTables:
    """Agent a's spells are ``first[a] : first[a] + count[a]`` of begin / end / rest; ``present``
    says which agents came (all of them in the plan)."""

    first: np.ndarray  # int32, per agent
    count: np.ndarray  # int32, per agent
    begin: np.ndarray  # float64, per spell
    end: np.ndarray  # float64, per spell (inf: on duty until the queue is empty)
    rest: np.ndarray  # float64, per spell: the break before it (0: none)
    present: np.ndarray  # bool, per agent

    def of(self, agent: int) -> List[Tuple[float, float, float]]:
        """[(start, scheduled end, rest), ...] of one agent's spells."""
        s = range(int(self.first[agent]), int(self.first[agent] + self.count[agent]))
        return [(float(self.begin[i]), float(self.end[i]), float(self.rest[i])) for i in s]


def _tables(per_agent: List[List[Tuple[float, float, float]]], present: np.ndarray) -> SpellTables:
    counts = np.array([len(spells) for spells in per_agent], np.int32)
    flat = [spell for spells in per_agent for spell in spells]
    column = (lambda i: np.array([s[i] for s in flat], np.float64))
    return SpellTables(first=(np.cumsum(counts) - counts).astype(np.int32), count=counts, begin=column(0),
                       end=column(1), rest=column(2), present=present)


def _planned(scenario: Scenario) -> SpellTables:
    per_agent = [[(s, e, r) for (s, e), r in zip(entry.spells, entry.rests)] for entry in roster(scenario)]
    return _tables(per_agent, np.ones(len(per_agent), bool))


def planned(scenario: Scenario) -> SpellTables:
    """The rostered spells, everyone present (kept per scenario)."""
    return per_scenario(scenario, "agents.planned_spells", _planned)


def has_random_shrinkage(scenario: Scenario) -> bool:
    return any(g.absenteeism > 0 or g.adherence < 1 for g in scenario.groups)


def realised(scenario: Scenario, seed: int) -> SpellTables:
    """The spells of the replication with ``seed``: absences removed, adherence stretches cut out."""
    if not has_random_shrinkage(scenario):
        return planned(scenario)
    entries = roster(scenario)
    per_agent = [[(s, e, r) for (s, e), r in zip(entry.spells, entry.rests)] for entry in entries]
    present = np.ones(len(entries), bool)
    first_agent = 0
    for group in scenario.groups:
        agents = range(first_agent, first_agent + len(group.spells))
        first_agent += len(group.spells)
        if group.absenteeism > 0:
            u = stream(seed, ABSENCE, group.index).random(len(agents))
            present[list(agents)] = u >= group.absenteeism
        if group.adherence < 1:
            u = iter(stream(seed, ADHERENCE, group.index).random(sum(len(per_agent[a]) for a in agents)).tolist())
            for a in agents:
                per_agent[a] = [piece for spell in per_agent[a]
                                for piece in _out_of_adherence(spell, next(u), group.adherence, scenario.horizon_end)]
        for a in agents:
            if not present[a]:
                per_agent[a] = []
    return _tables(per_agent, present)


def _out_of_adherence(spell, u: float, adherence: float, horizon_end: float):
    """The spell with a stretch of (1 - adherence) L cut out at start + u (adherence L)."""
    start, end, rest = spell
    length = min(end, horizon_end) - start
    if length <= 0:
        return [spell]
    cut = start + u * (adherence * length)
    back = cut + (1 - adherence) * length
    pieces = []
    if cut > start:
        pieces.append((start, cut, rest))
        rest = 0.0
    if end > back:
        pieces.append((back, end, rest))
    return pieces
