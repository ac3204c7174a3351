"""Redials (sim.model.redials): both engines give identical records, agent logs, IVR and redial
records on random scenarios (with and without IVR menus) and on grid days where redials tie with
every other event; every caller's journey obeys the rule, read back from the records and the
pre-drawn draws; the redial draws move no other draw; bad input names the field."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.core.protocol import OUTCOMES
from sim.errors import ConfigError
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.redials import has_redials, width
from sim.model.scenario import build_scenario

from conftest import deterministic
from strategies import grid_calls, redial_scenarios
from engine_checks import assert_same_tables, run_both, with_ivr, counted_scenario as _count_valid

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")
ABANDONED, BLOCKED, ANSWERED = OUTCOMES["ABANDONED"], OUTCOMES["BLOCKED"], OUTCOMES["ANSWERED"]


def assert_identical(scenario, simpy_inputs, fast_inputs):
    a, b = run_both(scenario, simpy_inputs, fast_inputs)
    assert (a.redials is not None) == (b.redials is not None) == has_redials(scenario)
    assert_same_tables(a, b, with_ivr(("records", "agents") + (("redials",) if a.redials is not None else ()), a, b))
    return a


def check_journeys(scenario, out, blocks):
    """Every caller's attempts, read off the records, against the rule and the caller's draws:
    attempts 1, 2, ... in row order, only after an abandoned or blocked attempt whose u is below
    the outcome's probability, within max_attempts and before the horizon's end, each redial arriving its delay after the
    previous attempt ended, of the same type; and no redial missing where the rule asks for one.
    Returns (redials, callers who redialled after a block)."""
    r, link = out.records, out.redials
    n_input = sum(len(b) for b in blocks)
    draws = {name: np.concatenate([b.decisions[name] for b in blocks]) for name in
             ("redial_u", "redial_delay", "redial_patience")}
    assert len(link.first) == len(r) and np.array_equal(link.first[:n_input], np.arange(n_input))
    assert (link.attempt[:n_input] == 1).all() and (link.attempt[n_input:] >= 2).all()
    assert (link.first[n_input:] < n_input).all()
    rows = {}
    for row in range(len(r)):
        rows.setdefault(int(link.first[row]), []).append(row)
    after_block = 0
    for first, attempts in rows.items():
        k = int(r.call_type[first])
        rule = scenario.call_types[k].redial
        assert link.attempt[attempts].tolist() == list(range(1, len(attempts) + 1))
        assert len(attempts) <= (rule.max_attempts if rule else 1)
        for a, (row, nxt) in enumerate(zip(attempts, attempts[1:] + [None]), start=1):
            outcome = r.outcome[row]
            p = 0.0 if rule is None else {ABANDONED: rule.probability_abandoned, BLOCKED: rule.probability_blocked}.get(
                int(outcome), 0.0)
            may = (rule is not None and a < rule.max_attempts
                   and r.end_time[row] + draws["redial_delay"][first, a - 1] < scenario.horizon_end)
            redials = may and draws["redial_u"][first, a - 1] < p
            assert (nxt is not None) == redials, (first, a)
            if nxt is not None:
                assert r.call_type[nxt] == k
                assert r.arrival[nxt] == r.end_time[row] + draws["redial_delay"][first, a - 1]
                after_block += outcome == BLOCKED
                if r.outcome[nxt] == ABANDONED and out.ivr is None:  # its fresh patience
                    assert r.end_time[nxt] == r.arrival[nxt] + draws["redial_patience"][first, a - 1]
    return len(r) - n_input, after_block


@needs_fast
@pytest.mark.parametrize("ivr", [False, True])
def test_identical_records_and_lawful_journeys_on_random_redial_scenarios(ivr):
    count = {"valid": 0, "invalid": 0, "redials": 0, "after_block": 0, "third_attempt": 0}

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=redial_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = _count_valid(count, data)
        if scenario is not None:
            out = assert_identical(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed))
            if out.redials is None:
                return
            redials, after_block = check_journeys(scenario, out, list(call_blocks(scenario, seed)))
            count["redials"] += redials > 0
            count["after_block"] += after_block > 0
            count["third_attempt"] += bool((out.redials.attempt >= 3).any())

    check()
    assert count["valid"] >= 80 and count["redials"] >= 30 and count["after_block"] >= 5, count
    assert count["third_attempt"] >= 5, count


@needs_fast
def test_identical_records_on_grid_days_with_redials():
    count = {"valid": 0, "invalid": 0, "redials": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=redial_scenarios(), st_data=st.data())
    def check(data, st_data):
        scenario = _count_valid(count, data)
        if scenario is None:
            return
        calls = st_data.draw(grid_calls(data))
        n, w = len(calls["arrival"]), width(scenario)
        grid = st.lists(st.integers(0, 12), min_size=n * w, max_size=n * w)
        decisions = {} if w == 0 else {"redial_u": np.array(st_data.draw(st.lists(st.sampled_from([0.0, 0.0, 0.4, 0.9]), min_size=n * w,
                                                                  max_size=n * w)), float).reshape(n, w),
                     "redial_delay": 10.0 * np.array(st_data.draw(grid), float).reshape(n, w),
                     "redial_patience": 10.0 * np.array(st_data.draw(grid), float).reshape(n, w)}
        out = assert_identical(scenario, given_calls(scenario, **calls, decisions=decisions),
                               given_calls(scenario, **calls, decisions=decisions))
        count["redials"] += len(out.records) > n

    check()
    # (the examples differ between this file alone and the whole suite: 28 to 40+ days redialled)
    assert count["valid"] >= 130 and count["redials"] >= 20, count


def _scenario(redial, **extra):
    data = {"name": "redials", "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 30},
            "call_types": {"a": {"arrival_rate": 120, "talk_time": deterministic(60), "route": [{"group": "g"}],
                                 "patience": {"kind": "exponential", "mean": 30}, "redial": redial},
                           "b": {"arrival_rate": 30, "talk_time": deterministic(60), "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 3}}, **extra}
    return build_scenario(data)


def test_the_redial_draws_move_no_other_draw_and_follow_their_distributions():
    rule = {"probability_abandoned": 0.5, "delay": {"kind": "exponential", "mean": 200}, "max_attempts": 3}
    with_redials, plain = _scenario(rule), _scenario(None)
    blocks, plain_blocks = list(call_blocks(with_redials, 9)), list(call_blocks(plain, 9))
    for x, y in zip(blocks, plain_blocks):
        for name in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert np.array_equal(getattr(x, name), getattr(y, name))
    kind = np.concatenate([b.call_type for b in blocks])
    u, delay, patience = (np.concatenate([b.decisions[name] for b in blocks])
                          for name in ("redial_u", "redial_delay", "redial_patience"))
    assert u.shape == (len(kind), 2)
    assert np.isnan(u[kind == 1]).all() and np.isnan(delay[kind == 1]).all()  # b has no redials: nothing drawn
    a_u, a_delay, a_patience = u[kind == 0].ravel(), delay[kind == 0].ravel(), patience[kind == 0].ravel()
    n = len(a_u)  # within 4 standard errors of the means (uniform 1/2, exponential 200 and 30)
    assert abs(a_u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / n)
    assert abs(a_delay.mean() - 200) < 4 * 200 / math.sqrt(n) and abs(a_patience.mean() - 30) < 4 * 30 / math.sqrt(n)


@pytest.mark.parametrize("redial, field, text", [
    ({"probability_abandoned": 0.5}, "call_types.a.redial.max_attempts", "a redial loop with no attempt limit"),
    ({"probability_blocked": 0.2}, "call_types.a.redial.max_attempts", "a redial loop with no attempt limit"),
    ({"probability_abandoned": 1.5, "max_attempts": 2}, "call_types.a.redial.probability_abandoned", "between 0 and 1"),
    ({"probability_blocked": -0.1, "max_attempts": 2}, "call_types.a.redial.probability_blocked", "between 0 and 1"),
    ({"probability_abandoned": 0.5, "max_attempts": 0}, "call_types.a.redial.max_attempts", "whole number between 1"),
    ({"probability_abandoned": 0.5, "max_attempts": 2.5}, "call_types.a.redial.max_attempts", "whole number"),
    ({"probability_abandoned": 0.5, "max_attempts": 2, "delay": {"kind": "normal", "mean": 3}},
     "call_types.a.redial.delay.kind", "lognormal"),
])
def test_bad_input_names_the_field(redial, field, text):
    with pytest.raises(ConfigError) as info:
        _scenario(redial)
    assert info.value.field == field and text in str(info.value), str(info.value)


def test_the_command_line_names_the_field(tmp_path):
    (tmp_path / "configs" / "scenario").mkdir(parents=True)
    (tmp_path / "configs" / "scenario" / "redialling.yaml").write_text(
        "defaults:\n  - single_queue\n  - _self_\ncall_types:\n  calls:\n    redial:\n      probability_abandoned: 0.4\n")
    done = subprocess.run([sys.executable, "-m", "sim.cli", "--config-dir", str(tmp_path / "configs"),
                           "scenario=redialling", f"hydra.run.dir={tmp_path / 'bad'}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "callsim: invalid input: call_types.calls.redial.max_attempts: a redial loop" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
