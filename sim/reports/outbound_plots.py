"""The outbound plots of a run (scenarios with campaigns):

* ``nuisance_rate``: per campaign, the nuisance rate per interval against the campaign's cap;
* ``time_split``: per group, its time on duty per interval split into inbound, outbound and idle
  shares (stacked).
"""

from __future__ import annotations

from typing import List

import numpy as np

from sim.reports.plots import _steps, panels

SPLIT_COLORS = {"inbound": "C0", "outbound": "C1", "idle": "0.85"}


def names(results) -> List[str]:
    """The outbound figures' names ([] without campaigns)."""
    if getattr(results, "campaigns", None) is None or not len(results.campaigns):
        return []
    return list(FIGURES)


def nuisance_figure(results):
    def draw(ax, name, rows):
        ax.step(*_steps(rows.interval, 100 * rows.nuisance_rate), where="post", color="C3", linewidth=1.8,
                label="nuisance rate")
        ax.step(*_steps(rows.interval, 100 * rows.nuisance_cap), where="post", color="black", linestyle="--",
                label=f"cap {100 * rows.nuisance_cap.iloc[0]:g}%")
        ax.set_ylabel(f"{name}\n% of live answers")
        ax.set_ylim(bottom=0)

    return panels(results.campaign_intervals, "campaign", draw,
                  f"{results.scenario.name}: nuisance (dropped) calls per interval against the cap", 2.6, 1.8)


def time_split_figure(results):
    def draw(ax, name, rows):
        shares = []
        for part in SPLIT_COLORS:
            edges, heights = _steps(rows.interval, 100 * rows[f"{part}_share"].fillna(0.0))
            shares.append(heights)
        ax.stackplot(edges, np.array(shares), labels=list(SPLIT_COLORS), colors=list(SPLIT_COLORS.values()),
                     step="post")
        ax.set_ylim(0, 100)
        ax.set_ylabel(f"{name}\n% of time on duty")

    return panels(results.group_time_intervals, "group", draw,
                  f"{results.scenario.name}: time on duty per group, inbound / outbound / idle", 2.2, 1.6)


FIGURES = {"nuisance_rate": nuisance_figure, "time_split": time_split_figure}
