"""The played day as Bokeh models: a clock, the calls waiting per call type, the agents of each
group (busy on own calls, busy on overflow calls, idle), the KPI tiles of the day and of the
interval under the clock, the interval plots, and play / pause / step / speed controls.

The animation runs in the browser (Bokeh ``CustomJS`` over the timeline's arrays), so the same
layout plays in the page served by Panel and in a standalone HTML file (:mod:`sim.ui.export`).
Build a new layout for each document (Bokeh models belong to one document).
"""

from __future__ import annotations

import json
import math
from typing import Dict, List

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import Button, ColumnDataSource, CustomJS, Div, Select, Slider, Span
from bokeh.plotting import figure

from sim.ui.running import Run
from sim.ui.timeline import TILE_KPIS, Timeline

OWN_COLOR, OVERFLOW_COLOR, IDLE_COLOR, QUEUE_COLOR = "#1f77b4", "#ff7f0e", "#a1d99b", "#9467bd"
STATES = ("own", "overflow", "idle")
STATE_LABELS = {"own": "busy, own calls", "overflow": "busy, overflow calls", "idle": "idle"}
SPEEDS = {"1x": 1, "2x": 2, "5x": 5, "10x": 10, "30x": 30}  # clock minutes per tick (10 ticks/s)
TICK_MS = 100
OUTBOUND_NOTE = "Inbound calls only: agents busy on outbound campaign calls show as idle."
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


def _frames(timeline: Timeline) -> dict:
    """The timeline as plain lists for the browser."""
    return {"clock": timeline.clock, "interval": timeline.interval.tolist(),
            "waiting": {k: v.tolist() for k, v in timeline.waiting.items()},
            "own": {k: v.tolist() for k, v in timeline.own.items()},
            "overflow": {k: v.tolist() for k, v in timeline.overflow.items()},
            "idle": {k: v.tolist() for k, v in timeline.idle.items()},
            "kpis": {k: _series(timeline.kpis[k].to_numpy(float)) for k in TILE_KPIS},
            "starts": timeline.kpis.start.tolist()}


RENDER = """
// the frames arrive as one JSON string (Bokeh would walk every number of a nested list), parsed once
const parsed = window._callsim_frames = window._callsim_frames || {};
const f = parsed[slider.id] = parsed[slider.id] || JSON.parse(frames), i = slider.value, g = groups, t = types;
clock.text = `<span id="callsim-clock" style="font-size:32px;font-weight:bold">${f.clock[i]}</span>`;
queues.data = {type: t, waiting: t.map(k => f.waiting[k][i])};
agents.data = {group: g, own: g.map(k => f.own[k][i]), overflow: g.map(k => f.overflow[k][i]),
               idle: g.map(k => f.idle[k][i])};
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
cursor.location = n + 0.5;
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


def day_view(run: Run, title: str = ""):
    """The Bokeh layout of ``run``'s day, ready to play from its first minute."""
    timeline, scenario = run.timeline, run.results.scenario
    types = [t.name for t in scenario.call_types]
    groups = [g.name for g in scenario.groups]
    step = float(timeline.times[1] - timeline.times[0]) if len(timeline.times) > 1 else 60.0
    sl_target = scenario.kpi.sl_target
    most_waiting = max([1] + [int(v.max()) for v in timeline.waiting.values()])
    most_agents = max([1] + [int((timeline.own[g] + timeline.overflow[g] + timeline.idle[g]).max()) for g in groups])

    queues = ColumnDataSource({"type": types, "waiting": [0] * len(types)})
    queue_plot = figure(y_range=types[::-1], x_range=(0, most_waiting * 1.05), height=max(200, 60 + 30 * len(types)),
                        width=420, title="calls waiting", toolbar_location=None)
    queue_plot.hbar(y="type", right="waiting", height=0.7, color=QUEUE_COLOR, source=queues)
    agents = ColumnDataSource({"group": groups, **{s: [0] * len(groups) for s in STATES}})
    agent_plot = figure(y_range=groups[::-1], x_range=(0, most_agents * 1.05), height=max(240, 90 + 30 * len(groups)),
                        width=520, title="agents on duty", toolbar_location=None)
    agent_plot.hbar_stack(list(STATES), y="group", height=0.7, color=[OWN_COLOR, OVERFLOW_COLOR, IDLE_COLOR],
                          source=agents, legend_label=[STATE_LABELS[s] for s in STATES])
    legend = agent_plot.legend[0]
    legend.orientation = "horizontal"
    legend.label_text_font_size = "10px"
    agent_plot.add_layout(legend, "above")

    kpis = timeline.kpis
    sl_plot = figure(height=200, width=950, title="service level per interval (all calls) and the target",
                     x_range=(-0.5, len(kpis) - 0.5), y_range=(0, 1.05), toolbar_location=None)
    sl_plot.vbar(x=kpis.interval.tolist(), top=[0 if v is None else v for v in _series(kpis.service_level.to_numpy(float))],
                 width=0.8, color="#6baed6")
    sl_plot.add_layout(Span(location=sl_target, dimension="width", line_color="#c62828", line_dash="dashed"))
    cursor = Span(location=0.5, dimension="height", line_color="black", line_width=2)
    sl_plot.add_layout(cursor)
    sl_plot.xaxis.major_label_overrides = {int(i): s for i, s in zip(kpis.interval, kpis.start)}

    clock = Div(text="", width=120)
    tiles = Div(text="", width=600)
    day = Div(text="<div style='font-size:12px'>the day</div>" + tiles_html(run.day_kpis(), sl_target, "day"))
    note = f" <i>{OUTBOUND_NOTE}</i>" if scenario.campaigns else ""
    header = Div(text=f"<b>{title or run.label}</b>: {scenario.name}, {run.results.n_calls} calls, "
                      f"seed {run.results.seed}.{note}")
    slider = Slider(start=0, end=len(timeline.times) - 1, value=0, step=1, title="minutes from the start", width=500,
                    name=f"callsim-slider {run.label}")
    play = Button(label="▶ Play", width=90, css_classes=["callsim-play"])
    step_button = Button(label="Step +1", width=80, css_classes=["callsim-step"])
    speed = Select(title="speed (minutes per tick)", value="5x", options=list(SPEEDS), width=120)

    frames = json.dumps(_frames(timeline), allow_nan=False)
    render = CustomJS(args=dict(frames=frames, slider=slider, groups=groups, types=types, clock=clock, queues=queues,
                                agents=agents, tiles=tiles, kpis=list(TILE_KPIS), sl_target=sl_target, cursor=cursor,
                                tiles_template=_interval_template(sl_target)), code=RENDER)
    slider.js_on_change("value", render)
    play.js_on_click(CustomJS(args=dict(button=play, slider=slider, speed=speed, speeds=SPEEDS, tick_ms=TICK_MS,
                                        frames_per_minute=max(1, round(60 / step))), code=PLAY))
    step_button.js_on_click(CustomJS(args=dict(slider=slider), code="slider.value = Math.min(slider.value + 1, slider.end);"))
    _first_frame(timeline, clock, queues, agents, tiles, cursor, sl_target)
    return column(header, day, row(clock, tiles), row(play, step_button, speed, slider), row(queue_plot, agent_plot), sl_plot)


def _first_frame(timeline: Timeline, clock, queues, agents, tiles, cursor, sl_target: float) -> None:
    """The models as the browser's RENDER leaves them at frame 0 (drawn before any script runs)."""
    groups = list(timeline.idle)
    clock.text = f'<span id="callsim-clock" style="font-size:32px;font-weight:bold">{timeline.clock[0]}</span>'
    queues.data = {"type": list(timeline.waiting), "waiting": [int(v[0]) for v in timeline.waiting.values()]}
    agents.data = {"group": groups, **{s: [int(getattr(timeline, s)[g][0]) for g in groups] for s in STATES}}
    n = int(timeline.interval[0])
    row0 = timeline.kpis.iloc[n]
    tiles.text = (f"<div style='font-size:12px'>interval from {row0.start}</div>"
                  + tiles_html({k: float(row0[k]) for k in TILE_KPIS}, sl_target, "interval"))
    cursor.location = n + 0.5
