"""The played day as Bokeh models: a clock, the calls waiting per call type, the agents of each
group (busy on own calls, busy on overflow calls, busy on outbound campaign work when the
scenario has campaigns, idle), the KPI tiles of the day and of the interval under the clock,
the report's interval plots (:mod:`sim.ui.interval_plots`), and play / pause / step / speed.

The animation runs in the browser (Bokeh ``CustomJS`` over the timeline's arrays), so the same
layout plays in the page served by Panel and in a standalone HTML file (:mod:`sim.ui.export`).
A :class:`DayView` is built once for a scenario's call types and groups and refilled in place
for each run of them: BokehJS keeps every model a document ever held (bokeh/bokeh#15289), so
replacing the layout on each Run would grow the browser's memory run after run.
Showing another run stops the play timer of the one before (the new day waits at its first
minute, paused). Bokeh models belong to one document: build a new view for each document.
"""

from __future__ import annotations

import json
import math
from typing import Dict, List

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import Button, ColumnDataSource, CustomJS, Div, Select, Slider
from bokeh.plotting import figure

from sim.ui.interval_plots import IntervalPlots
from sim.ui.running import Run
from sim.ui.timeline import TILE_KPIS, Timeline, clock_labels, frame_times

OWN_COLOR, OVERFLOW_COLOR, OUTBOUND_COLOR, IDLE_COLOR = "#1f77b4", "#ff7f0e", "#e377c2", "#a1d99b"
QUEUE_COLOR = "#9467bd"
STATES = ("own", "overflow", "outbound", "idle")
STATE_COLORS = {"own": OWN_COLOR, "overflow": OVERFLOW_COLOR, "outbound": OUTBOUND_COLOR, "idle": IDLE_COLOR}
STATE_LABELS = {"own": "busy, own calls", "overflow": "busy, overflow calls", "outbound": "busy, outbound calls",
                "idle": "idle"}
SPEEDS = {"1x": 1, "2x": 2, "5x": 5, "10x": 10, "30x": 30}  # clock minutes per tick (10 ticks/s)
TICK_MS = 100
CLOCK_STYLE = "style='font-size:32px;font-weight:bold'"
KPI_LABELS = {"service_level": "service level", "asa": "ASA", "abandon_rate": "abandoned", "occupancy": "occupancy"}


def kpi_text(kpi: str, value) -> str:
    """A KPI as a tile shows it: percentages for the rates, seconds for the ASA, a dash when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.1f} s" if kpi == "asa" else f"{100 * value:.1f} %"


def tiles_html(kpis: Dict[str, float], sl_target: float, prefix: str) -> str:
    """Four tiles; the service level green when it meets the target, red when it does not."""
    cells = []
    for kpi in TILE_KPIS:
        value = kpis.get(kpi)
        color = "#333"
        if kpi == "service_level" and value is not None and not math.isnan(value):
            color = "#1a7f37" if value >= sl_target else "#c62828"
        note = f"<div style='font-size:11px'>target {100 * sl_target:.0f} %</div>" if kpi == "service_level" else ""
        cells.append(f"<div data-tile='{prefix}-{kpi}' style='border:1px solid #ccc;border-radius:6px;padding:6px 10px;"
                     f"min-width:110px'><div style='font-size:12px'>{KPI_LABELS[kpi]}</div><div class='value' "
                     f"style='font-size:22px;font-weight:bold;color:{color}'>{kpi_text(kpi, value)}</div>{note}</div>")
    return "<div style='display:flex;gap:8px'>" + "".join(cells) + "</div>"


def _series(values: np.ndarray) -> List:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in np.asarray(values).tolist()]


def states(scenario) -> tuple:
    """The agents' states drawn: busy on outbound only in a scenario with campaigns."""
    return STATES if scenario.campaigns else tuple(s for s in STATES if s != "outbound")


def positions(timeline: Timeline, scenario) -> List[float]:
    """Each frame's place on the interval plots' x axis (interval i spans [i, i + 1))."""
    return np.minimum(timeline.times / scenario.interval_length, scenario.n_intervals).tolist()


def _frames(timeline: Timeline, scenario) -> dict:
    """The timeline as plain lists for the browser."""
    return {"clock": timeline.clock, "interval": timeline.interval.tolist(), "position": positions(timeline, scenario),
            "waiting": {k: v.tolist() for k, v in timeline.waiting.items()},
            **{s: {k: v.tolist() for k, v in getattr(timeline, s).items()} for s in states(scenario)},
            "kpis": {k: _series(timeline.kpis[k].to_numpy(float)) for k in TILE_KPIS},
            "starts": timeline.kpis.start.tolist()}


RENDER = """
// the frames arrive as one JSON string (Bokeh would walk every number of a nested list), parsed
// once per run shown (``version`` changes when the view is refilled with another run)
const parsed = window._callsim_frames = window._callsim_frames || {};
if (!parsed[slider.id] || parsed[slider.id].version !== version)
    parsed[slider.id] = {version: version, frames: JSON.parse(frames)};
const f = parsed[slider.id].frames, i = Math.min(slider.value, f.clock.length - 1), g = groups, t = types;
clock.text = `<span id="callsim-clock" ${clock_style}>${f.clock[i]}</span>`;
queues.data = {type: t, waiting: t.map(k => f.waiting[k][i])};
const counts = {group: g};
for (const s of states) counts[s] = g.map(k => f[s][k][i]);
agents.data = counts;
const n = f.interval[i];
const show = (kpi, v) => v === null || Number.isNaN(v) ? '–' : (kpi === 'asa' ? v.toFixed(1) + ' s' : (100 * v).toFixed(1) + ' %');
let html = tiles_template.replace('{interval}', f.starts[n]);
for (const kpi of kpis) {
    const v = f.kpis[kpi][n];
    let color = '#333';
    if (kpi === 'service_level' && v !== null && !Number.isNaN(v)) color = v >= sl_target ? '#1a7f37' : '#c62828';
    html = html.replace(`{${kpi}}`, show(kpi, v)).replace(`{${kpi}_color}`, color);
}
tiles.text = html;
for (const cursor of cursors) cursor.location = f.position[i];
"""

PLAY = """
window._callsim_timers = window._callsim_timers || {};
const id = button.id;
if (window._callsim_timers[id]) {
    clearInterval(window._callsim_timers[id]); delete window._callsim_timers[id]; button.label = '▶ Play'; return;
}
if (slider.value >= slider.end) slider.value = slider.start;
button.label = '⏸ Pause';
window._callsim_timers[id] = setInterval(() => {
    const next = Math.min(slider.value + speeds[speed.value] * frames_per_minute, slider.end);
    slider.value = next;
    if (next >= slider.end) { clearInterval(window._callsim_timers[id]); delete window._callsim_timers[id]; button.label = '▶ Play'; }
}, tick_ms);
"""


# run when the server shows another run (it changes the play button's tags): stop playing, so the
# new day waits at its first minute, paused
STOP = """
const timers = window._callsim_timers || {};
if (timers[button.id]) { clearInterval(timers[button.id]); delete timers[button.id]; }
button.label = '▶ Play';
"""


def _interval_template(sl_target: float) -> str:
    """The interval tiles with placeholders the browser fills ({kpi}, {kpi_color}, {interval})."""
    cells = []
    for kpi in TILE_KPIS:
        note = f"<div style='font-size:11px'>target {100 * sl_target:.0f} %</div>" if kpi == "service_level" else ""
        cells.append(f"<div data-tile='interval-{kpi}' style='border:1px solid #ccc;border-radius:6px;padding:6px 10px;"
                     f"min-width:110px'><div style='font-size:12px'>{KPI_LABELS[kpi]}</div><div class='value' "
                     f"style='font-size:22px;font-weight:bold;color:{{{kpi}_color}}'>{{{kpi}}}</div>{note}</div>")
    return ("<div style='font-size:12px'>interval from {interval}</div><div style='display:flex;gap:8px'>"
            + "".join(cells) + "</div>")



def shape(scenario) -> tuple:
    """What fixes a view's models: the call types, the groups, and whether there are campaigns."""
    return (tuple(t.name for t in scenario.call_types), tuple(g.name for g in scenario.groups), bool(scenario.campaigns))


class DayView:
    """The Bokeh models of a played day (``layout``) for a scenario's call types and groups,
    empty until :meth:`show` fills them with a run (again for each run)."""

    def __init__(self, scenario):
        self.shape = shape(scenario)
        types, groups, _ = self.shape
        self.states = states(scenario)
        self.version = 0
        self.queues = ColumnDataSource({"type": list(types), "waiting": [0] * len(types)})
        self.queue_plot = figure(y_range=list(types[::-1]), x_range=(0, 1), height=max(200, 60 + 30 * len(types)),
                                 width=420, title="calls waiting", toolbar_location=None, tools="")
        self.queue_plot.hbar(y="type", right="waiting", height=0.7, color=QUEUE_COLOR, source=self.queues)
        self.agents = ColumnDataSource({"group": list(groups), **{s: [0] * len(groups) for s in self.states}})
        self.agent_plot = figure(y_range=list(groups[::-1]), x_range=(0, 1), height=max(240, 90 + 30 * len(groups)),
                                 width=520, title="agents on duty", toolbar_location=None, tools="")
        self.agent_plot.hbar_stack(list(self.states), y="group", height=0.7, source=self.agents,
                                   color=[STATE_COLORS[s] for s in self.states],
                                   legend_label=[STATE_LABELS[s] for s in self.states])
        legend = self.agent_plot.legend[0]
        legend.orientation = "horizontal"
        legend.label_text_font_size = "10px"
        self.agent_plot.add_layout(legend, "above")
        self.plots = IntervalPlots(types, groups)
        intervals = np.arange(scenario.n_intervals)  # as a run will measure them (warm-up: redrawn by the run)
        self.plots.axes(intervals, clock_labels(scenario, scenario.interval_starts()))

        # placeholders the size of what a run writes (a Div changing size lays the whole page out again)
        empty = {kpi: float("nan") for kpi in TILE_KPIS}
        # and fixed sizes: the browser then need not measure what they hold
        self.header = Div(text="<b>Press Run</b> to simulate the day.", width=950, height=22)
        self.day = Div(text="<div style='font-size:12px'>the day</div>" + tiles_html(empty, 0.0, "empty-day"),
                       width=600, height=95)
        self.clock = Div(text=f"<span {CLOCK_STYLE}>--:--</span>", width=120, height=50)
        self.tiles = Div(text="<div style='font-size:12px'>interval</div>" + tiles_html(empty, 0.0, "empty-interval"),
                         width=600, height=95)
        self.slider = Slider(start=0, end=len(frame_times(scenario)) - 1, value=0, step=1, title="minutes from the start",
                             width=500, name="callsim-slider")
        self.play = Button(label="▶ Play", width=90, css_classes=["callsim-play"], tags=[self.version])
        self.play.js_on_change("tags", CustomJS(args=dict(button=self.play), code=STOP))
        step_button = Button(label="Step +1", width=80, css_classes=["callsim-step"])
        self.speed = Select(title="speed (minutes per tick)", value="5x", options=list(SPEEDS), width=120)
        self.render = CustomJS(code=RENDER)
        self.slider.js_on_change("value", self.render)
        self.playing = CustomJS(code=PLAY)
        self.play.js_on_click(self.playing)
        step_button.js_on_click(CustomJS(args=dict(slider=self.slider),
                                         code="slider.value = Math.min(slider.value + 1, slider.end);"))
        figures = self.plots.figures
        self.layout = column(self.header, self.day, row(self.clock, self.tiles),
                             row(self.play, step_button, self.speed, self.slider), row(self.queue_plot, self.agent_plot),
                             row(figures["service_level"], figures["abandon_rate"]), row(figures["asa"], figures["avg_queue"]),
                             row(figures["agents"], figures["occupancy"]))

    def fits(self, scenario) -> bool:
        """Whether a run of ``scenario`` can be shown in these models (same call types, groups and
        campaigns-or-not)."""
        return shape(scenario) == self.shape

    def show(self, run: Run, title: str = "") -> None:
        """Fill the models with ``run``'s day, at its first minute."""
        timeline, scenario = run.timeline, run.results.scenario
        types, groups, _ = self.shape
        step = float(timeline.times[1] - timeline.times[0]) if len(timeline.times) > 1 else 60.0
        sl_target = scenario.kpi.sl_target
        self.version += 1
        self.play.tags = [self.version]  # first: the browser stops playing the previous run (STOP)
        self.header.text = (f"<b>{title or run.label}</b>: {scenario.name}, {run.results.n_calls} calls, "
                            f"seed {run.results.seed}.")
        self.day.text = "<div style='font-size:12px'>the day</div>" + tiles_html(run.day_kpis(), sl_target, "day")
        self.queue_plot.x_range.end = 1.05 * max([1] + [int(v.max()) for v in timeline.waiting.values()])
        on_duty = [sum(getattr(timeline, s)[g] for s in self.states) for g in groups]
        self.agent_plot.x_range.end = 1.05 * max([1] + [int(n.max()) for n in on_duty])
        self.slider.name = f"callsim-slider {run.label}"
        self.render.args = dict(frames=json.dumps(_frames(timeline, scenario), allow_nan=False), version=self.version,
                                slider=self.slider, groups=list(groups), types=list(types), states=list(self.states),
                                clock=self.clock, queues=self.queues, agents=self.agents, tiles=self.tiles,
                                kpis=list(TILE_KPIS), sl_target=sl_target, cursors=self.plots.cursors,
                                clock_style=CLOCK_STYLE,
                                tiles_template=_interval_template(sl_target))
        self.playing.args = dict(button=self.play, slider=self.slider, speed=self.speed, speeds=SPEEDS, tick_ms=TICK_MS,
                                 frames_per_minute=max(1, round(60 / step)))
        self.slider.value = 0
        self.slider.end = len(timeline.times) - 1
        self._first_frame(timeline, sl_target)
        self.plots.show(run.results, timeline.kpis, positions(timeline, scenario)[0])

    def _first_frame(self, timeline: Timeline, sl_target: float) -> None:
        """The models as the browser's RENDER leaves them at frame 0 (drawn before any script runs)."""
        groups = list(timeline.idle)
        self.clock.text = f'<span id="callsim-clock" {CLOCK_STYLE}>{timeline.clock[0]}</span>'
        self.queues.data = {"type": list(timeline.waiting), "waiting": [int(v[0]) for v in timeline.waiting.values()]}
        self.agents.data = {"group": groups, **{s: [int(getattr(timeline, s)[g][0]) for g in groups] for s in self.states}}
        n = int(timeline.interval[0])
        row0 = timeline.kpis.iloc[n]
        self.tiles.text = (f"<div style='font-size:12px'>interval from {row0.start}</div>"
                           + tiles_html({k: float(row0[k]) for k in TILE_KPIS}, sl_target, "interval"))


def day_view(run: Run, title: str = ""):
    """The Bokeh layout of ``run``'s day, ready to play from its first minute (a new set of models)."""
    view = DayView(run.results.scenario)
    view.show(run, title)
    return view.layout
