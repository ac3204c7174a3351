"""The callbacks' table per interval of arrival x call type (sim.kpi.callbacks): worked by hand on
a two-interval day, on both engines and from the streamed tallies; written as
callback_intervals.csv beside callbacks.csv. (Streamed = records on random scenarios: the
callback tests' streamed checks include the table.)"""

import math

import numpy as np
import pandas as pd

from sim import simulate
from sim.reports.files import write_run
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic


def scenario():
    """Type a (talk mean 10 s) offers callbacks above 15 s of predicted wait; type b none; one
    agent; two intervals of 600 s."""
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 15.0, "accept": 0.5, "ring": deterministic(5), "reach": 0.5}}
    b = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}]}
    return day_scenario({"a": a, "b": b}, {"g": {"headcount": 1}}, intervals=2, interval_minutes=10)


def run(engine, records=True):
    # 0 at 0 (talk 700): answered at once. 1 at 10: 0 ahead (10 s): not offered. 2 at 20: 1 ahead
    # (20 s): offered, accepts. 3 at 610 (interval 1): 2 ahead: offered, refuses. 4 at 620: 3 ahead:
    # offered, accepts. 700: 1 (until 710); 710: 2 dialled, reached at 715 (time to callback
    # 715 - 20 = 695), until 725; 725: 3 (until 735); 735: 4 dialled, not reached at 740: failed.
    s = scenario()
    calls = given_calls(s, [0, 10, 20, 610, 620], ["a"] * 5, [700, 10, 10, 10, 10], decisions={
        "callback_accept": np.array([1, 1, 1, 0, 1], np.int8), "callback_ring": np.full((5, 1), 5.0),
        "callback_reach": np.array([[1], [1], [1], [1], [0]], float), "callback_delay": np.zeros((5, 1))})
    return simulate(s, engine=engine, inputs=calls, records=records)


def test_per_interval_by_hand(engine):
    t = run(engine).callback_intervals
    assert t.interval.tolist() == [0, 0, 0, 1, 1, 1] and t.call_type.tolist() == ["a", "b", "total"] * 2
    assert t[["offers", "accepted", "completed", "failed"]].values.tolist() == [
        [1, 1, 1, 0], [0, 0, 0, 0], [1, 1, 1, 0], [2, 1, 0, 1], [0, 0, 0, 0], [2, 1, 0, 1]]
    assert t.acceptance_rate.iloc[[0, 3]].tolist() == [1.0, 0.5] and math.isnan(t.acceptance_rate.iloc[1])
    assert t.time_to_callback.iloc[0] == 695 and math.isnan(t.time_to_callback.iloc[3])
    assert t.start.iloc[3] == run(engine).intervals.start.iloc[3]  # (the interval tables' labels)


def test_streamed_equals_records_and_the_csv_is_written(tmp_path):
    exact, streamed = run("fast"), run("fast", records=False)
    pd.testing.assert_frame_equal(exact.callback_intervals, streamed.callback_intervals)
    write_run(exact, tmp_path, plots=False)
    written = pd.read_csv(tmp_path / "callback_intervals.csv")
    assert written.offers.tolist() == exact.callback_intervals.offers.tolist()
