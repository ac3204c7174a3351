"""The plots of a staffing plan (``callsim task=plan``):

* ``plan_staffing``: per group, agents on the phones per interval: the per-interval Erlang
  requirement, the optimised requirement and what the roster schedules (breaks and activities
  taken off), as steps;
* ``plan_service_level``: the verification run's service level per interval (all calls) with its
  confidence band, against the target.
"""

from __future__ import annotations

from sim.reports.plots import _legend, _steps, _ticks, panels, plt

LINES = (("erlang", "Erlang (per interval)", "C7", "--"), ("optimised", "required (optimised)", "C3", "-"),
         ("scheduled", "scheduled (roster)", "C0", "-"))


def staffing_figure(plan_intervals, title: str):
    """``plan_intervals``: interval, start, group and the columns of LINES present."""
    def draw(ax, name, rows):
        for column, label, color, style in LINES:
            if column in rows.columns:
                ax.step(*_steps(rows.interval, rows[column]), where="post", color=color, linestyle=style,
                        linewidth=1.6, label=label)
        ax.set_ylabel(f"{name}\nagents on the phones")
        ax.set_ylim(bottom=0)

    return panels(plan_intervals, "group", draw, f"{title}: agents required and scheduled per interval", 2.4, 2.0)


def service_level_figure(verification, target: float, title: str):
    """``verification``: the rows of sim.planning.verification.target_vs_achieved for all calls."""
    rows = verification[verification.call_type == "total"]
    fig, ax = plt.subplots(figsize=(13, 4))
    edges, level = _steps(rows.interval, 100 * rows.service_level)
    ax.step(edges, level, where="post", color="C0", linewidth=1.8, label="achieved (all calls)")
    if "service_level_ci" in rows.columns and rows.service_level_ci.notna().any():
        half = rows.service_level_ci.fillna(0.0)
        _, low = _steps(rows.interval, 100 * (rows.service_level - half))
        _, high = _steps(rows.interval, 100 * (rows.service_level + half))
        ax.fill_between(edges, low, high, step="post", color="C0", alpha=0.2, linewidth=0, label="confidence interval")
    ax.axhline(100 * target, color="black", linestyle="--", linewidth=1, label=f"target {100 * target:g}%")
    ax.set_ylabel("service level (%)")
    ax.set_ylim(0, 105)
    ax.set_title(f"{title}: the roster's service level per interval")
    _legend(ax)
    _ticks(ax, rows)
    fig.tight_layout()
    return fig
