"""What a staffing plan must achieve: the targets every policy (Erlang requirements, the
simulation-based optimiser, the verification of a roster) is held to, and the one rule that
says whether a set of KPIs meets them.

A target left unset (None) is not checked. Service level is the scenario's SL variant
(``scenario.kpi.sl_variant``; the Erlang formulas give answered within T over offered), the
abandonment rate is abandoned over offered, ASA the mean wait of answered calls, occupancy the
busy share of the agents' available time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from sim.errors import ConfigError
from sim.model.bounds import MAX_DURATION, in_range

SCOPES = ("interval", "day")  # targets met in every interval, or over the whole day


@dataclass(frozen=True)
class Targets:
    service_level: Optional[float]  # fraction answered within ``threshold``
    threshold: float  # s
    max_abandon: Optional[float]  # fraction of offered calls
    max_asa: Optional[float]  # s
    max_occupancy: Optional[float]  # fraction
    scope: str = "interval"
    # an interval x call type offered fewer calls than this (on average) is judged on its mean, not
    # on its confidence bound: 0.5 calls per half hour cannot show a service level "with confidence"
    min_calls: float = 10.0

    def met(self, service_level: float, abandon: float, asa: float, occupancy: float = math.nan) -> bool:
        """True when every set target holds (a KPI that is NaN, e.g. no call offered, holds)."""
        return not self.shortfalls(service_level, abandon, asa, occupancy)

    def shortfalls(self, service_level: float, abandon: float, asa: float, occupancy: float = math.nan) -> dict:
        """{kpi name: by how much it misses its target (> 0)} for the targets that are missed."""
        missed = {}
        if self.service_level is not None and service_level < self.service_level:
            missed["service_level"] = self.service_level - service_level
        if self.max_abandon is not None and abandon > self.max_abandon:
            missed["abandon_rate"] = abandon - self.max_abandon
        if self.max_asa is not None and asa > self.max_asa:
            missed["asa"] = asa - self.max_asa
        if self.max_occupancy is not None and occupancy > self.max_occupancy:
            missed["occupancy"] = occupancy - self.max_occupancy
        return missed


def targets_from(cfg, kpi, where: str = "staffing.targets") -> Targets:
    """Targets from a ``StaffingTargetsConfig`` (or a mapping with its fields); unset service level
    and threshold come from the scenario's KPI settings ``kpi`` (sl_target, sl_threshold)."""
    get = cfg.get if hasattr(cfg, "get") else lambda name, default=None: getattr(cfg, name, default)
    service_level = get("service_level", None)
    service_level = kpi.sl_target if service_level is None else service_level
    threshold = get("threshold", None)
    threshold = kpi.sl_threshold if threshold is None else threshold
    scope = get("scope", "interval")
    if scope not in SCOPES:
        raise ConfigError(f"{where}.scope", f"unknown scope {scope!r}", allowed=SCOPES)

    def fraction(name, value, high=1.0):
        if value is None:
            return None
        value = in_range(value, f"{where}.{name}", 0.0, high)
        return value

    service_level = fraction("service_level", service_level)
    if service_level is not None and service_level >= 1.0:
        raise ConfigError(f"{where}.service_level", "must be below 1 (a service level of 1 is never reached)")
    max_abandon = fraction("max_abandon", get("max_abandon", None))
    max_occupancy = fraction("max_occupancy", get("max_occupancy", None))
    if max_occupancy is not None and max_occupancy <= 0.0:
        raise ConfigError(f"{where}.max_occupancy", "must be above 0")
    max_asa = get("max_asa", None)
    max_asa = None if max_asa is None else in_range(max_asa, f"{where}.max_asa", 0.0, MAX_DURATION, " s (a day)")
    threshold = in_range(threshold, f"{where}.threshold", 0.0, MAX_DURATION, " s (a day)")
    min_calls = in_range(get("min_calls", 10.0), f"{where}.min_calls", 0.0, 1e9)
    if service_level is None and max_abandon is None and max_asa is None:
        raise ConfigError(where, "sets no target: give at least one of service_level, max_abandon, max_asa")
    return Targets(service_level, threshold, max_abandon, max_asa, max_occupancy, scope, min_calls)
