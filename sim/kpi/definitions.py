"""The KPI definitions, written once. Every table uses them: from per-call records
(:mod:`sim.kpi.tables`), from streaming tallies (:mod:`sim.kpi.streaming`; the compiled loop's
tallies classify each call by the same three wait rules, which tests/test_stream_kpi.py checks
table by table), batch means (:mod:`sim.experiments.batch_means`) and the reports.

  offered       calls that reach the agents' queue: answered + abandoned + unfinished. Blocked
                calls (trunks or IVR ports full), short abandons (waited < kpi.short_abandon),
                self-served calls and hang-ups in an IVR menu (self_served, ivr_abandoned) are
                counted apart and are not offered. With an IVR a call counts under the queue it
                joined (its dialled type if none) and its wait starts when it left the menu.
  service level answered within T / a denominator chosen by kpi.sl_variant:
                offered (default) | answered | answered + late abandoned (waited more than T).
  abandon rate  abandoned / offered.
  ASA           mean wait of answered calls; mean_wait and p90_wait cover the offered calls that
                left the queue (answered or abandoned).
  AHT           talk + wrap-up, mean over answered calls.
  occupancy     busy (talk + wrap-up) / available (time on duty); utilisation = busy / paid
                (paid, scheduled, staffed and available hours: sim.kpi.hours).
  With outbound campaigns, busy also counts outbound work (below): occupancy = (inbound +
  outbound busy) / time on duty; answered and AHT stay inbound.
The Erlang comparison (:mod:`sim.kpi.theory`) uses the textbook definitions instead (fractions of
all arrivals), to compare like with like.

Outbound (:mod:`sim.kpi.outbound`; one row per dial attempt, counted in the interval of its dial
time, after the warm-up):
  live answer     the attempt reached a person: result right_party or wrong_party.
  connect         a live answer put through to an agent (it has a connect time).
  RPC             right-party contact: right_party and connected.
  nuisance rate   nuisance calls (live answers dropped: no agent within the nuisance wait) /
                  live answers; shown beside the campaign's cap (nuisance_cap).
  outbound busy   agent time on a campaign: preview dialling (dial to end of ringing), talk and
                  wrap-up of its connected calls.
  agent-hours     of a campaign: its outbound busy time plus the idle on-duty time of its
                  dedicated groups (groups that serve no inbound call type have nothing else to
                  do); blended groups' idle time is inbound capacity and is not charged.
  RPC per agent-hour = RPC / agent-hours.
  record states   at the end of the run (all attempts): attempted (dialled at least once),
                  finished (one attempt connected), exhausted (not finished, and max_attempts
                  reached or the last result is never retried: retry delay inf), open (dialled,
                  may be retried), never dialled (list size - attempted; n/a for an unlimited list).
  penetration     attempted / list size (n/a for an unlimited list);
  attempts per record = attempts / attempted records.
  time shares     of a group's time on duty: inbound busy (talk + wrap-up of its legs), outbound
                  busy, idle (the rest, never negative); they sum to 1.
"""

from __future__ import annotations

import numpy as np

from sim.core.protocol import DIAL_RESULTS, LIVE_RESULTS
from sim.model.scenario import SL_VARIANTS  # the names a scenario may choose (validated there)

TOTAL = "total"  # the row of every per-type table that covers all call types
FRACTIONS = ("service_level", "abandon_rate", "occupancy", "utilisation", "nuisance_rate", "nuisance_cap",
             "penetration", "inbound_share", "outbound_share", "dialling_share", "idle_share")  # KPIs between 0 and 1 (shown as %)


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


LIVE_CODES = np.array([DIAL_RESULTS.index(name) for name in LIVE_RESULTS], np.int8)
RIGHT_PARTY = DIAL_RESULTS.index("RIGHT_PARTY")


def is_live(result):
    """A dial attempt reached a person (right or wrong party)."""
    return np.isin(result, LIVE_CODES)


def is_connected(connect_time):
    """A live answer was put through to an agent."""
    return ~np.isnan(connect_time)


def is_rpc(result, connect_time):
    """A right-party contact: the right party answered and was put through."""
    return (np.asarray(result) == RIGHT_PARTY) & is_connected(connect_time)


def nuisance_rate(nuisance, live):
    """Nuisance calls / live answers (NaN without live answers)."""
    return ratio(nuisance, live)
