"""The "Costs" block of the printed summary (scenarios that put a price on their day): wages,
telephony, abandonment penalties, the total, revenue and net, and cost per call
(definitions in :mod:`sim.kpi.costs`)."""

from __future__ import annotations

from typing import List

from sim.kpi import costs
from sim.reports.formats import number


def summary_lines(results) -> List[str]:
    """The block's lines ([] when nothing is priced)."""
    if not costs.priced(results.scenario):
        return []
    day = costs.day_costs(results.summary, results.groups)
    per = "per day" if results.scenario.horizon_kind == "day" else "over the measured run"
    replicated = getattr(results, "replications", 1) > 1
    lines = ["", f"Costs ({per}{', means over replications' if replicated else ''}):",
             f"  wages {number(day['wages'], 2)} + telephony {number(day['telephony'], 2)}"
             f" + abandonment {number(day['abandonment'], 2)} = total cost {number(day['total_cost'], 2)}",
             f"  cost per offered call {number(day['cost_per_call'], 2, 'n/a')}, per answered call "
             f"{number(day['cost_per_answered'], 2, 'n/a')}"]
    if day["revenue"]:
        lines.append(f"  revenue {number(day['revenue'], 2)}, net {number(day['net'], 2)}")
    return lines
