"""IVR (sim.model.ivr): both engines give identical records and IVR records on random scenarios
and on grid days where menu ends tie with every other event; the decisions are drawn from
streams of their own (no other draw moves); bad input names the field."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.errors import ConfigError
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.scenario import build_scenario

from conftest import deterministic
from strategies import grid_calls, ivr_scenarios
from engine_checks import assert_same_tables, run_both, counted_scenario as _count_valid

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")


def assert_identical(scenario, simpy_inputs, fast_inputs):
    a, b = run_both(scenario, simpy_inputs, fast_inputs)
    assert a.ivr is not None and b.ivr is not None
    assert_same_tables(a, b, ("records", "agents", "ivr"))
    return a


@needs_fast
def test_identical_records_on_random_ivr_scenarios():
    count = {"valid": 0, "invalid": 0, "zeroed_elsewhere": 0, "ports_full": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=ivr_scenarios(), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = _count_valid(count, data)
        if scenario is not None:
            out = assert_identical(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed))
            count["zeroed_elsewhere"] += bool(((out.ivr.queue >= 0) & (out.ivr.queue != out.records.call_type)).any())
            count["ports_full"] += bool(scenario.ivr_ports is not None and (out.records.outcome == 2).any())

    check()
    assert count["valid"] >= 130 and count["zeroed_elsewhere"] >= 8 and count["ports_full"] >= 8, count


@needs_fast
def test_identical_records_on_grid_days_with_ivr():
    count = {"valid": 0, "invalid": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=ivr_scenarios(), st_data=st.data())
    def check(data, st_data):
        scenario = _count_valid(count, data)
        if scenario is None:
            return
        calls = st_data.draw(grid_calls(data))
        n = len(calls["arrival"])
        times = st_data.draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
        choices = st_data.draw(st.lists(st.integers(-2, len(data["call_types"]) - 1), min_size=n, max_size=n))
        decisions = {"ivr_time": 10.0 * np.array(times, float), "ivr_choice": np.array(choices, np.int32)}
        assert_identical(scenario, given_calls(scenario, **calls, decisions=decisions),
                         given_calls(scenario, **calls, decisions=decisions))

    check()
    assert count["valid"] >= 130, count


def _scenario(ivr, **extra):
    data = {"name": "ivr", "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 30},
            "call_types": {"a": {"arrival_rate": 120, "talk_time": deterministic(60), "route": [{"group": "g"}],
                                 "ivr": ivr},
                           "b": {"arrival_rate": 30, "talk_time": deterministic(60), "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 3}}, **extra}
    return build_scenario(data)


def test_the_ivr_draws_move_no_other_draw_and_follow_the_probabilities():
    menu = {"duration": {"kind": "exponential", "mean": 40}, "finish": 0.5, "hang_up": 0.2, "zero_out": {"b": 0.3}}
    with_ivr, plain = _scenario(menu), _scenario(None)
    blocks, plain_blocks = list(call_blocks(with_ivr, 9)), list(call_blocks(plain, 9))
    for x, y in zip(blocks, plain_blocks):
        for name in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert np.array_equal(getattr(x, name), getattr(y, name))
    choice = np.concatenate([b.decisions["ivr_choice"] for b in blocks])
    kind = np.concatenate([b.call_type for b in blocks])
    a_choice = choice[kind == 0]
    n = len(a_choice)
    for code, p in ((-1, 0.5), (-2, 0.2), (1, 0.3)):  # within 4 standard errors of a binomial proportion
        assert abs(np.mean(a_choice == code) - p) < 4 * math.sqrt(p * (1 - p) / n), code
    assert set(choice[kind == 1]) == {1}  # b has no menu (its choice is never read)


@pytest.mark.parametrize("menu, extra, field, text", [
    ({"finish": 1.2}, {}, "call_types.a.ivr.finish", "between 0 and 1"),
    ({"hang_up": -0.1}, {}, "call_types.a.ivr.hang_up", "between 0 and 1"),
    ({"finish": 0.7, "hang_up": 0.5}, {}, "call_types.a.ivr", "must not exceed 1"),
    ({"finish": 0.2, "zero_out": {"a": 0.5}}, {}, "call_types.a.ivr", "sum to 0.7, not 1"),
    ({"finish": 0.2, "zero_out": {"nope": 0.8}}, {}, "call_types.a.ivr.zero_out.nope", "allowed: a, b"),
    ({"finish": 0.2, "zero_out": {"b": 1.5, "a": -0.7}}, {}, "call_types.a.ivr.zero_out.b", "between 0 and 1"),
    ({"duration": {"kind": "normal", "mean": 3}}, {}, "call_types.a.ivr.duration.kind", "lognormal"),
    ({}, {"ivr_ports": -1}, "ivr_ports", "whole number between 1"),
    ({}, {"ivr_ports": 0}, "ivr_ports", "whole number between 1"),
])
def test_bad_input_names_the_field(menu, extra, field, text):
    with pytest.raises(ConfigError) as info:
        _scenario({"duration": deterministic(30), **menu}, **extra)
    assert info.value.field == field and text in str(info.value), str(info.value)


def test_ports_without_any_menu_are_refused():
    with pytest.raises(ConfigError) as info:
        _scenario(None, ivr_ports=4)
    assert info.value.field == "ivr_ports"


def test_the_command_line_names_the_field(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim.cli", "scenario=single_queue", "+scenario.ivr_ports=-3",
                           f"hydra.run.dir={tmp_path / 'bad'}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and "callsim: invalid input: ivr_ports:" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_queue_behind_an_ivr_is_no_textbook_queue():
    from sim.kpi.theory import textbook_model

    data = {"name": "mmc", "horizon": {"kind": "steady_state", "hours": 2},
            "call_types": {"a": {"arrival_rate": 100, "talk_time": {"kind": "exponential", "mean": 60},
                                 "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 3}}}
    assert textbook_model(build_scenario(data)) == "erlang_c"
    data["call_types"]["a"]["ivr"] = {"duration": deterministic(20), "finish": 0.5}
    assert textbook_model(build_scenario(data)) is None  # (the Erlang formulas would see every arrival)
