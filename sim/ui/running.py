"""Run the page's scenario on the fast engine with common random numbers: every run of the page
uses the same seed, so "before" and "after" receive the very same calls (same arrival times,
talk times and patience: the random streams are keyed by call type and purpose, see
:mod:`sim.model.random_inputs`), and differ only by what the trainer changed.

The played day is one run with per-call records (for the animation); with ``replications`` > 1
the same scenario is also replicated on the seeds spawned from that seed
(:func:`sim.experiments.replications.replicate`), for KPI means and paired differences with
confidence intervals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from sim.experiments.replications import Replicated, replicate
from sim.kpi.tables import TOTAL
from sim.simulate import Results, simulate
from sim.ui.timeline import Timeline, day_timeline

SEED = 1  # the page's fixed seed (common random numbers across its runs)
ENGINE = "fast"


@dataclass
class Run:
    """One press of Run: the played day, its timeline, and the replications when asked for."""

    label: str
    scenario: dict  # as the form wrote it
    results: Results
    timeline: Timeline
    replicated: Optional[Replicated]
    seconds: float  # wall time of the run, timeline included

    def day_kpis(self) -> dict:
        """Service level, ASA, abandonment (all calls) and occupancy (all agents) of the played day."""
        total = self.results.summary.set_index("call_type").loc[TOTAL]
        return {"service_level": float(total.service_level), "asa": float(total.asa),
                "abandon_rate": float(total.abandon_rate), "occupancy": occupancy(self.results.group_intervals)}


def occupancy(group_intervals: pd.DataFrame) -> float:
    """Busy time over available time of all agents together, over the day."""
    available = float(group_intervals.available.sum())
    return float(group_intervals.busy.sum()) / available if available > 0 else float("nan")


def run(scenario: dict, label: str, seed: int = SEED, replications: int = 1, step_seconds: float = 60.0) -> Run:
    """Simulate ``scenario`` (validated by the engine: a ConfigError names the bad field)."""
    started = time.perf_counter()
    results = simulate(scenario, seed=seed, engine=ENGINE)
    timeline = day_timeline(results, step_seconds)
    replicated = replicate(scenario, replications, seed=seed, engine=ENGINE, progress=False, n_jobs=1) \
        if replications > 1 else None
    return Run(label, scenario, results, timeline, replicated, time.perf_counter() - started)
