"""Callbacks (sim.model.callbacks): both engines give identical records and callback records on
random scenarios (with IVRs, trunks, overflows, shifts) and on grid days where dials, retries and
every other event tie; the decisions come from streams of their own (no other draw moves) and
follow their probabilities; conservation of callers; bad input names the field."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.core.protocol import CALLBACK_OUTCOMES, OUTCOMES
from sim.errors import ConfigError
from sim.model.callbacks import dial_delays, has_scheduled, width
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.scenario import build_scenario

from conftest import deterministic
from strategies import callback_scenarios, grid_calls
from engine_checks import assert_dials_match, assert_same_tables, run_both, with_ivr, counted_scenario as _count_valid

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")
COMPLETED, FAILED = CALLBACK_OUTCOMES["CALLBACK_COMPLETED"], CALLBACK_OUTCOMES["CALLBACK_FAILED"]
ANSWERED, ABANDONED, UNFINISHED = OUTCOMES["ANSWERED"], OUTCOMES["ABANDONED"], OUTCOMES["UNFINISHED"]


def assert_identical(scenario, simpy_inputs, fast_inputs):
    a, b = run_both(scenario, simpy_inputs, fast_inputs)
    assert a.callbacks is not None and b.callbacks is not None
    assert (a.scheduled is None) == (b.scheduled is None) == (not has_scheduled(scenario))
    scheduled = ("scheduled",) if a.scheduled is not None else ()
    assert_same_tables(a, b, with_ivr(("records", "agents", "callbacks", "dials") + scheduled, a, b))
    assert_conserved(scenario, a)
    return a


def assert_conserved(scenario, out):
    """Every call is accounted for once; the callback records agree with the call records."""
    r, cb = out.records, out.callbacks
    attempts = np.array([ct.callback.retries + 1 if ct.callback else 0 for ct in scenario.call_types])
    accepted, offered = cb.accepted.astype(bool), cb.offered.astype(bool)
    assert not (accepted & ~offered).any()
    assert (cb.attempts[~accepted] == 0).all() and (cb.outcome[~accepted] == 0).all()
    queue = r.call_type if out.ivr is None else np.where(out.ivr.queue >= 0, out.ivr.queue, r.call_type)
    assert (cb.attempts <= attempts[queue]).all()
    completed, failed = cb.outcome == COMPLETED, cb.outcome == FAILED
    # a completed callback is answered at its connection, a failed one ends as an abandon after
    # its last attempt, an accepted one never abandons otherwise
    assert (r.outcome[completed] == ANSWERED).all() and np.array_equal(r.answer_time[completed], cb.connect_time[completed])
    assert (r.outcome[failed] == ABANDONED).all() and (cb.attempts[failed] == attempts[queue][failed]).all()
    assert (r.outcome[accepted & ~completed & ~failed] == UNFINISHED).all()
    assert np.isnan(cb.connect_time[~completed]).all()
    dialled = cb.attempts > 0
    assert (cb.first_dial[dialled] <= cb.last_dial[dialled]).all() and np.isnan(cb.first_dial[~dialled]).all()
    assert (r.answer_time[completed] >= cb.last_dial[completed]).all()
    assert_dials_match(out)



@needs_fast
def test_identical_records_on_random_callback_scenarios():
    count = {"valid": 0, "invalid": 0, "offered": 0, "completed": 0, "failed": 0, "retried": 0, "scheduled": 0}

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=callback_scenarios(), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = _count_valid(count, data)
        if scenario is not None:
            out = assert_identical(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed))
            cb = out.callbacks
            count["scheduled"] += out.scheduled is not None and bool((out.scheduled.due_time >= 0).any())
            count["offered"] += bool(cb.offered.any())
            count["completed"] += bool((cb.outcome == COMPLETED).any())
            count["failed"] += bool((cb.outcome == FAILED).any())
            count["retried"] += bool((cb.attempts > 1).any())

    check()
    assert count["valid"] >= 100 and min(count["completed"], count["failed"]) >= 8 and count["retried"] >= 2, count
    assert count["scheduled"] >= 8, count


@needs_fast
def test_identical_records_on_grid_days_with_callbacks():
    count = {"valid": 0, "invalid": 0, "accepted": 0, "scheduled": 0}

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=callback_scenarios(grid=True, with_ivr=False), st_data=st.data())
    def check(data, st_data):
        scenario = _count_valid(count, data)
        if scenario is None:
            return
        calls = st_data.draw(grid_calls(data))
        n, w = len(calls["arrival"]), width(scenario)
        grid = st.lists(st.integers(0, 6), min_size=n * w, max_size=n * w)
        decisions = {"callback_accept": np.array(st_data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), np.int8),
                     "callback_ring": 10.0 * np.array(st_data.draw(grid), float).reshape(n, w),
                     "callback_reach": (np.array(st_data.draw(grid), float).reshape(n, w) > 2).astype(float),
                     "callback_delay": 10.0 * np.array(st_data.draw(grid), float).reshape(n, w)}
        if has_scheduled(scenario):
            decisions["callback_schedule"] = 10.0 * np.array(
                st_data.draw(st.lists(st.integers(0, 30), min_size=n, max_size=n)), float)
        out = assert_identical(scenario, given_calls(scenario, **calls, decisions=decisions),
                               given_calls(scenario, **calls, decisions=decisions))
        count["accepted"] += bool(out.callbacks.accepted.any())
        count["scheduled"] += out.scheduled is not None and bool((out.scheduled.due_time >= 0).any())

    check()
    assert count["valid"] >= 100 and count["accepted"] >= 10 and count["scheduled"] >= 5, count


def _scenario(callback, **extra):
    data = {"name": "cb", "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 30},
            "call_types": {"a": {"arrival_rate": 120, "talk_time": deterministic(60), "route": [{"group": "g"}],
                                 "patience": {"kind": "exponential", "mean": 100}, "callback": callback},
                           "b": {"arrival_rate": 30, "talk_time": deterministic(60), "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 3}}, **extra}
    return build_scenario(data)


OFFER = {"offer_above": 30.0, "accept": 0.3, "ring": {"kind": "exponential", "mean": 20}, "reach": 0.6,
         "retries": 2, "retry_delay": {"kind": "exponential", "mean": 300}}


def test_the_callback_draws_move_no_other_draw_and_follow_the_probabilities():
    with_callbacks, plain = _scenario(OFFER), _scenario(None)
    blocks, plain_blocks = list(call_blocks(with_callbacks, 9)), list(call_blocks(plain, 9))
    for name in ("arrival", "call_type", "talk", "wrapup", "patience"):
        assert np.array_equal(np.concatenate([getattr(b, name) for b in blocks]),
                              np.concatenate([getattr(b, name) for b in plain_blocks]))
    drawn = {name: np.concatenate([b.decisions[name] for b in blocks]) for name in
             ("callback_accept", "callback_ring", "callback_reach", "callback_delay")}
    kind = np.concatenate([b.call_type for b in blocks])
    a, b = kind == 0, kind == 1
    assert drawn["callback_ring"].shape == (len(kind), 3)  # retries + 1 attempts
    # type a: acceptance 0.3, reach 0.6 (binomial: within 4 standard errors), ring mean 20, delay
    # mean 300 (exponential: within 4 standard errors of the sample mean); column 0 of the delay
    # (the scheduled delay) is 0; type b (no callback) draws nothing
    for values, p in ((drawn["callback_accept"][a], 0.3), (drawn["callback_reach"][a].ravel(), 0.6)):
        assert abs(values.mean() - p) < 4 * math.sqrt(p * (1 - p) / len(values))
    for values, mean in ((drawn["callback_ring"][a].ravel(), 20.0), (drawn["callback_delay"][a][:, 1:].ravel(), 300.0)):
        assert abs(values.mean() - mean) < 4 * mean / math.sqrt(len(values))
    assert (drawn["callback_delay"][:, 0] == 0).all()
    for name, values in drawn.items():
        assert not values[b].any(), name


def test_a_scheduled_delay_has_its_own_stream_and_moves_no_other_draw():
    scheduled = _scenario({**OFFER, "mode": "scheduled", "delay": {"kind": "exponential", "mean": 600}})
    blocks, keep_blocks = list(call_blocks(scheduled, 9)), list(call_blocks(_scenario(OFFER), 9))
    assert "callback_schedule" not in keep_blocks[0].decisions  # (nothing drawn without a scheduled type)
    for name in ("arrival", "talk", "patience", "callback_accept", "callback_ring", "callback_reach", "callback_delay"):
        assert np.array_equal(np.concatenate([b.decisions[name] if name.startswith("callback") else getattr(b, name)
                                              for b in blocks]),
                              np.concatenate([b.decisions[name] if name.startswith("callback") else getattr(b, name)
                                              for b in keep_blocks])), name
    kind = np.concatenate([b.call_type for b in blocks])
    delays = np.concatenate([b.decisions["callback_schedule"] for b in blocks])
    assert abs(delays[kind == 0].mean() - 600.0) < 4 * 600.0 / math.sqrt((kind == 0).sum())
    assert not delays[kind == 1].any()  # type b offers no callback
    merged = np.concatenate([dial_delays(b.decisions) for b in blocks])  # what the engines read
    assert np.array_equal(merged[:, 0], delays) and np.array_equal(
        merged[:, 1:], np.concatenate([b.decisions["callback_delay"] for b in blocks])[:, 1:])


@pytest.mark.parametrize("change, field, words", [
    ({"accept": 1.2}, "call_types.a.callback.accept", "between 0 and 1"),
    ({"reach": -0.1}, "call_types.a.callback.reach", "between 0 and 1"),
    ({"offer_above": -5.0}, "call_types.a.callback.offer_above", "between 0"),
    ({"retries": -1}, "call_types.a.callback.retries", "whole number between 0 and 20"),
    ({"retries": 1.5}, "call_types.a.callback.retries", "whole number"),
    ({"retries": 2, "retry_delay": None}, "call_types.a.callback.retry_delay", "needs a retry_delay"),
    ({"mode": "later"}, "call_types.a.callback.mode", "allowed: keep_place, scheduled"),
    ({"mode": "scheduled"}, "call_types.a.callback.delay", "mode scheduled needs a delay"),
    ({"delay": deterministic(60)}, "call_types.a.callback.delay", "a delay is for mode scheduled"),
    ({"mode": "scheduled", "delay": {"kind": "normal", "mean": 3}}, "call_types.a.callback.delay.kind", "lognormal"),
    ({"ring": {"kind": "normal", "mean": 3}}, "call_types.a.callback.ring.kind", "lognormal"),
])
def test_bad_input_names_the_field(change, field, words):
    with pytest.raises(ConfigError) as error:
        _scenario({**OFFER, **change})
    assert error.value.field == field and words in str(error.value)
