"""The typed config of staffing plans (``staffing``, and ``plan`` for ``callsim task=plan``):
policies, targets, the optimiser's settings and the shift-scheduling rules; the rules across
fields are in :mod:`sim.planning`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sim.model.shift_rules import BreakRuleConfig, ShiftRulesConfig


@dataclass
class StaffingTargetsConfig:
    """What a staffing plan must achieve (sim.planning.targets): unset service level and threshold
    come from ``scenario.kpi``; the others, when null, are not targets. scope: ``interval`` (met in
    every interval) or ``day`` (over the whole day)."""

    service_level: Optional[float] = None  # fraction answered within threshold
    threshold: Optional[float] = None  # s
    max_abandon: Optional[float] = None  # fraction of offered calls
    max_asa: Optional[float] = None  # s
    max_occupancy: Optional[float] = None  # fraction
    scope: str = "interval"
    min_calls: float = 10.0  # fewer calls in an interval x call type (on average): judged on the mean alone


@dataclass
class StaffingConfig:
    """How the groups are staffed.

    policy: ``scenario`` (as each group says: ``headcount``, ``headcount_per_interval`` or
    ``shifts``), ``erlang`` (per-interval requirements from ``model`` for the ``targets``, grossed
    up for ``shrinkage``) or ``optimise`` (the fewest agents per interval x group that meet the
    targets in simulation: ``replications`` replications with common random numbers, the
    targets met with ``confidence``, at most ``max_iterations`` rounds).
    """

    policy: str = "scenario"
    model: str = "erlang_a"  # erlang_c | erlang_a (each call type's mean patience)
    shrinkage: float = 0.0  # share of paid time off the phones: requirement / (1 - shrinkage)
    targets: StaffingTargetsConfig = field(default_factory=StaffingTargetsConfig)
    replications: int = 20
    confidence: float = 0.95
    max_iterations: int = 30


def _default_shift_rules() -> ShiftRulesConfig:
    # a common contact-center pattern (assumption): 4, 6 or 8-hour shifts; a paid 15-min break 1.5
    # to 2.5 h into every shift, an unpaid 30-min lunch 3 to 4.5 h into shifts of 6 h or more
    return ShiftRulesConfig(
        lengths_hours=[4.0, 6.0, 8.0],
        breaks=[BreakRuleConfig(name="break", minutes=15.0, earliest_after=90.0, latest_after=150.0, paid=True),
                BreakRuleConfig(name="lunch", minutes=30.0, earliest_after=180.0, latest_after=270.0, paid=False,
                                min_shift_hours=6.0)],
        time_limit_seconds=3.0, mip_gap=0.01)


@dataclass
class PlanConfig:
    """``callsim task=plan``: the requirements (``staffing``'s model, targets and optimiser
    settings), a roster of shifts covering them, and a verification run of that roster.

    requirement: which requirement the roster covers, ``optimise`` (simulation-based) or
    ``erlang``. shift_rules: the shifts and breaks the roster may use (sim.model.shift_rules).
    verify_replications: replications of the verification run (null: ``staffing.replications``).
    """

    requirement: str = "optimise"
    shift_rules: ShiftRulesConfig = field(default_factory=_default_shift_rules)
    verify_replications: Optional[int] = None
