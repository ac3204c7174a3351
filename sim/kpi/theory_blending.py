"""Simulated KPIs of a blended pool beside the threshold model of call blending, with the run's CI.

Applies to the scenario that expresses :mod:`sim.analytic_blending` exactly: one inbound call type
(constant Poisson arrivals, exponential talk, no wrap-up, no patience, no trunks) served by one
group with fixed headcount and speed 1, which also works one campaign whose every attempt reaches
the right party at once (unlimited list, dialling in every interval, right_party = 1, no ring
time, exponential talk, no wrap-up; progressive with one line per free agent, or preview), under
the blending policy ``threshold`` with threshold k, in steady state. A freed agent then takes a
waiting call first, and the dial pass at the end of each instant starts an outbound call for each
idle agent beyond k: the model's rule.

Rows (fractions of all arrivals, as in :mod:`sim.kpi.theory`): service level, ASA, mean queue,
occupancy (inbound + outbound busy / on duty: the group tables' busy time counts outbound work),
inbound and outbound occupancy, and outbound calls per hour (connects in the batch / its hours).
Outbound work is read from the dial attempts (``results.attempts``: connect_time not NaN; busy
from connect to connect + talk + wrap-up); without them (runs kept only as numbers) the three
outbound rows are left out. Batches are the measured intervals, as for the Erlang rows.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pandas as pd

from sim.model.scenario import Scenario

MODEL = "blending_threshold"
RIGHT_PARTY_ONLY = (1.0, 0.0, 0.0, 0.0, 0.0)  # per result, in protocol.DIAL_RESULT_NAMES order
INBOUND_METRICS = ("service_level", "asa", "mean_queue", "occupancy")
OUTBOUND_METRICS = ("inbound_occupancy", "outbound_occupancy", "outbound_per_hour")


def model(scenario: Scenario) -> Optional[str]:
    """MODEL if the scenario is the threshold blending model (module docstring), else None."""
    if len(scenario.call_types) != 1 or len(scenario.groups) != 1 or len(scenario.campaigns) != 1:
        return None
    ct, group, campaign = scenario.call_types[0], scenario.groups[0], scenario.campaigns[0]
    agents = len(group.spells)
    fixed = agents > 0 and all(spells == ((0.0, math.inf),) for spells in group.spells)
    inbound = (fixed and scenario.horizon_kind == "steady_state" and scenario.busyness_cv == 0
               and scenario.trunks is None and ct.patience is None and ct.talk.kind == "exponential"
               and ct.wrapup is None and group.speed == (1.0,) and ct.route == ((0, 0.0),)
               and ct.rates[0] * ct.talk.mean < agents)
    dials_at_once = (campaign.mode == "preview"
                     or (campaign.mode == "progressive" and campaign.calls_per_agent == 1))
    outbound = (campaign.groups == (0,) and campaign.list_size == -1 and all(campaign.dial_open)
                and all(row == RIGHT_PARTY_ONLY for row in campaign.probabilities)
                and (campaign.ring is None or (campaign.ring.kind == "deterministic" and campaign.ring.mean == 0))
                and campaign.talk.kind == "exponential" and campaign.wrapup is None and dials_at_once)
    return MODEL if inbound and outbound and scenario.blending.policy == "threshold" else None


def predict(scenario: Scenario):
    """The model's prediction (a sim.analytic_blending.BlendingMetrics, times in seconds), or None."""
    if model(scenario) is None:
        return None
    from sim.analytic_blending import blending_metrics  # (scipy: only for the scenarios it applies to)

    ct, campaign, agents = scenario.call_types[0], scenario.campaigns[0], len(scenario.groups[0].spells)
    return blending_metrics(ct.rates[0], ct.talk.mean, campaign.talk.mean, agents,
                            min(scenario.blending.threshold, agents), scenario.kpi.sl_threshold)


def busy_seconds_before(points, starts, ends) -> np.ndarray:
    """Total busy time of the spells [starts, ends) before each of ``points``: sum of
    clip(min(end, x) - start, 0), from sorted prefix sums (no loop over spells)."""
    points = np.asarray(points, float)
    starts, ends = np.sort(np.asarray(starts, float)), np.sort(np.asarray(ends, float))
    def before(sorted_times):
        n = np.searchsorted(sorted_times, points, side="left")
        prefix = np.concatenate(([0.0], np.cumsum(sorted_times)))
        return points * n - prefix[n]
    return before(starts) - before(ends)  # (x - start)+ - (x - end)+ = min(end, x) - start, or 0


def outbound_batch_sums(results, batches: pd.Index) -> pd.DataFrame:
    """Per batch (measured interval): outbound busy seconds, inbound busy seconds (the group's busy
    time less the outbound) over seconds on duty, and connects over the batch's hours."""
    scenario, attempts = results.scenario, results.attempts
    starts = np.maximum(scenario.interval_starts()[batches], scenario.warmup)
    ends = scenario.interval_ends()[batches]
    connect = np.asarray(attempts.connect_time, float)
    connected = ~np.isnan(connect)
    begin = connect[connected]
    finish = begin + np.asarray(attempts.talk, float)[connected] + np.asarray(attempts.wrapup, float)[connected]
    outbound = busy_seconds_before(ends, begin, finish) - busy_seconds_before(starts, begin, finish)
    connects = np.searchsorted(np.sort(begin), ends, "left") - np.searchsorted(np.sort(begin), starts, "left")
    groups = results.group_intervals.set_index("interval").loc[batches]
    on_duty = groups.available.to_numpy(float) * (ends - starts)
    busy = groups.busy.to_numpy(float) * (ends - starts)
    return pd.DataFrame({
        "inbound_occupancy_num": busy - outbound, "inbound_occupancy_den": on_duty,
        "outbound_occupancy_num": outbound, "outbound_occupancy_den": on_duty,
        "outbound_per_hour_num": connects.astype(float), "outbound_per_hour_den": (ends - starts) / 3600.0,
    }, index=batches)


def compare(results, confidence: float = 0.95) -> Optional[pd.DataFrame]:
    """Table of metric, simulated value, CI half-width, theory, and whether theory is inside."""
    theory = predict(results.scenario)
    if theory is None:
        return None
    from sim.kpi.theory import _table, batch_sums, ratio_interval, within

    batches = batch_sums(results)
    metrics = INBOUND_METRICS
    if getattr(results, "attempts", None) is not None:
        batches = batches.join(outbound_batch_sums(results, batches.index))
        metrics += OUTBOUND_METRICS
    expected = {m: getattr(theory, m) for m in INBOUND_METRICS + OUTBOUND_METRICS[:2]}
    expected["outbound_per_hour"] = theory.outbound_rate * 3600.0
    rows = []
    for metric in metrics:
        value, half = ratio_interval(batches[f"{metric}_num"], batches[f"{metric}_den"], confidence)
        rows.append({"metric": metric, "simulated": value, "ci95": half, "theory": expected[metric],
                     "within_ci": within(value, expected[metric], half)})
    table = _table(rows)
    table.attrs["model"] = MODEL
    table.attrs["batches"] = len(batches)
    return table
