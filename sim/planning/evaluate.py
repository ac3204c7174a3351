"""How well a staffing matrix meets the targets: replications with common random numbers.

The optimiser (:mod:`sim.planning.optimise`) asks the same question hundreds of times: "with
these agents per interval x group, are the targets met, and by how much are they missed?".
An :class:`Evaluator` answers it for one scenario, built once: every group's staffing is
replaced by ``headcount_per_interval`` = the matrix row, and the scenario is simulated with the
SAME replication seeds every time (common random numbers: every alternative sees the very same
calls, so a difference between two matrices is the staffing's, not the noise's). The matrix is
agents on the phones: the groups' shrinkage (breaks, absences) is not simulated here. The service
level is measured at the targets' threshold (the scenario's ``kpi.sl_threshold`` is set to it).

A target is met "with confidence" c when the one-sided bound of its confidence interval meets
it: mean - h >= service-level target, mean + h <= maximum abandonment, ASA or occupancy, with
h = t(c; n - 1) x std / sqrt(n) over the n replications in which the KPI is defined (an interval
without calls in a replication does not count; a KPI defined in fewer than two replications is
judged on its mean, one defined in none holds). Scope ``interval``: every measured interval x
call type (and interval x group for occupancy), an interval x call type offered fewer than the
targets' ``min_calls`` calls on average judged on its mean alone (a handful of calls cannot show
a service level with confidence: every agent added would be for nothing); scope ``day``: every call type (and group) over
the whole run. The total shortfall adds every miss, in the target's unit (service level,
abandonment and occupancy as fractions; ASA in units of the ASA target, at least 1 s).

Evaluations are remembered by matrix: with common random numbers the same matrix gives the same
numbers, so asking again costs nothing.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Dict, List, Optional

import numpy as np

from sim.experiments.replications import half_width, replication_seeds
from sim.experiments.runs import numbered, run_replication
from sim.kpi import arrays
from sim.kpi.tables import measured_intervals, type_names
from sim.model.scenario import Scenario
from sim.planning.targets import Targets
from sim.policies import staffing as staffing_policy

KPIS = ("service_level", "abandon_rate", "asa")  # per call type, from the interval and summary tables
_NO_SHRINKAGE = {"rests": (), "paid": (), "absenteeism": 0.0, "adherence": 1.0}  # Group fields, if present
_TARGET_OF = {"service_level": "service_level", "abandon_rate": "max_abandon", "asa": "max_asa",
              "occupancy": "max_occupancy"}


@dataclass(frozen=True)
class Estimate:
    """Mean and one-sided half-width (at the evaluator's confidence) of one KPI, per cell."""

    mean: np.ndarray
    half: np.ndarray  # 0 where fewer than two replications define the KPI
    defined: np.ndarray  # replications in which the KPI is defined

    @property
    def lower(self) -> np.ndarray:
        return self.mean - self.half

    @property
    def upper(self) -> np.ndarray:
        return self.mean + self.half


@dataclass(frozen=True)
class Evaluation:
    """The targets checked for one staffing matrix.

    ``per_type``: KPI name -> Estimate over cells (interval x call type for scope interval,
    shape (intervals, types); scope day: shape (1, types)); ``occupancy`` likewise per group.
    ``missed``: boolean (cells x types) and (cells x groups) of missed targets; ``shortfall``
    the total miss (see the module docstring); ``interval_shortfall`` per measured interval.
    """

    headcount: np.ndarray  # groups x intervals
    per_type: Dict[str, Estimate]
    occupancy: Estimate
    offered: np.ndarray  # mean offered calls per measured interval x type
    interval_means: Dict[str, np.ndarray]  # per measured interval x type (means, for the day scope)
    missed_types: np.ndarray
    missed_groups: np.ndarray
    shortfall: float
    interval_shortfall: np.ndarray  # per measured interval
    next_interval: Optional[int]  # where an agent is added next (see first_blamed); None when met
    records: Optional[list] = None  # per-call records of every replication (when asked)

    @property
    def met(self) -> bool:
        return not (self.missed_types.any() or self.missed_groups.any())


class Evaluator:
    """Simulate staffing matrices of one scenario with common random numbers (module docstring)."""

    def __init__(self, scenario: Scenario, targets: Targets, replications: int, confidence: float,
                 seed: int, engine: str = "auto", on_simulation=None):
        kpi = dataclasses.replace(scenario.kpi, sl_threshold=float(targets.threshold))
        self.scenario = dataclasses.replace(scenario, kpi=kpi)
        self.targets = targets
        self.confidence = confidence
        self.engine = engine
        self.seeds = replication_seeds(seed, replications)
        self.measured = measured_intervals(self.scenario)
        self.n_types = len(scenario.call_types)
        self.simulations = 0  # matrices simulated (each: every replication)
        self.replications_run = 0
        self._memo: Dict[bytes, Evaluation] = {}
        self._on_simulation = on_simulation

    @property
    def shape(self) -> tuple:
        return len(self.scenario.groups), self.scenario.n_intervals

    def staffed(self, headcount: np.ndarray) -> Scenario:
        """The scenario with group g staffed by ``headcount[g]`` agents per interval, all of them on
        the phones: a group's shrinkage (breaks, activities, absenteeism, adherence, where the
        model has them) is left out, the plan grosses the requirement up for it."""
        s = self.scenario
        groups = tuple(dataclasses.replace(g, spells=staffing_policy.per_interval(
            [int(c) for c in headcount[g.index]], s.interval_length, s.horizon_end, f"groups.{g.name}"),
            **{name: value for name, value in _NO_SHRINKAGE.items() if hasattr(g, name)}) for g in s.groups)
        return dataclasses.replace(s, groups=groups)

    def evaluate(self, headcount, records: bool = False) -> Evaluation:
        """The targets checked for ``headcount`` (groups x intervals, whole numbers >= 0);
        ``records``: also keep every replication's per-call records (a pandas table each)."""
        headcount = np.asarray(headcount, np.int64)
        key = headcount.tobytes()
        known = self._memo.get(key)
        if known is not None and not records:
            return known
        scenario = self.staffed(headcount)
        # the KPI numbers of the replications made together (runs.numbered: each run's own numbers)
        made = numbered(scenario, [run_replication(scenario, seed, engine=self.engine, records=records, numbers=False)
                                   for seed in self.seeds])
        self.simulations += 1
        self.replications_run += len(made)
        if self._on_simulation is not None:
            self._on_simulation()
        runs = [run for run, _ in made]
        calls = [results.calls for _, results in made] if records else None
        evaluation = self._checked(headcount, runs, calls)
        self._memo[key] = dataclasses.replace(evaluation, records=None)  # (records are large: not kept)
        return evaluation

    # ------------------------------------------------------------------ the checks
    def _estimate(self, values: np.ndarray) -> Estimate:
        """Mean and one-sided half-width over the replications (axis 0), NaN = undefined."""
        defined = np.sum(~np.isnan(values), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(defined > 0, np.nansum(values, axis=0) / np.maximum(defined, 1), np.nan)
            deviation = np.where(np.isnan(values), 0.0, values - mean)
            std = np.sqrt(np.sum(deviation ** 2, axis=0) / np.maximum(defined - 1, 1))
        half = half_width(std, np.maximum(defined, 2), 2 * self.confidence - 1)  # two-sided 2c-1 = one-sided c
        half = np.where(defined >= 2, half, 0.0)
        return Estimate(mean, half, defined)

    def _checked(self, headcount: np.ndarray, runs: list, calls: Optional[list]) -> Evaluation:
        n_types, n_measured, n_groups = self.n_types, len(self.measured), len(self.scenario.groups)
        rows = len(type_names(self.scenario))
        interval_rows = arrays.numeric_columns("intervals")
        per_interval = {name: np.array([run.columns["intervals"][interval_rows.index(name)]
                                        .reshape(n_measured, rows)[:, :n_types] for run in runs])
                        for name in KPIS + ("offered",)}
        occupancy_row = arrays.numeric_columns("group_intervals").index("occupancy")
        occupancy = np.array([run.columns["group_intervals"][occupancy_row].reshape(n_groups, n_measured).T
                              for run in runs])
        interval_means = {name: self._estimate(values).mean for name, values in per_interval.items()}
        if self.targets.scope == "interval":
            per_type = {name: self._estimate(per_interval[name]) for name in KPIS}
            few = np.nan_to_num(interval_means["offered"]) < self.targets.min_calls  # judged on the mean
            per_type = {name: dataclasses.replace(e, half=np.where(few, 0.0, e.half)) for name, e in per_type.items()}
            occupancy_estimate = self._estimate(occupancy)
        else:
            summary_rows = arrays.numeric_columns("summary")
            per_type = {name: self._estimate(np.array([run.columns["summary"][summary_rows.index(name)][None, :n_types]
                                                       for run in runs])) for name in KPIS}
            groups_row = arrays.numeric_columns("groups").index("occupancy")
            occupancy_estimate = self._estimate(np.array([run.columns["groups"][groups_row][None, :] for run in runs]))
        misses = {name: self._miss(name, per_type[name]) for name in KPIS}
        occupancy_miss = self._miss("occupancy", occupancy_estimate)
        missed_types = np.any([m > 0 for m in misses.values()], axis=0)
        shortfall = float(sum(m.sum() for m in misses.values()) + occupancy_miss.sum())
        if self.targets.scope == "interval":
            interval_shortfall = sum(m.sum(axis=1) for m in misses.values()) + occupancy_miss.sum(axis=1)
        else:
            interval_shortfall = self._day_blame(missed_types[0], occupancy_miss[0] > 0, interval_means, occupancy)
        interval_shortfall = np.asarray(interval_shortfall, float)
        met = not (missed_types.any() or (occupancy_miss > 0).any())
        return Evaluation(headcount, per_type, occupancy_estimate, interval_means["offered"], interval_means,
                          missed_types, occupancy_miss > 0, shortfall, interval_shortfall,
                          None if met else self.measured[first_blamed(self.targets.scope, interval_shortfall)], calls)

    def _miss(self, kpi: str, estimate: Estimate) -> np.ndarray:
        """By how much each cell misses its target (0 where met or not set), in the target's unit."""
        target = getattr(self.targets, _TARGET_OF[kpi])
        if target is None:
            return np.zeros_like(estimate.mean)
        if kpi == "service_level":
            miss = target - estimate.lower
        else:
            miss = estimate.upper - target
            if kpi == "asa":
                miss = miss / max(target, 1.0)
        return np.where(np.isnan(miss), 0.0, np.maximum(miss, 0.0))

    def _day_blame(self, types: np.ndarray, groups: np.ndarray, means: dict, occupancy: np.ndarray) -> np.ndarray:
        """Scope day: how much each interval contributes to the day's misses, to say where to add
        an agent: the interval means' misses of the missed call types, weighted by offered calls
        (and the missed groups' interval occupancy above its cap)."""
        blame = np.zeros(len(self.measured))
        weight = np.nan_to_num(means["offered"])
        for name in KPIS:
            target = getattr(self.targets, _TARGET_OF[name])
            if target is None:
                continue
            miss = target - means[name] if name == "service_level" else means[name] - target
            if name == "asa":
                miss = miss / max(target, 1.0)
            blame += (np.nan_to_num(np.maximum(miss, 0.0)) * weight)[:, types].sum(axis=1)
        if self.targets.max_occupancy is not None:
            above = np.nan_to_num(np.nanmean(occupancy, axis=0) - self.targets.max_occupancy)
            blame += np.maximum(above, 0.0)[:, groups].sum(axis=1)
        if not blame.any() and types.any():  # every interval fine on its mean: the busiest one
            blame = weight[:, types].sum(axis=1)
        return blame

    def missed_in(self, evaluation: Evaluation, interval: int) -> tuple:
        """(call type indices, group indices) missed in ``interval`` (scope day: over the day)."""
        row = int(np.searchsorted(self.measured, interval)) if self.targets.scope == "interval" else 0
        return (list(np.flatnonzero(evaluation.missed_types[row])), list(np.flatnonzero(evaluation.missed_groups[row])))


def first_blamed(scope: str, blame: np.ndarray) -> int:
    """The measured interval (its position) where an agent is added next: scope interval, the
    earliest with a miss; scope day, the one contributing most to the day's misses (earliest on ties)."""
    if scope == "interval" and blame.max() > 0:
        return int(np.flatnonzero(blame > 0)[0])
    return int(np.argmax(blame))


def mean_patience(distribution) -> float:
    """A patience distribution's mean (inf without abandonment)."""
    return math.inf if distribution is None else float(distribution.mean)


def serving_groups(scenario: Scenario, types: List[int]) -> List[int]:
    """Groups (index order) that serve at least one of ``types`` at some route step."""
    return sorted({g for k in types for g, _ in scenario.call_types[k].route})
