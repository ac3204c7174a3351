"""Simulated KPIs beside the Erlang B / C / A prediction, with the run's own confidence interval.

Applies to a single-queue steady-state scenario that matches a textbook model: one call type,
one group with fixed headcount, constant Poisson arrivals, exponential talk time, no wrap-up,
and either exponential patience (Erlang A), no abandonment (Erlang C) or, with trunks equal to
the agents and no patience, pure loss (Erlang B). Simulated values here use the textbook
definitions (every non-blocked arrival counts; no short-abandon exclusion), so they compare like
with like (fractions are of all arrivals, as in :mod:`sim.analytic`). The 95 % confidence interval comes from batch means: each measured interval of the
run is one batch.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from sim import analytic
from sim.scenario import Scenario

METRICS = ("service_level", "asa", "p_abandon", "p_block", "occupancy", "mean_queue")


def textbook_model(scenario: Scenario) -> Optional[str]:
    """'erlang_a', 'erlang_c', 'erlang_b' or None if the scenario is not a textbook queue."""
    if len(scenario.call_types) != 1 or len(scenario.groups) != 1 or scenario.busyness_cv != 0:
        return None
    ct, group = scenario.call_types[0], scenario.groups[0]
    agents = len(group.spells)
    fixed = agents > 0 and all(spells == ((0.0, math.inf),) for spells in group.spells)
    if not (fixed and scenario.horizon_kind == "steady_state" and ct.talk.kind == "exponential"
            and ct.wrapup is None and group.speed == (1.0,) and ct.route == ((0, 0.0),)):
        return None
    if scenario.trunks is not None:
        return "erlang_b" if scenario.trunks == agents and ct.patience is None else None
    if ct.patience is None:
        return "erlang_c" if ct.rates[0] * ct.talk.mean < agents else None
    return "erlang_a" if ct.patience.kind == "exponential" else None


def predict(scenario: Scenario) -> Optional[analytic.QueueMetrics]:
    """The textbook prediction for the scenario, or None."""
    model = textbook_model(scenario)
    if model is None:
        return None
    ct, agents = scenario.call_types[0], len(scenario.groups[0].spells)
    rate, service, T = ct.rates[0], ct.talk.mean, scenario.kpi.sl_threshold
    if model == "erlang_b":
        return analytic.erlang_b_metrics(rate, service, agents)
    if model == "erlang_c":
        return analytic.erlang_c_metrics(rate, service, agents, T)
    return analytic.erlang_a_metrics(rate, service, agents, ct.patience.mean, T)


def batch_values(results) -> pd.DataFrame:
    """Each metric per measured interval (batch), with textbook definitions."""
    scenario, calls = results.scenario, results.calls
    calls = calls[calls.arrival >= scenario.warmup]
    T = scenario.kpi.sl_threshold
    arrived = calls.groupby("interval").size()
    entered = calls[calls.outcome != "blocked"]
    answered = entered.outcome == "answered"
    abandoned = entered.outcome.isin(["abandoned", "short_abandoned"])
    by = entered.interval
    frame = pd.DataFrame({
        "service_level": (answered & (entered.wait <= T)).groupby(by).sum() / arrived,
        "asa": entered.wait.where(answered).groupby(by).mean(),
        "p_abandon": abandoned.groupby(by).sum() / arrived,
        "p_block": (calls.outcome == "blocked").groupby(calls.interval).sum() / arrived,
    })
    totals = results.intervals[results.intervals.call_type == "total"].set_index("interval")
    frame["mean_queue"] = totals.avg_queue
    frame["occupancy"] = results.group_intervals.set_index("interval").occupancy
    # the last interval may be cut short by the horizon: keep whole batches only
    whole = scenario.interval_ends() - scenario.interval_starts() >= scenario.interval_length - 1e-9
    return frame[frame.index.isin(np.flatnonzero(whole))]


def compare(results) -> Optional[pd.DataFrame]:
    """Table of metric, simulated mean, 95 % CI half-width, theory, and whether theory is inside."""
    theory = predict(results.scenario)
    if theory is None:
        return None
    batches = batch_values(results)
    rows = []
    for metric in METRICS:
        values = batches[metric].dropna().to_numpy()
        n = len(values)
        mean = values.mean() if n else np.nan
        half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n) if n > 1 else np.nan
        expected = getattr(theory, metric)
        rows.append({"metric": metric, "simulated": mean, "ci95": half, "theory": expected,
                     "within_ci": bool(abs(mean - expected) <= half) if n > 1 else False})
    table = pd.DataFrame(rows)
    table.attrs["model"] = textbook_model(results.scenario)
    table.attrs["batches"] = len(batches)
    return table
