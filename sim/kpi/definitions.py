"""The KPI definitions, written once. Every table uses them: from per-call records
(:mod:`sim.kpi.tables`), from streaming tallies (:mod:`sim.kpi.streaming`; the compiled loop's
tallies classify each call by the same three wait rules, which tests/test_stream_kpi.py checks
table by table), batch means (:mod:`sim.experiments.batch_means`) and the reports.

  offered       calls that reach the agents' queue: answered + abandoned + unfinished. Blocked
                calls (trunks full) and short abandons (waited < kpi.short_abandon) are counted
                apart and are not offered.
  service level answered within T / a denominator chosen by kpi.sl_variant:
                offered (default) | answered | answered + late abandoned (waited more than T).
  abandon rate  abandoned / offered.
  ASA           mean wait of answered calls; mean_wait and p90_wait cover the offered calls that
                left the queue (answered or abandoned).
  AHT           talk + wrap-up, mean over answered calls.
  occupancy     busy (talk + wrap-up) / time on duty; utilisation = busy / time paid.
The Erlang comparison (:mod:`sim.kpi.theory`) uses the textbook definitions instead (fractions of
all arrivals), to compare like with like.
"""

from __future__ import annotations

import numpy as np

from sim.model.scenario import SL_VARIANTS  # the names a scenario may choose (validated there)

TOTAL = "total"  # the row of every per-type table that covers all call types
FRACTIONS = ("service_level", "abandon_rate", "occupancy", "utilisation")  # KPIs between 0 and 1 (shown as %)


def is_short_abandon(wait, short_abandon: float):
    """An abandon after waiting less than ``short_abandon`` s is counted apart, not offered."""
    return wait < short_abandon


def within_threshold(wait, threshold: float):
    """An answered call counts towards the service level if it waited at most T."""
    return wait <= threshold


def is_late(wait, threshold: float):
    """An abandon is late if the caller waited more than T."""
    return wait > threshold


def offered(answered, abandoned, unfinished):
    """Calls that reached the agents' queue (short abandons already taken out of ``abandoned``)."""
    return answered + abandoned + unfinished


def sl_denominator(variant: str, offered, answered, late_abandoned):
    """The service level's denominator under ``variant`` (one of SL_VARIANTS)."""
    if variant == "offered":
        return offered
    if variant == "answered":
        return answered
    if variant == "answered_and_late_abandoned":
        return answered + late_abandoned
    raise ValueError(f"unknown service-level variant {variant!r} (allowed: {', '.join(SL_VARIANTS)})")


def ratio(numerator, denominator) -> np.ndarray:
    """numerator / denominator element by element, NaN where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.full(np.broadcast(numerator, denominator).shape, np.nan),
                     where=denominator > 0)
