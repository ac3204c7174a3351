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
from sim.model.random_inputs import ABSENCE, ADHERENCE, streams
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
    plan = planned(scenario)
    n_agents = len(plan.first)
    agent = np.repeat(np.arange(n_agents), plan.count)  # per planned spell
    present = np.ones(n_agents, bool)
    # every planned spell as up to two pieces: before the out-of-adherence stretch, and after it
    begin, end, rest = (np.stack((column, column), axis=1) for column in (plan.begin, plan.end, plan.rest))
    keep = np.zeros((len(agent), 2), bool)
    keep[:, 0] = True
    keys = [(purpose, g.index) for g in scenario.groups
            for purpose, drawn in ((ABSENCE, g.absenteeism > 0), (ADHERENCE, g.adherence < 1)) if drawn]
    generators = dict(zip(keys, streams(seed, keys)))  # (built together: cheaper than one by one)
    first_agent = 0
    for group in scenario.groups:
        agents = slice(first_agent, first_agent + len(group.spells))
        first_agent += len(group.spells)
        if group.absenteeism > 0:
            present[agents] = generators[ABSENCE, group.index].random(agents.stop - agents.start) >= group.absenteeism
        if group.adherence < 1:
            spells = slice(int(plan.first[agents.start]) if agents.stop > agents.start else 0,
                           int(plan.first[agents.stop - 1] + plan.count[agents.stop - 1]) if agents.stop > agents.start else 0)
            u = generators[ADHERENCE, group.index].random(spells.stop - spells.start)
            _out_of_adherence(begin[spells], end[spells], rest[spells], keep[spells], u, group.adherence,
                              scenario.horizon_end)
    keep &= present[agent][:, None]
    counts = np.bincount(np.repeat(agent, 2)[keep.ravel()], minlength=n_agents).astype(np.int32)
    mask = keep.ravel()
    return SpellTables(first=(np.cumsum(counts) - counts).astype(np.int32), count=counts, begin=begin.ravel()[mask],
                       end=end.ravel()[mask], rest=rest.ravel()[mask], present=present)


def _out_of_adherence(begin, end, rest, keep, u, adherence: float, horizon_end: float) -> None:
    """Cut a stretch of (1 - adherence) L out of each spell at start + u (adherence L), in place:
    column 0 the piece before it (kept if not empty), column 1 the piece after it (kept if not
    empty; its rest is the spell's only when the piece before is empty)."""
    start, stop = begin[:, 0].copy(), end[:, 0].copy()
    length = np.minimum(stop, horizon_end) - start
    cut = start + u * (adherence * length)
    back = cut + (1 - adherence) * length
    split = length > 0
    end[:, 0] = np.where(split, cut, stop)
    begin[:, 1] = back
    keep[:, 0] = ~split | (cut > start)
    keep[:, 1] = split & (stop > back)
    rest[:, 1] = np.where(keep[:, 0], 0.0, rest[:, 0])
