"""Shift scheduling: per-interval requirements of one group turned into shifts with breaks, at
the least paid cost, by an integer program (scipy.optimize.milp, the HiGHS solver).

With x_p the number of agents on pattern p (sim.planning.shift_patterns), a[j, p] the share of
interval j that pattern covers on the phones, r_j the requirement (agents on the phones) and
u_j >= 0 the agents short in interval j:

    minimise  sum_p cost_p x_p + penalty * sum_j u_j
    such that sum_p a[j, p] x_p + u_j >= r_j   for every interval j,   x_p whole numbers >= 0

cost_p = paid hours x cost_per_hour (cost_per_hour 0: paid hours). The penalty is per agent
short for one interval (default: 100 times the cost of an agent for an interval), so the program
always has a solution: an interval no shift can cover, or one whose cover costs more than the
penalty, is reported as under-covered with its shortfall, never raised.

Solved in three steps within the time limit (``_solve``): the linear relaxation (a lower bound),
the program on the patterns the relaxation uses (small: a good roster in a fraction of a second),
the program on every pattern; the better roster is kept and its gap to the bound reported.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.errors import ConfigError
from sim.model.bounds import DAY, MAX_COST_PER_HOUR, MAX_INTERVALS, in_range
from sim.planning.shift_patterns import PatternSet, enumerate_patterns, rules_from

DEFAULT_PENALTY_FACTOR = 100.0  # x the cost of one agent for one interval
OPTIMAL_GAP = 1e-4  # a roster this close (relative) to the bound is called optimal (HiGHS's default tolerance)
_TINY = 1e-9  # agents: below this a shortfall is rounding


@dataclass(frozen=True)
class ScheduledBreak:
    name: str
    start: str  # clock "HH:MM" (hours past 23 for a time after midnight)
    end: str
    minutes: float
    paid: bool


@dataclass(frozen=True)
class ScheduledShift:
    name: str  # unique: s<HHMM>_<length>h_<letter>, e.g. s0700_8h_a
    start: str  # clock "HH:MM"
    end: str
    count: int  # agents on it
    paid_hours: float  # per agent: the length minus unpaid breaks
    breaks: Tuple[ScheduledBreak, ...]  # earliest first


@dataclass(frozen=True)
class ShiftSchedule:
    """The cheapest roster found. Per interval: ``requirement``, ``coverage`` (agents on the phones
    as rostered, breaks removed) and ``shortfall`` (requirement - coverage where positive)."""

    shifts: Tuple[ScheduledShift, ...]
    requirement: Tuple[float, ...]
    coverage: Tuple[float, ...]
    shortfall: Tuple[float, ...]
    under_covered: Tuple[int, ...]  # interval indices with a shortfall
    paid_hours: float  # all agents
    cost: float  # paid_hours x cost_per_hour
    objective: float  # cost (or paid hours when cost_per_hour is 0) + penalty x agent-intervals short
    penalty: float  # per agent-interval short
    status: str  # "optimal" (gap <= OPTIMAL_GAP), "near-optimal: gap 0.44 % (tolerance 0.5 %)" or
    # "time limit: best found, gap 1.2 %"
    gap: float  # (cost - a lower bound on the least cost) / cost: how far from optimal it may be
    solve_seconds: float
    patterns: int  # distinct patterns in the program
    patterns_enumerated: int  # before merging break placements that cover alike

    @property
    def agents(self) -> int:
        return sum(s.count for s in self.shifts)


def schedule(requirements: Sequence[float], interval_minutes: float, day_start_seconds: float, rules,
             cost_per_hour: float = 0.0, where: str = "shift_rules", intervals: Optional[int] = None) -> ShiftSchedule:
    """The least-cost shifts covering ``requirements`` (agents on the phones per interval, the
    horizon's intervals from ``day_start_seconds`` after midnight) under ``rules`` (a
    ``ShiftRulesConfig`` or a mapping of its fields; field names in errors start with ``where``).
    ``intervals``, when given, is the number of values ``requirements`` must have."""
    interval_minutes = in_range(interval_minutes, "interval_minutes", 1e-6, DAY / 60, " minutes")
    day_start_seconds = in_range(day_start_seconds, "day_start_seconds", 0.0, DAY, " s (a day)")
    required = _requirements(requirements, intervals)
    cost_per_hour = in_range(cost_per_hour, "cost_per_hour", 0.0, MAX_COST_PER_HOUR)
    parsed = rules_from(rules, interval_minutes, day_start_seconds, len(required), where)
    patterns = enumerate_patterns(parsed, interval_minutes, len(required), where)
    unit = cost_per_hour if cost_per_hour > 0 else 1.0  # cost of an agent-hour in the objective
    penalty = parsed.under_cover_penalty
    if penalty is None:
        penalty = DEFAULT_PENALTY_FACTOR * unit * interval_minutes / 60
    counts, status, gap, seconds = _solve(patterns, required, unit, penalty, parsed, where)
    coverage = patterns.coverage @ counts
    shortfall = np.where(required - coverage > _TINY, required - coverage, 0.0)
    paid_hours = float(patterns.paid_hours @ counts)
    return ShiftSchedule(
        shifts=_shifts(patterns, counts, day_start_seconds),
        requirement=tuple(required.tolist()), coverage=tuple(coverage.tolist()), shortfall=tuple(shortfall.tolist()),
        under_covered=tuple(int(j) for j in np.flatnonzero(shortfall)), paid_hours=paid_hours,
        cost=paid_hours * cost_per_hour, objective=paid_hours * unit + penalty * float(shortfall.sum()),
        penalty=penalty, status=status, gap=gap, solve_seconds=seconds,
        patterns=patterns.coverage.shape[1], patterns_enumerated=patterns.enumerated)


def _requirements(values, intervals: Optional[int]) -> np.ndarray:
    try:
        required = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError("requirements", "must be a list of numbers (agents on the phones per interval)") from None
    if required.ndim != 1 or not 1 <= len(required) <= MAX_INTERVALS:
        raise ConfigError("requirements", f"must be a list of 1 to {MAX_INTERVALS:,} numbers, one per interval")
    if intervals is not None and len(required) != intervals:
        raise ConfigError("requirements", f"has {len(required)} values but the horizon has {intervals} intervals")
    bad = np.flatnonzero(~np.isfinite(required) | (required < 0))
    if len(bad):
        raise ConfigError("requirements", f"must be numbers >= 0, got {float(required[bad[0]])!r} in interval {bad[0]}")
    return required


def _solve(patterns: PatternSet, required: np.ndarray, unit: float, penalty: float, rules, where: str):
    """(counts per pattern, status text, gap, seconds) of the program in the module docstring.

    In three steps, within ``rules.time_limit_seconds``: the linear relaxation (a lower bound on
    the cost); the program on the patterns the relaxation uses, a small one that HiGHS solves in a
    fraction of a second to a good roster; the program on every pattern, which keeps the better of
    the two. With many equivalent break placements HiGHS may take long to find a good roster on
    its own, and far longer to close the last fraction of a percent of the gap, so it stops at
    ``rules.mip_gap`` (the benchmark in experiments/shift_scheduling)."""
    n_patterns, n_intervals = patterns.coverage.shape[1], len(required)
    cost = np.concatenate([patterns.paid_hours * unit, np.full(n_intervals, penalty)])
    cover = sparse.hstack([patterns.coverage, sparse.identity(n_intervals)], format="csc")
    began = time.perf_counter()

    def solve(columns, integer: bool, seconds: float):
        whole = np.arange(len(columns)) < len(columns) - n_intervals if integer else np.zeros(len(columns))
        options = {"time_limit": max(seconds, 1e-3), "mip_rel_gap": rules.mip_gap, "disp": False}
        return milp(cost[columns], integrality=whole.astype(float), bounds=Bounds(0, np.inf),
                    constraints=LinearConstraint(cover[:, columns], lb=required, ub=np.inf), options=options)

    slack = n_patterns + np.arange(n_intervals)
    limit = rules.time_limit_seconds
    relaxed = solve(np.arange(n_patterns + n_intervals), False, limit)
    bound = relaxed.fun if relaxed.status == 0 else -np.inf
    found = []  # (objective, counts per pattern)
    if relaxed.x is not None:
        used = np.flatnonzero(relaxed.x[:n_patterns] > _TINY)
        small = solve(np.concatenate([used, slack]), True, limit / 4 - (time.perf_counter() - began))
        if small.x is not None:
            counts = np.zeros(n_patterns, np.int64)
            counts[used] = np.round(small.x[:len(used)])
            found.append(counts)
    full = solve(np.arange(n_patterns + n_intervals), True, limit - (time.perf_counter() - began))
    if full.x is not None:
        found.append(np.round(full.x[:n_patterns]).astype(np.int64))
    seconds = time.perf_counter() - began
    if not found:
        if full.status == 1:
            raise ConfigError(f"{where}.time_limit_seconds", f"no schedule found within {limit:g} s: raise it, or "
                                                             "allow fewer patterns (coarser start or break steps)")
        raise RuntimeError(f"shift scheduling: the MILP solver failed: {full.message}")
    objectives = [_objective(counts, patterns, required, unit, penalty) for counts in found]
    best = int(np.argmin(objectives))
    objective, counts = objectives[best], found[best]
    bound = max(bound, float(getattr(full, "mip_dual_bound", -np.inf) or -np.inf))
    gap = max(0.0, (objective - bound) / objective) if objective > 0 else 0.0
    if full.status != 0:
        return counts, f"time limit: best found, gap {_percent(gap)}", gap, seconds
    if gap <= OPTIMAL_GAP:
        return counts, "optimal", gap, seconds
    return counts, f"near-optimal: gap {_percent(gap)} (tolerance {_percent(rules.mip_gap)})", gap, seconds


def _objective(counts, patterns: PatternSet, required, unit: float, penalty: float) -> float:
    short = np.maximum(0.0, required - patterns.coverage @ counts)
    return float(patterns.paid_hours @ counts * unit + penalty * short.sum())


def _percent(share: float) -> str:
    return f"{share * 100:.2g} %"


def _shifts(patterns: PatternSet, counts: np.ndarray, day_start: float):
    """The chosen patterns as named shifts, earliest first."""
    chosen = sorted(np.flatnonzero(counts), key=lambda p: (patterns.start[p], patterns.length[p], patterns.placement[p]))
    shifts, used = [], Counter()
    for p in chosen:
        start = patterns.start[p]
        length = patterns.rules.lengths[patterns.length[p]]
        prefix = f"s{clock(day_start, start).replace(':', '')}_{_hours_text(length)}"
        name = f"{prefix}_{_letters(used[prefix])}"
        used[prefix] += 1
        breaks = tuple(ScheduledBreak(rule.name, clock(day_start, start + at), clock(day_start, start + at + rule.minutes),
                                      rule.minutes, rule.paid) for rule, at in patterns.breaks_of(p))
        shifts.append(ScheduledShift(name, clock(day_start, start), clock(day_start, start + length), int(counts[p]),
                                     float(patterns.paid_hours[p]), breaks))
    return tuple(shifts)


def clock(day_start_seconds: float, minutes: float) -> str:
    """The clock time ``minutes`` after the horizon's start, "HH:MM" ("HH:MM:SS" off the minute);
    hours are not wrapped past midnight ("25:30"), as sim.model.scenario.parse_clock reads them."""
    seconds = int(round(day_start_seconds + minutes * 60))
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours:02d}:{mins:02d}" + (f":{secs:02d}" if secs else "")


def _hours_text(minutes: float) -> str:
    hours, mins = divmod(int(round(minutes)), 60)
    return f"{hours}h{mins:02d}" if mins else f"{hours}h"


def _letters(k: int) -> str:
    """0 -> a, 25 -> z, 26 -> ba, ...: a distinct suffix per index."""
    text = ""
    while True:
        k, digit = divmod(k, 26)
        text = chr(ord("a") + digit) + text
        if k == 0:
            return text


def roster_rows(result: ShiftSchedule, group: str) -> List[dict]:
    """Rows for roster.csv: group, shift, start, end, paid_hours, count, breaks (as text, e.g.
    "break 10:00-10:15; lunch 12:00-12:30 (unpaid)")."""
    return [{"group": group, "shift": s.name, "start": s.start, "end": s.end, "paid_hours": s.paid_hours,
             "count": s.count, "breaks": "; ".join(f"{b.name} {b.start}-{b.end}" + ("" if b.paid else " (unpaid)")
                                                   for b in s.breaks)}
            for s in result.shifts]


def as_shift_configs(result: ShiftSchedule) -> Dict[str, dict]:
    """The shifts as a group's ``shifts`` setting (ShiftConfig with fixed-start breaks)."""
    return {s.name: {"start": s.start, "end": s.end, "count": s.count,
                     "breaks": [{"name": b.name, "minutes": b.minutes, "start": b.start, "paid": b.paid}
                                for b in s.breaks]}
            for s in result.shifts}


def under_coverage_text(result: ShiftSchedule, interval_minutes: float, day_start_seconds: float) -> str:
    """One line per under-covered interval: its start clock, requirement, coverage and shortfall."""
    return "\n".join(f"{clock(day_start_seconds, j * interval_minutes)}: required {result.requirement[j]:g}, "
                     f"covered {result.coverage[j]:g}, short {result.shortfall[j]:g}"
                     for j in result.under_covered)

