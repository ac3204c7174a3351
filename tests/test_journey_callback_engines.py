"""Callbacks with redials and with transfers (sim.model.callbacks): both engines give identical
records (calls, agents, callbacks, IVR, redial links, legs) on random scenarios combining
callback_scenarios' offers with redial_scenarios / transfer_scenarios, the combinations they
exist for actually happen (failed callbacks redialled, redials accepting callbacks, completed
callbacks transferred, transferred legs waiting in a queue that offers callbacks), the rules hold
in every run, and the streamed KPI tables equal the record tables."""

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.core.fast_engine import FastEngine
from sim.core.protocol import CALLBACK_OUTCOMES, OUTCOMES
from sim.core.simpy_engine import SimpyEngine
from sim.model import random_inputs
from sim.model.random_inputs import call_blocks

from strategies import callback_redial_scenarios, callback_transfer_scenarios
from engine_checks import KPI_TABLES, assert_dials_match, assert_streamed_equals_records, valid_scenario
from test_record_tables import assert_same_as_reference

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")
COMPLETED, FAILED = CALLBACK_OUTCOMES["CALLBACK_COMPLETED"], CALLBACK_OUTCOMES["CALLBACK_FAILED"]
ABANDONED = OUTCOMES["ABANDONED"]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def assert_identical(scenario, seed):
    a = SimpyEngine().run(scenario, call_blocks(scenario, seed))
    b = FastEngine().run(scenario, call_blocks(scenario, seed))
    for table in ("records", "agents", "callbacks", "scheduled", "dials", "ivr", "redials", "legs"):
        x, y = getattr(a, table), getattr(b, table)
        assert (x is None) == (y is None), table
        for field in fields(x) if x is not None else ():
            u, v = getattr(x, field.name), getattr(y, field.name)
            assert u.dtype == v.dtype and np.array_equal(u, v, equal_nan=True), f"{table}.{field.name} differs"
    assert_dials_match(a)
    return a


def redial_counts(out):
    """(failed callbacks followed by a redial, redials offered a callback, redials accepting one),
    checking the rules on the way: a redial's row has callback records of its own; a caller who
    accepted once accepts whenever offered again (its draws are its first attempt's)."""
    cb, links = out.callbacks, out.redials
    assert len(cb.offered) == len(out.records.outcome) == len(links.first)
    failed = np.flatnonzero(cb.outcome == FAILED)
    assert (out.records.outcome[failed] == ABANDONED).all()
    redial = links.attempt > 1
    # a redial follows attempt a of its caller: the row with the same first attempt and number a
    previous = {(f, a): row for row, (f, a) in enumerate(zip(links.first.tolist(), links.attempt.tolist()))}
    after = np.array([previous[(f, a - 1)] for f, a in zip(links.first[redial], links.attempt[redial])], dtype=int)
    accept_of_caller = {}
    for row in np.flatnonzero(cb.offered):
        caller = int(links.first[row])
        assert accept_of_caller.setdefault(caller, cb.accepted[row]) == cb.accepted[row], "a caller's disposition"
    return (int(np.isin(after, failed).sum()), int((cb.offered[redial] == 1).sum()),
            int((cb.accepted[redial] == 1).sum()))


@needs_fast
@pytest.mark.parametrize("ivr", [False, True])
def test_identical_records_with_callbacks_and_redials(ivr, monkeypatch):
    # blocks of one interval: redials' record rows come between the blocks' (read in call order)
    monkeypatch.setattr(random_inputs, "BLOCK_CALLS", 1)
    count = {"valid": 0, "failed_then_redialled": 0, "redial_offered": 0, "redial_accepted": 0}

    @settings(max_examples=100, **SETTINGS)
    @given(data=callback_redial_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = valid_scenario(data)
        if scenario is None:
            return
        count["valid"] += 1
        for name, seen in zip(("failed_then_redialled", "redial_offered", "redial_accepted"),
                              redial_counts(assert_identical(scenario, seed))):
            count[name] += seen > 0

    check()
    # (vacuity bounds the random sample meets: seen 2-17 and 4-24 days in 50-60 under load)
    assert count["valid"] >= 70 and count["failed_then_redialled"] >= 2 and count["redial_accepted"] >= 3, count


def transfer_counts(scenario, out):
    """(completed callbacks transferred, transferred legs that waited in a queue offering callbacks:
    the ones a first leg might have been offered one in)."""
    legs, cb = out.legs, out.callbacks
    offers = np.array([ct.callback is not None for ct in scenario.call_types])
    later = legs.leg > 0
    transferred_calls = np.unique(legs.call[later])
    completed_moved = int((cb.outcome[transferred_calls] == COMPLETED).sum())
    waited = later & offers[legs.queue] & ((legs.start > legs.joined) | (legs.outcome == ABANDONED))
    return completed_moved, int(waited.sum())


@needs_fast
@pytest.mark.parametrize("ivr", [False, True])
def test_identical_records_with_callbacks_and_transfers(ivr):
    count = {"valid": 0, "completed_moved": 0, "leg_waited": 0}

    @settings(max_examples=80, **SETTINGS)
    @given(data=callback_transfer_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = valid_scenario(data)
        if scenario is None:
            return
        count["valid"] += 1
        moved, waited = transfer_counts(scenario, assert_identical(scenario, seed))
        count["completed_moved"] += moved > 0
        count["leg_waited"] += waited > 0

    check()
    # (vacuity bounds the random sample meets: seen 4-20 and 31-39 days in 50-60)
    assert count["valid"] >= 50 and count["completed_moved"] >= 2 and count["leg_waited"] >= 10, count


@settings(max_examples=25, **SETTINGS)
@given(data=st.one_of(callback_redial_scenarios(), callback_transfer_scenarios()), seed=st.integers(1, 10**6))
def test_streamed_tables_equal_record_tables(data, seed):
    scenario = valid_scenario(data)
    if scenario is None:
        return
    assert_streamed_equals_records(scenario, seed, KPI_TABLES + ("callbacks", "callback_intervals", "callers", "caller_intervals"))


@settings(max_examples=8, **SETTINGS)
@given(data=callback_redial_scenarios(ivr=True), seed=st.integers(1, 10**6))
def test_record_tables_equal_the_reference_with_redials(data, seed):
    """(The pandas reference of tests/test_record_tables.py has no transfer columns.)"""
    scenario = valid_scenario(data)
    if scenario is not None:
        for engine in ("simpy", "fast"):
            assert_same_as_reference(scenario, seed, engine)
