"""The callback (virtual hold) config schema of a call type, registered with the scenario schema in
:mod:`sim.model.config`; validated into :class:`sim.model.callbacks.Callback` by
:mod:`sim.model.callbacks`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sim.model.distribution_config import DistributionConfig


@dataclass
class CallbackConfig:
    """Callbacks offered to callers of a call type who would wait long.

    A call that joins its queue (no agent free for it) is offered a callback when its predicted
    wait exceeds ``offer_above`` seconds (sim.model.callbacks states the prediction rule), and
    accepts with probability ``accept``. ``mode``: ``keep_place`` (the callback keeps the
    caller's place in line) or ``scheduled`` (the caller leaves the queue at the acceptance and
    the callback joins its back ``delay`` after it; ``delay`` is required then, refused otherwise). An agent that takes it dials: ``ring`` long; the customer answers with
    probability ``reach`` (then the call's own talk and wrap-up), else the agent is free again
    and the callback is retried ``retry_delay`` later, at most ``retries`` times, then fails.
    """

    offer_above: float = 0.0
    accept: float = 1.0
    mode: str = "keep_place"
    delay: Optional[DistributionConfig] = None
    ring: DistributionConfig = field(default_factory=lambda: DistributionConfig(kind="deterministic", mean=0.0))
    reach: float = 1.0
    retries: int = 0
    retry_delay: Optional[DistributionConfig] = None
