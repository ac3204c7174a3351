"""Exact traces of callbacks combined with redials and with transfers (sim.model.callbacks), on
both engines: a failed callback is an abandon of its attempt, followed by a redial linked to its
first attempt; a redial joining its queue is offered a callback and accepts it with its caller's
draws (the first attempt's); a completed callback is transferred as any answered call; a
transferred leg joining a queue is never offered a callback (a first leg there is).

Calls and their decisions are given explicitly; every expected time is worked out by hand.
Rows: the input calls in id order, then the redials in the order they were created.
"""

import math

import numpy as np

from sim.core.engines import ENGINES
from sim.core.protocol import CALLBACK_OUTCOME_NAMES, OUTCOMES
from sim.model import transfers
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

NAN = math.nan
INF = math.inf
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}

# type a: talk 10 s (the offer rule's mean handle time), one agent: predicted wait = (ahead + 1) x 10
CALLBACK = {"offer_above": 15.0, "accept": 0.5, "ring": deterministic(5), "reach": 0.5}
REDIAL = {"probability_abandoned": 1.0, "delay": deterministic(40), "max_attempts": 3}


def same(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


def callback_draws(accept, reach, ring=5.0):
    n = len(accept)
    return {"callback_accept": np.array(accept, np.int8), "callback_ring": np.full((n, 1), ring),
            "callback_reach": np.array(reach, float).reshape(n, 1), "callback_delay": np.zeros((n, 1))}


def run_redials(engine, arrival, talk, patience, accept, reach, u, delay, redial_patience):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}], "callback": CALLBACK,
         "redial": REDIAL}
    scenario = day_scenario({"a": a}, {"g": {"headcount": 1}})
    n = len(arrival)
    decisions = {**callback_draws(accept, reach), "redial_u": np.array(u, float).reshape(n, -1),
                 "redial_delay": np.array(delay, float).reshape(n, -1),
                 "redial_patience": np.array(redial_patience, float).reshape(n, -1)}
    out = ENGINES[engine]().run(scenario, given_calls(scenario, arrival, ["a"] * n, talk, patience=patience,
                                                      decisions=decisions))
    r, cb = out.records, out.callbacks
    return {"outcome": [OUTCOME[o] for o in r.outcome], "arrival": r.arrival.tolist(), "answer": r.answer_time.tolist(),
            "end": r.end_time.tolist(), "first": out.redials.first.tolist(), "attempt": out.redials.attempt.tolist(),
            "offered": cb.offered.tolist(), "accepted": cb.accepted.tolist(), "attempts": cb.attempts.tolist(),
            "first_dial": cb.first_dial.tolist(), "connect": cb.connect_time.tolist(),
            "callback": [CALLBACK_OUTCOME_NAMES[o].lower() for o in cb.outcome]}


def test_a_failed_callback_is_an_abandon_followed_by_a_redial_linked_to_its_first_attempt(engine):
    # 0 at 0: answered, talks until 100. 1 at 10: 0 ahead, 10 <= 15: not offered, waits.
    # 2 at 20: 1 ahead, 20 > 15: offered, accepts. 100: the agent takes 1 (until 110). 110: it
    # dials 2: not reached at 115, no retry: failed, an abandon at 115; u 0.5 < 1: a redial at
    # 115 + 40 = 155 (row 3), linked to 2. 155: the agent (idle since 115) answers it at once
    # (never queued: not offered), with 2's talk time 15: until 170.
    r = run_redials(engine, [0, 10, 20], [100, 10, 15], [INF] * 3, accept=[1, 1, 1], reach=[1, 1, 0],
                    u=[[0.5, 0.5]] * 3, delay=[[40, 40]] * 3, redial_patience=[[1000, 1000]] * 3)
    assert r["outcome"] == ["answered", "answered", "abandoned", "answered"]
    assert r["arrival"] == [0, 10, 20, 155]
    assert same(r["answer"], [0, 100, NAN, 155])
    assert r["end"] == [100, 110, 115, 170]
    assert r["first"] == [0, 1, 2, 2] and r["attempt"] == [1, 1, 1, 2]
    assert r["offered"] == [0, 0, 1, 0] and r["accepted"] == [0, 0, 1, 0]
    assert r["callback"] == ["none", "none", "failed", "none"] and r["attempts"] == [0, 0, 1, 0]


def test_a_redial_is_offered_a_callback_and_accepts_it_with_its_callers_draws(engine):
    # 0 at 0: answered, until 100. 1 at 10 (patience 20): 0 ahead, not offered; abandons at 30;
    # a redial at 30 + 40 = 70 (row 4, patience 1000). 2 at 40: 0 ahead (1 is gone): not offered.
    # 3 at 50: 1 ahead, 20 > 15: offered, refuses (its draw 0), waits. 70: the redial finds 2 ahead,
    # 30 > 15: offered, accepts by its caller's draw (1's: 1). 100: the agent takes 2 (until 110),
    # 110: 3 (until 120), 120: dials the redial (1's ring 5 and reach 1): connected at 125, talks
    # 1's talk time 15 until 140.
    r = run_redials(engine, [0, 10, 40, 50], [100, 15, 10, 10], [INF, 20, 1000, 1000], accept=[0, 1, 0, 0],
                    reach=[0, 1, 0, 0], u=[[0.5, 0.5]] * 4, delay=[[40, 40]] * 4, redial_patience=[[1000, 1000]] * 4)
    assert r["outcome"] == ["answered", "abandoned", "answered", "answered", "answered"]
    assert r["arrival"] == [0, 10, 40, 50, 70]
    assert same(r["answer"], [0, NAN, 100, 110, 125])
    assert r["end"] == [100, 30, 110, 120, 140]
    assert r["first"] == [0, 1, 2, 3, 1] and r["attempt"] == [1, 1, 1, 1, 2]
    assert r["offered"] == [0, 0, 0, 1, 1] and r["accepted"] == [0, 0, 0, 0, 1]
    assert same(r["first_dial"], [NAN, NAN, NAN, NAN, 120]) and same(r["connect"], [NAN, NAN, NAN, NAN, 125])
    assert r["callback"] == ["none", "none", "none", "none", "completed"]


def test_a_completed_callback_is_transferred_and_the_transferred_leg_is_not_offered_one(engine):
    tier1 = {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "tier1"}],
             "callback": {"offer_above": 150.0, "accept": 0.5, "ring": deterministic(5)},
             "transfer": {"probability": 0.5, "to": {"tier2": 1.0}}}
    tier2 = {"arrival_rate": 0, "talk_time": deterministic(50), "patience": deterministic(100),
             "route": [{"group": "tier2"}], "callback": {"offer_above": 0.0, "accept": 0.5, "ring": deterministic(5)}}
    scenario = day_scenario({"tier1": tier1, "tier2": tier2}, {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}})
    # tier1 (mean handle 100, one agent): 0 at 0 answered, until 100 (u 0.7: not transferred).
    # 1 at 10: 100 <= 150, not offered. 2 at 20: 200 > 150: offered, accepts. 100: agent 0 takes
    # 1 (until 200); 200: dials 2, reached at 205, talks 100 until 305, then transferred (u 0.2) to
    # tier2 (talk 50, patience 100). tier2: 3 at 300 is answered at once by agent 1 (until 350).
    # 305: the leg joins tier2's queue, where any wait is above 0 s: not offered (a transferred
    # leg never is); answered at 350, until 400. 4 at 310 (a first leg): 1 ahead, offered, refuses;
    # answered at 400, until 450.
    n = 5
    u = np.zeros((n, 1, transfers.UNIFORMS))
    u[:, 0, transfers.DRAW_TRANSFER] = [0.7, 0.7, 0.2, 0.9, 0.9]
    inputs = given_calls(scenario, [0, 10, 20, 300, 310], ["tier1"] * 3 + ["tier2"] * 2, [100, 100, 100, 50, 50],
                         patience=[INF, INF, INF, 100, 100],
                         decisions={"transfer_draws": u, **callback_draws([1, 1, 1, 0, 0], [1] * n)})
    out = ENGINES[engine]().run(scenario, inputs)
    r, cb, legs = out.records, out.callbacks, out.legs
    assert r.answer_time.tolist() == [0, 100, 205, 300, 400] and r.end_time.tolist() == [100, 200, 305, 350, 450]
    assert cb.offered.tolist() == [0, 0, 1, 0, 1] and cb.accepted.tolist() == [0, 0, 1, 0, 0]
    assert [CALLBACK_OUTCOME_NAMES[o].lower() for o in cb.outcome] == ["none", "none", "completed", "none", "none"]
    assert cb.connect_time[2] == 205
    by_leg = {(int(c), int(l)): (scenario.call_types[q].name, j, OUTCOME[o], g, s, e) for c, l, q, j, o, g, s, e
              in zip(legs.call, legs.leg, legs.queue, legs.joined, legs.outcome, legs.group, legs.start, legs.end_time)}
    assert by_leg[(2, 0)] == ("tier1", 20, "answered", 0, 205, 305)
    assert by_leg[(2, 1)] == ("tier2", 305, "answered", 1, 350, 400)
    assert len(by_leg) == 6
