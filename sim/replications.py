"""Independent replications of a scenario: every KPI as a mean with its confidence interval.

Replication i runs with the i-th seed spawned from the run seed (numpy's SeedSequence), so the
replications are independent and the whole set is reproducible from one seed. Each KPI table
(summary, intervals, groups, group_intervals) is averaged cell by cell over the replications in
which the KPI is defined (a service level of an interval without calls is not); beside every
KPI column ``<kpi>`` come ``<kpi>_ci`` (the half-width of the Student t confidence interval,
NaN with fewer than two values) and, once per table, ``replications`` (how many ran).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from sim.errors import ConfigError
from sim.scenario import build_scenario
from sim.simulate import Results, load_scenario_file, simulate

KEYS = {
    "summary": ["call_type"],
    "intervals": ["interval", "start", "call_type"],
    "groups": ["group"],
    "group_intervals": ["interval", "start", "group"],
}


def replication_seeds(seed: int, replications: int) -> List[int]:
    """The seeds of the replications, spawned from the run seed."""
    return [int(s) for s in np.random.SeedSequence(int(seed)).generate_state(replications, np.uint32)]


@dataclass
class Replicated:
    """Mean and confidence half-width of every KPI over independent replications."""

    runs: List[Results]
    confidence: float
    summary: pd.DataFrame
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame


def aggregate(tables: List[pd.DataFrame], keys: List[str], confidence: float = 0.95) -> pd.DataFrame:
    """Cell-by-cell mean and t confidence half-width over replications of one KPI table."""
    stacked = pd.concat(tables, ignore_index=True)
    values = [c for c in stacked.columns if c not in keys and pd.api.types.is_numeric_dtype(stacked[c])]
    grouped = stacked.groupby(keys, sort=False)[values]
    mean, std, count = grouped.mean(), grouped.std(ddof=1), grouped.count()
    df = (count - 1).where(count > 1)
    half = stdtrit(df, (1 + confidence) / 2) * std / np.sqrt(count)
    out = pd.DataFrame(index=mean.index)
    for column in values:
        out[column] = mean[column]
        out[f"{column}_ci"] = half[column]
    out.insert(0, "replications", len(tables))
    return out.reset_index()


def replicate(scenario, replications: int, seed: int = 1, engine: str = "auto", records: bool = False,
              confidence: float = 0.95) -> Replicated:
    """Run ``replications`` independent replications and aggregate their KPI tables."""
    if not isinstance(replications, (int, np.integer)) or replications < 1:
        raise ConfigError("replications", f"must be a whole number of at least 1, got {replications!r}")
    if not 0 < confidence < 1:
        raise ConfigError("confidence", f"must be between 0 and 1, got {confidence!r}")
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario_file(scenario)
    scenario = build_scenario(scenario)  # validated once, not once per replication
    runs = [simulate(scenario, s, engine=engine, records=records) for s in replication_seeds(seed, replications)]
    tables = {name: aggregate([getattr(r, name) for r in runs], keys, confidence) for name, keys in KEYS.items()}
    return Replicated(runs=runs, confidence=confidence, **tables)
