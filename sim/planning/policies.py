"""The staffing policies of a run (``staffing.policy``, the ``staffing`` config group): how many
agents each group has on the phones in each interval.

    scenario  as each group of the scenario says (headcount, headcount_per_interval or shifts:
              :mod:`sim.policies.staffing`); nothing is planned
    erlang    per-interval requirements from Erlang C or A (:mod:`sim.planning.requirements`)
    optimise  the fewest agents meeting the targets in simulation (:mod:`sim.planning.optimise`),
              started from the Erlang requirements; requirements.csv shows both

A policy is a function ``(app, scenario, targets, progress) -> Plan``: ``app`` the run's
:class:`~sim.model.config.AppConfig` (its ``scenario`` the one being run, short overrides applied),
``scenario`` that scenario validated, ``targets`` the validated ``staffing.targets``, ``progress``
whether to show progress bars (None: on a terminal). Its :class:`Plan` gives every planned group
its agents on the phones per interval; :func:`plan_staffing` then replaces those groups' staffing
by ``headcount_per_interval`` (a steady-state run: a fixed ``headcount``), without the groups'
own shrinkage (:func:`staffed`), in ``Plan.scenario_cfg``, which the simulation runs. Groups a
plan leaves out (e.g. groups that only dial out) keep their staffing. A new policy is one function
added to ``POLICIES`` (:func:`register`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from sim.errors import ConfigError
from sim.model.bounds import MAX_REPLICATIONS, in_range, is_number, whole_in_range
from sim.model.config import AppConfig, ScenarioConfig, StaffingConfig
from sim.model.scenario import Scenario
from sim.planning.targets import Targets, targets_from


@dataclass(frozen=True)
class Plan:
    """What a staffing policy decided."""

    policy: str
    headcounts: Dict[str, Tuple[int, ...]]  # group name -> agents on the phones in each interval
    requirements: Optional[object] = None  # a pandas table for requirements.csv (None: no such file)
    scenario_cfg: Optional[ScenarioConfig] = None  # the scenario staffed by the plan (set by plan_staffing)


Policy = Callable[[AppConfig, Scenario, Targets, Optional[bool]], Plan]


def erlang(app: AppConfig, scenario: Scenario, targets: Targets, progress: Optional[bool] = None) -> Plan:
    """Every inbound group staffed with its Erlang requirement (on the phones) in every interval."""
    from sim.planning.requirements import requirements  # (scipy: only when planning with it)

    if targets.scope != "interval":
        raise ConfigError("staffing.targets.scope", "the erlang policy meets the targets in every interval: "
                                                    "use scope interval (scope day is for a policy that simulates)")
    found = requirements(scenario, targets, app.staffing.model, app.staffing.shrinkage)
    return Plan("erlang", found.headcounts, found.table)


def optimised(app: AppConfig, scenario: Scenario, targets: Targets, progress: Optional[bool] = None) -> Plan:
    """Every inbound group staffed with the optimiser's agents on the phones, started from the
    Erlang requirements (with the run's seed: the optimiser's replications are the run's)."""
    from sim.planning.optimise import optimise  # (the optimiser: only when planning with it)
    from sim.planning.requirements import paid_agents, requirements

    found = requirements(scenario, targets, app.staffing.model, app.staffing.shrinkage)
    start = {g.name: found.headcounts.get(g.name, (0,) * scenario.n_intervals) for g in scenario.groups}
    best = optimise(app.scenario, targets, start=start, replications=app.staffing.replications,
                    confidence=app.staffing.confidence, max_iterations=app.staffing.max_iterations, seed=app.seed,
                    progress=progress, engine=app.engine)
    headcounts = {name: tuple(counts) for name, counts in best.headcount_per_interval().items()
                  if name in found.headcounts}
    table = found.table.copy()
    table["optimised"] = [headcounts[g][0 if j == "all" else j] for j, g in zip(table.interval, table.group)]
    table["paid"] = [paid_agents(n, app.staffing.shrinkage) for n in table.optimised]  # of what is simulated
    table.attrs.update(found.table.attrs, policy="optimise", optimiser=describe_optimiser(best))
    return Plan("optimise", headcounts, table)


def describe_optimiser(best) -> str:
    """One line on how the optimiser went (method, work, whether the targets are met)."""
    met = "targets met with confidence" if best.met else "targets NOT all met: " + "; ".join(best.missed[:3])
    return (f"{best.method}, {best.simulations} staffings x {best.replications // max(best.simulations, 1)} "
            f"replications in {best.seconds:.1f} s: {met}")


MODELS = ("erlang_c", "erlang_a")  # staffing.model


def check_model(model, where: str = "staffing.model") -> str:
    if model not in MODELS:
        raise ConfigError(where, f"unknown queueing model {model!r}", allowed=MODELS)
    return model


def check_shrinkage(shrinkage, where: str = "staffing.shrinkage") -> float:
    shrinkage = in_range(shrinkage, where, 0.0, 1.0)
    if shrinkage >= 1.0:
        raise ConfigError(where, "must be below 1 (a shrinkage of 1 leaves no time on the phones)")
    return shrinkage


POLICIES: Dict[str, Optional[Policy]] = {"scenario": None, "erlang": erlang,  # None: the scenario as written
                                          "optimise": optimised}


def register(name: str, policy: Policy) -> None:
    """Make ``staffing.policy=<name>`` run ``policy``."""
    POLICIES[name] = policy


MAX_ITERATIONS = 10_000  # staffing.max_iterations: rounds of a simulating policy


def check_staffing(staffing: StaffingConfig) -> None:
    """The ``staffing`` settings, whichever policy runs (a wrong value is an error even where the
    chosen policy does not read it): the policy's name, the queueing model, the shrinkage, and a
    simulating policy's replications, confidence and iterations. The targets are checked when a
    policy plans (:func:`plan_staffing`)."""
    if staffing.policy not in POLICIES:
        raise ConfigError("staffing.policy", f"unknown staffing policy {staffing.policy!r}", allowed=tuple(POLICIES))
    check_model(staffing.model)
    check_shrinkage(staffing.shrinkage)
    whole_in_range(staffing.replications, "staffing.replications", 1, MAX_REPLICATIONS)
    if not (is_number(staffing.confidence) and 0 < staffing.confidence < 1):
        raise ConfigError("staffing.confidence", f"must be between 0 and 1 (exclusive), got {staffing.confidence!r}")
    whole_in_range(staffing.max_iterations, "staffing.max_iterations", 1, MAX_ITERATIONS)


def plan_staffing(app: AppConfig, scenario_cfg: ScenarioConfig, scenario: Scenario,
                  progress: Optional[bool] = None) -> Optional[Plan]:
    """The plan of ``app.staffing.policy`` for ``scenario`` (validated from ``scenario_cfg``), its
    ``scenario_cfg`` the scenario to simulate; None for the scenario policy (run as written)."""
    check_staffing(app.staffing)
    policy = POLICIES[app.staffing.policy]
    if policy is None:
        return None
    targets = targets_from(app.staffing.targets, scenario.kpi)
    plan = policy(dataclasses.replace(app, scenario=scenario_cfg), scenario, targets, progress)
    return dataclasses.replace(plan, scenario_cfg=staffed(scenario_cfg, plan.headcounts))


ON_THE_PHONES = {"activities": {}, "absenteeism": 0.0, "adherence": 1.0}  # a planned group's shrinkage: none


def staffed(scenario_cfg: ScenarioConfig, headcounts: Dict[str, Tuple[int, ...]]) -> ScenarioConfig:
    """``scenario_cfg`` with each group of ``headcounts`` staffed by its counts per interval (a
    steady-state run, whose counts are all equal: a fixed headcount). The counts are agents on the
    phones, so the group's own shrinkage (activities, absenteeism, adherence; shifts and their
    breaks go with the shifts) is cleared: a plan accounts for shrinkage in the agents it pays."""
    unknown = [name for name in headcounts if name not in scenario_cfg.groups]
    if unknown:
        raise ValueError(f"a staffing plan names groups the scenario lacks: {unknown}")
    steady = scenario_cfg.horizon.kind == "steady_state"
    groups = dict(scenario_cfg.groups)
    for name, counts in headcounts.items():
        counts = [int(c) for c in counts]
        if steady and len(set(counts)) == 1:
            staffing = {"headcount": counts[0], "headcount_per_interval": None, "shifts": {}}
        else:
            staffing = {"headcount": None, "headcount_per_interval": counts, "shifts": {}}
        groups[name] = dataclasses.replace(groups[name], **staffing, **ON_THE_PHONES)
    return dataclasses.replace(scenario_cfg, groups=groups)
