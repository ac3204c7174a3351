"""The two engines are one model: identical per-call records and agent logs for the same inputs.

Equality is exact (same floats to the last bit), on every shipped scenario and on a few hundred
random scenarios. A separate test fails if the compiled engine silently did not build, so a
fallback to SimPy can never pass CI unnoticed.
"""

import os
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from sim import ConfigError, simulate
from sim.core import fast_engine
from sim.core.engines import select_engine
from sim.core.fast_engine import FastEngine
from sim.core.simpy_engine import SimpyEngine
from sim.model.contact_draws import contact_draws
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

from strategies import scenarios

SCENARIOS = sorted((Path(__file__).parent.parent / "configs" / "scenario").glob("*.yaml"))
needs_fast = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")


def test_the_compiled_engine_is_built():
    """Fails when the extension did not build: set CALLSIM_ALLOW_NO_FAST=1 only on purpose."""
    if os.environ.get("CALLSIM_ALLOW_NO_FAST") == "1":
        pytest.skip("CALLSIM_ALLOW_NO_FAST=1: running without the compiled engine on purpose")
    assert fast_engine.AVAILABLE, f"the fast engine did not build or load: {fast_engine.IMPORT_ERROR}"


def assert_identical(scenario, seed):
    simpy_out = SimpyEngine().run(scenario, call_blocks(scenario, seed), contacts=contact_draws(scenario, seed))
    fast_out = FastEngine().run(scenario, call_blocks(scenario, seed), contacts=contact_draws(scenario, seed))
    for table in ("records", "agents") + (("attempts",) if scenario.campaigns else ()):
        a, b = getattr(simpy_out, table), getattr(fast_out, table)
        for field in fields(a):
            x, y = getattr(a, field.name), getattr(b, field.name)
            assert x.dtype == y.dtype, f"{table}.{field.name} dtype"
            assert np.array_equal(x, y, equal_nan=True), f"{table}.{field.name} differs"
    return simpy_out


@needs_fast
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_identical_records_on_shipped_scenarios(path, seed):
    data = load_scenario_file(path)
    if data["horizon"].get("kind") == "steady_state":
        data["horizon"]["hours"] = 20  # plenty of calls; keeps the SimPy side quick
    out = assert_identical(build_scenario(data), seed)
    assert len(out.records) > 1000


@needs_fast
def test_identical_records_on_random_scenarios():
    """300 random scenarios (every routing policy among them); the invalid ones are counted, so
    that a strategy drifting into invalid scenarios cannot pass by testing nothing."""
    count = {"valid": 0, "invalid": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=scenarios())
    def check(data):
        try:
            scenario = build_scenario(data)
        except ConfigError:
            count["invalid"] += 1
            return
        count["valid"] += 1
        assert_identical(scenario, seed=7)

    check()
    assert count["valid"] >= 0.9 * (count["valid"] + count["invalid"]) and count["valid"] >= 250, count


@needs_fast
def test_auto_picks_the_fast_engine_and_says_so():
    scenario = build_scenario(load_scenario_file(SCENARIOS[0]))
    engine, note = select_engine("auto", scenario)
    assert engine.name == "fast" and "fast" in note
    results = simulate(scenario, seed=1, engine="auto")
    assert results.engine == "fast"


def test_unbuilt_fast_engine_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fast_engine, "AVAILABLE", False)
    monkeypatch.setattr(fast_engine, "IMPORT_ERROR", "no compiler")
    scenario = build_scenario(load_scenario_file(SCENARIOS[0]))
    with pytest.raises(ConfigError) as info:
        select_engine("fast", scenario)
    assert info.value.field == "engine" and "no compiler" in str(info.value)
    engine, note = select_engine("auto", scenario)
    assert engine.name == "simpy" and "not built" in note


def test_the_installed_simpy_is_a_supported_version_and_setup_pins_the_range():
    import re

    import simpy

    from sim.core.simpy_engine import SUPPORTED_SIMPY

    assert tuple(int(p) for p in simpy.__version__.split(".")[:2]) in SUPPORTED_SIMPY
    setup = (Path(__file__).resolve().parents[1] / "setup.py").read_text()
    low, high = re.search(r'"simpy>=(\d+\.\d+),<(\d+\.\d+)"', setup).groups()
    assert low == "%d.%d" % SUPPORTED_SIMPY[0]
    assert high == "%d.%d" % (SUPPORTED_SIMPY[-1][0], SUPPORTED_SIMPY[-1][1] + 1)
