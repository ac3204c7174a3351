"""The caller's whole journey in one scenario: IVR menus, redials, transfers and callbacks together
(each pair has its own tests: test_journey_engines.py, test_journey_callback_engines.py). Both
engines give identical records, agent logs, IVR, redial, callback records and legs on random
days; every caller is accounted for once; the streamed KPI tables equal the record tables."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core import fast_engine
from sim.model.random_inputs import call_blocks

from engine_checks import assert_same_tables, run_both, with_ivr, KPI_TABLES, assert_streamed_equals_records, valid_scenario
from strategies import whole_journey_scenarios

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")


@needs_fast
@pytest.mark.parametrize("ivr", [False, True])
def test_identical_records_with_menus_redials_transfers_and_callbacks(ivr):
    count = {"valid": 0, "redial": 0, "leg": 0, "callback": 0, "all_three": 0}

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=whole_journey_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = valid_scenario(data)
        if scenario is None:
            return
        count["valid"] += 1
        a, b = run_both(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed))
        scheduled = ("scheduled",) if a.scheduled is not None or b.scheduled is not None else ()
        assert_same_tables(a, b, with_ivr(("records", "agents", "redials", "legs", "callbacks") + scheduled, a, b))
        # every caller once: its first attempt's id is its own, every redial points at one of them
        n_input = int((a.redials.attempt == 1).sum())
        assert np.array_equal(a.redials.first[:n_input], np.arange(n_input))
        assert (a.redials.first[n_input:] < n_input).all()
        used = {"redial": bool((a.redials.attempt > 1).any()), "leg": bool((a.legs.leg > 0).any()),
                "callback": bool(a.callbacks.accepted.any())}
        for name, seen in used.items():
            count[name] += seen
        count["all_three"] += all(used.values())

    check()
    # (on fresh draws: 39-66 with redials, 42-75 with legs, 15-43 with an accepted callback of 80)
    assert count["valid"] >= 50 and min(count["redial"], count["leg"], count["callback"]) >= 10, count
    assert count["all_three"] >= 5, count


@needs_fast
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=whole_journey_scenarios(ivr=True), seed=st.integers(1, 10**6))
def test_streamed_tables_equal_record_tables_on_the_whole_journey(data, seed):
    scenario = valid_scenario(data)
    if scenario is None:
        return
    assert_streamed_equals_records(scenario, seed, KPI_TABLES + ("callers", "callbacks", "callback_intervals"))
