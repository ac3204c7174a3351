"""The iterative staffing algorithm (ISA) of Feldman, Mandelbaum, Massey & Whitt (2008), "Staffing
of time-varying queues to achieve time-stable performance", Management Science 54(2).

For centers where every call type is routed to one group only (each group an independent queue).
Simulate with staffing s(n); from the per-call records take the number of calls in the system
L(t) of each group (callers waiting plus calls held by an agent, talk and wrap-up) at a grid of
``GRID_POINTS`` times in each interval, in every replication; the next staffing at a grid point
is the smallest s with P(L(t) >= s) <= alpha, the probability estimated over the replications;
a group's staffing in an interval is the largest over its grid points; iterate until the
staffing stops changing (at most ``max_iterations`` rounds). Because L(t) is the demand for
agents carried over from earlier intervals, the staffing follows the queue, not just the arrival
rate: after a peak, work still in the system keeps the staffing up.

With n replications P is a multiple of 1/n, so alpha = m / n for a whole m (0 <= m < n): the
staffing at a grid point is the (m + 1)-th largest of the n values of L(t), plus one. (An
interval in which nobody is ever in the system needs no agent: 0, not the 1 the formula gives.)
Alpha is chosen by bisection on m: the largest alpha (fewest agents) whose converged staffing
meets the targets; this assumes that a smaller alpha never meets fewer targets. Common random
numbers make each iteration a deterministic function of the staffing, so the iteration stops at
a fixed point or when it comes back to a staffing it had (a cycle), or at max_iterations.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from sim.planning.evaluate import Evaluation, Evaluator

GRID_POINTS = 10  # times per interval at which L(t) is taken


def grid_times(evaluator: Evaluator) -> Tuple[np.ndarray, np.ndarray]:
    """(times, interval of each time): GRID_POINTS evenly spread times (midpoints of equal parts)
    in every measured interval, the measured part only (after the warm-up)."""
    s = evaluator.scenario
    starts = np.maximum(s.interval_starts(), s.warmup)[evaluator.measured]
    ends = s.interval_ends()[evaluator.measured]
    offsets = (np.arange(GRID_POINTS) + 0.5) / GRID_POINTS
    times = starts[:, None] + (ends - starts)[:, None] * offsets[None, :]
    return times.ravel(), np.repeat(evaluator.measured, GRID_POINTS)


def number_in_system(calls, type_groups: "TypeGroups", n_groups: int, times: np.ndarray) -> np.ndarray:
    """L(t) per group (rows) at ``times`` from one replication's per-call records: calls that have
    arrived and not yet left (answered: until the end of wrap-up; abandoned: until they hang up;
    blocked: never in; still waiting or talking at the end: until then)."""
    codes = calls["call_type"].cat.codes.to_numpy()
    type_of_code = np.array(type_groups.index_of(calls["call_type"].cat.categories), np.int64)
    group = type_groups.groups[type_of_code[codes]]
    arrival = calls["arrival"].to_numpy()
    answered = ~np.isnan(calls["answer_time"].to_numpy())
    leaving = np.where(answered, calls["answer_time"].to_numpy() + calls["talk"].to_numpy() + calls["wrapup"].to_numpy(),
                       calls["end_time"].to_numpy())
    leaving = np.where(np.isnan(leaving), np.inf, leaving)
    out = np.zeros((n_groups, len(times)), np.int64)
    for g in range(n_groups):
        mine = group == g
        came = np.searchsorted(np.sort(arrival[mine]), times, side="right")
        went = np.searchsorted(np.sort(leaving[mine]), times, side="right")
        out[g] = came - went
    return out


class TypeGroups:
    """The one group each call type is routed to (the ISA's precondition)."""

    def __init__(self, scenario):
        self.names = [t.name for t in scenario.call_types]
        self.groups = np.array([t.route[0][0] for t in scenario.call_types], np.int64)

    def index_of(self, names) -> List[int]:
        return [self.names.index(str(name)) for name in names]


def applies(scenario) -> bool:
    """Whether every call type is routed to exactly one group (independent single-group queues)."""
    return all(len(t.route) == 1 for t in scenario.call_types)


def next_staffing(samples: np.ndarray, point_interval: np.ndarray, allowed: int, blocks: List[np.ndarray],
                  shape: tuple) -> np.ndarray:
    """s(n+1) from L(t) ``samples`` (replications x groups x grid points): per point the smallest s
    with at most ``allowed`` replications having L >= s; per block of intervals the largest over
    its points (0 where L is always 0)."""
    replications = samples.shape[0]
    ordered = -np.sort(-samples, axis=0)  # largest first, per group and point
    per_point = ordered[allowed] + 1 if allowed < replications else np.zeros(samples.shape[1:], np.int64)
    busy = samples.max(axis=0) > 0
    per_point = np.where(busy, per_point, 0)
    staffing = np.zeros(shape, np.int64)
    for block in blocks:
        points = np.isin(point_interval, block)
        if points.any():
            staffing[:, block] = per_point[:, points].max(axis=1)[:, None]
    return staffing


class Observer:
    """L(t) of staffing matrices at the grid times, per replication: each matrix simulated once
    (common random numbers: the same matrix gives the same samples)."""

    def __init__(self, evaluator: Evaluator):
        self.evaluator = evaluator
        self.times, self.point_interval = grid_times(evaluator)
        self.type_groups = TypeGroups(evaluator.scenario)
        self._seen = {}

    def samples(self, staffing: np.ndarray) -> np.ndarray:
        """replications x groups x grid times."""
        key = staffing.tobytes()
        if key not in self._seen:
            records = self.evaluator.evaluate(staffing, records=True).records
            n_groups = len(self.evaluator.scenario.groups)
            self._seen[key] = np.array([number_in_system(calls, self.type_groups, n_groups, self.times)
                                        for calls in records])
        return self._seen[key]


def converge(observer: Observer, start: np.ndarray, allowed: int, blocks: List[np.ndarray],
             max_iterations: int) -> Tuple[np.ndarray, Evaluation, int]:
    """Iterate s <- next_staffing(L under s) from ``start`` until s stops changing, or comes back to
    a staffing it had before (a cycle: the one of the cycle with the most agent-intervals is kept,
    the first of them on ties), or max_iterations: (staffing, its evaluation, iterations run)."""
    staffing = np.asarray(start, np.int64)
    visited = [staffing]
    for iteration in range(1, max_iterations + 1):
        following = next_staffing(observer.samples(staffing), observer.point_interval, allowed, blocks,
                                  staffing.shape)
        if np.array_equal(following, staffing):
            break
        earlier = [i for i, seen in enumerate(visited) if np.array_equal(seen, following)]
        if earlier:
            cycle = visited[earlier[0]:]
            staffing = cycle[int(np.argmax([c.sum() for c in cycle]))]
            break
        staffing = following
        visited.append(staffing)
    else:
        iteration = max_iterations
    return staffing, observer.evaluator.evaluate(staffing), iteration


def best_alpha(evaluator: Evaluator, start: np.ndarray, blocks: List[np.ndarray],
               max_iterations: int) -> Tuple[np.ndarray, Evaluation, Optional[float], int]:
    """Bisection on alpha = m / n (n replications): the converged staffing of the largest m that
    meets the targets, or of m = 0 when none does. (staffing, evaluation, alpha or None, ISA iterations)."""
    n = len(evaluator.seeds)
    observer = Observer(evaluator)
    low, high = 0, n - 1
    found, fallback, iterations, warm = None, None, 0, np.asarray(start, np.int64)
    while low <= high:
        middle = (low + high) // 2
        staffing, evaluation, used = converge(observer, warm, middle, blocks, max_iterations)
        iterations += used
        warm = staffing
        if middle == 0:
            fallback = (staffing, evaluation)
        if evaluation.met:
            found = (staffing, evaluation, middle / n)
            low = middle + 1
        else:
            high = middle - 1
    if found is not None:
        return found[0], found[1], found[2], iterations
    if fallback is None:  # (m = 0 was never tried: every m tried met nothing, so try the most generous)
        staffing, evaluation, used = converge(observer, warm, 0, blocks, max_iterations)
        fallback, iterations = (staffing, evaluation), iterations + used
    return fallback[0], fallback[1], None, iterations
