"""What the calls cost and earn, per call type and interval (the summary and interval tables),
and the day's cost and net as the summary shows them.

Per row of a KPI table (interval x call type, or call type over the run; a total row sums its
call types):

* ``telephony_cost`` = telephony_per_minute x minutes callers were on the line: every answered
  or abandoned call's wait, plus each answered call's talk (wrap-up comes after the call), plus
  with transfers each consult (the caller is on hold while the first agent consults) =
  price x (mean_wait x (answered + abandoned) + att x answered + consult time) / 60, the consult
  in the row of the leg that was transferred;
* ``abandon_cost`` = abandon_penalty x abandoned calls;
* ``revenue`` = the type's revenue per answered call x answered calls.

Wages are the groups' ``cost`` (paid hours x cost_per_hour, :mod:`sim.kpi.tables`). The day:
total cost = wages + telephony + abandonment penalties; net = revenue - total cost; cost per
call = total cost / offered calls (and per answered call). Replications average each part; the
derived figures are made from those means.

The consult time comes from the legs on the record route (sim.kpi.transfers.record_consults) and
from the fast engine's tallies (a sum per interval x call type, the transferred leg's cell) on the
streamed route, so both routes give one cost.
"""

from __future__ import annotations

import numpy as np

from sim.model.scenario import Scenario

COLUMNS = ("telephony_cost", "abandon_cost", "revenue")


def call_cost_columns(scenario: Scenario, counts: dict, means: dict, consult=None) -> dict:
    """The COLUMNS for rows laid out as the KPI tables' (groups of call types then a total, the
    total last), from the count columns (answered, abandoned), the means (mean_wait, att) and
    with transfers the consult time (s, summed per row; None: no consults)."""
    width = len(scenario.call_types) + 1
    prices = scenario.costs
    if not (prices.telephony_per_minute or prices.abandon_penalty or prices.revenue):  # nothing priced: zeros
        zeros = np.zeros(len(counts["answered"]))  # (replications make these tables hundreds of times)
        return {name: zeros.copy() for name in COLUMNS}
    answered = np.asarray(counts["answered"], float).reshape(-1, width)
    abandoned = np.asarray(counts["abandoned"], float).reshape(-1, width)
    mean_wait = np.nan_to_num(np.asarray(means["mean_wait"], float).reshape(-1, width))
    att = np.nan_to_num(np.asarray(means["att"], float).reshape(-1, width))
    on_line = mean_wait * (answered + abandoned) + att * answered  # s
    if consult is not None:
        on_line += np.asarray(consult, float).reshape(-1, width)
    telephony = prices.telephony_per_minute / 60.0 * on_line
    penalty = prices.abandon_penalty * abandoned
    revenue = answered * np.array([prices.revenue_of(k) for k in range(width - 1)] + [0.0])
    out = {}
    for name, values in zip(COLUMNS, (telephony, penalty, revenue)):
        values[:, -1] = values[:, :-1].sum(axis=1)  # the total row: its call types' sum
        out[name] = values.ravel()
    return out


def priced(scenario: Scenario) -> bool:
    """Whether the scenario puts any price on its day (wages, telephony, penalty or revenue)."""
    c = scenario.costs
    return bool(c.telephony_per_minute or c.abandon_penalty or c.revenue
                or any(g.cost_per_hour for g in scenario.groups))


def day_costs(summary, groups) -> dict:
    """The day's wages, telephony, abandonment penalties, total cost, revenue, net, and cost per
    offered and per answered call, from a run's summary (its total row) and group tables."""
    total = summary[summary.call_type == "total"].iloc[0]
    wages = float(groups.cost.sum())
    cost = wages + float(total.telephony_cost) + float(total.abandon_cost)
    offered, answered = float(total.offered), float(total.answered)
    return {
        "wages": wages, "telephony": float(total.telephony_cost), "abandonment": float(total.abandon_cost),
        "total_cost": cost, "revenue": float(total.revenue), "net": float(total.revenue) - cost,
        "cost_per_call": cost / offered if offered else np.nan,
        "cost_per_answered": cost / answered if answered else np.nan,
    }


DAY_COLUMNS = ("wages", "total_cost", "net", "cost_per_call")


def with_day_costs(summary, groups):
    """The summary with the day's DAY_COLUMNS on its total row (NaN on the call types' rows):
    a sweep puts every job's day side by side."""
    day = day_costs(summary, groups)
    out = summary.copy()
    is_total = (out.call_type == "total").to_numpy()
    for name in DAY_COLUMNS:
        out[name] = np.where(is_total, day[name], np.nan)
    return out
