"""The prices a scenario puts on a day (``scenario.costs`` and each call type's ``revenue``),
validated: telephony per minute on the line, a penalty per abandoned call, revenue per answered
call of each type. Wages are the groups' ``cost_per_hour`` on paid hours (:class:`Group`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from sim.model import bounds


@dataclass(frozen=True)
class Costs:
    telephony_per_minute: float = 0.0
    abandon_penalty: float = 0.0  # per abandoned call
    revenue: Tuple[float, ...] = ()  # per answered call, per call type index (() : none)

    def revenue_of(self, call_type: int) -> float:
        return self.revenue[call_type] if self.revenue else 0.0


def build_costs(costs_cfg, call_types_cfg) -> Costs:
    """Costs from ``scenario.costs`` and the call types' ``revenue`` (a mapping name -> config)."""
    telephony = bounds.in_range(costs_cfg.telephony_per_minute, "costs.telephony_per_minute", 0.0, bounds.MAX_PRICE)
    penalty = bounds.in_range(costs_cfg.abandon_penalty, "costs.abandon_penalty", 0.0, bounds.MAX_PRICE)
    revenue = tuple(bounds.in_range(c.revenue, f"call_types.{name}.revenue", 0.0, bounds.MAX_PRICE)
                    for name, c in call_types_cfg.items())
    return Costs(telephony, penalty, revenue if any(revenue) else ())
