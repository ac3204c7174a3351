"""Typed configuration of shift scheduling (sim.planning.shift_scheduling): which shifts and
breaks a roster may use. Schema dataclasses like those of :mod:`sim.model.config` (kept apart
because that module is at its size limit); not registered with Hydra's ConfigStore nor part of
``AppConfig`` until the plan command uses them.

Times after a shift's start are in minutes; clock times are "HH:MM" strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from omegaconf import MISSING


@dataclass
class BreakRuleConfig:
    """A break every shift of at least ``min_shift_hours`` gets: ``minutes`` long, starting
    ``earliest_after`` to ``latest_after`` minutes after the shift's start."""

    name: str = "break"
    minutes: float = MISSING
    earliest_after: float = MISSING
    latest_after: float = MISSING
    paid: bool = True
    min_shift_hours: float = 0.0


@dataclass
class ShiftRulesConfig:
    """The shifts a schedule may use: starts from ``start_earliest`` to ``start_latest`` every
    ``start_step_minutes``, lengths ``lengths_hours`` (paid + unpaid), the ``breaks`` placed every
    ``break_step_minutes`` in their windows. The solver stops at ``time_limit_seconds`` or within
    ``mip_gap`` (relative) of its bound on the least cost."""

    start_earliest: Optional[str] = None  # null: the horizon's start
    start_latest: Optional[str] = None  # null: the latest start that still fits the shortest length
    start_step_minutes: Optional[float] = None  # null: the interval length
    lengths_hours: List[float] = field(default_factory=lambda: [8.0])
    breaks: List[BreakRuleConfig] = field(default_factory=list)
    break_step_minutes: float = 15.0
    under_cover_penalty: Optional[float] = None  # per agent-interval short; null: 100 x its cost
    time_limit_seconds: float = 20.0
    mip_gap: float = 0.005  # 0: prove the optimum (may take far longer)
