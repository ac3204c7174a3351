"""The played day's Bokeh models (sim.ui.day_view, sim.ui.interval_plots) without a browser:
the report's interval plots hold the run's KPI tables (checked against the tables, row by row),
their clock markers follow the frames, blended agents on outbound work have their own state,
and the page refills the same models on each Run instead of adding new ones."""

import json

import numpy as np
import pytest

pytest.importorskip("panel", reason="the ui extra is not installed (pip install -e '.[ui]')")
from bokeh.document import Document  # noqa: E402
from bokeh.models import Span  # noqa: E402

from sim.simulate import load_scenario_file  # noqa: E402
from sim.ui.day_view import OUTBOUND_COLOR, STATE_LABELS, DayView, kpi_text, positions  # noqa: E402
from sim.ui.interval_plots import PLOTS  # noqa: E402
from sim.ui.page import WhatIfPage  # noqa: E402
from sim.ui.running import run  # noqa: E402


@pytest.fixture(scope="module")
def default_run():
    return run(load_scenario_file("default"), "run 1")


@pytest.fixture(scope="module")
def blended_run():
    return run(load_scenario_file("blended"), "run 1")


def shown(run) -> DayView:
    view = DayView(run.results.scenario)
    view.show(run)
    return view


def plotted(view: DayView, kind: str) -> dict:
    """label -> (x, y) of each line of the interval plot ``kind``, as the browser gets them."""
    plot = view.plots.figures[kind]
    assert plot.name == f"callsim-plot {kind}"
    out = {}
    for renderer in plot.renderers:  # in drawing order
        data = renderer.data_source.data
        out[renderer.name] = (np.asarray(data[renderer.glyph.x], float), np.asarray(data[renderer.glyph.y], float))
    return out


def steps(values) -> np.ndarray:
    """A step line's heights: one per interval, the last repeated for the right edge."""
    values = np.asarray(values, float)
    return np.append(values, values[-1])


def test_the_interval_plots_hold_the_runs_kpi_tables(default_run):
    view = shown(default_run)
    results = default_run.results
    assert set(view.plots.figures) == set(PLOTS) == {"service_level", "abandon_rate", "asa", "avg_queue", "agents",
                                                     "occupancy"}
    calls, groups = results.intervals, results.group_intervals
    intervals = sorted(calls.interval.unique())
    types = [t.name for t in results.scenario.call_types]
    for kind, scale in (("service_level", 100), ("abandon_rate", 100), ("asa", 1), ("avg_queue", 1)):
        lines = plotted(view, kind)
        assert list(lines) == types + ["total"]
        for name, (x, y) in lines.items():
            expected = [scale * float(calls[(calls.call_type == name) & (calls.interval == i)][kind].iloc[0])
                        for i in intervals]
            np.testing.assert_array_equal(x, np.arange(intervals[0], intervals[-1] + 2))
            np.testing.assert_allclose(y, steps(expected), equal_nan=True)
    lines = plotted(view, "agents")
    group_names = [g.name for g in results.scenario.groups]
    assert list(lines) == [f"{g} {w}" for g in group_names for w in ("on duty", "busy")]
    for g in group_names:
        rows = groups[groups.group == g].sort_values("interval")
        np.testing.assert_allclose(lines[f"{g} on duty"][1], steps(rows.available))
        np.testing.assert_allclose(lines[f"{g} busy"][1], steps(rows.busy))
    lines = plotted(view, "occupancy")
    for g in group_names:
        rows = groups[groups.group == g].sort_values("interval")
        np.testing.assert_allclose(lines[g][1], steps(100 * rows.busy / rows.available), equal_nan=True)
    pooled = groups.groupby("interval")[["busy", "available"]].sum()
    np.testing.assert_allclose(lines["all agents"][1], steps(100 * pooled.busy / pooled.available))
    # the targets of the scenario, and the interval ticks labelled with the start times
    spans = {s.name: s for s in view.plots.figures["service_level"].select(type=Span)}
    assert spans["callsim-cursor service_level"].location == 0
    assert 100 * results.scenario.kpi.sl_target in [s.location for s in view.plots.figures["service_level"].select(type=Span)]
    assert 100 * results.scenario.kpi.abandon_target in [s.location for s in view.plots.figures["abandon_rate"].select(type=Span)]
    assert view.plots.figures["asa"].xaxis[0].major_label_overrides[2] == "08:00"  # default: 07:00 + 2 x 30 min


def test_the_clock_marker_is_at_the_clock_time_on_the_interval_axis(default_run):
    """Interval i spans [i, i + 1): 07:45 on the default day (30-minute intervals from 07:00) is at 1.5."""
    timeline = default_run.timeline
    where = positions(timeline, default_run.results.scenario)
    assert where[timeline.clock.index("07:45")] == 1.5 and where[timeline.clock.index("12:00")] == 10.0
    frames = json.loads(shown(default_run).render.args["frames"])
    assert frames["position"] == where


def test_blended_agents_on_outbound_work_have_their_own_state(blended_run, default_run):
    view = shown(blended_run)
    assert view.states == ("own", "overflow", "outbound", "idle")
    legend = [item.label.value for item in view.agent_plot.legend[0].items]
    assert STATE_LABELS["outbound"] in legend
    colors = [r.glyph.fill_color for r in view.agent_plot.renderers]
    assert OUTBOUND_COLOR in colors
    frames = json.loads(view.render.args["frames"])
    k = blended_run.timeline.clock.index("15:00")
    assert frames["outbound"]["blended"][k] == int(blended_run.timeline.outbound["blended"][k]) > 0
    assert "idle" not in view.header.text  # no caveat about outbound work shown as idle
    assert shown(default_run).states == ("own", "overflow", "idle")  # no campaigns: no outbound state


def model_ids(doc: Document) -> set:
    return {model.id for model in doc.models}


def test_each_run_refills_the_same_models():
    """Five runs (the form changed between them): the document holds the very same models as
    before the first (the day's models are built when the scenario is loaded); another scenario
    (other call types and groups) gets new ones."""
    page = WhatIfPage("default")
    doc = Document()
    doc.add_root(page.layout.get_root(doc))
    loaded = model_ids(doc)
    tags = []
    for headcount in ("10", "12", "14", "16", "18"):
        page.inputs["groups.retail_team.shifts.day.count"].value_input = headcount
        assert page.run() is not None
        assert model_ids(doc) == loaded
        tags.append(tuple(page.view.play.tags))
    assert len(set(tags)) == 5  # each run changes them: the browser stops playing the one before (day_view.STOP)
    # the refilled models show run 5
    assert page.view.slider.name == "callsim-slider run 5" and page.view.header.text.startswith("<b>run 5</b>")
    shown = page.current.day_kpis()["service_level"]
    assert f">{kpi_text('service_level', shown)}<" in page.view.day.text
    assert json.loads(page.view.render.args["frames"])["own"]["retail_team"] == page.current.timeline.own["retail_team"].tolist()
    default_view = page.view
    page.scenario_choice.value = "blended"
    assert page.view is not default_view and page.view.states[2] == "outbound"
    page.scenario_choice.value = "single_queue"
    assert page.run() is not None and page.view.shape == (("calls",), ("agents",), False)
