"""Transfers (sim.model.transfers): both engines give identical records and legs on random
scenarios (with and without IVR menus) and on grid days where transfers tie with every other
event; the transfer draws come from a stream of their own (no other draw moves) and follow the
probabilities; bad input names the field."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.errors import ConfigError
from sim.model import transfers
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.scenario import build_scenario

from conftest import deterministic
from strategies import grid_calls, transfer_scenarios
from engine_checks import assert_same_tables, run_both, with_ivr, counted_scenario as _valid

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")


def assert_identical(scenario, simpy_inputs, fast_inputs):
    a, b = run_both(scenario, simpy_inputs, fast_inputs)
    assert a.legs is not None and b.legs is not None
    assert_same_tables(a, b, with_ivr(("records", "agents", "legs"), a, b))
    return a


@needs_fast
@pytest.mark.parametrize("ivr", [False, True])
def test_identical_records_and_legs_on_random_transfer_scenarios(ivr):
    count = {"valid": 0, "invalid": 0, "transferred": 0, "leg_abandoned": 0, "limit_reached": 0}

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=transfer_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = _valid(count, data)
        if scenario is not None:
            legs = assert_identical(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed)).legs
            count["transferred"] += bool((legs.leg > 0).any())
            count["leg_abandoned"] += bool(((legs.leg > 0) & (legs.outcome == 1)).any())
            count["limit_reached"] += bool((legs.leg == scenario.transfer_max_legs - 1).any())

    check()
    assert count["valid"] >= 80 and min(count["transferred"], count["leg_abandoned"], count["limit_reached"]) >= 8, count


@needs_fast
def test_identical_records_on_grid_days_with_transfers():
    count = {"valid": 0, "invalid": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=transfer_scenarios(), st_data=st.data())
    def check(data, st_data):
        scenario = _valid(count, data)
        if scenario is None:
            return
        # transferred legs' talk times on the grid: the types' talk times made deterministic multiples of 10 s
        calls = st_data.draw(grid_calls(data))
        n, slots = len(calls["arrival"]), scenario.transfer_max_legs - 1
        u = np.array(st_data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.3, 0.6, 0.99]), min_size=n * slots * 6,
                                           max_size=n * slots * 6)), float).reshape(n, slots, 6)
        decisions = {"transfer_draws": u}
        assert_identical(scenario, given_calls(scenario, **calls, decisions=decisions),
                         given_calls(scenario, **calls, decisions=decisions))

    check()
    assert count["valid"] >= 130, count


def _scenario(transfer, **extra):
    data = {"name": "transfers", "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 30},
            "call_types": {"a": {"arrival_rate": 300, "talk_time": deterministic(60), "route": [{"group": "g"}],
                                 "transfer": transfer},
                           "b": {"arrival_rate": 30, "talk_time": {"kind": "exponential", "mean": 100},
                                 "wrapup_time": {"kind": "gamma", "mean": 20, "cv": 0.5},
                                 "patience": {"kind": "lognormal", "mean": 80, "cv": 1.0}, "route": [{"group": "g"}]},
                           "c": {"arrival_rate": 0, "talk_time": deterministic(60), "route": [{"group": "h"}]}},
            "groups": {"g": {"headcount": 30}, "h": {"headcount": 0}}, **extra}
    return build_scenario(data)


def test_the_transfer_draws_move_no_other_draw_and_follow_the_probabilities():
    rule = {"probability": 0.3, "to": {"b": 0.75, "a": 0.25}}
    with_transfers, plain = _scenario(rule, transfer_max_legs=3), _scenario(None)
    blocks, plain_blocks = list(call_blocks(with_transfers, 9)), list(call_blocks(plain, 9))
    for x, y in zip(blocks, plain_blocks):
        for name in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert np.array_equal(getattr(x, name), getattr(y, name))
    plans = [transfers.plan(with_transfers, block) for block in blocks]
    to = np.concatenate([p.to for p in plans])
    kind = np.concatenate([b.call_type for b in blocks])
    first = to[kind == 0, 0]
    n = len(first)
    for code, p in ((-1, 0.7), (1, 0.3 * 0.75), (0, 0.3 * 0.25)):  # within 4 standard errors
        assert abs(np.mean(first == code) - p) < 4 * math.sqrt(p * (1 - p) / n), code
    assert (to[kind == 1] == -1).all()  # b is never transferred
    assert (to[kind == 0][first == 1, 1] == -1).all()  # nor a leg transferred to b
    # a leg transferred to b draws b's talk, wrap-up and patience: their means (law of large numbers)
    talk = np.concatenate([p.talk for p in plans])[kind == 0, 0][first == 1]
    patience = np.concatenate([p.patience for p in plans])[kind == 0, 0][first == 1]
    assert abs(talk.mean() - 100) < 4 * 100 / math.sqrt(len(talk))
    assert abs(patience.mean() - 80) < 4 * 80 / math.sqrt(len(patience))  # (lognormal, cv 1: sd 80)


def test_the_plan_reads_each_uniform_for_its_purpose():
    """Transferred (u < p, not u <= p), the target, then the new leg's talk, wrap-up and patience
    from their own uniforms, by the target type's distributions (exponential b: -mean log(1 - u));
    a second transfer only from a leg that was transferred."""
    rule = {"probability": 0.5, "to": {"b": 0.75, "a": 0.25}}
    scenario = _scenario(rule, transfer_max_legs=3)
    u = np.zeros((3, 2, transfers.UNIFORMS))
    u[:, 0, :] = [[0.5, 0.0, 0.0, 0.0, 0.0, 0.0], [0.2, 0.9, 0.0, 0.1, 0.2, 0.3], [0.2, 0.1, 0.0, 0.5, 0.4, 0.6]]
    u[1, 1, :] = [0.2, 0.0, 0.0, 0.25, 0.0, 0.0]
    block, = given_calls(scenario, [0, 1, 2], ["a", "a", "a"], [60] * 3, decisions={"transfer_draws": u})
    plan = transfers.plan(scenario, block)
    assert plan.to.tolist() == [[-1, -1], [0, 1], [1, -1]]  # (u = p: not transferred; a again, then b)
    b = (100.0, 20.0, 80.0)  # b's means; a: talk 60 (deterministic), no wrap-up, never abandons
    assert plan.talk[:, 0].tolist() == [0.0, 60.0, -b[0] * math.log1p(-0.5)]
    assert plan.wrapup[1:, 0].tolist() == [0.0, transfers.quantile(scenario.call_types[1].wrapup, np.array([0.4]), 0)[0]]
    assert plan.patience[1, 0] == math.inf
    assert plan.patience[2, 0] == transfers.quantile(scenario.call_types[1].patience, np.array([0.6]), 0)[0]
    assert plan.talk[1, 1] == -b[0] * math.log1p(-0.25) and plan.talk[2, 1] == 0.0


def test_every_distribution_kind_has_a_quantile_function():
    """The inverse distribution functions match the sampled distributions (quantiles at 0.1, 0.5, 0.9)."""
    from sim.model.distributions import parse_distribution

    u = np.array([0.1, 0.5, 0.9])
    gen = np.random.default_rng(5)
    for config in ({"kind": "exponential", "mean": 50}, {"kind": "lognormal", "mean": 50, "cv": 0.8},
                   {"kind": "gamma", "mean": 50, "cv": 0.5}, {"kind": "weibull", "mean": 50, "cv": 0.7},
                   {"kind": "uniform", "low": 10, "high": 30}):
        dist = parse_distribution(config, "x")
        sampled = np.quantile(dist.sample(gen, 200_000), u)
        assert np.allclose(transfers.quantile(dist, u, 0.0), sampled, rtol=0.02, atol=0.6), config["kind"]
    empirical = parse_distribution({"kind": "empirical", "values": [1, 2, 3, 4]}, "x")  # each value a quarter
    assert transfers.quantile(empirical, np.array([0.0, 0.24, 0.25, 0.6, 0.99]), 0.0).tolist() == [1, 1, 2, 3, 4]
    assert transfers.quantile(None, u, math.inf).tolist() == [math.inf] * 3


@pytest.mark.parametrize("rule, extra, field, text", [
    ({"probability": 1.2, "to": {"b": 1.0}}, {}, "call_types.a.transfer.probability", "between 0 and 1"),
    ({"probability": 0.5}, {}, "call_types.a.transfer.to", "summing to 1"),
    ({"probability": 0.5, "to": {"b": 0.5}}, {}, "call_types.a.transfer.to", "sum to 0.5, not 1"),
    ({"probability": 0.5, "to": {"nope": 1.0}}, {}, "call_types.a.transfer.to.nope", "allowed: a, b, c"),
    ({"probability": 0.5, "to": {"b": 1.5, "a": -0.5}}, {}, "call_types.a.transfer.to.b", "between 0 and 1"),
    ({"probability": 0.5, "to": {"c": 1.0}}, {}, "call_types.a.transfer.to.c", "never be served"),
    ({"probability": 0.5, "to": {"a": 1.0}}, {}, "transfer_max_legs", "can loop"),
    ({"probability": 0.5, "to": {"b": 1.0}}, {"transfer_max_legs": 0}, "transfer_max_legs", "whole number between 1"),
    (None, {"transfer_max_legs": 3}, "transfer_max_legs", "no call type has a transfer"),
    ({"probability": 0.0, "consult": {"kind": "erlang", "mean": 3}}, {}, "call_types.a.transfer.consult.kind",
     "exponential"),
])
def test_bad_input_names_the_field(rule, extra, field, text):
    with pytest.raises(ConfigError) as info:
        _scenario(rule, **extra)
    assert info.value.field == field and text in str(info.value), str(info.value)


def test_a_loop_with_a_limit_and_a_chain_without_one_are_valid():
    assert _scenario({"probability": 0.5, "to": {"a": 1.0}}, transfer_max_legs=4).transfer_max_legs == 4
    assert _scenario({"probability": 0.5, "to": {"b": 1.0}}).transfer_max_legs == 2
    assert _scenario({"probability": 0.0, "to": {"b": 1.0}}).transfer_max_legs is None  # (never transferred)


REDIAL = {"probability_abandoned": 0.5, "delay": {"kind": "exponential", "mean": 600}, "max_attempts": 3}


def test_transfers_and_redials_combine_in_one_scenario():
    """Once refused (the engines could not combine them): a scenario with both now builds, the
    shipped single queue with a transferring type and a redialling one."""
    from sim.simulate import load_scenario_file

    data = load_scenario_file("single_queue")
    name = next(iter(data["call_types"]))
    data["call_types"]["other"] = {**data["call_types"][name]}
    data["call_types"][name]["transfer"] = {"probability": 0.2, "to": {"other": 1.0}}
    data["call_types"]["other"]["redial"] = REDIAL
    scenario = build_scenario(data)
    assert scenario.transfer_max_legs == 2 and scenario.call_types[1].redial.max_attempts == 3


def test_the_command_line_names_the_field(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim.cli", "scenario=single_queue", "+scenario.transfer_max_legs=2",
                           f"hydra.run.dir={tmp_path / 'bad'}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and "callsim: invalid input: transfer_max_legs:" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_plan_worked_out_when_drawing_equals_the_plan_from_the_uniforms():
    """call_blocks keeps each block's leg plan among its decisions (transfers.with_plan), so that
    engines read it; it is the very plan the uniforms give."""
    scenario = _scenario({"probability": 0.5, "to": {"a": 0.5, "b": 0.5}, "consult": {"kind": "exponential", "mean": 30}},
                         transfer_max_legs=3)
    for block in call_blocks(scenario, 7):
        kept = transfers.plan(scenario, block)
        fresh = transfers.plan(scenario, type(block)(block.first_id, block.arrival, block.call_type, block.talk,
                                                     block.wrapup, block.patience,
                                                     {"transfer_draws": block.decisions["transfer_draws"]}))
        for name in transfers.PLAN_COLUMNS:
            assert np.array_equal(getattr(kept, name), getattr(fresh, name)), name
        assert (kept.to >= 0).any() and (kept.consult > 0).any()
