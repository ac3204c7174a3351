"""Exact traces of the callback rule (sim.model.callbacks) on both engines: an offer below and
above the threshold (the predicted-wait rule worked by hand), a refused offer that keeps waiting
and abandons, an accepted callback keeping its place in line and never abandoning, completed on
the first dial, a callback not reached that rejoins its queue at the head after its retry delay,
the agent busy while it rings and free again after a failed dial, and a callback failing after
its retries.

Calls and their callback decisions are given explicitly; every expected time is worked out by hand.
"""

import math

import numpy as np
import pytest

from sim.core.engines import ENGINES
from sim.core.protocol import CALLBACK_OUTCOME_NAMES, OUTCOMES
from sim.model.callbacks import predicted_wait
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

NAN = math.nan
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}


def scenario_with(callback, headcount=1):
    """One type a (talk time mean 10 s: the rule's mean handle time) routed to group g."""
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}], "callback": callback}
    return day_scenario({"a": a}, {"g": {"headcount": headcount}})


def run(engine, scenario, arrival, talk, accept, ring, reach, delay, patience=None):
    n = len(arrival)
    inputs = given_calls(scenario, arrival, ["a"] * n, talk, patience=patience, decisions={
        "callback_accept": np.array(accept, np.int8), "callback_ring": np.array(ring, float).reshape(n, -1),
        "callback_reach": np.array(reach, float).reshape(n, -1), "callback_delay": np.array(delay, float).reshape(n, -1)})
    out = ENGINES[engine]().run(scenario, inputs)
    r, cb = out.records, out.callbacks
    return {"outcome": [OUTCOME[o] for o in r.outcome], "answer": r.answer_time.tolist(), "end": r.end_time.tolist(),
            "agent": r.agent.tolist(), "offered": cb.offered.tolist(), "accepted": cb.accepted.tolist(),
            "first_dial": cb.first_dial.tolist(), "last_dial": cb.last_dial.tolist(), "attempts": cb.attempts.tolist(),
            "connect": cb.connect_time.tolist(), "callback": [CALLBACK_OUTCOME_NAMES[o] for o in cb.outcome]}


def same(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


def test_the_predicted_wait_rule_by_hand():
    assert predicted_wait(0, 10.0, 1) == 10.0  # (0 ahead + 1) x 10 s / 1 agent
    assert predicted_wait(3, 12.0, 2) == 24.0  # (3 + 1) x 12 / 2
    assert predicted_wait(0, 10.0, 0) == math.inf  # nobody on duty


def test_offers_acceptance_completion_refusal_and_a_failed_callback(engine):
    scenario = scenario_with({"offer_above": 15.0, "accept": 0.5, "ring": deterministic(5), "reach": 0.5,
                              "retries": 1, "retry_delay": deterministic(30)})
    # One agent; predicted wait = (ahead + 1) x 10 / 1.
    # 0 at 0: the idle agent answers (talk 100, until 100): never queued, never offered.
    # 1 at 10: 0 ahead: 10 <= 15, not offered; waits.
    # 2 at 20: 1 ahead: 20 > 15, offered, accepts: keeps its place, never abandons (patience 20).
    # 3 at 30: 2 ahead: 30 > 15, offered, refuses: keeps waiting, abandons at 30 + 40 = 70.
    # 4 at 40: 3 ahead (1, 2, 3): offered, accepts.
    # 100: the agent takes 1 (until 110). 110: takes 2, dials (rings 5 s), reached at 115, talks
    # until 125. 125: takes 4, dials: not reached at 130, retry at 130 + 30 = 160; the agent is free.
    # 5 at 126 (0 ahead: not offered) waits while the agent dials; taken at 130 (until 140).
    # 160: 4 rejoins, the idle agent dials it at once: not reached at 165, no retry left: failed.
    r = run(engine, scenario, [0, 10, 20, 30, 40, 126], [100, 10, 10, 10, 10, 10],
            accept=[1, 1, 1, 0, 1, 1], ring=[[5, 5]] * 6, reach=[[1, 1]] * 4 + [[0, 0]] + [[1, 1]],
            delay=[[0, 30]] * 6, patience=[math.inf, math.inf, 20, 40, math.inf, math.inf])
    assert r["offered"] == [0, 0, 1, 1, 1, 0]
    assert r["accepted"] == [0, 0, 1, 0, 1, 0]
    assert r["outcome"] == ["answered", "answered", "answered", "abandoned", "abandoned", "answered"]
    assert same(r["answer"], [0, 100, 115, NAN, NAN, 130])
    assert r["end"] == [100, 110, 125, 70, 165, 140]
    assert same(r["first_dial"], [NAN, NAN, 110, NAN, 125, NAN])
    assert same(r["last_dial"], [NAN, NAN, 110, NAN, 160, NAN])
    assert r["attempts"] == [0, 0, 1, 0, 2, 0]
    assert same(r["connect"], [NAN, NAN, 115, NAN, NAN, NAN])
    assert r["callback"] == ["none", "none", "completed", "none", "failed", "none"]


def test_a_retry_rejoins_its_queue_at_the_head_and_the_rule_divides_by_agents_on_duty(engine):
    scenario = scenario_with({"offer_above": 8.0, "accept": 1.0, "ring": deterministic(4), "reach": 0.5,
                              "retries": 2, "retry_delay": deterministic(100)}, headcount=2)
    # Two agents on duty: predicted wait = (ahead + 1) x 10 / 2.
    # 0, 1 at 0: agents 0 and 1 answer (until 100 and 50). 2 at 1: 0 ahead, 5 <= 8: not offered.
    # 3 at 2: 1 ahead, 10 > 8: offered, accepts. 50: agent 1 takes 2 (until 60). 60: agent 1 dials
    # 3: not reached at 64, retry at 164; agent 1 idle from 64, agent 0 from 100.
    # 4 at 150 and 5 at 151 (talk 100): agents 1 (longest idle) and 0, until 250 and 251.
    # 6 at 155: 0 ahead: not offered, waits. 164: 3 rejoins at the head, ahead of 6 (nobody idle).
    # 250: agent 1 takes 3 (not 6): dials, reached at 254, talks until 264. 251: agent 0 takes 6.
    r = run(engine, scenario, [0, 0, 1, 2, 150, 151, 155], [100, 50, 10, 10, 100, 100, 10],
            accept=[1] * 7, ring=[[4, 4, 4]] * 7, reach=[[1, 1, 1]] * 3 + [[0, 1, 1]] + [[1, 1, 1]] * 3,
            delay=[[0, 100, 100]] * 7)
    assert r["offered"] == [0, 0, 0, 1, 0, 0, 0]
    assert same(r["answer"], [0, 0, 50, 254, 150, 151, 251])
    assert r["agent"] == [0, 1, 1, 1, 1, 0, 0]
    assert r["end"] == [100, 50, 60, 264, 250, 251, 261]
    assert r["first_dial"][3] == 60 and r["last_dial"][3] == 250 and r["attempts"][3] == 2
    assert r["connect"][3] == 254 and r["callback"][3] == "completed"


def test_offered_only_strictly_above_the_threshold(engine):
    scenario = scenario_with({"offer_above": 10.0, "accept": 1.0, "ring": deterministic(0)})
    # One agent busy with 0 until 100. 1 at 1: (0 + 1) x 10 / 1 = 10, not above 10: not offered.
    # 2 at 2: 20 > 10: offered, accepts. 100: 1 (until 110); 110: 2 is dialled, reached at once
    # (ring 0), talks until 120.
    r = run(engine, scenario, [0, 1, 2], [100, 10, 10], accept=[1, 1, 1], ring=[[0]] * 3, reach=[[1]] * 3,
            delay=[[0]] * 3)
    assert r["offered"] == [0, 0, 1] and r["accepted"] == [0, 0, 1]
    assert r["answer"] == [0, 100, 110] and r["end"] == [100, 110, 120] and r["connect"][2] == 110


def test_nobody_on_duty_predicts_an_infinite_wait(engine):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 3000.0, "accept": 0.5, "ring": deterministic(5)}}
    scenario = day_scenario({"a": a}, {"g": {"headcount_per_interval": [0, 2]}}, intervals=2, interval_minutes=30)
    # Nobody on duty before 1800: calls 0 (at 0) and 1 (at 10) are offered whatever the threshold;
    # 0 accepts, 1 refuses and waits. At 1800 agents 0 and 1 start: agent 0 dials 0 (reached at
    # 1805, talks until 1815), agent 1 answers 1 (until 1810). 2 at 1900 goes to the longest idle
    # agent, 1: never offered; 3 at 1901 to agent 0 (never queued either).
    r = run(engine, scenario, [0, 10, 1900, 1901], [10] * 4, accept=[1, 0, 1, 1], ring=[[5]] * 4, reach=[[1]] * 4,
            delay=[[0]] * 4)
    assert r["offered"] == [1, 1, 0, 0] and r["accepted"] == [1, 0, 0, 0]
    assert r["answer"] == [1805, 1800, 1900, 1901] and r["agent"] == [0, 1, 1, 0]
    assert r["first_dial"][0] == 1800 and r["end"][0] == 1815


def test_an_accepted_callback_keeps_its_trunk_until_it_ends(engine):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 0.0, "accept": 1.0, "ring": deterministic(5), "reach": 0.0}}
    scenario = day_scenario({"a": a}, {"g": {"headcount": 1}}, trunks=2)
    # 0 at 0 is answered (talk 100, trunk 1). 1 at 1 waits: offered (any wait is above 0 s),
    # accepts, keeps trunk 2. 2 at 2 finds both trunks taken: blocked. 100: 1 is dialled, not
    # reached at 105, no retry: failed (an abandon at 105), freeing its trunk: 3 at 106 is answered
    # at once (trunk 1, until 116) and 4 at 107 takes trunk 2 (offered, refuses, answered at 116).
    r = run(engine, scenario, [0, 1, 2, 106, 107], [100, 10, 10, 10, 10], accept=[1, 1, 1, 1, 0], ring=[[5]] * 5,
            reach=[[0]] * 5, delay=[[0]] * 5)
    assert r["outcome"] == ["answered", "abandoned", "blocked", "answered", "answered"]
    assert r["offered"] == [0, 1, 0, 0, 1] and r["callback"][1] == "failed"
    assert r["end"] == [100, 105, 2, 116, 126]


def test_after_an_ivr_menu_the_offer_is_made_when_the_call_joins_its_queue(engine):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {"offer_above": 15.0, "accept": 1.0, "ring": deterministic(5)}}
    b = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "ivr": {"duration": deterministic(30), "zero_out": {"a": 1.0}}}
    scenario = day_scenario({"a": a, "b": b}, {"g": {"headcount": 1}})
    # a-call 0 at 0 is answered (talk 100). a-call 1 at 1 waits (10 <= 15: not offered). b-call 2
    # at 2 is in the menu until 50, then joins a's queue behind 1: (1 + 1) x 10 = 20 > 15, offered
    # by a's rule and accepts. 100: 1 (until 110); 110: 2 dialled, reached at 115, until 125.
    n = 3
    inputs = given_calls(scenario, [0, 1, 2], ["a", "a", "b"], [100, 10, 10], decisions={
        "ivr_time": np.array([0, 0, 50.0 - 2]), "ivr_choice": np.array([0, 0, 0], np.int32),
        "callback_accept": np.ones(n, np.int8), "callback_ring": np.full((n, 1), 5.0),
        "callback_reach": np.ones((n, 1)), "callback_delay": np.zeros((n, 1))})
    out = ENGINES[engine]().run(scenario, inputs)
    assert out.callbacks.offered.tolist() == [0, 0, 1] and out.ivr.ivr_end[2] == 50
    assert out.records.answer_time.tolist() == [0, 100, 115] and out.callbacks.first_dial[2] == 110
