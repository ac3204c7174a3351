"""Exact traces of the redial rule (sim.model.redials) on both engines: an abandon followed by a
redial linked to its first attempt (and one whose draw says no), a blocked caller redialling
(blocked again, then through), the attempt limit, the horizon's end, a redial through the
type's IVR menu again, and redials tying with fresh arrivals at one instant.

Calls and their redial draws are given explicitly; every expected time is worked out by hand.
Rows: the input calls in id order, then the redials in the order they were created.
"""

import math

import numpy as np

from sim.core.engines import ENGINES
from sim.core.protocol import IVR_CHOICES, OUTCOMES
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

NAN = math.nan
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}


def scenario_with(redial, headcount=1, intervals=1, interval_minutes=60, **extra):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "patience": deterministic(1000),
         "route": [{"group": "g"}], "redial": redial}
    return day_scenario({"a": {**a, **extra.pop("type", {})}}, {"g": {"headcount": headcount}}, intervals,
                        interval_minutes, **extra)


def run(engine, scenario, arrival, talk, patience, u, delay, redial_patience, decisions=None):
    """Calls of type a; u, delay and redial_patience: per call its row of redial draws."""
    n = len(arrival)
    draws = {"redial_u": np.array(u, float).reshape(n, -1), "redial_delay": np.array(delay, float).reshape(n, -1),
             "redial_patience": np.array(redial_patience, float).reshape(n, -1), **(decisions or {})}
    inputs = given_calls(scenario, arrival, ["a"] * n, talk, patience=patience, decisions=draws)
    out = ENGINES[engine]().run(scenario, inputs)
    r = out.records
    return {"outcome": [OUTCOME[o] for o in r.outcome], "arrival": r.arrival.tolist(), "answer": r.answer_time.tolist(),
            "end": r.end_time.tolist(), "first": out.redials.first.tolist(), "attempt": out.redials.attempt.tolist(),
            "ivr": out.ivr}


def same(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


REDIAL = {"probability_abandoned": 0.6, "probability_blocked": 1.0, "delay": deterministic(60), "max_attempts": 3}


def test_an_abandon_redials_after_its_delay_linked_to_its_first_attempt(engine):
    scenario = scenario_with(REDIAL)
    # 0: answered at 0, talks until 100. 1: arrives 10, patience 20: abandons at 30; u 0.5 < 0.6:
    # redials at 30 + 40 = 70 (row 3) with the fresh patience 50: waits, answered at 100 (wait 30),
    # its own talk time 15 again: ends 115. 2: arrives 20, patience 5: abandons at 25; u 0.7 >= 0.6:
    # no redial.
    r = run(engine, scenario, [0, 10, 20], [100, 15, 10], [1000, 20, 5],
            u=[[0, 0], [0.5, 0], [0.7, 0]], delay=[[1, 1], [40, 1], [1, 1]], redial_patience=[[1, 1], [50, 1], [1, 1]])
    assert r["outcome"] == ["answered", "abandoned", "abandoned", "answered"]
    assert r["arrival"] == [0, 10, 20, 70]
    assert same(r["answer"], [0, NAN, NAN, 100])
    assert r["end"] == [100, 30, 25, 115]
    assert r["first"] == [0, 1, 2, 1] and r["attempt"] == [1, 1, 1, 2]


def test_a_blocked_caller_redials_until_it_gets_a_trunk(engine):
    scenario = scenario_with(REDIAL, trunks=1)
    # 0 holds the only trunk from 0 to 50. 1 arrives 10: blocked; redials at 10 + 30 = 40 (row 2):
    # blocked again; redials at 40 + 20 = 60 (row 3, its 3rd attempt): answered at 60, ends 70.
    r = run(engine, scenario, [0, 10], [50, 10], [1000, 1000],
            u=[[0, 0], [0.99, 0.99]], delay=[[1, 1], [30, 20]], redial_patience=[[1, 1], [1000, 1000]])
    assert r["outcome"] == ["answered", "blocked", "blocked", "answered"]
    assert r["arrival"] == [0, 10, 40, 60]
    assert r["end"] == [50, 10, 40, 70]
    assert r["first"] == [0, 1, 1, 1] and r["attempt"] == [1, 1, 2, 3]


def test_the_attempt_limit_ends_the_redials(engine):
    scenario = scenario_with({**REDIAL, "probability_abandoned": 1.0, "max_attempts": 2})
    # the agent is busy until 1000. 1 abandons at 5, redials at 5 + 10 = 15 with patience 7:
    # abandons at 22, its 2nd attempt of 2: no more (its draws would say yes).
    r = run(engine, scenario, [0, 0], [1000, 10], [1000, 5], u=[[0], [0]], delay=[[1], [10]],
            redial_patience=[[1], [7]])
    assert r["outcome"] == ["answered", "abandoned", "abandoned"]
    assert r["arrival"] == [0, 0, 15] and r["end"] == [1000, 5, 22]
    assert r["first"] == [0, 1, 1] and r["attempt"] == [1, 1, 2]


def test_a_redial_passes_the_menu_again_with_the_callers_own_menu_time_and_way_out(engine):
    menu = {"duration": deterministic(30), "finish": 0.5, "hang_up": 0.0}
    scenario = scenario_with(REDIAL, type={"ivr": menu})
    # 0: menu 0..5, zeroes out at 5, answered, talks until 105. 1: arrives 1, menu until 6, joins
    # the queue at 6 with patience 4: abandons at 10; redials at 10 + 20 = 30: the menu again
    # (5 s, until 35), joins at 35, answered at 105 (patience 100), ends 115.
    r = run(engine, scenario, [0, 1], [100, 10], [1000, 4], u=[[0, 0], [0, 0]], delay=[[1, 1], [20, 1]],
            redial_patience=[[1, 1], [100, 1]],
            decisions={"ivr_time": np.array([5.0, 5.0]), "ivr_choice": np.array([0, 0], np.int32)})
    assert r["outcome"] == ["answered", "abandoned", "answered"]
    assert r["arrival"] == [0, 1, 30] and same(r["answer"], [5, NAN, 105]) and r["end"] == [105, 10, 115]
    assert r["ivr"].ivr_end.tolist() == [5, 6, 35] and r["ivr"].queue.tolist() == [0, 0, 0]
    assert r["first"] == [0, 1, 1] and r["attempt"] == [1, 1, 2]


def test_a_redial_arrives_before_a_fresh_call_of_the_same_instant(engine):
    scenario = scenario_with(REDIAL)
    # 0: talks 0..40. 1: arrives 10, patience 10, abandons at 20, redials at 50 (row 3).
    # 2: a fresh call at 50 too. The redial arrives first and takes the idle agent (50..60);
    # the fresh call waits until 60.
    r = run(engine, scenario, [0, 10, 50], [40, 10, 10], [1000, 10, 1000], u=[[0, 0]] * 3,
            delay=[[1, 1], [30, 1], [1, 1]], redial_patience=[[1000, 1000]] * 3)
    assert r["arrival"] == [0, 10, 50, 50]
    assert same(r["answer"], [0, NAN, 60, 50]) and r["end"] == [40, 20, 70, 60]


def test_a_redial_and_a_fresh_call_waiting_from_one_instant_keep_their_order_of_joining(engine):
    scenario = scenario_with(REDIAL)
    # as above but the agent talks until 100: the redial and the fresh call both wait from 50, in
    # one queue, in the order they joined it (a FIFO queue; the id breaks ties only between the
    # heads of different queues): the redial, which arrived first, is answered at 100, the fresh
    # call at 110.
    r = run(engine, scenario, [0, 10, 50], [100, 10, 10], [1000, 10, 1000], u=[[0, 0]] * 3,
            delay=[[1, 1], [30, 1], [1, 1]], redial_patience=[[1000, 1000]] * 3)
    assert same(r["answer"], [0, NAN, 110, 100])


def test_no_redial_at_or_after_the_horizons_end(engine):
    scenario = scenario_with(REDIAL, intervals=1, interval_minutes=1)  # calls arrive in [0, 60)
    # the agent talks 0..100. 1 abandons at 30: its redial would come at 30 + 30 = 60, the end:
    # none. 2 abandons at 25 and redials at 25 + 30 = 55 (row 3), abandons at 56; its next
    # redial would come at 56 + 10 = 66: none.
    r = run(engine, scenario, [0, 10, 20], [100, 10, 10], [1000, 20, 5], u=[[0, 0]] * 3,
            delay=[[1, 1], [30, 1], [30, 10]], redial_patience=[[1, 1], [1, 1], [1, 1]])
    assert r["arrival"] == [0, 10, 20, 55] and r["end"] == [100, 30, 25, 56]
    assert r["first"] == [0, 1, 2, 2]
