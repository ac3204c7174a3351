"""Batch means: confidence intervals for a steady-state run from one long replication.

The alternative to independent replications for steady-state scenarios: run once, delete the
warm-up (``horizon.warmup_hours``), cut the measured time into ``batches`` consecutive batches of
whole intervals, and treat the batches as (nearly) independent observations. Each KPI is a ratio
of sums over the batches (answered within T / offered, total wait / answered, busy / on duty,
...), with a delta-method Student t half-width (:func:`sim.kpi.theory.ratio_interval`). Batches must
be long against the queue's memory (many mean handle times); 20 to 30 batches is the usual
choice, and fewer, longer batches are safer than many short ones.

Intervals that begin inside the warm-up or are cut short by the horizon are left out; when the
number of whole intervals is not a multiple of ``batches``, the first few after the warm-up are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.kpi import definitions
from sim.kpi.theory import ratio_interval



@dataclass
class BatchMeans:
    """The run's summary and group tables with ratio KPIs estimated over the batches, each
    followed by ``<kpi>_ci``, and a ``batches`` column."""

    batches: int
    intervals_per_batch: int
    confidence: float
    summary: pd.DataFrame
    groups: pd.DataFrame


def _batch_index(scenario, intervals: np.ndarray, batches: int) -> np.ndarray:
    """For each interval number, its batch (or -1 when left out)."""
    starts, ends = scenario.interval_starts(), scenario.interval_ends()
    whole = np.flatnonzero((starts >= scenario.warmup - 1e-9) & (ends - starts >= scenario.interval_length - 1e-9))
    if len(whole) < batches:
        raise ConfigError("experiment.batches", f"the run has {len(whole)} whole measured intervals, fewer than "
                                                f"the {batches} batches asked for; lower experiment.batches or "
                                                "lengthen scenario.horizon.hours")
    per_batch = len(whole) // batches
    used = whole[len(whole) - per_batch * batches:]
    batch_of = np.full(len(starts), -1)
    batch_of[used] = np.arange(len(used)) // per_batch
    return batch_of[intervals]


def _sums(frame: pd.DataFrame, key: str, batch: np.ndarray, columns: dict) -> pd.DataFrame:
    """Per (key, batch): the sum of each ``columns`` expression over the batch's intervals."""
    data = pd.DataFrame({name: f(frame) for name, f in columns.items()})
    data[key], data["batch"] = frame[key].to_numpy(), batch
    return data[data.batch >= 0].groupby([key, "batch"], sort=False).sum()


def batch_means(results, batches: int = 20, confidence: float = 0.95) -> BatchMeans:
    """Batch-means estimates and confidence intervals for a steady-state run's KPIs."""
    scenario = results.scenario
    if scenario.horizon_kind != "steady_state":
        raise ConfigError("experiment.method", "batch means need a steady-state scenario "
                                               "(scenario.horizon.kind=steady_state); use replications for a day",
                          allowed=("replications",))
    if isinstance(batches, bool) or not isinstance(batches, (int, np.integer)) or batches < 2:
        raise ConfigError("experiment.batches", f"must be a whole number of at least 2, got {batches!r}")
    if not (isinstance(confidence, (int, float, np.floating)) and 0 < confidence < 1):
        raise ConfigError("experiment.confidence", f"must be between 0 and 1 (exclusive), got {confidence!r}")
    iv = results.intervals
    answered = iv.answered.to_numpy(float)
    sums = _sums(iv, "call_type", _batch_index(scenario, iv.interval.to_numpy(), batches), {
        "service_level_num": lambda f: f.answered_within_T, "service_level_den": lambda f: definitions.sl_denominator(scenario.kpi.sl_variant, f.offered, f.answered,
                                                                  f.late_abandoned),
        "abandon_rate_num": lambda f: f.abandoned, "abandon_rate_den": lambda f: f.offered,
        "asa_num": lambda f: np.nan_to_num(f.asa.to_numpy() * answered), "asa_den": lambda f: answered,
        "aht_num": lambda f: np.nan_to_num(f.aht.to_numpy() * answered), "aht_den": lambda f: answered,
        "avg_queue_num": lambda f: f.avg_queue, "avg_queue_den": lambda f: np.ones(len(f)),
    })
    summary = _estimates(results.summary, "call_type", sums, ("service_level", "abandon_rate", "asa", "aht", "avg_queue"),
                         batches, confidence)
    gi = results.group_intervals
    gsums = _sums(gi, "group", _batch_index(scenario, gi.interval.to_numpy(), batches), {
        "occupancy_num": lambda f: f.busy, "occupancy_den": lambda f: f.available})
    groups = _estimates(results.groups, "group", gsums, ("occupancy",), batches, confidence)
    per_batch = int((_batch_index(scenario, np.arange(len(scenario.interval_starts())), batches) == 0).sum())
    return BatchMeans(batches=batches, intervals_per_batch=per_batch, confidence=confidence, summary=summary,
                      groups=groups)


def _estimates(table: pd.DataFrame, key: str, sums: pd.DataFrame, kpis, batches: int, confidence: float) -> pd.DataFrame:
    """``table`` with each KPI replaced by its batch estimate and followed by its half-width."""
    out = table.copy()
    out.insert(1, "batches", batches)
    for kpi in kpis:
        estimates = {}
        for name, rows in sums.groupby(level=0, sort=False):
            estimates[name] = ratio_interval(rows[f"{kpi}_num"], rows[f"{kpi}_den"], confidence)
        value = out[key].map(lambda name: estimates.get(name, (np.nan, np.nan))[0])
        half = out[key].map(lambda name: estimates.get(name, (np.nan, np.nan))[1])
        out[kpi] = value.astype(float)
        out.insert(out.columns.get_loc(kpi) + 1, f"{kpi}_ci", half.astype(float))
    out.attrs["confidence"] = confidence  # for the reports' wording
    return out
