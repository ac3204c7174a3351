"""The model's capabilities for the features to come, each defaulting to today's behaviour:
per-call random decisions pre-drawn from streams of their own, and records per service leg read
by every busy-time KPI."""

import numpy as np
import pytest

from sim.core.records import EngineOutput, LegRecords, legs_of
from sim.core.simpy_engine import SimpyEngine
from sim.kpi import tables
from sim.model import random_inputs
from sim.model.random_inputs import Decision, call_blocks, given_calls, stream
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

from conftest import day_scenario, deterministic

DEFAULT = "configs/scenario/default.yaml"


def uniform_decision(ct, gen, n):
    return gen.random(n)


@pytest.mark.parametrize("block_calls", [random_inputs.BLOCK_CALLS, 200])
def test_a_new_decision_shifts_no_draw_and_takes_its_own_streams_values(monkeypatch, block_calls):
    monkeypatch.setattr(random_inputs, "BLOCK_CALLS", block_calls)
    scenario = build_scenario(load_scenario_file(DEFAULT))
    plain = list(call_blocks(scenario, 3))
    monkeypatch.setattr(random_inputs, "decisions", lambda s: (Decision("transfer_u", 16, uniform_decision),))
    with_decision = list(call_blocks(scenario, 3))
    assert len(plain) == len(with_decision) > (1 if block_calls == 200 else 0)
    for a, b in zip(plain, with_decision):  # the calls themselves are unchanged, draw for draw
        for column in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert np.array_equal(getattr(a, column), getattr(b, column))
        assert a.decisions == {} and set(b.decisions) == {"transfer_u"}
    call_type = np.concatenate([b.call_type for b in with_decision])
    values = np.concatenate([b.decisions["transfer_u"] for b in with_decision])
    for k in range(len(scenario.call_types)):  # the i-th call of type k has the i-th draw of (16, k)
        mine = values[call_type == k]
        assert np.array_equal(mine, stream(3, 16, k).random(len(mine)))


def test_given_calls_carry_their_decisions_in_engine_order():
    scenario = day_scenario({"a": {"arrival_rate": 0, "talk_time": deterministic(1), "route": [{"group": "g"}]}},
                            {"g": {"headcount": 1}})
    block, = given_calls(scenario, [5, 1, 3], ["a"] * 3, [1, 1, 1], decisions={"d": [50, 10, 30]})
    assert block.arrival.tolist() == [1, 3, 5] and block.decisions["d"].tolist() == [10, 30, 50]


def test_legs_of_one_leg_calls_are_the_answered_calls():
    scenario = day_scenario({"a": {"arrival_rate": 0, "talk_time": deterministic(10), "patience": deterministic(5),
                                   "route": [{"group": "g"}]}}, {"g": {"headcount": 1}})
    out = SimpyEngine().run(scenario, given_calls(scenario, [0, 1, 20], ["a"] * 3, [10, 10, 10], [2, 2, 2],
                                                  patience=[5, 5, 5]))
    legs = legs_of(out.records)
    # call 1 abandons at 6 (the agent is busy to 12): legs for calls 0 and 2 only
    assert legs.call.tolist() == [0, 2] and legs.start.tolist() == [0, 20] and legs.end.tolist() == [12, 32]


def test_busy_time_kpis_read_every_leg():
    """A second leg recorded for a call (as a transfer will) counts in its group's busy time,
    answered calls and AHT."""
    call_types = {"a": {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "first"}]}}
    scenario = day_scenario(call_types, {"first": {"headcount": 1}, "second": {"headcount": 1}})
    out = SimpyEngine().run(scenario, given_calls(scenario, [0], ["a"], [100]))
    one = legs_of(out.records)
    two = LegRecords(call=np.array([0, 0]), leg=np.array([0, 1], np.int32), group=np.array([0, 1], np.int32),
                     agent=np.array([0, 1], np.int32), start=np.array([0.0, 100.0]), talk=np.array([100.0, 60.0]),
                     wrapup=np.array([0.0, 0.0]))
    window_end = 3600.0
    base, _ = tables.group_tables(scenario, out, window_end)
    both, _ = tables.group_tables(scenario, EngineOutput("simpy", out.records, out.agents, legs=two), window_end)
    assert len(one.call) == 1
    assert base.busy_hours.tolist() == [100 / 3600, 0.0] and base.answered.tolist() == [1, 0]
    assert both.busy_hours.tolist() == [100 / 3600, 60 / 3600] and both.answered.tolist() == [1, 1]
    assert both.aht.tolist() == [100.0, 60.0]


def test_values_kept_per_scenario_are_read_only():
    """Replications share a scenario's model tables and input arrays: none may be changed in place."""
    from sim.core.fast_engine import core_arguments
    from sim.core.model_tables import model_tables

    scenario = build_scenario(load_scenario_file(DEFAULT))
    list(call_blocks(scenario, 1))
    tables = model_tables(scenario)
    kept = [tables.route_group, tables.planned.end, tables.head_start,
            *(v for v in core_arguments(scenario).values() if isinstance(v, np.ndarray))]
    kept += [v for v in random_inputs.per_scenario(scenario, "random_inputs.intervals", None).values()
             if isinstance(v, np.ndarray)]
    assert len(kept) > 10
    for array in kept:
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[...] = 0


# -- the fast engine's event loop -----------------------------------------------------------------

fast = pytest.importorskip("sim.core._loop", reason="the fast engine is not built")


def test_the_heap_orders_by_time_class_entity_and_sequenced_events_by_insertion():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        times = rng.choice([0.0, 1.0, 2.5, 10.0], n)  # a coarse grid: many equal times and classes
        classes = rng.integers(1, 6, n).astype(np.int32)
        sequenced = rng.random(n) < 0.5
        entities = np.where(sequenced, -1, rng.permutation(n) + 10 * n).astype(np.int64)  # unique, above the sequence
        sequence = np.cumsum(sequenced) - 1  # the entity a sequenced event gets
        key = np.where(sequenced, sequence, entities)
        expected = sorted(range(n), key=lambda i: (times[i], classes[i], key[i]))
        assert fast.heap_order(times, classes, entities).tolist() == expected


def test_sequenced_events_fire_in_scheduling_order_in_the_reference_engine():
    from sim.core.simpy_engine import COMPLETION, STAFFING, TimedEnvironment

    env, fired = TimedEnvironment(), []
    for label in ("first", "second", "third"):
        env.at_sequenced(5.0, COMPLETION, lambda _, label=label: fired.append(label))
    env.at(5.0, STAFFING, 7, lambda _: fired.append("staffing"))
    env.at_sequenced(4.0, COMPLETION, lambda _: fired.append("earlier"))
    env.run()
    assert fired == ["earlier", "staffing", "first", "second", "third"]


@pytest.mark.parametrize("capability", ["talk_end_event", "heap_arrivals"])
def test_the_loops_capabilities_change_no_record(capability, monkeypatch):
    """A separate talk-end event for every call, or every arrival through the heap: the golden
    corpus is reproduced bit for bit all the same (these are how the features to come will run)."""
    import json

    import golden_corpus
    from sim.core import fast_engine

    arguments = fast_engine.core_arguments
    monkeypatch.setattr(fast_engine, "core_arguments", lambda s: {**arguments(s), capability: True})
    stored = json.loads(golden_corpus.CORPUS.read_text())
    computed = golden_corpus.compute(fast_engine.FastEngine())
    differ = [case for case in stored if computed[case] != stored[case]]
    assert not differ, f"{len(differ)} cases changed with {capability}: {differ[:5]}"
