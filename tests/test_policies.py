"""Policies: each Cython twin decides as its Python rule does; each rule's traces worked by hand;
names checked against the protocol; bad names and settings named in one clear error."""

import itertools

import numpy as np
import pytest

from sim import ConfigError, simulate
from sim.core import protocol
from sim.model.random_inputs import given_calls
from sim.policies import agent_selection, call_selection, routing
from sim.policies.registry import KINDS, policy_code

from conftest import day_scenario, deterministic

try:
    from sim.policies import _twins
except ImportError:  # built without a compiler: the twins are tested where they exist
    _twins = None
needs_twins = pytest.mark.skipif(_twins is None, reason="the policies' Cython twins are not built")


def test_every_named_policy_has_a_rule_and_a_code():
    assert tuple(call_selection.RULES) == protocol.CALL_SELECTION
    assert tuple(agent_selection.RULES) == protocol.AGENT_SELECTION
    assert KINDS == {"call_selection": protocol.CALL_SELECTION, "agent_selection": protocol.AGENT_SELECTION}
    for kind, names in KINDS.items():
        assert [policy_code(kind, name, "x") for name in names] == list(range(len(names)))


# -- twins against rules ------------------------------------------------------------------------

def _values(rng, n, grid):
    """Values from a coarse grid, so that ties are frequent."""
    return [float(v) for v in rng.choice(grid, n)]


@needs_twins
def test_routing_twin_equals_the_rule():
    rng = np.random.default_rng(1)
    grid = [0.0, 5.0, 10.0, 20.0, 30.0, np.inf]
    for arrival, delay, patience, now in zip(*(_values(rng, 3000, grid) for _ in range(4))):
        if np.isinf(arrival) or np.isinf(now):
            continue
        assert _twins.eligible(arrival, delay, now) == routing.eligible(arrival, delay, now)
        assert (_twins.needs_overflow_timer(arrival, delay, patience, now)
                == routing.needs_overflow_timer(arrival, delay, patience, now))


@needs_twins
@pytest.mark.parametrize("rule", protocol.CALL_SELECTION)
def test_call_selection_twin_equals_the_rule(rule):
    rng = np.random.default_rng(2)
    key = call_selection.RULES[rule]
    checked = ties = 0
    for _ in range(5000):
        pa, pb = (int(p) for p in rng.integers(-1, 2, 2))
        aa, ab = _values(rng, 2, [0.0, 10.0, 20.0, 30.0])
        ha, hb = _values(rng, 2, [0.0, 10.0, -10.0, 20.0])
        ia, ib = (int(i) for i in rng.choice(100, 2, replace=False))
        expected = key(pa, aa, ha, ia) < key(pb, ab, hb, ib)
        assert _twins.call_before(rule, pa, aa, ha, ia, pb, ab, hb, ib) == expected, (pa, aa, ha, ia, pb, ab, hb, ib)
        checked += 1
        ties += key(pa, aa, ha, ia)[:2] == key(pb, ab, hb, ib)[:2]
    assert ties > 200  # the id tie-break was exercised


@needs_twins
@pytest.mark.parametrize("rule", protocol.AGENT_SELECTION)
def test_agent_selection_twin_equals_the_rule(rule):
    key = agent_selection.RULES[rule]
    for step_a, step_b in itertools.permutations(range(4), 2):
        for skills_a, skills_b in itertools.product(range(1, 4), repeat=2):
            expected = key(step_a, skills_a) < key(step_b, skills_b)
            assert _twins.group_before(rule, step_a, skills_a, step_b, skills_b) == expected


# -- exact traces, worked by hand ------------------------------------------------------------------

def run(scenario, engine, arrival, call_type, talk, patience=None):
    return simulate(scenario, seed=1, engine=engine, inputs=given_calls(scenario, arrival, call_type, talk, None, patience))


def column(results, name):
    return results.calls[name].tolist()


def generalist_and_specialist(policy, specialists=1, route_a=("generalist", "specialist")):
    call_types = {
        "a": {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": g} for g in route_a]},
        "b": {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "generalist"}]},
    }
    groups = {"generalist": {"headcount": 1}, "specialist": {"headcount": specialists}}
    return day_scenario(call_types, groups, routing={"agent_selection": policy})


@pytest.mark.parametrize("policy, groups, answers", [
    # route_order: call 0 (a) takes the first group of its route, the generalist (busy to 100);
    # call 1 (b, which only the generalist serves) waits until 100.
    ("route_order", ["generalist", "generalist"], [0, 100]),
    # least_skilled: the specialist serves one type, the generalist two: call 0 goes to the
    # specialist and the generalist is free for call 1 at 10.
    ("least_skilled", ["specialist", "generalist"], [0, 10]),
])
def test_agent_selection_keeps_the_flexible_agent_free(engine, policy, groups, answers):
    r = run(generalist_and_specialist(policy), engine, [0, 10], ["a", "b"], [100, 100])
    assert column(r, "group") == groups
    assert column(r, "answer_time") == answers


def test_least_skilled_ties_go_in_route_order_and_only_eligible_groups_compete(engine):
    call_types = {
        "a": {"arrival_rate": 0, "talk_time": deterministic(100),
              "route": [{"group": "wide"}, {"group": "late", "delay": 30}, {"group": "first"}, {"group": "second"}]},
        "b": {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "wide"}]},
    }
    groups = {name: {"headcount": 1} for name in ("wide", "late", "first", "second")}
    scenario = day_scenario(call_types, groups, routing={"agent_selection": "least_skilled"})
    r = run(scenario, engine, [0, 1, 2, 3], ["a"] * 4, [100] * 4)
    # 'late', 'first' and 'second' serve one type each, 'wide' two. At 0 'late' is not eligible
    # (30 s delay): 'first' and 'second' tie on skills and 'first' comes first in the route.
    # At 1: 'second'. At 2: only 'wide' is idle and eligible. At 3 nobody is idle: the call
    # waits and overflows to 'late' at 3 + 30 = 33.
    assert column(r, "group") == ["first", "second", "wide", "late"]
    assert column(r, "answer_time") == [0, 1, 2, 33]


def head_start_center(policy, head_start_y, priority_x=0):
    call_types = {
        "x": {"arrival_rate": 0, "talk_time": deterministic(100), "priority": priority_x, "route": [{"group": "g"}]},
        "y": {"arrival_rate": 0, "talk_time": deterministic(100), "head_start": head_start_y, "route": [{"group": "g"}]},
    }
    return day_scenario(call_types, {"g": {"headcount": 1}}, routing={"call_selection": policy})


@pytest.mark.parametrize("policy, head_start, arrivals, answers", [
    # call 0 (x) is answered at once; the agent frees at 100 with call 1 (x, since 10) and
    # call 2 (y, since 20) waiting. FIFO: call 1 first.
    ("priority_fifo", 0.0, [0, 10, 20], [0, 100, 200]),
    # y has a head start of 30 s: its key is 20 - 30 = -10 against x's 10 - 0 = 10: call 2 first.
    ("priority_head_start", 30.0, [0, 10, 20], [0, 200, 100]),
    # y arrives at 40: 40 - 30 = 10 ties with x's 10: the lower call id (call 1) goes first.
    ("priority_head_start", 30.0, [0, 10, 40], [0, 100, 200]),
    # a head start of 5 s is not enough: 20 - 5 = 15 > 10.
    ("priority_head_start", 5.0, [0, 10, 20], [0, 100, 200]),
])
def test_call_selection_with_head_start(engine, policy, head_start, arrivals, answers):
    r = run(head_start_center(policy, head_start), engine, arrivals, ["x", "x", "y"], [100] * 3)
    assert column(r, "answer_time") == answers


def test_priority_still_comes_before_any_head_start(engine):
    # x has priority 1, y a head start of 1000 s but priority 0: x's waiting call goes first.
    r = run(head_start_center("priority_head_start", 1000.0, priority_x=1), engine, [0, 10, 20], ["x", "x", "y"],
            [100] * 3)
    assert column(r, "answer_time") == [0, 100, 200]


# -- settings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("routing_config, field", [
    ({"call_selection": "random"}, "routing.call_selection"),
    ({"agent_selection": "cheapest"}, "routing.agent_selection"),
])
def test_unknown_policy_names_the_field_and_the_choices(routing_config, field):
    with pytest.raises(ConfigError) as info:
        day_scenario({"a": {"arrival_rate": 1, "talk_time": deterministic(10), "route": [{"group": "g"}]}},
                     {"g": {"headcount": 1}},
                     routing=routing_config)
    assert info.value.field == field
    assert set(info.value.allowed) == set(KINDS[field.split(".")[1]])


def test_a_head_start_needs_the_head_start_policy():
    with pytest.raises(ConfigError) as info:
        head_start_center("priority_fifo", 30.0)
    assert info.value.field == "call_types.y.head_start" and "priority_head_start" in str(info.value)


# -- outbound twins: dialling and blending -------------------------------------------------------

@needs_twins
def test_dial_result_twin_equals_the_rule():
    rng = np.random.default_rng(3)
    from sim.policies import dialling
    for _ in range(3000):
        p = rng.dirichlet(np.ones(5)) * (rng.random() < 0.8)  # some rows all zero: the last result
        p[rng.random(5) < 0.3] = 0.0
        # u on the cumulative sums themselves (ties with <) and just beside them
        cumulative = np.cumsum(p)
        u = float(rng.choice(np.concatenate([cumulative, np.nextafter(cumulative, 0), rng.random(3)])))
        assert _twins.dial_result(u, p) == dialling.dial_result(u, p.tolist()), (u, p)


@needs_twins
def test_share_connected_twin_equals_the_rule_to_the_last_bit():
    from sim.policies import dialling
    rng = np.random.default_rng(4)
    for _ in range(3000):
        lines, free = (int(v) for v in rng.integers(0, 60, 2))
        p = float(rng.choice([0.0, 1.0, rng.random(), rng.random() * 1e-3, 1 - rng.random() * 1e-3]))
        expected = dialling.share_connected(lines, free, p)
        got = _twins.share_connected(lines, free, p)
        assert got == expected and type(got) is float, (lines, free, p, got, expected)


@needs_twins
def test_attempts_to_place_twin_equals_the_rule():
    from sim.policies import dialling
    rng = np.random.default_rng(5)
    seen = set()
    for _ in range(4000):
        mode = int(rng.integers(0, 3))
        args = (mode, int(rng.integers(0, 8)), int(rng.integers(0, 20)), int(rng.integers(1, 4)),
                float(rng.choice([0.0, 1.0, rng.random()])), float(rng.choice([0.5, 0.9, 0.97, 1.0, rng.random()])),
                int(rng.integers(1, 6)), bool(rng.random() < 0.3))
        expected = dialling.attempts_to_place(*args)
        assert _twins.attempts_to_place(*args) == expected, args
        seen.add((mode, expected > args[1]))
    assert (dialling.PREDICTIVE, True) in seen  # the predictive dialler did dial ahead


@needs_twins
def test_rolling_share_twin_equals_the_rule():
    from sim.policies import dialling
    rng = np.random.default_rng(6)
    for window in (1, 2, 7, 50):
        for prior in (0.0, 0.35, 1.0):
            rule, twin = dialling.RollingShare(window, prior), _twins.RollingShare(window, prior)
            for value in rng.integers(0, 2, 300).tolist():
                rule.add(value)
                twin.add(value)
                assert twin.estimate() == rule.estimate()
                for cap in (0.0, 0.03, 0.5, 1.0):
                    assert twin.above(cap) == rule.above(cap)


@needs_twins
def test_blending_twins_equal_the_rules():
    from sim.policies import blending
    for idle_dedicated, idle_blended, threshold in itertools.product(range(4), range(6), range(4)):
        for allowed in (False, True):
            assert (_twins.outbound_capacity(idle_dedicated, idle_blended, threshold, allowed)
                    == blending.outbound_capacity(idle_dedicated, idle_blended, threshold, allowed))
    for policy, waiting, met in itertools.product(range(3), range(3), (False, True)):
        assert _twins.blended_allowed(policy, waiting, met) == blending.blended_allowed(policy, waiting, met)
    for within, left in itertools.product(range(12), range(12)):
        for floor in (0.0, 0.2, 0.5, 0.8, 0.9, 1.0, 1 / 3, 2 / 3):
            assert _twins.sl_met(within, left, floor) == blending.sl_met(within, left, floor), (within, left, floor)
