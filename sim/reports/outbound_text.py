"""The "Outbound" block of the printed summary (scenarios with campaigns): per campaign the dial
attempts, connects, right-party contacts and RPC per agent-hour, the nuisance rate beside its
cap (and the intervals above it), the list's state; per group the split of the time on duty."""

from __future__ import annotations

from typing import List

import pandas as pd

from sim.reports import formats
from sim.reports.text_table import text_table

MAX_LISTED = 8  # intervals above the nuisance cap named per campaign; the rest are counted


def _percent(x) -> str:
    return formats.percent(x, missing="n/a")


def _number(x, digits: int = 2) -> str:
    return formats.number(x, digits, missing="n/a")


def _count(x) -> str:
    return formats.count(x, missing="n/a")


_with_ci = formats.with_ci
cells = formats.cells


def summary_lines(results) -> List[str]:
    """The block's lines ([] for a run without campaigns)."""
    campaigns = getattr(results, "campaigns", None)
    if campaigns is None or not len(campaigns):
        return []
    view = text_table({
        "campaign": campaigns.campaign, "attempts": cells(campaigns.attempts, _count),
        "connects": cells(campaigns.connects, _count), "RPC": _with_ci(campaigns, "rpc", _count),
        "RPC/agent-h": _with_ci(campaigns, "rpc_per_agent_hour", _number),
        "nuisance": _with_ci(campaigns, "nuisance_rate", _percent), "cap": cells(campaigns.nuisance_cap, _percent),
        "penetration": cells(campaigns.penetration, _percent),
        "finished": cells(campaigns.finished, _count), "exhausted": cells(campaigns.exhausted, _count),
        "open": cells(campaigns.open, _count), "never dialled": cells(campaigns.never_dialled, _count),
        "att/record": cells(campaigns.attempts_per_record, _number),
    })
    lines = ["", "Outbound (nuisance = dropped live answers / live answers; RPC per hour of agent time on the "
                 "campaign, dedicated groups' idle time included):", view]
    lines += _over_cap_lines(results.campaign_intervals)
    time = results.group_time
    split = text_table({"group": time.group, "role": time.role, "campaign": time.campaign,
                        "inbound": cells(time.inbound_share, _percent), "outbound": cells(time.outbound_share, _percent),
                        "of it dialling": cells(time.dialling_share, _percent), "idle": cells(time.idle_share, _percent)})
    lines += ["", "Time on duty by group:", split]
    return lines


def _over_cap_lines(intervals: pd.DataFrame) -> List[str]:
    """Per campaign, the intervals whose nuisance rate is above the cap (their start times)."""
    lines = []
    for name, rows in intervals.groupby("campaign", sort=False):
        over = rows[rows.nuisance_rate > rows.nuisance_cap]
        starts = over.start.tolist()
        listed = ", ".join(starts[:MAX_LISTED]) + (f", ... {len(starts) - MAX_LISTED} more" if len(starts) > MAX_LISTED
                                                   else "")
        lines.append(f"Intervals above the nuisance cap, {name}: "
                     + (f"{listed} ({len(starts)} of {int(rows.nuisance_rate.notna().sum())})" if starts else "none"))
    return lines
