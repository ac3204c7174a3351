"""The "Outbound" block of the printed summary (scenarios with campaigns): per campaign the dial
attempts, connects, right-party contacts and RPC per agent-hour, the nuisance rate beside its
cap (and the intervals above it), the list's state; per group the split of the time on duty."""

from __future__ import annotations

from typing import List

import pandas as pd

from sim.reports import formats

MAX_LISTED = 8  # intervals above the nuisance cap named per campaign; the rest are counted


def _percent(x) -> str:
    return formats.percent(x, missing="n/a")


def _number(x, digits: int = 2) -> str:
    return formats.number(x, digits, missing="n/a")


def _count(x) -> str:
    return formats.count(x, missing="n/a")


_with_ci = formats.with_ci


def summary_lines(results) -> List[str]:
    """The block's lines ([] for a run without campaigns)."""
    campaigns = getattr(results, "campaigns", None)
    if campaigns is None or not len(campaigns):
        return []
    view = pd.DataFrame({
        "campaign": campaigns.campaign, "attempts": campaigns.attempts.map(_count),
        "connects": campaigns.connects.map(_count), "RPC": _with_ci(campaigns, "rpc", _count),
        "RPC/agent-h": _with_ci(campaigns, "rpc_per_agent_hour", _number),
        "nuisance": _with_ci(campaigns, "nuisance_rate", _percent), "cap": campaigns.nuisance_cap.map(_percent),
        "penetration": campaigns.penetration.map(_percent),
        "finished": campaigns.finished.map(_count), "exhausted": campaigns.exhausted.map(_count),
        "open": campaigns.open.map(_count), "never dialled": campaigns.never_dialled.map(_count),
        "att/record": campaigns.attempts_per_record.map(_number),
    })
    lines = ["", "Outbound (nuisance = dropped live answers / live answers; RPC per hour of agent time on the "
                 "campaign, dedicated groups' idle time included):", view.to_string(index=False)]
    lines += _over_cap_lines(results.campaign_intervals)
    time = results.group_time
    split = pd.DataFrame({"group": time.group, "role": time.role, "campaign": time.campaign,
                          "inbound": time.inbound_share.map(_percent), "outbound": time.outbound_share.map(_percent),
                          "of it dialling": time.dialling_share.map(_percent), "idle": time.idle_share.map(_percent)})
    lines += ["", "Time on duty by group:", split.to_string(index=False)]
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
