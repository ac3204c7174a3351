"""The redial config schema (a call type's abandoned and blocked callers calling again), registered
with the scenario schema in :mod:`sim.model.config`; validated into :class:`sim.model.redials.Redial`
by :mod:`sim.model.redials`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sim.model.distribution_config import DistributionConfig


@dataclass
class RedialConfig:
    """Callers of a type who do not get through call again.

    A caller whose attempt ends abandoned (in the queue, short abandons included) calls again with
    probability ``probability_abandoned``, one whose attempt was blocked (trunks or IVR ports full)
    with ``probability_blocked``, ``delay`` after the attempt ended, as a new attempt of the same
    type; ``max_attempts`` counts every attempt, the first included (required, >= 1, when a
    probability is above 0).
    """

    probability_abandoned: float = 0.0
    probability_blocked: float = 0.0
    delay: DistributionConfig = field(default_factory=DistributionConfig)
    max_attempts: Optional[int] = None
