"""One exact trace per documented tie rule (sim/core/simpy_engine.py's docstring, README "Routing").

Every expected value is worked out by hand from the rule it pins; all times are whole seconds so
that events coincide on purpose. Each test runs on every engine (``engine`` fixture); tests whose
tie involves the end of a call also run with a (non-binding) trunk limit, which makes the fast
engine end talk and wrap-up with two events instead of one.

Event classes at one instant: STAFFING < COMPLETION < ABANDON < OVERFLOW < ARRIVAL, then entity
(agent index; call id; call id * 64 + route step). Agent indices follow the groups' order, and
within a group the order of its agents (headcount_per_interval: agent a is on duty while the
count exceeds a).
"""

import math

import numpy as np
import pytest

from sim import simulate
from sim.model import _inputs_py, input_kernels
from sim.model.random_inputs import _merged, given_calls

from conftest import day_scenario, deterministic

TRUNKS = pytest.mark.parametrize("trunks", [None, 10])


def call_type(route, priority=0):
    """A call type served by ``route``: [(group, delay), ...] (delay in s)."""
    return {"arrival_rate": 0, "talk_time": deterministic(10), "priority": priority,
            "route": [{"group": g, "delay": d} for g, d in route]}


def run(scenario, engine, arrival, types, talk, wrapup=None, patience=None):
    return simulate(scenario, seed=1, engine=engine, inputs=given_calls(scenario, arrival, types, talk, wrapup, patience))


def column(results, name):
    return results.calls[name].tolist()


def spells(results):
    return results.agents[["agent", "start", "scheduled_end", "end"]].values.tolist()


# -- 1. event classes at the same instant ------------------------------------------------------


@TRUNKS
def test_staffing_before_completion_shift_end(engine, trunks):
    # One agent, on duty 0-600 and from 1200. Call 0 (590, talk 5 + wrap-up 5) ends at 600, the
    # shift end; call 1 waits since 595. STAFFING first: the agent is leaving when it completes
    # at 600, goes home (spell ends 600), and call 1 waits for its next spell, at 1200.
    # (COMPLETION first would give call 1 to the agent at 600 and end the spell at 610.)
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount_per_interval": [1, 0, 1]}},
                            intervals=3, interval_minutes=10, trunks=trunks)
    r = run(scenario, engine, [590, 595], ["a", "a"], [5, 10], wrapup=[5, 0])
    assert column(r, "answer_time") == [590, 1200]
    assert column(r, "agent") == [0, 0]
    assert spells(r) == [[0, 0, 600, 600], [0, 1200, math.inf, 1800]]


@TRUNKS
def test_staffing_before_completion_shift_start(engine, trunks):
    # Agent 0 on duty all day, agent 1 from 600. Agent 0 completes call 0 at 600 (talk 5 +
    # wrap-up 5 from 590) while call 1 waits since 595. STAFFING first: agent 1 logs on and takes
    # call 1; agent 0 then finds the queue empty. (COMPLETION first: agent 0 would take it.)
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount_per_interval": [1, 2]}},
                            intervals=2, interval_minutes=10, trunks=trunks)
    r = run(scenario, engine, [590, 595], ["a", "a"], [5, 10], wrapup=[5, 0])
    assert column(r, "agent") == [0, 1]
    assert column(r, "answer_time") == [590, 600]


def test_staffing_before_abandon(engine):
    # The only agent logs on at 600, the instant call 0 (waiting since 500, patience 100) gives
    # up. STAFFING first: the agent takes it at 600 (ABANDON first: it would be abandoned).
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount_per_interval": [0, 1]}},
                            intervals=2, interval_minutes=10)
    r = run(scenario, engine, [500], ["a"], [10], patience=[100])
    assert column(r, "outcome") == ["answered"]
    assert column(r, "answer_time") == [600]


def test_staffing_before_arrival(engine):
    # Route [g1, g2]; g1's agent (index 0) logs on at 600, g2's (index 1) is idle all day. Call 0
    # arrives at 600: STAFFING first, so g1 has an idle agent and, first in the route, gets it.
    # (ARRIVAL first: g1 empty, the call would go to g2.)
    scenario = day_scenario({"a": call_type([("g1", 0), ("g2", 0)])},
                            {"g1": {"headcount_per_interval": [0, 1]}, "g2": {"headcount": 1}},
                            intervals=2, interval_minutes=10)
    r = run(scenario, engine, [600], ["a"], [10])
    assert column(r, "group") == ["g1"]
    assert column(r, "agent") == [0]


@TRUNKS
def test_completion_before_abandon(engine, trunks):
    # One agent: call 0 talks 6 + wraps up 4 from 0, so the agent frees at 10, the instant call 1
    # (arrived 4, patience 6) would give up. COMPLETION first: call 1 is answered at 10.
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount": 1}}, trunks=trunks)
    r = run(scenario, engine, [0, 4], ["a", "a"], [6, 10], wrapup=[4, 0], patience=[math.inf, 6])
    assert column(r, "outcome") == ["answered", "answered"]
    assert column(r, "answer_time") == [0, 10]


@TRUNKS
def test_completion_before_overflow(engine, trunks):
    # Route [g1, g2 after 10 s], one agent each (indices 0, 1). Call 0 keeps g1's agent busy
    # 0-20 (talk 15 + wrap-up 5). Call 1 arrives at 10 and becomes eligible for the idle g2 at 20,
    # the instant g1's agent frees. COMPLETION first: g1's agent takes it; the overflow then finds
    # it answered. (OVERFLOW first: g2's agent would take it.)
    scenario = day_scenario({"a": call_type([("g1", 0), ("g2", 10)])},
                            {"g1": {"headcount": 1}, "g2": {"headcount": 1}}, trunks=trunks)
    r = run(scenario, engine, [0, 10], ["a", "a"], [15, 10], wrapup=[5, 0])
    assert column(r, "group") == ["g1", "g1"]
    assert column(r, "agent") == [0, 0]
    assert column(r, "answer_time") == [0, 20]


@TRUNKS
def test_completion_before_arrival(engine, trunks):
    # Route [g1, g2], both delay 0, one agent each. g1's agent serves call 0 until 10 (talk 6 +
    # wrap-up 4); call 1 arrives at 10. COMPLETION first: g1's agent is idle again, and g1 is
    # first in the route: call 1 goes to g1. (ARRIVAL first: g1 busy, it would go to g2.)
    scenario = day_scenario({"a": call_type([("g1", 0), ("g2", 0)])},
                            {"g1": {"headcount": 1}, "g2": {"headcount": 1}}, trunks=trunks)
    r = run(scenario, engine, [0, 10], ["a", "a"], [6, 10], wrapup=[4, 0])
    assert column(r, "group") == ["g1", "g1"]
    assert column(r, "agent") == [0, 0]


def test_abandon_at_the_instant_of_eligibility(engine):
    # ABANDON vs OVERFLOW between two different calls is not observable: an abandonment frees no
    # agent and an overflow takes no trunk (arrivals, which could use a freed trunk, come after
    # both), so either order gives the same records. For one call, the pair is settled when it
    # arrives: a route step whose delay equals the caller's patience gets no overflow timer
    # (ABANDON would fire first anyway). Here route [g1, g2 after 10 s]; g1 busy with call 0
    # until 100; call 1 (arrived 5, patience 10) reaches the 10 s mark at 15 with g2 idle: it
    # abandons at 15, g2 never serves it.
    scenario = day_scenario({"a": call_type([("g1", 0), ("g2", 10)])},
                            {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 5], ["a", "a"], [100, 10], patience=[math.inf, 10])
    assert column(r, "outcome") == ["answered", "abandoned"]
    assert column(r, "end_time") == [100, 15]
    assert column(r, "agent") == [0, -1]


def test_abandon_before_arrival_frees_the_trunk(engine):
    # Trunks = 2, one agent. Call 0 talks 0-100 (1 in system), call 1 waits from 5 (2 in
    # system) with patience 5. At 10 call 1 gives up and call 2 arrives: ABANDON first, so
    # call 2 finds 1 call in the system, is admitted and waits for the agent (answered at 100).
    # (ARRIVAL first: 2 in system, call 2 would be blocked.)
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount": 1}}, trunks=2)
    r = run(scenario, engine, [0, 5, 10], ["a"] * 3, [100, 10, 10], patience=[math.inf, 5, math.inf])
    assert column(r, "outcome") == ["answered", "abandoned", "answered"]
    assert column(r, "answer_time")[2] == 100


def test_overflow_before_arrival(engine):
    # Types a: route [g1, g2 after 10 s]; b: route [g2]. One agent each in g1 (0), g2 (1).
    # Call 0 (a) holds g1 0-100. Call 1 (a, arrived 10) becomes eligible for g2 at 20, the instant
    # call 2 (b) arrives. OVERFLOW first: call 1 gets g2's idle agent at 20; call 2 waits for it
    # until 30. (ARRIVAL first: call 2 at 20, call 1 at 30.)
    call_types = {"a": call_type([("g1", 0), ("g2", 10)]), "b": call_type([("g2", 0)])}
    scenario = day_scenario(call_types, {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 10, 20], ["a", "a", "b"], [100, 10, 10])
    assert column(r, "group") == ["g1", "g2", "g2"]
    assert column(r, "answer_time") == [0, 20, 30]


# -- 2. one class, several entities: by agent index, call id, route step -----------------------


def test_shift_starts_at_the_same_instant_lower_index_first(engine):
    # g: agents 0, 1 and h: agents 2, 3 all log on at 600. Call 0 (a, waiting since 100) goes to
    # agent 0, who logs on before agent 1; agent 1 is then idle and gets call 1 (a, 700).
    # In h both agents become idle at 600, agent 2 first: the longer idle, it gets call 2 (b, 700).
    call_types = {"a": call_type([("g", 0)]), "b": call_type([("h", 0)])}
    groups = {"g": {"headcount_per_interval": [0, 2]}, "h": {"headcount_per_interval": [0, 2]}}
    scenario = day_scenario(call_types, groups, intervals=2, interval_minutes=10)
    r = run(scenario, engine, [100, 700, 700], ["a", "a", "b"], [300, 10, 10])
    assert column(r, "agent") == [0, 1, 2]
    assert column(r, "answer_time") == [600, 700, 700]


@TRUNKS
def test_completions_at_the_same_instant_lower_index_takes_the_call(engine, trunks):
    # Agents 0 and 1 take calls 0 and 1 at 0 and both free at 10 (talk 6 + wrap-up 4); call 2
    # waits since 5. Agent 0 completes first and takes it; agent 1 goes idle and gets call 3 (12).
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount": 2}}, trunks=trunks)
    r = run(scenario, engine, [0, 0, 5, 12], ["a"] * 4, [6, 6, 10, 10], wrapup=[4, 4, 0, 0])
    assert column(r, "agent") == [0, 1, 0, 1]
    assert column(r, "answer_time") == [0, 0, 10, 12]


def test_calls_eligible_at_the_same_instant_lower_id_first(engine):
    # lo (priority 0): route [g1, g2 after 20 s]; hi (priority 5): route [g1, g2 after 10 s].
    # Call 0 holds g1's agent 0-100. Call 1 (lo, 5) and call 2 (hi, 15) both become eligible for
    # g2 (one idle agent) at 25: overflows fire by call id, so call 1 gets it despite its lower
    # priority; call 2 waits until that agent frees at 35.
    call_types = {"lo": call_type([("g1", 0), ("g2", 20)], priority=0),
                  "hi": call_type([("g1", 0), ("g2", 10)], priority=5)}
    scenario = day_scenario(call_types, {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 5, 15], ["lo", "lo", "hi"], [100, 10, 10])
    assert column(r, "group") == ["g1", "g2", "g2"]
    assert column(r, "answer_time") == [0, 25, 35]


def test_two_route_groups_with_the_same_delay_earlier_step_first(engine):
    # Route [g0, g1 after 10 s, g2 after 10 s], one agent each (0, 1, 2). Call 0 holds g0; call 1
    # (arrived 0) becomes eligible for the idle g1 and g2 at 10: step 1 fires first -> g1.
    scenario = day_scenario({"a": call_type([("g0", 0), ("g1", 10), ("g2", 10)])},
                            {"g0": {"headcount": 1}, "g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 0], ["a", "a"], [100, 10])
    assert column(r, "group") == ["g0", "g1"]
    assert column(r, "agent") == [0, 1]
    assert column(r, "answer_time") == [0, 10]


# -- 3. arrivals at the same instant -----------------------------------------------------------


def test_simultaneous_arrivals_numbered_and_served_in_call_type_order(engine):
    # Types in scenario order zeta, alpha (not alphabetical); given alpha first. Both arrive at 0:
    # zeta, the first type, is call 0 and arrives first, taking the one agent (talk 20); alpha is
    # call 1 and waits until 20.
    call_types = {"zeta": call_type([("g", 0)]), "alpha": call_type([("g", 0)])}
    scenario = day_scenario(call_types, {"g": {"headcount": 1}})
    r = run(scenario, engine, [0, 0], ["alpha", "zeta"], [10, 20])
    assert column(r, "call_type") == ["zeta", "alpha"]
    assert column(r, "answer_time") == [0, 20]
    assert column(r, "end_time") == [20, 30]


@pytest.mark.parametrize("use_compiled", [True, False], ids=["compiled", "numpy"])
def test_random_call_blocks_merge_simultaneous_arrivals_in_call_type_order(use_compiled, monkeypatch):
    # The random inputs' merge of the per-type runs (the compiled one-pass merge, or numpy's
    # stable sort, its Python twin): at equal times type 0, then type 1, then type 2.
    if use_compiled and not input_kernels.COMPILED:
        pytest.skip("the compiled twins are not built")
    if not use_compiled:
        monkeypatch.setattr(input_kernels, "merge_calls", _inputs_py.merge_calls)
    arrivals = [np.array([1.0, 2.0]), np.array([1.0, 3.0]), np.array([0.5, 2.0])]
    talks = [np.array([10.0, 11.0]), np.array([20.0, 21.0]), np.array([30.0, 31.0])]
    zeros = [np.zeros(2)] * 3
    block = _merged(7, (arrivals, talks, zeros, zeros))
    assert block.first_id == 7
    assert block.arrival.tolist() == [0.5, 1.0, 1.0, 2.0, 2.0, 3.0]
    assert block.call_type.tolist() == [2, 0, 1, 0, 2, 1]
    assert block.talk.tolist() == [30.0, 10.0, 20.0, 11.0, 31.0, 21.0]


# -- 4. routing an arrival ---------------------------------------------------------------------


def test_arrival_goes_to_the_first_eligible_group_with_an_idle_agent(engine):
    # Route [g1, g2], both delay 0, one agent each. Call 0 (0): both idle, g1 listed first.
    # Call 1 (0): g1 busy -> g2. Call 2 (0): both busy, waits; g1's agent frees first (10).
    scenario = day_scenario({"a": call_type([("g1", 0), ("g2", 0)])},
                            {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 0, 0], ["a"] * 3, [10, 20, 10])
    assert column(r, "group") == ["g1", "g2", "g1"]
    assert column(r, "answer_time") == [0, 0, 10]


def test_arrival_skips_an_idle_group_not_yet_eligible(engine):
    # Route [g1 after 10 s, g2], both idle: on arrival only g2 is eligible, so the call goes there.
    scenario = day_scenario({"a": call_type([("g1", 10), ("g2", 0)])},
                            {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0], ["a"], [10])
    assert column(r, "group") == ["g2"]
    assert column(r, "answer_time") == [0]


# -- 5. the call a freed agent takes ------------------------------------------------------------


def test_freed_agent_takes_the_highest_priority_first(engine):
    # One agent busy 0-10. lo call 1 waits since 1, hi call 2 since 2: at 10 hi goes first
    # although it waited less; lo follows at 20.
    call_types = {"lo": call_type([("g", 0)], priority=0), "hi": call_type([("g", 0)], priority=5)}
    scenario = day_scenario(call_types, {"g": {"headcount": 1}})
    r = run(scenario, engine, [0, 1, 2], ["lo", "lo", "hi"], [10, 10, 10])
    assert column(r, "answer_time") == [0, 20, 10]


def test_equal_priorities_longest_waiting_head_first(engine):
    # Equal priorities; one agent busy 0-10. Heads at 10: b's call 1 (since 1) and a's call 2
    # (since 2): the longer-waiting b call goes first, although b comes after a in the types.
    # (Call ids follow arrival order, so this also agrees with the id order; what it pins is that
    # the earlier arrival wins, not the later one.)
    call_types = {"a": call_type([("g", 0)]), "b": call_type([("g", 0)])}
    scenario = day_scenario(call_types, {"g": {"headcount": 1}})
    r = run(scenario, engine, [0, 1, 2], ["a", "b", "a"], [10, 10, 10])
    assert column(r, "answer_time") == [0, 10, 20]


def test_equal_priorities_and_arrivals_lowest_call_id_first(engine):
    # Equal priorities; one agent busy 0-10. b and a calls both arrive at 5, numbered in type
    # order: call 1 = a, call 2 = b. At 10 the heads tie on priority and arrival: the lower id,
    # call 1 (a), goes first; call 2 (b) at 20.
    call_types = {"a": call_type([("g", 0)]), "b": call_type([("g", 0)])}
    scenario = day_scenario(call_types, {"g": {"headcount": 1}})
    r = run(scenario, engine, [0, 5, 5], ["a", "b", "a"], [10, 10, 10])
    assert column(r, "call_type") == ["a", "a", "b"]
    assert column(r, "answer_time") == [0, 10, 20]


def test_freed_agent_skips_a_head_not_yet_eligible_for_its_group(engine):
    # a (priority 5): route [g1, g2 after 30 s]; b (priority 0): route [g2]. g1: agent 0, busy with
    # call 0 (a) 0-100; g2: agent 1, busy with call 1 (b) 0-10. Call 2 (a, 5) and call 3 (b, 8)
    # wait. At 10 g2's agent frees: a's head (call 2) has higher priority and waited longer but is
    # eligible for g2 only at 35: skipped, call 3 is taken (until 20). At 20 it is still not
    # eligible: the agent goes idle, and call 2 overflows to it at 35.
    call_types = {"a": call_type([("g1", 0), ("g2", 30)], priority=5), "b": call_type([("g2", 0)])}
    scenario = day_scenario(call_types, {"g1": {"headcount": 1}, "g2": {"headcount": 1}})
    r = run(scenario, engine, [0, 0, 5, 8], ["a", "b", "a", "b"], [100, 10, 10, 10])
    assert column(r, "group") == ["g1", "g2", "g2", "g2"]
    assert column(r, "answer_time") == [0, 0, 35, 10]


# -- 6. the agent a call gets -------------------------------------------------------------------


def test_longest_idle_agent_first(engine):
    # Agents 0, 1, 2 log on at 0 in index order and take calls 0, 1, 2 (all at 0) in that order;
    # they free at 30, 20, 10. Calls at 40, 41, 42 go to the longest idle: agents 2, 1, 0.
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount": 3}})
    r = run(scenario, engine, [0, 0, 0, 40, 41, 42], ["a"] * 6, [30, 20, 10, 5, 5, 5])
    assert column(r, "agent") == [0, 1, 2, 2, 1, 0]


@TRUNKS
def test_agents_idle_at_the_same_instant_queue_in_event_order(engine, trunks):
    # Agents 0, 1 free at the same instant, 10 (talk 6 + wrap-up 4), nobody waiting: agent 0's
    # completion fires first, so it joins the idle queue first and gets call 2 (15).
    scenario = day_scenario({"a": call_type([("g", 0)])}, {"g": {"headcount": 2}}, trunks=trunks)
    r = run(scenario, engine, [0, 0, 15], ["a"] * 3, [6, 6, 10], wrapup=[4, 4, 0])
    assert column(r, "agent") == [0, 1, 0]


def test_overflow_goes_to_the_longest_idle_agent(engine):
    # g: agents 0, 1; h: agent 2. Call 0 (a) takes agent 0 (idle since 0, before agent 1) until 5:
    # from then agent 1 (idle since 0) is the longer idle. Call 1 (b) holds h 0-100; call 2 (b,
    # arrived 1) becomes eligible for g at 11 and goes to agent 1.
    call_types = {"a": call_type([("g", 0)]), "b": call_type([("h", 0), ("g", 10)])}
    scenario = day_scenario(call_types, {"g": {"headcount": 2}, "h": {"headcount": 1}})
    r = run(scenario, engine, [0, 0, 1], ["a", "b", "b"], [5, 100, 10])
    assert column(r, "agent") == [0, 2, 1]
    assert column(r, "answer_time") == [0, 0, 11]
