"""The IVR's config schema (a call type's self-service stage), registered with the scenario schema
in :mod:`sim.model.config`; validated into :class:`sim.model.ivr.Ivr` by :mod:`sim.model.ivr`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional

from sim.model.distribution_config import DistributionConfig


@dataclass
class IvrConfig:
    """A self-service menu in front of a call type's queue.

    Every caller of the type first spends ``duration`` in the menu; then, with probability
    ``finish`` the caller is self-served (leaves), with ``hang_up`` leaves in the menu, and
    otherwise zeroes out to an agent queue: ``zero_out`` maps call type names to probabilities
    (the call joins that type's queue, with its route and priority; it keeps its own talk time,
    wrap-up and patience). finish + hang_up + zero_out sum to 1; with ``zero_out`` null the rest
    goes to the type's own queue.
    """

    duration: DistributionConfig = field(default_factory=DistributionConfig)
    finish: float = 0.0
    hang_up: float = 0.0
    zero_out: Optional[Dict[str, float]] = None
