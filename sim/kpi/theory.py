"""Simulated KPIs beside the Erlang B / C / A prediction, with the run's own confidence interval.

Applies to a single-queue steady-state scenario that matches a textbook model: one call type,
one group with fixed headcount, constant Poisson arrivals, exponential talk time, no wrap-up,
and either exponential patience (Erlang A), no abandonment (Erlang C) or, with trunks equal to
the agents and no patience, pure loss (Erlang B). Simulated values here use the textbook
definitions (every non-blocked arrival counts; no short-abandon exclusion), so they compare like
with like (fractions are of all arrivals, as in :mod:`sim.analytic`). The 95 % confidence
interval of one run comes from batch means: each measured interval of the run is one batch, and
each metric is a ratio of sums over the batches. Over independent replications
(:func:`compare_replications`) each metric is the mean of the replications' own estimates, with
its Student t interval. A blended pool (one group that also works one campaign) is compared with
the threshold model of call blending instead (:mod:`sim.kpi.theory_blending`). A single queue
whose callers redial is compared with Erlang X (:func:`erlang_x_redial` says when), per attempt
and per caller (attempts per caller, callers lost for good).
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pandas as pd
from sim.model.scenario import Scenario

METRICS = ("service_level", "asa", "p_abandon", "p_block", "occupancy", "mean_queue")


def textbook_model(scenario: Scenario) -> Optional[str]:
    """'erlang_a', 'erlang_c', 'erlang_b', 'blending_threshold' or None if the scenario is not a
    textbook queue."""
    if scenario.campaigns:
        from sim.kpi import theory_blending  # (a blended pool: the threshold model, or none)

        return theory_blending.model(scenario)
    if len(scenario.call_types) != 1 or len(scenario.groups) != 1 or scenario.busyness_cv != 0:
        return None
    ct, group = scenario.call_types[0], scenario.groups[0]
    agents = len(group.spells)
    fixed = agents > 0 and all(spells == ((0.0, math.inf),) for spells in group.spells)
    if not (fixed and scenario.horizon_kind == "steady_state" and ct.talk.kind == "exponential"
            and ct.ivr is None and ct.transfer is None and ct.wrapup is None and group.speed == (1.0,)
            and ct.route == ((0, 0.0),)):
        return None
    if ct.redial is not None and ct.redial.width > 0:
        return "erlang_x" if erlang_x_redial(scenario) is not None else None
    if scenario.trunks is not None:
        return "erlang_b" if scenario.trunks == agents and ct.patience is None else None
    if ct.patience is None:
        return "erlang_c" if ct.rates[0] * ct.talk.mean < agents else None
    return "erlang_a" if ct.patience.kind == "exponential" else None


def erlang_x_redial(scenario: Scenario) -> Optional[float]:
    """Erlang X's one redial probability r for a single queue with redials, or None where it does
    not describe it. Erlang X redials every failed attempt with the same r, for ever, after an
    exponential delay: so the probabilities after an abandon and after a block must agree (only
    the one of a failure that can happen counts: blocks need trunks, abandons patience), the
    delay be exponential, r below 1, the patience exponential or none, the trunks (Erlang X's
    lines) at least the agents, and the attempt limit unreachable in practice: r**(max_attempts - 1)
    <= 1e-6 (even if every attempt failed, a caller would reach it once in a million)."""
    ct, agents = scenario.call_types[0], len(scenario.groups[0].spells)
    rule = ct.redial
    probabilities = set()
    if scenario.trunks is not None:
        probabilities.add(rule.probability_blocked)
    if ct.patience is not None:
        probabilities.add(rule.probability_abandoned)
    if len(probabilities) != 1 or rule.delay.kind != "exponential":
        return None
    r = probabilities.pop()
    if not (0 < r < 1 and r ** (rule.max_attempts - 1) <= 1e-6):
        return None
    if ct.patience is not None and ct.patience.kind != "exponential":
        return None
    if scenario.trunks is not None and scenario.trunks < agents:
        return None
    return r


def predict(scenario: Scenario):
    """The textbook prediction for the scenario (a sim.analytic.QueueMetrics), or None."""
    model = textbook_model(scenario)
    if model is None:
        return None
    if scenario.campaigns:
        from sim.kpi import theory_blending

        return theory_blending.predict(scenario)
    from sim import analytic  # (scipy: only for the scenarios it applies to)

    ct, agents = scenario.call_types[0], len(scenario.groups[0].spells)
    rate, service, T = ct.rates[0], ct.talk.mean, scenario.kpi.sl_threshold
    if model == "erlang_b":
        return analytic.erlang_b_metrics(rate, service, agents)
    if model == "erlang_c":
        return analytic.erlang_c_metrics(rate, service, agents, T)
    if model == "erlang_x":
        return analytic.erlang_x_metrics(rate, service, agents, scenario.trunks,
                                         ct.patience.mean if ct.patience else None, erlang_x_redial(scenario), T)
    return analytic.erlang_a_metrics(rate, service, agents, ct.patience.mean, T)


def batch_sums(results) -> pd.DataFrame:
    """Numerator and denominator of each metric per measured interval (batch).

    Columns ``<metric>_num`` and ``<metric>_den``: each metric is a ratio of sums (answered
    within T / arrivals, total wait / answered, busy time / time on duty, ...).
    """
    scenario = results.scenario
    totals = results.intervals[results.intervals.call_type == "total"].set_index("interval")
    frame = pd.DataFrame({
        "service_level_num": totals.answered_within_T,
        "service_level_den": totals.arrived,
        "asa_num": (totals.asa * totals.answered).fillna(0.0),
        "asa_den": totals.answered,
        "p_abandon_num": totals.abandoned + totals.short_abandoned,
        "p_abandon_den": totals.arrived,
        "p_block_num": totals.blocked,
        "p_block_den": totals.arrived,
    })
    frame["mean_queue_num"], frame["mean_queue_den"] = totals.avg_queue, 1.0
    groups = results.group_intervals.set_index("interval")
    frame["occupancy_num"], frame["occupancy_den"] = groups.busy, groups.available
    # the last interval may be cut short by the horizon: keep whole batches only
    whole = scenario.interval_ends() - scenario.interval_starts() >= scenario.interval_length - 1e-9
    return frame[frame.index.isin(np.flatnonzero(whole))].astype(float)


def ratio_interval(numerators, denominators, confidence: float = 0.95):
    """Ratio-of-sums estimate and its confidence half-width from n batches (delta method).

    Averaging per-batch ratios would weight a quiet hour like a busy one and bias the result;
    the ratio of sums does not.
    """
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    n = len(num)
    ratio = num.sum() / den.sum() if den.sum() > 0 else np.nan
    if n < 2 or not den.sum() > 0:
        return ratio, np.nan
    from sim.analytic_special import stdtrit  # Student t quantile (scipy.special.stdtrit, maybe in a helper)

    residual = num - ratio * den
    half = stdtrit(n - 1, (1 + confidence) / 2) * residual.std(ddof=1) / (math.sqrt(n) * den.mean())
    return ratio, half


def within(value: float, expected: float, half: float):
    """Whether the theory lies inside the interval; NA when there is no interval (fewer than two
    batches or replications), never a "no" that only means "unknown"."""
    return pd.NA if not math.isfinite(half) else bool(abs(value - expected) <= half + 1e-12)


def _table(rows) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    table["within_ci"] = table.within_ci.astype("boolean")
    return table


def compare(results, confidence: float = 0.95) -> Optional[pd.DataFrame]:
    """Table of metric, simulated value, CI half-width, theory, and whether theory is inside."""
    if results.scenario.campaigns:
        from sim.kpi import theory_blending

        return theory_blending.compare(results, confidence)
    theory = predict(results.scenario)
    if theory is None:
        return None
    batches = batch_sums(results)
    rows = []
    for metric in METRICS:
        value, half = ratio_interval(batches[f"{metric}_num"], batches[f"{metric}_den"], confidence)
        expected = getattr(theory, metric)
        rows.append({"metric": metric, "simulated": value, "ci95": half, "theory": expected,
                     "within_ci": within(value, expected, half)})
    if results.caller_intervals is not None:  # Erlang X: the caller-level figures too
        totals = results.caller_intervals[results.caller_intervals.call_type == "total"].set_index("interval")
        totals = totals[totals.index.isin(batches.index)]
        for metric, column in (("attempts_per_caller", "attempts_per_caller"), ("p_lost", "caller_loss")):
            value, half = ratio_interval((totals[column] * totals.callers).fillna(0.0), totals.callers, confidence)
            expected = getattr(theory, metric)
            rows.append({"metric": metric, "simulated": value, "ci95": half, "theory": expected,
                         "within_ci": within(value, expected, half)})
    table = _table(rows)
    table.attrs["model"] = textbook_model(results.scenario)
    table.attrs["batches"] = len(batches)
    return table


def compare_replications(tables, confidence: float = 0.95) -> Optional[pd.DataFrame]:
    """The comparison over independent replications, from each replication's :func:`compare` table:
    each metric's mean over the replications, the t half-width of that mean, and the theory."""
    if not tables or any(table is None for table in tables):
        return None
    from sim.analytic_special import stdtrit

    stacked = pd.concat(tables, ignore_index=True)
    rows = []
    for metric, rows_of in stacked.groupby("metric", sort=False):
        values = rows_of.simulated.dropna().to_numpy(float)
        value = values.mean() if len(values) else np.nan
        half = (stdtrit(len(values) - 1, (1 + confidence) / 2) * values.std(ddof=1) / math.sqrt(len(values))
                if len(values) > 1 else np.nan)
        expected = float(rows_of.theory.iloc[0])
        rows.append({"metric": metric, "simulated": value, "ci95": half, "theory": expected,
                     "within_ci": within(value, expected, half)})
    table = _table(rows)
    table.attrs["model"] = tables[0].attrs["model"]
    table.attrs["replications"] = len(tables)
    return table
