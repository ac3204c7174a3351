"""KPIs of scenarios with callbacks (sim.kpi.callbacks): a hand-worked run (a completed callback
is answered with its wait to the connection, a failed one abandons; offers, acceptances, outcomes
and the time to callback), and the streamed tables equal the record tables on random scenarios."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import simulate
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic
from strategies import callback_scenarios
from engine_checks import KPI_TABLES, assert_streamed_equals_records, valid_scenario
from test_record_tables import assert_same_as_reference


def test_hand_worked_tables(engine):
    # The calls of tests/test_callback_traces.py's first trace (worked out there): waits 0, 90,
    # 95 (call 2: accepted at 20, connected at 115), 4 (call 5); call 3 abandons after 40 s,
    # call 4's callback fails at 165 (an abandon after 125 s).
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 15.0, "accept": 0.5, "ring": deterministic(5), "reach": 0.5, "retries": 1,
                      "retry_delay": deterministic(30)}}
    scenario = day_scenario({"a": a}, {"g": {"headcount": 1}}, kpi={"short_abandon": 0.0, "sl_threshold": 20.0})
    n = 6
    calls = given_calls(scenario, [0, 10, 20, 30, 40, 126], ["a"] * n, [100, 10, 10, 10, 10, 10],
                        patience=[math.inf, math.inf, 20, 40, math.inf, math.inf], decisions={
                            "callback_accept": np.array([1, 1, 1, 0, 1, 1], np.int8),
                            "callback_ring": np.full((n, 2), 5.0),
                            "callback_reach": np.array([[1, 1]] * 4 + [[0, 0]] + [[1, 1]], float),
                            "callback_delay": np.array([[0, 30.0]] * n)})
    r = simulate(scenario, engine=engine, inputs=calls)
    row = r.summary.set_index("call_type").loc["a"]
    assert row[["offered", "answered", "abandoned", "answered_within_T"]].tolist() == [6, 4, 2, 2]
    assert row.asa == (0 + 90 + 95 + 4) / 4
    cb = r.callbacks.set_index("call_type")
    assert cb.loc["a", ["offers", "accepted", "completed", "failed"]].tolist() == [3, 2, 1, 1]
    assert cb.loc["a", "acceptance_rate"] == 2 / 3 and cb.loc["a", "time_to_callback"] == 95
    assert cb.loc["total", "offers"] == 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=callback_scenarios(), seed=st.integers(1, 10**6))
def test_streamed_tables_equal_record_tables_on_random_callback_scenarios(data, seed):
    scenario = valid_scenario(data)
    if scenario is None:
        return
    assert_streamed_equals_records(scenario, seed, KPI_TABLES + ("callbacks", "callback_intervals"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=callback_scenarios(), seed=st.integers(1, 10**6))
def test_record_tables_equal_the_reference_on_random_callback_scenarios(data, seed):
    scenario = valid_scenario(data)
    if scenario is not None:
        for engine in ("simpy", "fast"):
            assert_same_as_reference(scenario, seed, engine)
