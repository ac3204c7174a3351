"""The report's interval plots under the played day, as Bokeh figures with a clock marker.

They mirror :mod:`sim.reports.plots` (service level and abandonment per interval and call type
against their targets; calls waiting per call type; agents on duty and busy per group) and add
the two other tile KPIs per interval (ASA per call type, occupancy per group and of all agents).
Values are per-interval averages drawn as steps: interval i spans [i, i + 1) on the x axis, its
tick (its start time) at i, so the marker of clock time t is at t / interval length.

:class:`IntervalPlots` builds the figures once for a scenario's call types and groups and
refills their data sources for each run (no new Bokeh models: see :mod:`sim.ui.day_view`).
"""

from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np
from bokeh.models import ColumnDataSource, FixedTicker, Legend, LegendItem, Range1d, Span
from bokeh.palettes import Dark2_8
from bokeh.plotting import figure

from sim.kpi.tables import TOTAL

ALL_AGENTS = "all agents"
PERCENT = ("service_level", "abandon_rate", "occupancy")  # fractions, drawn in %
PLOTS = {  # kind -> (title, y axis label)
    "service_level": ("service level per interval and the target", "answered in time (%)"),
    "abandon_rate": ("abandonment per interval and the target", "abandoned (%)"),
    "asa": ("ASA per interval", "average speed of answer (s)"),
    "avg_queue": ("calls waiting per interval", "calls waiting (time average)"),
    "agents": ("agents on duty (solid) and busy (dashed) per interval", "agents (time average)"),
    "occupancy": ("occupancy per interval", "busy / on duty (%)"),
}
# Dark2 keeps the lines apart from the animation's colours (the browser tests count those)
PALETTE = Dark2_8


def series_labels(types: Sequence[str], groups: Sequence[str]) -> Dict[str, List[str]]:
    """Each plot's series, in drawing order (fixed by the scenario's call types and groups)."""
    per_type = list(types) + [TOTAL]
    return {"service_level": per_type, "abandon_rate": per_type, "asa": per_type, "avg_queue": per_type,
            "agents": [f"{g} {what}" for g in groups for what in ("on duty", "busy")],
            "occupancy": list(groups) + [ALL_AGENTS]}


def interval_series(results, kpis) -> Dict[str, Dict[str, np.ndarray]]:
    """Per plot, label -> value per measured interval (in % for the fractions), from the run's
    KPI tables: ``results.intervals`` (per call type and total), ``results.group_intervals`` (per
    group) and ``kpis`` (:func:`sim.ui.timeline.interval_kpis`: occupancy of all agents)."""
    calls, groups = results.intervals, results.group_intervals
    intervals = np.sort(calls.interval.unique())
    out: Dict[str, Dict[str, np.ndarray]] = {}
    for kind in ("service_level", "abandon_rate", "asa", "avg_queue"):
        scale = 100.0 if kind in PERCENT else 1.0
        out[kind] = {name: scale * rows.set_index("interval")[kind].reindex(intervals).to_numpy(float)
                     for name, rows in calls.groupby("call_type", sort=False)}
    per_group = {name: rows.set_index("interval").reindex(intervals) for name, rows in groups.groupby("group", sort=False)}
    out["agents"] = {}
    for name, rows in per_group.items():
        out["agents"][f"{name} on duty"] = rows.available.to_numpy(float)
        out["agents"][f"{name} busy"] = rows.busy.to_numpy(float)
    out["occupancy"] = {name: 100.0 * rows.occupancy.to_numpy(float) for name, rows in per_group.items()}
    out["occupancy"][ALL_AGENTS] = 100.0 * kpis.set_index("interval").occupancy.reindex(intervals).to_numpy(float)
    return out


def _steps(intervals: np.ndarray, values: np.ndarray):
    """x edges and values for a step line: interval i drawn over [i, i + 1)."""
    return np.append(intervals, intervals[-1] + 1), np.append(values, values[-1:])


class IntervalPlots:
    """The six figures (``figures``, by kind) and their clock markers (``cursors``)."""

    def __init__(self, types: Sequence[str], groups: Sequence[str], width: int = 475, height: int = 230):
        self.labels = series_labels(types, groups)
        self.figures, self.sources, self.cursors, self.targets, self.tickers = {}, {}, [], {}, []
        group_color = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
        type_color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
        for kind, (title, y_label) in PLOTS.items():
            labels = self.labels[kind]
            source = ColumnDataSource({"x": [0, 1], **{f"s{k}": [np.nan, np.nan] for k in range(len(labels))}})
            # fixed ranges, set from the data by show(): ranges the browser fits would be sent back to the server
            plot = figure(name=f"callsim-plot {kind}", title=title, width=width, height=height, toolbar_location=None,
                          tools="", x_range=Range1d(0, 1), y_range=Range1d(0, 105 if kind in PERCENT else 1))
            plot.yaxis.axis_label = y_label
            plot.title.text_font_size = "11px"
            items = []
            for k, label in enumerate(labels):
                style = _style(kind, label, type_color, group_color)
                line = plot.step(x="x", y=f"s{k}", mode="after", source=source, name=label, **style)
                items.append(LegendItem(label=label, renderers=[line]))
            legend = Legend(items=items, label_text_font_size="9px", label_height=10, glyph_height=10, spacing=0,
                            padding=2, margin=2)
            plot.add_layout(legend, "right")
            if kind in ("service_level", "abandon_rate"):
                self.targets[kind] = Span(location=0, dimension="width", line_color="#c62828", line_dash="dashed")
                plot.add_layout(self.targets[kind])
            cursor = Span(location=0, dimension="height", line_color="black", line_width=2, name=f"callsim-cursor {kind}")
            plot.add_layout(cursor)
            ticker = FixedTicker(ticks=[0])
            plot.xaxis.ticker = ticker
            plot.xaxis.major_label_orientation = 0.8
            self.figures[kind], self.sources[kind] = plot, source
            self.cursors.append(cursor)
            self.tickers.append(ticker)

    def axes(self, intervals: np.ndarray, starts: Sequence[str]) -> None:
        """The x axes over ``intervals``, ticks labelled with their ``starts`` (unchanged values
        send nothing to the browser, so a run of the same horizon does not lay the plots out again)."""
        step = max(1, len(intervals) // 8)
        overrides = {int(i): s for i, s in zip(intervals, starts)}
        for plot in self.figures.values():
            plot.x_range.start, plot.x_range.end = float(intervals[0]), float(intervals[-1] + 1)
            plot.xaxis.major_label_overrides = overrides
        for ticker in self.tickers:
            ticker.ticks = [int(i) for i in intervals[::step]]

    def show(self, results, kpis, position: float) -> None:
        """Fill the figures with ``results``' interval tables; the markers at ``position``."""
        series = interval_series(results, kpis)
        calls = results.intervals.drop_duplicates("interval").sort_values("interval")
        intervals = calls.interval.to_numpy()
        for kind, source in self.sources.items():
            data = {}
            for k, label in enumerate(self.labels[kind]):
                values = series[kind].get(label, np.full(len(intervals), np.nan))
                data["x"], data[f"s{k}"] = _steps(intervals, values)
            source.data = data
            if kind not in PERCENT:
                highest = max([0.0] + [float(np.nanmax(v)) for v in series[kind].values() if np.isfinite(v).any()])
                self.figures[kind].y_range.end = 1.08 * highest if highest > 0 else 1.0
        self.axes(intervals, calls.start.tolist())
        k = results.scenario.kpi
        self.targets["service_level"].location = 100 * k.sl_target
        self.targets["abandon_rate"].location = 100 * k.abandon_target
        for cursor in self.cursors:
            cursor.location = position


def _style(kind: str, label: str, type_color: dict, group_color: dict) -> dict:
    if label in (TOTAL, ALL_AGENTS):
        return dict(line_color="black", line_width=2.4)
    if kind == "agents":
        on_duty = label.endswith(" on duty")
        group = label[: -len(" on duty")] if on_duty else label[: -len(" busy")]
        return dict(line_color=group_color[group], line_width=1.6, line_dash="solid" if on_duty else "dashed")
    return dict(line_color=(group_color if kind == "occupancy" else type_color)[label], line_width=1.4)
