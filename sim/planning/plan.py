"""``callsim task=plan``: from the forecast to a roster, verified by simulation.

1. **Requirements.** Per interval x inbound group, the Erlang figure (:mod:`sim.planning.requirements`)
   and, with ``plan.requirement: optimise``, the simulation-optimised one (:mod:`sim.planning.optimise`,
   started from the Erlang figures, with the ``staffing`` settings: targets, replications,
   confidence, iterations). Both are agents on the phones.
2. **Shifts.** Each group's requirement grossed up for ``staffing.shrinkage`` (the share of paid
   time the roster does not show: absence, training, ...) is covered by the least-cost shifts
   with their breaks (:mod:`sim.planning.shift_scheduling`, ``plan.shift_rules``); breaks are
   planned explicitly, so they are not part of that shrinkage. Intervals it cannot cover are
   reported, not raised.
3. **Verification.** The scenario staffed by the roster (each group's own absenteeism, adherence
   and activities as the scenario says) is replicated with the same seeds as the optimiser
   (common random numbers): target against achieved per interval and call type, with confidence
   intervals (:mod:`sim.planning.verification`).

Only day horizons of inbound centers are planned (shifts need a clock; the optimiser staffs
inbound work).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Dict, Optional

import pandas as pd

from sim.errors import ConfigError
from sim.progress import progress_bar
from sim.experiments.replications import Replicated, replicate
from sim.model.bounds import MAX_REPLICATIONS, whole_in_range
from sim.model.config import AppConfig, ScenarioConfig
from sim.model.scenario import Scenario, build_scenario
from sim.planning import policies, requirements as erlang_requirements
from sim.planning.policies import check_staffing
from sim.planning.shift_patterns import enumerate_patterns, rules_from
from sim.planning.shift_scheduling import ShiftSchedule, as_shift_configs, roster_rows, schedule
from sim.planning.targets import Targets, targets_from
from sim.planning.verification import target_vs_achieved

REQUIREMENTS = ("optimise", "erlang")  # plan.requirement


@dataclass
class StaffingPlan:
    """A plan and its verification (``seconds``: per stage)."""

    targets: Targets
    requirements: pd.DataFrame  # per interval x group: calls, load, erlang, optimised, paid (rostered), scheduled
    schedules: Dict[str, ShiftSchedule]  # per planned group
    roster: pd.DataFrame  # one row per shift: roster.csv
    scenario_cfg: ScenarioConfig  # the scenario staffed by the roster
    verification: Replicated  # the roster simulated
    target_table: pd.DataFrame  # target against achieved per interval x call type
    optimiser_note: str
    seconds: Dict[str, float]


def check_plan(app: AppConfig, scenario: Scenario) -> None:
    """What a plan needs, before any work: the settings, a day horizon, no campaigns."""
    check_staffing(app.staffing)
    if app.plan.requirement not in REQUIREMENTS:
        raise ConfigError("plan.requirement", f"unknown requirement {app.plan.requirement!r}", allowed=REQUIREMENTS)
    if scenario.horizon_kind != "day":
        raise ConfigError("task", "a plan needs a day horizon (scenario.horizon.kind: day): shifts are placed on the "
                                  "clock")
    if scenario.campaigns:
        raise ConfigError("task", "plans staff inbound centers: this scenario has outbound campaigns")
    if app.plan.verify_replications is not None:
        whole_in_range(app.plan.verify_replications, "plan.verify_replications", 2, MAX_REPLICATIONS)
    targets_from(app.staffing.targets, scenario.kpi)
    # the shift rules before any simulation: a mistake there must not wait for the optimiser
    minutes = scenario.interval_length / 60.0
    rules = rules_from(app.plan.shift_rules, minutes, scenario.day_start, scenario.n_intervals, "plan.shift_rules")
    enumerate_patterns(rules, minutes, scenario.n_intervals, "plan.shift_rules")


def make_plan(app: AppConfig, scenario_cfg: ScenarioConfig, scenario: Scenario,
              progress: Optional[bool] = None) -> StaffingPlan:
    """The whole plan (module docstring) for ``scenario`` (validated from ``scenario_cfg``), with
    the run's seed and engine."""
    check_plan(app, scenario)
    app = dataclasses.replace(app, scenario=scenario_cfg)
    settings = app.staffing
    targets = targets_from(settings.targets, scenario.kpi)
    began = time.perf_counter()
    if app.plan.requirement == "optimise":  # the staffing policies' own: Erlang, then the optimiser
        required = policies.optimised(app, scenario, targets, progress)
        note = f"Erlang ({settings.model}), then optimised by simulation ({required.requirements.attrs['optimiser']})"
    else:
        required = policies.erlang(app, scenario, targets, progress)
        required.requirements["optimised"] = required.requirements["erlang"]
        note = f"Erlang ({settings.model}); the roster covers them (plan.requirement: erlang)"
    table, headcounts = required.requirements.copy(), required.headcounts
    seconds = {"requirements": time.perf_counter() - began}

    began = time.perf_counter()
    rostered = {name: [erlang_requirements.paid_agents(n, settings.shrinkage) for n in counts]
                for name, counts in headcounts.items()}  # what the roster must have on the phones
    schedules = {}
    with progress_bar(len(rostered), f"{scenario.name}: shifts", "group", enabled=progress) as bar:
        for name, counts in rostered.items():
            bar.set_postfix_str(name)
            schedules[name] = schedule(counts, scenario.interval_length / 60.0, scenario.day_start,
                                       app.plan.shift_rules, cost_per_hour=_group(scenario, name).cost_per_hour,
                                       where="plan.shift_rules")
            bar.update(1)
    table["scheduled"] = [schedules[g].coverage[j] for j, g in zip(table.interval, table.group)]
    table["paid"] = [rostered[g][j] for j, g in zip(table.interval, table.group)]  # on the phones / (1 - s)
    table.attrs = {**required.requirements.attrs, "policy": "plan"}
    roster = pd.DataFrame([row for name, s in schedules.items() for row in roster_rows(s, name)])
    seconds["shifts"] = time.perf_counter() - began

    began = time.perf_counter()
    roster_cfg = rostered_scenario(scenario_cfg, schedules)
    replications = app.plan.verify_replications or settings.replications
    verification = replicate(build_scenario(roster_cfg), replications, seed=app.seed, engine=app.engine,
                             confidence=settings.confidence, progress=progress)
    seconds["verification"] = time.perf_counter() - began
    return StaffingPlan(targets, table, schedules, roster, roster_cfg, verification,
                        target_table(verification, targets), note, seconds)


def rostered_scenario(scenario_cfg: ScenarioConfig, schedules: Dict[str, ShiftSchedule]) -> ScenarioConfig:
    """``scenario_cfg`` with each planned group staffed by its roster's shifts and breaks (its own
    absenteeism, adherence and activities kept: the verification lives the day as planned)."""
    groups = dict(scenario_cfg.groups)
    for name, result in schedules.items():
        shifts = {shift: dict(spec, breaks=list(spec["breaks"])) for shift, spec in as_shift_configs(result).items()}
        groups[name] = dataclasses.replace(groups[name], headcount=None, headcount_per_interval=None, shifts=shifts)
    return dataclasses.replace(scenario_cfg, groups=groups)


def target_table(verification: Replicated, targets: Targets) -> pd.DataFrame:
    """Target against achieved per interval x call type of the verification run."""
    return target_vs_achieved(verification.intervals, targets)


def _group(scenario: Scenario, name: str):
    return next(g for g in scenario.groups if g.name == name)



def planned_results(app: AppConfig, scenario_cfg: ScenarioConfig, scenario: Scenario, progress: Optional[bool] = None):
    """(results, statistics) of ``callsim task=plan``: the verification run, carrying the plan's
    tables for the reports (``requirements``, ``roster``, ``plan_targets``, ``plan_notes``)."""
    plan = make_plan(app, scenario_cfg, scenario, progress=progress)
    results = plan.verification
    results.requirements, results.roster, results.plan_targets = plan.requirements, plan.roster, plan.target_table
    under = {name: s.under_covered for name, s in plan.schedules.items() if s.under_covered}
    shifts = "; ".join(f"{name}: {s.paid_hours:,.1f} paid h, {s.status}" for name, s in plan.schedules.items())
    results.plan_notes = [
        f"Requirements on the phones: {plan.optimiser_note}; rostered = required / (1 - staffing.shrinkage "
        f"{app.staffing.shrinkage:g}), rounded up.",
        f"Shifts: {shifts}.", "Seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in plan.seconds.items()) + ".",
        "Under-covered intervals: " + ("; ".join(f"{name} {len(js)} intervals" for name, js in under.items())
                                       if under else "none") + ".",
    ]
    method = f"{results.replications} independent replications of the roster (the optimiser's seeds)"
    return results, method
