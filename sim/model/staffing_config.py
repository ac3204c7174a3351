"""The typed config of staffing plans (``staffing``, and ``plan`` for ``callsim task=plan``):
policies, targets, the optimiser's settings and the shift-scheduling rules; the rules across
fields are in :mod:`sim.planning`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


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
