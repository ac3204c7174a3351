"""Exact traces of the IVR rule (sim.model.ivr) on both engines: self-service, hang-up, zero-out
to the type's own queue and to another one, ports full, trunks held through the menu, and the
wait, patience and overflow delays counted from the end of the menu.

Calls and their IVR decisions are given explicitly; every expected time is worked out by hand.
"""

import math

import numpy as np
import pytest

from sim.core.engines import ENGINES
from sim.core.protocol import IVR_CHOICES, IVR_OUTCOME_NAMES, OUTCOMES
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

SELF, HANG = IVR_CHOICES["IVR_SELF_SERVED"], IVR_CHOICES["IVR_HUNG_UP"]
NAN = math.nan
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}
MENU = {"duration": deterministic(30), "finish": 0.2, "hang_up": 0.1}  # (durations and choices are given below)


def types(**ivr_of):
    """Type a (route g, then h after 20 s) and type b (route h), with the IVRs given."""
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}, {"group": "h", "delay": 20.0}]}
    b = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "h"}]}
    out = {"a": a, "b": b}
    for name, ivr in ivr_of.items():
        out[name] = {**out[name], "ivr": ivr}
    return out


def run(engine, scenario, arrival, call_type, talk, ivr_time, ivr_choice, patience=None):
    inputs = given_calls(scenario, arrival, call_type, talk, patience=patience,
                         decisions={"ivr_time": np.array(ivr_time, float), "ivr_choice": np.array(ivr_choice, np.int32)})
    out = ENGINES[engine]().run(scenario, inputs)
    r, ivr = out.records, out.ivr
    return {"outcome": [OUTCOME[o] for o in r.outcome], "answer": r.answer_time.tolist(), "end": r.end_time.tolist(),
            "agent": r.agent.tolist(), "group": r.group.tolist(), "talk": r.talk.tolist(),
            "ivr_end": ivr.ivr_end.tolist(), "ivr": [IVR_OUTCOME_NAMES[o] for o in ivr.ivr_outcome],
            "queue": ivr.queue.tolist()}


def same(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


def test_self_served_hung_up_and_zeroed_out_to_its_own_queue(engine):
    scenario = day_scenario(types(a=MENU), {"g": {"headcount": 1}, "h": {"headcount": 0}})
    # 0: self-served at 30. 1: hangs up at 25. 2: joins a's queue at 40, the idle agent answers at
    # once (ends 50). 3: joins at 42, waits for the agent until 50 (wait 8, from the menu's end).
    r = run(engine, scenario, [0, 5, 10, 12], ["a"] * 4, [10] * 4, [30, 20, 30, 30], [SELF, HANG, 0, 0])
    assert r["outcome"] == ["self_served", "ivr_abandoned", "answered", "answered"]
    assert r["ivr"] == ["self_served", "hung_up", "zeroed_out", "zeroed_out"]
    assert r["ivr_end"] == [30, 25, 40, 42]
    assert r["queue"] == [-1, -1, 0, 0]
    assert same(r["answer"], [NAN, NAN, 40, 50])
    assert r["end"] == [30, 25, 50, 60]
    assert r["agent"] == [-1, -1, 0, 0]


def test_zero_out_joins_the_other_queue_with_its_route_speed_and_own_talk_time(engine):
    groups = {"g": {"headcount": 1}, "h": {"headcount": 1, "speed": {"a": 1.0, "b": 2.0}}}
    scenario = day_scenario(types(a={**MENU, "zero_out": {"a": 0.3, "b": 0.4}}), groups)
    # the a-call zeroes out to b at 30: b's route is h (not g, idle too), at b's speed (talk 40 / 2)
    r = run(engine, scenario, [0], ["a"], [40], [30], [1])
    assert r["queue"] == [1] and r["ivr"] == ["zeroed_out"]
    assert r["group"] == [1] and r["answer"] == [30] and r["talk"] == [20] and r["end"] == [50]


def test_patience_and_overflow_delay_count_from_the_menus_end(engine):
    scenario = day_scenario(types(a=MENU), {"g": {"headcount": 1}, "h": {"headcount": 1}})
    # Call 0 (a): menu of 0 s, joins a at 0, g answers (talk 100, until 100).
    # Call 1 (b, no menu): h answers at 0 (talk 40, until 40).
    # Call 2 (a): arrives 1, menu 30 s, joins a at 31: g busy. h frees up at 40, but the call is
    #         eligible for h only 20 s after it joined, at 51 (not 21): h takes it then.
    # Call 3 (a): arrives 2, menu 30 s, joins a at 32 with patience 5: abandons at 37 (not at 7).
    r = run(engine, scenario, [0, 0, 1, 2], ["a", "b", "a", "a"], [100, 40, 10, 10], [0, 0, 30, 30], [0, 1, 0, 0],
            patience=[math.inf, math.inf, 60, 5])
    assert r["outcome"] == ["answered", "answered", "answered", "abandoned"]
    assert same(r["answer"], [0, 0, 51, NAN])
    assert r["group"] == [0, 1, 1, -1]
    assert r["end"] == [100, 40, 61, 37]
    assert same(r["ivr_end"], [0, NAN, 31, 32])


def test_ports_full_blocks_and_a_port_freed_at_an_arrival_instant_is_free(engine):
    scenario = day_scenario(types(a=MENU), {"g": {"headcount": 1}, "h": {"headcount": 0}}, ivr_ports=1)
    # 0 takes the one port until 30; 1 (at 10) finds it taken: blocked at 10. 2 arrives at 30,
    # when 0 leaves the menu: callers leave the menu before new calls arrive, so 2 gets the port.
    # A b-call (no menu) needs no port.
    r = run(engine, scenario, [0, 10, 30, 15], ["a", "a", "a", "b"], [10] * 4, [30, 30, 30, 0], [SELF, SELF, SELF, 1])
    # (calls in arrival order: 0 at 0, 1 at 10, b at 15, 2 at 30)
    assert r["outcome"] == ["self_served", "blocked", "unfinished", "self_served"]  # b: nobody in h
    assert same(r["end"], [30, 10, NAN, 60])
    assert same(r["ivr_end"], [30, NAN, NAN, 60])
    assert r["ivr"] == ["self_served", "none", "none", "self_served"]
    assert r["queue"] == [-1, -1, 1, -1]


def test_trunks_are_held_from_arrival_to_the_end_of_the_call(engine):
    scenario = day_scenario(types(a=MENU), {"g": {"headcount": 1}, "h": {"headcount": 1}}, trunks=1)
    # 0: menu 0-30, then g talks 30-40: it holds the one trunk from 0 to 40. 1 (an a-call at 20,
    # in 0's menu time) and 2 (a b-call at 35, during its talk) are blocked; 3 (a b-call at 40,
    # when 0's talk ends: completions come before arrivals) gets the trunk.
    r = run(engine, scenario, [0, 20, 35, 40], ["a", "a", "b", "b"], [10] * 4, [30, 30, 0, 0], [0, 0, 1, 1])
    assert r["outcome"] == ["answered", "blocked", "blocked", "answered"]
    assert same(r["end"], [40, 20, 35, 50])
    assert same(r["answer"], [30, NAN, NAN, 40])
