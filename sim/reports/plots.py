"""The plots a planner looks at first, drawn from a run's KPI tables.

* ``service_level``: service level and abandonment per interval and call type, against target;
* ``queue_and_staffing``: calls waiting per call type, and agents on duty vs busy per group.
"""

from __future__ import annotations

import io
from typing import Dict, Iterable, List, Optional

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

from sim.kpi.definitions import FRACTIONS, TOTAL  # noqa: E402


def _ticks(ax, frame) -> None:
    labels = frame.drop_duplicates("interval")[["interval", "start"]]
    step = max(1, len(labels) // 12)
    ax.set_xticks(labels.interval[::step])
    ax.set_xticklabels(labels.start[::step], rotation=45, ha="right", fontsize=8)


def _legend(ax) -> None:
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(alpha=0.3)


def _band(rows, column: str):
    """Confidence band ``column ± column_ci``, clipped to the values the KPI can take
    (fractions in [0, 1], everything else non-negative)."""
    half = rows[f"{column}_ci"].fillna(0.0)
    low, high = (rows[column] - half).clip(lower=0.0), rows[column] + half
    return low, (high.clip(upper=1.0) if column in FRACTIONS else high)


def _per_call_type(ax, intervals, column: str, scale: float = 1.0) -> None:
    """One line per call type, the total in bold black; a shaded confidence band around each
    line when the table has ``<column>_ci`` (replicated runs)."""
    for name, rows in intervals.groupby("call_type", sort=False):
        style = dict(color="black", linewidth=2.2) if name == TOTAL else dict(linewidth=1.2, alpha=0.85)
        (line,) = ax.plot(rows.interval, scale * rows[column], label=name, **style)
        if f"{column}_ci" in rows.columns:
            low, high = _band(rows, column)
            ax.fill_between(rows.interval, scale * low, scale * high, color=line.get_color(), alpha=0.15, linewidth=0)


def service_level_figure(results):
    k = results.scenario.kpi
    intervals = results.intervals
    fig, (sl_ax, ab_ax) = plt.subplots(2, 1, figsize=(13, 7), sharex=True)
    _per_call_type(sl_ax, intervals, "service_level", 100)
    _per_call_type(ab_ax, intervals, "abandon_rate", 100)
    sl_ax.axhline(100 * k.sl_target, color="red", linestyle="--", label=f"target {100 * k.sl_target:g}%")
    ab_ax.axhline(100 * k.abandon_target, color="red", linestyle="--", label=f"target {100 * k.abandon_target:g}%")
    sl_ax.set_ylabel(f"answered within {k.sl_threshold:g}s (%)")
    ab_ax.set_ylabel("abandoned (%)")
    sl_ax.set_ylim(0, 105)
    sl_ax.set_title(f"{results.scenario.name}: service level and abandonment per interval")
    _legend(sl_ax)
    _legend(ab_ax)
    _ticks(ab_ax, intervals)
    fig.tight_layout()
    return fig


def panels(frame, by: str, draw, title: str, base: float, per: float):
    """One panel per value of column ``by`` (in order of appearance), stacked and sharing the
    interval axis: ``draw(ax, name, rows)`` fills each; the title on top, interval ticks below."""
    names = list(dict.fromkeys(frame[by]))
    fig, axes = plt.subplots(len(names), 1, figsize=(13, base + per * len(names)), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        draw(ax, name, frame[frame[by] == name])
        _legend(ax)
    axes[0, 0].set_title(title)
    _ticks(axes[-1, 0], frame)
    fig.tight_layout()
    return fig


def _steps(intervals, values):
    """Per-interval averages as steps: interval i spans [i, i + 1) on the x axis, where its tick
    (its start time) is at i, so a shift change at an interval's start is drawn at that tick."""
    edges, heights = list(intervals), list(values)
    return edges + [edge + 1 for edge in edges[-1:]], heights + heights[-1:]


def queue_and_staffing_figure(results):
    intervals, groups = results.intervals, results.group_intervals
    fig, (q_ax, g_ax) = plt.subplots(2, 1, figsize=(13, 7), sharex=True)
    _per_call_type(q_ax, intervals, "avg_queue")
    q_ax.set_ylabel("calls waiting (time average)")
    q_ax.set_title(f"{results.scenario.name}: queue length, agents on duty and busy")
    _legend(q_ax)
    for i, (name, rows) in enumerate(groups.groupby("group", sort=False)):
        color = f"C{i}"
        edges, staffed = _steps(rows.interval, rows.available)
        g_ax.step(edges, staffed, where="post", color=color, label=f"{name} on duty")
        g_ax.step(*_steps(rows.interval, rows.busy), where="post", color=color, linestyle=":", label=f"{name} busy")
    g_ax.set_ylabel("agents (time average)")
    _legend(g_ax)
    _ticks(g_ax, groups)
    fig.tight_layout()
    return fig


def kpi_against(table, x: str, kpi: str, series, rows=None):
    """``kpi`` against parameter ``x``, one line per combination of the ``series`` columns, with a
    shaded confidence band where the table has ``<kpi>_ci`` (sweep reports)."""
    data = table if rows is None else table[rows]
    percent = kpi in FRACTIONS
    scale = 100.0 if percent else 1.0
    fig, ax = plt.subplots(figsize=(9, 5))
    for label, rows_of in data.groupby(list(series), sort=False):
        rows_of = rows_of.sort_values(x)
        name = ", ".join(map(str, label)) if isinstance(label, tuple) else str(label)
        (line,) = ax.plot(rows_of[x], scale * rows_of[kpi], marker="o", label=name,
                          **(dict(color="black", linewidth=2.2) if name == TOTAL else {}))
        if f"{kpi}_ci" in rows_of:
            low, high = _band(rows_of, kpi)
            ax.fill_between(rows_of[x], scale * low, scale * high, color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_xlabel(x)
    ax.set_ylabel(kpi.replace("_", " ") + (" (%)" if percent else ""))
    ax.set_title(f"{kpi.replace('_', ' ')} against {x}" + (" (confidence bands)" if f"{kpi}_ci" in data else ""))
    _legend(ax)
    fig.tight_layout()
    return fig


RUN_FIGURES = {"service_level": service_level_figure, "queue_and_staffing": queue_and_staffing_figure}
RUN_DPI = 110  # the run's PNG files and the report's embedded plots (rendered once, shared)


def run_figures(results) -> Dict[str, "plt.Figure"]:
    return {name: draw(name, results) for name in run_figure_names(results)}


def run_figure_names(results) -> List[str]:
    """The names of a run's figures: RUN_FIGURES, then the outbound ones of scenarios with
    campaigns, then the staffing requirements of a planned run, then a plan's (task=plan)."""
    from sim.reports import outbound_plots, plan_report, requirements  # (they import this module)

    return (list(RUN_FIGURES) + outbound_plots.names(results) + requirements.figure_names(results)
            + plan_report.figure_names(results))


def draw(name: str, results):
    """The run's figure ``name`` (one of :func:`run_figure_names`)."""
    if name in RUN_FIGURES:
        return RUN_FIGURES[name](results)
    from sim.reports import outbound_plots, plan_report, requirements

    if name in plan_report.FIGURES:
        return plan_report.draw(name, results)
    return {**outbound_plots.FIGURES, **requirements.FIGURES}[name](results)


def run_pngs(results, names: Optional[Iterable[str]] = None) -> Dict[str, bytes]:
    """The run's figures (``names`` of them: default all) rendered as PNG files' bytes, {name: png}."""
    pngs = {}
    for name in run_figure_names(results) if names is None else names:
        figure = draw(name, results)
        pngs[name] = png(figure, dpi=RUN_DPI)
        close(figure)
    return pngs


def png(figure, dpi: int) -> bytes:
    """The figure rendered as a PNG file's bytes (zlib level 3: a third faster to write than the
    default 6, for files about a third larger)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def close(figure) -> None:
    plt.close(figure)
