"""Plots through the day, per interval: queue length, service level, abandonment and occupancy of
each call type (and its home team), with the routing alternatives overlaid.

The tables are callsim's ``intervals`` and ``group_intervals`` with an ``alternative`` column
added; when they come from replications (``<kpi>_ci`` columns present), the mean is drawn with
its 95 % confidence band.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

STYLES = ({"color": "#d62728", "linestyle": "--"}, {"color": "#2ca02c", "linestyle": "-"})
ROWS = (  # KPI, axis label, scale, table
    ("avg_queue", "calls waiting\n(time average)", 1, "intervals"),
    ("service_level", "service level\n(% answered in 20 s)", 100, "intervals"),
    ("abandon_rate", "abandoned\n(% of offered)", 100, "intervals"),
    ("occupancy", "team occupancy\n(% of time busy)", 100, "group_intervals"),
)


def clock_hours(start: pd.Series, interval_minutes: float) -> np.ndarray:
    """Interval midpoints in hours from "HH:MM" start labels."""
    hours_minutes = start.str.split(":", expand=True).astype(float)
    return (hours_minutes[0] + hours_minutes[1] / 60 + interval_minutes / 120).to_numpy()


def plot_day(intervals: pd.DataFrame, group_intervals: pd.DataFrame, teams: List[Tuple[str, str]],
             spike: Tuple[float, float], interval_minutes: float, sl_target: float, title: str, path) -> None:
    """One column per (call type, home group) of ``teams``, one row per KPI of ROWS; ``spike``:
    (start, end) clock hours of the flooded period, shaded."""
    tables = {"intervals": (intervals, "call_type", 0), "group_intervals": (group_intervals, "group", 1)}
    alternatives = list(dict.fromkeys(intervals.alternative))
    fig = Figure(figsize=(12, 11))
    axes = fig.subplots(len(ROWS), len(teams), sharex=True, squeeze=False)
    for col, team in enumerate(teams):
        axes[0, col].set_title(f"{team[0].capitalize()} calls · {team[1].replace('_', ' ')}",
                               fontsize=13, fontweight="bold")
        for row, (kpi, label, scale, table_name) in enumerate(ROWS):
            ax = axes[row, col]
            table, key, part = tables[table_name]  # part: the call type or the group of the team
            ax.axvspan(*spike, color="#e6e6e6", label="support spike")
            for alternative, style in zip(alternatives, STYLES):
                own = table[(table.alternative == alternative) & (table[key] == team[part])]
                _curve(ax, own, kpi, scale, interval_minutes, alternative, style)
            if kpi == "service_level":
                ax.axhline(100 * sl_target, color="black", linewidth=0.8, linestyle=":", label="target")
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            if col == 0:
                ax.set_ylabel(label, fontsize=11)
    hours = np.arange(np.floor(axes[0, 0].get_xlim()[0]) + 1, axes[0, 0].get_xlim()[1])
    for ax in axes[-1]:
        ax.set_xticks(hours)
        ax.set_xticklabels([f"{int(h):02d}:00" for h in hours], rotation=45)
    axes[1, 0].legend(loc="lower left", fontsize=10)
    fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _curve(ax, rows: pd.DataFrame, kpi: str, scale: float, interval_minutes: float, label: str, style: dict) -> None:
    x, y = clock_hours(rows.start, interval_minutes), scale * rows[kpi].to_numpy()
    ax.plot(x, y, linewidth=2, label=label, **style)
    if f"{kpi}_ci" in rows:
        half = scale * rows[f"{kpi}_ci"].to_numpy()
        ax.fill_between(x, y - half, y + half, color=style["color"], alpha=0.2, linewidth=0)
