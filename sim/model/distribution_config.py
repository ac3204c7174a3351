"""The schema of a duration distribution (talk time, wrap-up, patience, IVR time), shared by the
scenario schema (:mod:`sim.model.config`, which re-exports it) and the IVR's (:mod:`sim.model.ivr_config`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass
class DistributionConfig:
    """A duration distribution (talk time, wrap-up, patience).

    kind: exponential (mean) | lognormal (mean, cv) | gamma (mean, cv) | weibull (mean, cv)
          | deterministic (mean) | uniform (low, high)
          | empirical (values, or file + column of a CSV: resampled with equal weights)
    """

    kind: str = "exponential"
    mean: Optional[float] = None
    cv: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    values: Optional[List[float]] = None
    file: Optional[str] = None
    column: Optional[str] = None
