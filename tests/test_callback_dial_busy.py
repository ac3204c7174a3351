"""An agent dialling a callback is busy (issue 14): every dial attempt, reached or not, counts as
busy time from the dial to the end of its ring, in occupancy, utilisation and the group busy
tables, on the record route (sim.core.records.DialRecords), in the pandas reference and on the
streamed route (the fast engine's busy tallies); worked out by hand on an exact trace."""

import math

import numpy as np
import pytest

from sim import simulate
from sim.core.engines import ENGINES
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic
from kpi_reference import group_tables as reference_group_tables


def _scenario():
    # two intervals of 2 minutes ([0, 120), [120, 240)), one agent
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 5.0, "accept": 1.0, "ring": deterministic(30), "reach": 0.5, "retries": 1,
                      "retry_delay": deterministic(50)}}
    return day_scenario({"a": a}, {"g": {"headcount": 1}}, intervals=2, interval_minutes=2)


def _calls(scenario):
    # 0 at 0: answered at once, talks 100 s (busy 0-100).
    # 1 at 10: predicted wait (0 + 1) x 10 / 1 = 10 > 5: offered, accepts. At 100 the agent dials
    # it: rings 30 s, not reached at 130 (busy 100-130); retries at 130 + 50 = 180: the idle agent
    # dials again, reached at 210 (busy 180-210), talks 40 s until 250 (busy 210-250).
    return given_calls(scenario, [0, 10], ["a", "a"], [100, 40], decisions={
        "callback_accept": np.array([1, 1], np.int8), "callback_ring": np.full((2, 2), 30.0),
        "callback_reach": np.array([[1, 1], [0, 1]], float), "callback_delay": np.array([[0, 50.0], [0, 50.0]])})


# by hand: the agent stays until its last call ends at 250 (on duty 0-250). Busy 100 + 30 + 30 + 40
# = 200 s of 250: occupancy 0.8 (without the dials 140 / 250 = 0.56). Interval [0, 120): busy
# 0-100 and the dial 100-120: 120 s of 120. Interval [120, 240): the dial 120-130, the dial 180-210,
# talk 210-240: 70 s of 120.
BUSY, ON_DUTY = 200.0, 250.0
INTERVAL_BUSY = [120.0, 70.0]


def _check(groups, group_intervals):
    row = groups.set_index("group").loc["g"]
    assert row.busy_hours == pytest.approx(BUSY / 3600, rel=1e-12)
    assert row.available_hours == pytest.approx(ON_DUTY / 3600, rel=1e-12)
    assert row.occupancy == pytest.approx(BUSY / ON_DUTY, rel=1e-12)
    assert row.utilisation == pytest.approx(BUSY / ON_DUTY, rel=1e-12)  # (paid: on duty, no shrinkage)
    per_interval = group_intervals[group_intervals.group == "g"]
    assert per_interval.busy.tolist() == pytest.approx([b / 120 for b in INTERVAL_BUSY], rel=1e-12)
    assert per_interval.occupancy.tolist() == pytest.approx([b / 120 for b in INTERVAL_BUSY], rel=1e-12)


def test_the_dial_records_of_the_trace(engine):
    scenario = _scenario()
    dials = ENGINES[engine]().run(scenario, _calls(scenario)).dials
    assert dials.call.tolist() == [1, 1] and dials.attempt.tolist() == [0, 1]
    assert dials.group.tolist() == [0, 0] and dials.agent.tolist() == [0, 0]
    assert dials.start.tolist() == [100, 180] and dials.end.tolist() == [130, 210]


def test_occupancy_counts_the_dials_on_the_record_route(engine):
    scenario = _scenario()
    r = simulate(scenario, engine=engine, inputs=_calls(scenario))
    _check(r.groups, r.group_intervals)


def test_occupancy_counts_the_dials_in_the_reference(engine):
    scenario = _scenario()
    out = ENGINES[engine]().run(scenario, _calls(scenario))
    _check(*reference_group_tables(scenario, out, ON_DUTY))


def test_occupancy_counts_the_dials_on_the_streamed_route():
    scenario = _scenario()
    r = simulate(scenario, engine="fast", inputs=_calls(scenario), records=False)
    assert r.calls is None
    _check(r.groups, r.group_intervals)


def test_the_results_dials_table_and_the_day_view_count_the_ringing_agent_busy(engine):
    pytest.importorskip("bokeh")
    from sim.ui.timeline import day_timeline

    scenario = _scenario()
    r = simulate(scenario, engine=engine, inputs=_calls(scenario))
    assert r.dials.call_id.tolist() == [1, 1] and r.dials.attempt.tolist() == [0, 1]
    assert r.dials.group.tolist() == ["g", "g"] and r.dials.start.tolist() == [100, 180]
    assert r.dials.end.tolist() == [130, 210]
    day = day_timeline(r, step_seconds=10.0)
    busy = dict(zip(day.times, day.own["g"]))
    # by hand: talk 0-100, dial 100-130, idle 130-180 (waiting to retry), dial 180-210, talk 210-250
    assert [busy[t] for t in (50, 110, 150, 190, 220)] == [1, 1, 0, 1, 1]
    assert simulate(scenario, engine=engine, inputs=_calls(scenario), records=False).dials is None


def test_a_dial_by_a_backup_group_is_drawn_as_overflow(engine):
    pytest.importorskip("bokeh")
    from sim.ui.timeline import day_timeline

    a = {"arrival_rate": 0, "talk_time": deterministic(10),
         "route": [{"group": "first"}, {"group": "backup", "delay": 30.0}],
         "callback": {"offer_above": 5.0, "accept": 1.0, "ring": deterministic(30), "reach": 1.0}}
    scenario = day_scenario({"a": a}, {"first": {"headcount": 1}, "backup": {"headcount": 1}},
                            intervals=2, interval_minutes=2)
    # 0 at 0: "first" talks 100 s. 1 at 10: predicted wait 10 > 5, accepts; at 40 (its backup step)
    # the idle "backup" agent dials it (busy 40-70), reaches it, talks 40 s (70-110): overflow work
    inputs = given_calls(scenario, [0, 10], ["a", "a"], [100, 40], decisions={
        "callback_accept": np.array([1, 1], np.int8), "callback_ring": np.full((2, 1), 30.0),
        "callback_reach": np.ones((2, 1)), "callback_delay": np.zeros((2, 1))})  # (1: reached)
    r = simulate(scenario, engine=engine, inputs=inputs)
    assert r.dials.group.tolist() == ["backup"] and r.dials.start.tolist() == [40]
    day = day_timeline(r, step_seconds=10.0)
    overflow, own = dict(zip(day.times, day.overflow["backup"])), dict(zip(day.times, day.own["backup"]))
    assert [overflow[t] for t in (30, 50, 80, 120)] == [0, 1, 1, 0]
    assert [own[t] for t in (30, 50, 80, 120)] == [0, 0, 0, 0]
