"""Runs side by side (sim.ui.compare, sim.ui.running): common random numbers give every run of
the page the same calls; the differences, with replications, are paired day by day with their
t confidence half-width, recomputed here from separate runs on the replication seeds."""

import numpy as np
import pytest
from scipy import stats

from sim.experiments.replications import replication_seeds
from sim.simulate import load_scenario_file, simulate
from sim.ui.form import apply
from sim.ui.running import SEED, run

pytest.importorskip("bokeh", reason="the ui extra is not installed (pip install -e '.[ui]')")
from sim.ui.compare import cell, delta, table_html, value  # noqa: E402

MORE = {"groups.retail_team.shifts.day.count": "14", "groups.sales_team.shifts.day.count": "5"}


@pytest.fixture(scope="module")
def default():
    return load_scenario_file("default")


def test_runs_see_the_same_calls_and_more_agents_raise_the_service_level(default):
    before, after = run(default, "a"), run(apply(default, MORE), "b")
    calls_before, calls_after = before.results.calls, after.results.calls
    assert len(calls_before) == len(calls_after)
    np.testing.assert_array_equal(calls_before.arrival.to_numpy(), calls_after.arrival.to_numpy())
    np.testing.assert_array_equal(calls_before.call_type.to_numpy(), calls_after.call_type.to_numpy())
    both = ((calls_before.outcome == "answered") & (calls_after.outcome == "answered")).to_numpy()
    np.testing.assert_array_equal(calls_before.talk.to_numpy()[both], calls_after.talk.to_numpy()[both])
    change, half = delta(before, after, "service_level")
    assert half is None and change > 0
    assert change == pytest.approx(after.day_kpis()["service_level"] - before.day_kpis()["service_level"])
    assert delta(before, after, "asa")[0] < 0 and delta(before, after, "occupancy")[0] < 0


def test_replicated_differences_are_paired_with_their_confidence_interval(default):
    n = 4
    before, after = run(default, "a", replications=n), run(apply(default, MORE), "b", replications=n)
    # by hand: the same n seeds for both, the difference day by day, its mean and t half-width
    seeds = replication_seeds(SEED, n)
    sl = [[float(simulate(s, seed=seed, engine="fast").summary.set_index("call_type").loc["total", "service_level"])
           for seed in seeds] for s in (default, apply(default, MORE))]
    days = np.array(sl[1]) - np.array(sl[0])
    mean, half = delta(before, after, "service_level")
    assert mean == pytest.approx(days.mean())
    assert half == pytest.approx(stats.t.ppf(0.975, n - 1) * days.std(ddof=1) / np.sqrt(n))
    level, level_half = value(before, "service_level")
    assert level == pytest.approx(np.mean(sl[0]))
    assert level_half == pytest.approx(stats.t.ppf(0.975, n - 1) * np.std(sl[0], ddof=1) / np.sqrt(n))
    html = table_html([before, after])
    assert f"<td data-cell='delta-b-service_level'>{cell('service_level', (mean, half), True)}</td>" in html
    assert "±" in cell("service_level", (mean, half), True)


def test_cells_read_as_percent_points_and_seconds():
    assert cell("service_level", (0.0321, None), True) == "+3.2 pts"
    assert cell("asa", (-2.06, 0.5), True) == "-2.1 s ± 0.5 s"
    assert cell("abandon_rate", (0.015, 0.002)) == "1.5 % ± 0.2 %"

