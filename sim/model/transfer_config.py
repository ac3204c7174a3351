"""The transfer config schema (what happens after a call type's talk), registered with the scenario
schema in :mod:`sim.model.config`; validated into :class:`sim.model.transfers.Transfer`."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Dict, Optional

from sim.model.distribution_config import DistributionConfig


@dataclass
class TransferConfig:
    """Transfers (and escalations) of a call type's answered calls.

    After the talk with an agent, with ``probability`` the caller is transferred: it joins the
    queue of a call type drawn from ``to`` (call type names to probabilities summing to 1), with
    that type's route and priority and a new talk time, wrap-up and patience drawn from that
    type's distributions. Escalation to a second tier is a transfer to a call type routed to the
    tier-2 group; to give transferred calls precedence, transfer them to a call type of their own
    with a higher priority, routed to the same group. ``consult`` (null: none): a consult time
    after the talk, during which the first agent stays busy with the caller (before its wrap-up);
    the caller joins the next queue at its end.
    """

    probability: float = 0.0
    to: Optional[Dict[str, float]] = None
    consult: Optional[DistributionConfig] = None
