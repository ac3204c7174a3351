"""Shrinkage on random days: both engines give identical records and agent logs on the realised
spells (breaks, activities, absences, adherence), and the agent log agrees with the calls."""

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from sim.agents.shrinkage import realised
from sim.core import fast_engine
from sim.core.fast_engine import FastEngine
from sim.core.records import ANSWERED
from sim.core.simpy_engine import SimpyEngine
from sim.errors import ConfigError
from sim.model import contact_draws, random_inputs
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario

from strategies import shrunk_scenarios

needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="fast engine not built")


def run_both(scenario, seed):
    spells = realised(scenario, seed)
    return [engine.run(scenario, call_blocks(scenario, seed), spells=spells) for engine in (SimpyEngine(), FastEngine())]


def assert_calls_inside_the_spells(scenario, out, seed):
    """Every answered call is served inside one logged spell of its agent (never on a break or
    an absent agent's day); spells of an agent do not overlap."""
    log, rec = out.agents, out.records
    present = realised(scenario, seed).present
    for agent in np.unique(rec.agent[rec.outcome == ANSWERED]):
        assert present[agent]
        mine = log.agent == agent
        starts, ends = log.start[mine], log.end[mine]
        assert np.all(starts[1:] >= ends[:-1])
        served = (rec.outcome == ANSWERED) & (rec.agent == agent)
        answer = rec.answer_time[served]
        done = answer + rec.talk[served] + rec.wrapup[served]
        spell = np.searchsorted(starts, answer, side="right") - 1
        assert np.all(spell >= 0) and np.all(done <= ends[spell] + 1e-9) and np.all(answer < ends[spell] + 1e-9)
    assert set(np.unique(log.agent)) <= set(np.flatnonzero(present))


@needs_fast
def test_identical_records_with_shrinkage_on_random_days():
    count = {"valid": 0, "invalid": 0, "breaks": 0, "absent": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
              derandomize=True)
    @given(data=shrunk_scenarios())
    def check(data):
        try:
            scenario = build_scenario(data)
        except ConfigError:
            count["invalid"] += 1
            return
        count["valid"] += 1
        count["breaks"] += any(any(r) for g in scenario.groups for r in g.rests)
        simpy_out, fast_out = run_both(scenario, seed=7)
        count["absent"] += not realised(scenario, 7).present.all()
        for table in ("records", "agents"):
            a, b = getattr(simpy_out, table), getattr(fast_out, table)
            for field in fields(a):
                x, y = getattr(a, field.name), getattr(b, field.name)
                assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), f"{table}.{field.name} differs"
        assert_calls_inside_the_spells(scenario, simpy_out, 7)

    check()
    # floors that show each rule is reached (the examples differ between this file alone and the suite)
    assert count["valid"] >= 90 and count["breaks"] >= 5 and count["absent"] >= 10, count


def test_the_shrinkage_streams_are_their_own():
    """Absences and adherence draw from stream purposes no other random input uses."""
    inbound = {random_inputs.ARRIVAL_COUNTS, random_inputs.TALK, random_inputs.WRAPUP, random_inputs.PATIENCE,
               random_inputs.BUSYNESS, random_inputs.ARRIVAL_TIMES}
    outbound = set(range(contact_draws.OUT_RESULT, contact_draws.OUT_WRAPUP + 1))
    mine = {random_inputs.ABSENCE, random_inputs.ADHERENCE}
    assert len(mine) == 2 and not mine & (inbound | outbound)
    assert max(mine) < random_inputs.FIRST_DECISION_PURPOSE


def test_without_absenteeism_and_adherence_nothing_is_drawn(monkeypatch):
    from sim.agents import shrinkage

    monkeypatch.setattr(shrinkage, "streams", lambda *a: pytest.fail("a shrinkage stream was drawn"))
    scenario = build_scenario({"name": "plain", "call_types": {"a": {"arrival_rate": 10, "talk_time": {"kind": "exponential", "mean": 60},
                                                     "route": [{"group": "g"}]}},
                               "groups": {"g": {"shifts": {"s": {"start": "00:00", "end": "08:00", "count": 2,
                                                                  "breaks": [{"minutes": 15, "start": "02:00"}]}}}}})
    assert realised(scenario, 1) is realised(scenario, 2)  # the plan itself, kept per scenario
