"""The simulation-based staffing optimiser: the fewest agents (or the least cost) per interval x
group that meet every target, in every interval or over the day, in simulation.

    >>> from sim.planning.optimise import optimise
    >>> plan = optimise("single_queue", {"service_level": 0.8, "threshold": 20})
    >>> plan.headcount_per_interval()          # {group: [agents in interval 0, 1, ...]}

Every staffing tried is simulated with the same replication seeds (common random numbers) and
a target counts as met when the one-sided bound of its confidence interval at ``confidence``
meets it (:mod:`sim.planning.evaluate`). Two methods:

- every call type routed to one group only (independent single-group queues): the iterative
  staffing algorithm of Feldman et al. (2008) with alpha chosen by bisection (:mod:`sim.planning.isa`),
  then the greedy passes below;
- several groups serving a call type: a greedy search from ``start``.
The greedy passes (:mod:`sim.planning.greedy` states the rules): scope interval, a forward sweep
that leaves each interval at the fewest agents meeting its targets given the intervals before
it; scope day, adding agents until every target is met, then removing those not needed.

``start`` (None): each group gets ceil(offered load) agents per interval, the load of every call
type going to its first-choice group (rate x mean talk + wrap-up time / the group's speed). A
steady-state run is staffed with one headcount for the whole run and judged over the run (scope
day): a start that varies takes its largest value. ``max_iterations`` bounds every loop: ISA
rounds per alpha, and agents one group may gain in one interval in the adding pass: when it is
reached, the result says which targets are missed (``met`` False, ``missed``), it never hangs.
Outbound campaigns are not optimised (refused).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.experiments.replications import replicate
from sim.kpi.tables import interval_label, type_names
from sim.model.bounds import MAX_AGENTS, check_seed, whole_in_range
from sim.model.scenario import Scenario, build_scenario
from sim.planning import greedy, isa
from sim.planning.evaluate import KPIS, Evaluation, Evaluator
from sim.planning.targets import Targets, targets_from
from sim.progress import progress_bar
from sim.simulate import load_scenario_file

ISA, GREEDY = "iterative staffing", "greedy"
_SHOWN = ("offered", "service_level", "abandon_rate", "asa")  # achieved KPIs kept per interval x type


@dataclass(frozen=True)
class Optimised:
    """An optimised staffing and what it achieves.

    ``headcount``: agents on the phones, groups x intervals. ``intervals`` / ``summary``: the
    achieved KPIs per interval x call type and per call type over the run (mean and two-sided
    ``confidence`` half-width ``<kpi>_ci`` over ``replications`` replications with the optimiser's
    seeds); ``group_intervals``: agents, busy and occupancy per interval x group. ``met``: every
    target met with confidence (one-sided bound); ``missed``: what is not, readable.
    """

    groups: Tuple[str, ...]
    headcount: np.ndarray
    method: str  # ISA or GREEDY
    alpha: Optional[float]  # the ISA's delay probability (None: greedy, or no alpha met the targets)
    targets: Targets
    met: bool
    missed: Tuple[str, ...]
    intervals: pd.DataFrame
    summary: pd.DataFrame
    group_intervals: pd.DataFrame
    iterations: int  # ISA rounds (all alphas), or agents added by the greedy search
    added: int  # agents added by the adding pass
    removed: int  # agents removed by the removal pass
    simulations: int  # staffing matrices simulated (each with every replication)
    replications: int  # replications run in all
    seconds: float

    def headcount_per_interval(self) -> Dict[str, List[int]]:
        """{group: agents per interval}: the groups' ``headcount_per_interval``."""
        return {name: [int(c) for c in row] for name, row in zip(self.groups, self.headcount)}


def optimise(scenario_cfg, targets, start=None, replications: int = 20, confidence: float = 0.95,
             max_iterations: int = 30, seed: int = 1, progress: Optional[bool] = None,
             engine: str = "auto") -> Optimised:
    """Optimise the staffing of ``scenario_cfg`` (a validated scenario config as a dict or
    DictConfig, a Scenario, or a scenario file / shipped name) for ``targets`` (Targets, or a
    ``staffing.targets`` mapping). ``start``: {group: count per interval}, a groups x intervals
    array, or None (module docstring). ``progress``: a bar of simulations on stderr (None: only
    on a terminal). Rules: the module docstring."""
    began = time.perf_counter()
    scenario = _scenario(scenario_cfg)
    targets = _targets(targets, scenario)
    replications = whole_in_range(replications, "staffing.replications", 2, 100_000)
    if not 0.5 < confidence < 1:
        raise ConfigError("staffing.confidence", f"must be above 0.5 and below 1 (a one-sided bound), got {confidence!r}")
    max_iterations = whole_in_range(max_iterations, "staffing.max_iterations", 1, 100_000)
    check_seed(seed)
    if scenario.campaigns:
        raise ConfigError("staffing.policy", "optimise staffs inbound centers only: this scenario has outbound "
                                             "campaigns (use staffing.policy=erlang or scenario)")
    blocks = _blocks(scenario)
    if scenario.horizon_kind == "steady_state":
        targets = dataclasses.replace(targets, scope="day")
    start = _start(start, scenario, blocks)
    with progress_bar(None, f"{scenario.name}: optimise", "simulation", enabled=progress) as bar:
        evaluator = Evaluator(scenario, targets, replications, confidence, seed, engine,
                              on_simulation=lambda: bar.update(1))
        alpha = None
        if isa.applies(scenario):
            method = ISA
            start, _, alpha, iterations = isa.best_alpha(evaluator, start, blocks, max_iterations)
        else:
            method, iterations = GREEDY, 0
        headcount, evaluation, added, removed = greedy.search(evaluator, start, blocks, max_iterations)
        iterations = iterations if method == ISA else added
        achieved = replicate(evaluator.staffed(headcount), replications, seed=seed, engine=engine,
                             confidence=confidence, progress=False, n_jobs=1)
    return Optimised(
        groups=tuple(g.name for g in scenario.groups), headcount=headcount, method=method, alpha=alpha,
        targets=targets, met=evaluation.met, missed=tuple(_missed(evaluator, evaluation)),
        intervals=_kept(achieved.intervals, ["interval", "start", "call_type", "replications"], _SHOWN),
        summary=_kept(achieved.summary, ["call_type", "replications"], _SHOWN),
        group_intervals=achieved.group_intervals, iterations=iterations, added=added, removed=removed,
        simulations=evaluator.simulations + 1, replications=evaluator.replications_run + replications,
        seconds=time.perf_counter() - began)


# ---------------------------------------------------------------------------------- inputs
def _scenario(cfg) -> Scenario:
    if isinstance(cfg, (str, Path)):
        cfg = load_scenario_file(cfg)
    return build_scenario(cfg)


def _targets(targets, scenario: Scenario) -> Targets:
    if targets is not None and not isinstance(targets, Targets):
        targets = targets_from(targets, scenario.kpi)
    if targets is None or (targets.service_level, targets.max_abandon, targets.max_asa) == (None, None, None):
        raise ConfigError("staffing.targets", "sets no target: give at least one of service_level, max_abandon, max_asa")
    return targets


def _blocks(scenario: Scenario) -> List[np.ndarray]:
    """Intervals that share one headcount: each interval of a day; the whole of a steady-state run."""
    if scenario.horizon_kind == "steady_state":
        return [np.arange(scenario.n_intervals)]
    return [np.array([j]) for j in range(scenario.n_intervals)]


def offered_loads(scenario: Scenario) -> np.ndarray:
    """Offered load (Erlangs) per group x interval, each call type's load on its first-choice group."""
    loads = np.zeros((len(scenario.groups), scenario.n_intervals))
    for t in scenario.call_types:
        g = t.route[0][0]
        handle = t.talk.mean + (t.wrapup.mean if t.wrapup is not None else 0.0)
        loads[g] += np.asarray(t.rates) * handle / scenario.groups[g].speed[t.index]
    return loads


def _start(start, scenario: Scenario, blocks: List[np.ndarray]) -> np.ndarray:
    """The starting matrix (groups x intervals), checked; None: ceil(offered load)."""
    names = [g.name for g in scenario.groups]
    n = scenario.n_intervals
    matrix = np.ceil(offered_loads(scenario) - 1e-9).astype(np.int64)
    if start is not None:
        if not hasattr(start, "items"):
            rows = np.asarray(start)
            if rows.ndim != 2 or rows.shape[0] != len(names):
                raise ConfigError("start", f"must give one row per group ({len(names)}: {', '.join(names)}) "
                                           f"of {n} counts, got shape {rows.shape}")
            start = dict(zip(names, rows.tolist()))
        for name, counts in start.items():
            if name not in names:
                raise ConfigError(f"start.{name}", "unknown group", allowed=names)
            counts = list(counts)
            if len(counts) != n:
                raise ConfigError(f"start.{name}", f"has {len(counts)} values but the run has {n} intervals")
            matrix[names.index(name)] = [whole_in_range(c.item() if hasattr(c, "item") else c,
                                                        f"start.{name}[{j}]", 0, MAX_AGENTS)
                                         for j, c in enumerate(counts)]
    for block in blocks:
        matrix[:, block] = matrix[:, block].max(axis=1)[:, None]
    return matrix


# --------------------------------------------------------------------------------- outputs
def _kept(table: pd.DataFrame, keys: List[str], kpis) -> pd.DataFrame:
    return table[keys + [c for kpi in kpis for c in (kpi, f"{kpi}_ci")]].reset_index(drop=True)


def _missed(evaluator: Evaluator, evaluation: Evaluation) -> List[str]:
    """Every missed target, e.g. "10:00 retail: service_level 0.762 (target 0.8)"."""
    scenario, targets = evaluator.scenario, evaluator.targets
    bound = {"service_level": ("lower", targets.service_level), "abandon_rate": ("upper", targets.max_abandon),
             "asa": ("upper", targets.max_asa)}
    rows = [interval_label(scenario, j) for j in evaluator.measured] if targets.scope == "interval" else ["day"]
    types = type_names(scenario)
    out = []
    for i, where in enumerate(rows):
        for k in np.flatnonzero(evaluation.missed_types[i]):
            for kpi in KPIS:
                side, target = bound[kpi]
                value = getattr(evaluation.per_type[kpi], side)[i, k]
                if target is not None and not math.isnan(value) and (value < target if side == "lower" else value > target):
                    out.append(f"{where} {types[k]}: {kpi} {value:.3g} (target {target:g})")
        for g in np.flatnonzero(evaluation.missed_groups[i]):
            value = evaluation.occupancy.upper[i, g]
            out.append(f"{where} {scenario.groups[g].name}: occupancy {value:.3g} (target {targets.max_occupancy:g})")
    return out
