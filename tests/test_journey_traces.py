"""Exact traces of redials and transfers in one scenario (sim.model.transfers, "With redials") on
both engines: a caller abandons, redials, is answered and escalated after a consult; an escalated
leg abandons and no redial follows (while a first attempt abandoning with the same draws redials
again and again); two callers' redials, created in the other order than their ids, each follow
its own first attempt's transfer uniforms.

Calls and their draws are given explicitly (tier 1 and tier 2 have deterministic talk times, and
tier 2 a deterministic patience); every expected time is worked out by hand. Rows: the input calls
in id order, then the redials in the order they were created; legs name those rows.
"""

import math

import numpy as np

from sim.core.engines import ENGINES
from sim.core.protocol import OUTCOMES
from sim.model import transfers
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

NAN = math.nan
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}
REDIAL = {"probability_abandoned": 0.6, "probability_blocked": 0.0, "delay": deterministic(50), "max_attempts": 3}


def scenario_with(consult=None):
    tier1 = {"arrival_rate": 0, "talk_time": deterministic(100), "patience": deterministic(1000),
             "route": [{"group": "tier1"}], "redial": REDIAL,
             "transfer": {"probability": 0.5, "to": {"tier2": 1.0}, "consult": consult}}
    tier2 = {"arrival_rate": 0, "talk_time": deterministic(50), "patience": deterministic(30),
             "route": [{"group": "tier2"}]}
    scenario = day_scenario({"tier1": tier1, "tier2": tier2}, {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}})
    assert scenario.transfer_max_legs == 2  # tier1 -> tier2: one transfer at most
    return scenario


def run(engine, scenario, arrival, call_type, talk, patience, transfer_u, redial_u, delay, redial_patience):
    """Calls (given in engine order) with, per call, its 'transferred?' uniform (0 for the other
    five: the first target; deterministic distributions give their mean whatever the uniform) and
    its rows of redial draws (two redials at most)."""
    n = len(arrival)
    u = np.zeros((n, 1, transfers.UNIFORMS))
    u[:, 0, transfers.DRAW_TRANSFER] = transfer_u
    decisions = {"transfer_draws": u, "redial_u": np.array(redial_u, float).reshape(n, 2),
                 "redial_delay": np.array(delay, float).reshape(n, 2),
                 "redial_patience": np.array(redial_patience, float).reshape(n, 2)}
    out = ENGINES[engine]().run(scenario, given_calls(scenario, arrival, call_type, talk, patience=patience,
                                                      decisions=decisions))
    legs = out.legs
    rows = [(int(c), int(l), scenario.call_types[q].name, j, OUTCOME[o], g, s, e)
            for c, l, q, j, o, g, s, e in zip(legs.call, legs.leg, legs.queue, legs.joined, legs.outcome, legs.group,
                                              legs.start, legs.end_time)]
    r = out.records
    calls = {"outcome": [OUTCOME[o] for o in r.outcome], "arrival": r.arrival.tolist(),
             "answer": r.answer_time.tolist(), "end": r.end_time.tolist(), "first": out.redials.first.tolist(),
             "attempt": out.redials.attempt.tolist()}
    return out, calls, rows


def same(actual, expected):
    return len(actual) == len(expected) and all(
        a[:5] == e[:5] and np.array_equal(np.array(a[5:], float), np.array(e[5:], float), equal_nan=True)
        for a, e in zip(actual, expected))


def same_values(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


def test_a_caller_abandons_redials_is_answered_and_escalated_after_a_consult(engine):
    scenario = scenario_with(consult=deterministic(10))
    # 0: tier 1 (agent 0) talks 0-100; its plan: not transferred (u 0.7). 1: arrives 10, patience
    # 20: abandons at 30; redials (u 0.1 < 0.6) at 30 + 50 = 80 (row 2), patience 1000: waits
    # until agent 0 is free at 100, talks its own 40 s to 140; its first attempt's plan says
    # transferred (u 0.2 < 0.5): the consult keeps agent 0 until 150, when the caller joins tier 2
    # (agent 1 idle): talk 50, to 200.
    out, calls, legs = run(engine, scenario, [0, 10], ["tier1", "tier1"], [100, 40], [1000, 20], [0.7, 0.2],
                           redial_u=[[0.9, 0.9], [0.1, 0.9]], delay=[[1, 1], [50, 1]],
                           redial_patience=[[1, 1], [1000, 1]])
    assert calls["outcome"] == ["answered", "abandoned", "answered"]
    assert calls["arrival"] == [0, 10, 80] and same_values(calls["answer"], [0, NAN, 100])
    assert calls["end"] == [100, 30, 150]  # (the redial's row: the end of its consult)
    assert calls["first"] == [0, 1, 1] and calls["attempt"] == [1, 1, 2]
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (1, 0, "tier1", 10, "abandoned", -1, NAN, 30),
                       (2, 0, "tier1", 80, "answered", 0, 100, 150), (2, 1, "tier2", 150, "answered", 1, 150, 200)])
    assert out.legs.consult.tolist() == [0, 0, 10, 0] and out.legs.talk.tolist() == [100, 0, 40, 50]


def test_an_escalated_leg_that_abandons_makes_no_redial_while_a_first_attempt_redials(engine):
    scenario = scenario_with()
    # 0: tier 1 talks 0-100, transferred (u 0.2): joins tier 2 at 100, whose agent talks with 1
    # (a direct tier-2 call) 0-200; tier 2's patience 30: the leg abandons at 130. Its caller had
    # reached an agent: no redial, although its draws (u 0) would say so. 2: arrives 5, patience
    # 10: abandons at 15 and redials (u 0) at 15 + 10 = 25 (row 3), patience 5: abandons at 30;
    # redials again at 40 (row 4, its third attempt), abandons at 45: the limit, no more.
    out, calls, legs = run(engine, scenario, [0, 0, 5], ["tier1", "tier2", "tier1"], [100, 200, 100],
                           [1000, 1000, 10], [0.2, 0.9, 0.9], redial_u=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
                           delay=[[10, 10], [10, 10], [10, 10]], redial_patience=[[5, 5], [5, 5], [5, 5]])
    assert calls["outcome"] == ["answered", "answered", "abandoned", "abandoned", "abandoned"]
    assert calls["arrival"] == [0, 0, 5, 25, 40] and calls["end"] == [100, 200, 15, 30, 45]
    assert calls["first"] == [0, 1, 2, 2, 2] and calls["attempt"] == [1, 1, 1, 2, 3]
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "abandoned", -1, NAN, 130),
                       (1, 0, "tier2", 0, "answered", 1, 0, 200), (2, 0, "tier1", 5, "abandoned", -1, NAN, 15),
                       (3, 0, "tier1", 25, "abandoned", -1, NAN, 30), (4, 0, "tier1", 40, "abandoned", -1, NAN, 45)])


def test_each_redial_follows_its_own_first_attempts_transfer_uniforms(engine):
    scenario = scenario_with()
    # 0: tier 1 talks 0-100, transferred (u 0.2): tier 2 talks 100-150. 1: arrives 10, patience
    # 30: abandons at 40, redials at 40 + 20 = 60; 2: arrives 20, patience 5: abandons at 25,
    # redials at 25 + 10 = 35. Redials are numbered as created: 2's is row 3, 1's row 4. Agent 0
    # takes them in queue order: row 3 at 100 (2's talk 30, to 130; 2's plan: not transferred,
    # u 0.8), row 4 at 130 (1's talk 40, to 170; 1's plan: transferred, u 0.2): tier 2, idle
    # since 150, talks 170-220. (Read by redial number, the plans would swap: 0's for row 3.)
    out, calls, legs = run(engine, scenario, [0, 10, 20], ["tier1"] * 3, [100, 40, 30], [1000, 30, 5],
                           [0.2, 0.2, 0.8], redial_u=[[0.9, 0.9], [0.1, 0.9], [0.1, 0.9]],
                           delay=[[1, 1], [20, 1], [10, 1]], redial_patience=[[1, 1], [1000, 1], [1000, 1]])
    assert calls["outcome"] == ["answered", "abandoned", "abandoned", "answered", "answered"]
    assert calls["arrival"] == [0, 10, 20, 35, 60] and same_values(calls["answer"], [0, NAN, NAN, 100, 130])
    assert calls["end"] == [100, 40, 25, 130, 170]
    assert calls["first"] == [0, 1, 2, 2, 1] and calls["attempt"] == [1, 1, 1, 2, 2]
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "answered", 1, 100, 150),
                       (1, 0, "tier1", 10, "abandoned", -1, NAN, 40), (2, 0, "tier1", 20, "abandoned", -1, NAN, 25),
                       (3, 0, "tier1", 35, "answered", 0, 100, 130), (4, 0, "tier1", 60, "answered", 0, 130, 170),
                       (4, 1, "tier2", 170, "answered", 1, 170, 220)])
