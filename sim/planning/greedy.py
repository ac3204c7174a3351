"""Greedy passes over a staffing matrix: add agents until the targets are met, and remove the
ones that are not needed (scope interval: in one forward sweep over the day). Every matrix tried
is simulated with the same replication seeds (common random numbers, :mod:`sim.planning.evaluate`).

Staffing is decided per *block*: a block is a set of intervals that always have the same
headcount (each interval of a day is its own block; a steady-state run is one block).

Adding (:func:`add_until_met`): while a target is missed, take the interval where the evaluation
puts the next agent (scope interval: the earliest interval with a miss; scope day: the one
contributing most to the day's misses), try +1 agent there in each group that serves a missed
call type at any step of its route (and each group whose occupancy cap is missed), and keep the
one that reduces the total shortfall most per unit of its ``cost_per_hour`` (every group free:
per agent; ties: the group with fewer agents in that block, then group order). A group gains at
most ``max_iterations`` agents in one block; when no group may gain one there, the pass stops
and the targets are reported missed.

This is the greedy step of Cezik & L'Ecuyer (2008, "Staffing multiskill call centers via linear
programming and simulation", Management Science 54(2)) with two differences: their candidates are
every (interval, group) pair, ours only the groups serving what is missed in one interval (far
fewer simulations: a day has tens of intervals), and they first solve a linear-programming
relaxation with cutting planes, where we start from a given matrix (e.g. Erlang requirements).

Scope interval, the forward sweep (:func:`sweep_forward`): block by block in time order, add
agents (as the adding pass does) until every interval up to the block's last meets its targets,
then remove agents from the block, most expensive group first, while every interval up to it
still does. Whether a call waits is decided at its arrival, so an interval's targets depend on
its own and earlier staffing only (with a service-level threshold T > 0, a call arriving in the
interval's last T seconds also sees the next one: a final adding pass catches such a miss). Each
interval thus ends at the fewest agents that meet its targets given the intervals before it:
the work carried over from them included, so each sits at its own limit. This replaced an
add-then-remove pass over the whole matrix, earliest block first, whose removals stopped
wherever a later interval was already at its limit: on the sinusoidal day of
experiments/isa_sinusoidal (200 replications) it left P(wait) between 0.08 and 0.22 where the
sweep gives 0.14-0.20.

Scope day, removing (:func:`remove_unneeded`), only once every target is met: try one agent
fewer in each (block, group) with agents, most expensive group first, then the earliest block
first, then group order; keep the removal when every target is still met. The (block, group)
pairs where a removal was kept are tried again, in the same order, until no removal is kept (a
pair where one failed is not tried again: the passes cost a simulation per pair tried).
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from sim.model.bounds import MAX_AGENTS
from sim.planning.evaluate import Evaluation, Evaluator, serving_groups


def block_of(blocks: List[np.ndarray], n_intervals: int) -> np.ndarray:
    """The block of every interval."""
    out = np.zeros(n_intervals, np.int64)
    for b, block in enumerate(blocks):
        out[block] = b
    return out


def _costs(evaluator: Evaluator) -> np.ndarray:
    costs = np.array([g.cost_per_hour for g in evaluator.scenario.groups], float)
    return np.ones_like(costs) if not costs.any() else costs


def with_change(headcount: np.ndarray, group: int, block: np.ndarray, change: int) -> np.ndarray:
    changed = headcount.copy()
    changed[group, block] += change
    return changed


def candidates(evaluator: Evaluator, evaluation: Evaluation, interval: int) -> List[int]:
    """Groups that may take the next agent in ``interval``: those serving a call type missed there,
    and those whose occupancy cap is missed there (index order)."""
    types, groups = evaluator.missed_in(evaluation, interval)
    return sorted(set(serving_groups(evaluator.scenario, types)) | set(groups))


def best_addition(evaluator: Evaluator, headcount: np.ndarray, evaluation: Evaluation, blocks: List[np.ndarray],
                  b: int, groups: List[int]) -> Tuple[int, Evaluation]:
    """Which of ``groups`` takes the next agent in block ``b`` (module docstring), and the
    evaluation with that agent."""
    costs = _costs(evaluator)
    block = blocks[b]
    trials = {g: evaluator.evaluate(with_change(headcount, g, block, 1)) for g in groups}
    chosen = min(groups, key=lambda g: (-(evaluation.shortfall - trials[g].shortfall) / costs[g],
                                        headcount[g, block[0]], g))
    return chosen, trials[chosen]


def add_until_met(evaluator: Evaluator, headcount: np.ndarray, blocks: List[np.ndarray], max_per_block: int,
                  evaluation: Optional[Evaluation] = None) -> Tuple[np.ndarray, Evaluation, int]:
    """The adding pass (module docstring): (headcount, its evaluation, agents added)."""
    headcount = np.asarray(headcount, np.int64)
    evaluation = evaluation or evaluator.evaluate(headcount)
    owner = block_of(blocks, headcount.shape[1])
    gained = np.zeros((headcount.shape[0], len(blocks)), np.int64)
    added = 0
    while not evaluation.met:
        b = owner[evaluation.next_interval]
        block = blocks[b]
        room = MAX_AGENTS - int(headcount[:, block].sum(axis=0).max())
        groups = [g for g in candidates(evaluator, evaluation, evaluation.next_interval) if gained[g, b] < max_per_block]
        if not groups or room < 1:
            break
        chosen, trial = best_addition(evaluator, headcount, evaluation, blocks, b, groups)
        headcount, evaluation = with_change(headcount, chosen, block, 1), trial
        gained[chosen, b] += 1
        added += 1
    return headcount, evaluation, added


def remove_unneeded(evaluator: Evaluator, headcount: np.ndarray, blocks: List[np.ndarray],
                    evaluation: Evaluation) -> Tuple[np.ndarray, Evaluation, int]:
    """The removal pass (module docstring), from a matrix that meets every target:
    (headcount, its evaluation, agents removed)."""
    if not evaluation.met:
        return headcount, evaluation, 0
    costs = _costs(evaluator)
    order = sorted(((b, g) for b in range(len(blocks)) for g in range(headcount.shape[0])),
                   key=lambda bg: (-costs[bg[1]], bg[0], bg[1]))
    removed = 0
    while order:
        kept = []
        for b, g in order:
            if headcount[g, blocks[b][0]] < 1:
                continue
            trial = with_change(headcount, g, blocks[b], -1)
            tried = evaluator.evaluate(trial)
            if tried.met:
                headcount, evaluation = trial, tried
                removed += 1
                kept.append((b, g))
        order = kept
    return headcount, evaluation, removed


def met_through(evaluator: Evaluator, evaluation: Evaluation, last: int) -> bool:
    """Whether every target of the measured intervals up to ``last`` (an interval index) is met."""
    rows = np.searchsorted(evaluator.measured, last, side="right")
    return not (evaluation.missed_types[:rows].any() or evaluation.missed_groups[:rows].any())


def sweep_forward(evaluator: Evaluator, headcount: np.ndarray, blocks: List[np.ndarray], max_per_block: int,
                  evaluation: Optional[Evaluation] = None) -> Tuple[np.ndarray, Evaluation, int, int]:
    """The forward sweep (scope interval; module docstring): block by block in time order, add
    agents until the intervals so far meet their targets, then remove agents from this block while
    they still do (most expensive group first). (headcount, its evaluation, added, removed.)"""
    headcount = np.asarray(headcount, np.int64)
    evaluation = evaluation or evaluator.evaluate(headcount)
    owner = block_of(blocks, headcount.shape[1])
    gained = np.zeros((headcount.shape[0], len(blocks)), np.int64)
    costs = _costs(evaluator)
    added = removed = 0
    for b in sorted(range(len(blocks)), key=lambda b: int(blocks[b].min())):
        last = int(blocks[b].max())
        while not met_through(evaluator, evaluation, last):
            interval = evaluation.next_interval  # the earliest interval with a miss: up to ``last``
            at = owner[interval]
            groups = [g for g in candidates(evaluator, evaluation, interval) if gained[g, at] < max_per_block]
            if not groups or MAX_AGENTS - int(headcount[:, blocks[at]].sum(axis=0).max()) < 1:
                return headcount, evaluation, added, removed  # stuck: the targets are reported missed
            chosen, evaluation = best_addition(evaluator, headcount, evaluation, blocks, at, groups)
            headcount = with_change(headcount, chosen, blocks[at], 1)
            gained[chosen, at] += 1
            added += 1
        for g in sorted(range(headcount.shape[0]), key=lambda g: (-costs[g], g)):
            while headcount[g, blocks[b][0]] > 0:
                trial = with_change(headcount, g, blocks[b], -1)
                tried = evaluator.evaluate(trial)
                if not met_through(evaluator, tried, last):
                    break
                headcount, evaluation = trial, tried
                removed += 1
    headcount, evaluation, more = add_until_met(evaluator, headcount, blocks, max_per_block, evaluation)
    return headcount, evaluation, added + more, removed


def search(evaluator: Evaluator, start: np.ndarray, blocks: List[np.ndarray],
           max_per_block: int) -> Tuple[np.ndarray, Evaluation, int, int]:
    """From ``start``: scope interval, the forward sweep; scope day, both passes (adding, then
    removing). (headcount, its evaluation, agents added, agents removed.)"""
    if evaluator.targets.scope == "interval":
        return sweep_forward(evaluator, start, blocks, max_per_block)
    headcount, evaluation, added = add_until_met(evaluator, start, blocks, max_per_block)
    headcount, evaluation, removed = remove_unneeded(evaluator, headcount, blocks, evaluation)
    return headcount, evaluation, added, removed
