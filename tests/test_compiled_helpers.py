"""The compiled core's helpers for random inputs and time on duty give exactly (bit for bit) what
the numpy code they stand in for gives, and that numpy code still runs when the core is absent."""

from pathlib import Path

import numpy as np
import pytest

from sim import random_inputs, timeline
from sim.core.fast_engine import AVAILABLE
from sim.scenario import build_scenario
from sim.simulate import load_scenario_file

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="the fast engine is not built")
SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "configs" / "scenario").glob("*.yaml"))


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_arrival_times_equal_sorted_positions():
    from sim.core import _fast

    rng = np.random.default_rng(1)
    for trial in range(500):
        m = int(rng.integers(0, 8))
        counts = rng.poisson(rng.uniform(0, 30), m).astype(np.int64)
        start, length = np.cumsum(rng.uniform(0, 2000, m)), rng.uniform(1, 2000, m)
        numpy_gen, compiled_gen = (np.random.Generator(np.random.PCG64(trial)) for _ in range(2))
        expected = np.repeat(start, counts) + np.repeat(length, counts) * random_inputs.sorted_positions(numpy_gen, counts)
        spacings = compiled_gen.standard_exponential(int(counts.sum()) + m)
        assert same(_fast.arrival_times(spacings, counts, start, length), expected)


def test_merge_equals_a_stable_sort_and_declines_unsorted_runs():
    from sim.core import _fast

    rng = np.random.default_rng(2)
    for _ in range(500):
        parts = []
        for _ in range(int(rng.integers(1, 5))):
            n = int(rng.integers(0, 20))
            parts.append((np.sort(rng.choice(np.arange(0, 30, 0.5), n)), rng.random(n), rng.random(n), rng.random(n)))
        arrival = np.concatenate([p[0] for p in parts])
        kinds = np.concatenate([np.full(len(p[0]), k, np.int32) for k, p in enumerate(parts)])
        order = np.argsort(arrival, kind="stable")
        expected = [arrival[order], kinds[order]] + [np.concatenate([p[i] for p in parts])[order] for i in (1, 2, 3)]
        merged = _fast.merge_calls(*([p[i] for p in parts] for i in range(4)))
        assert all(same(a, b) for a, b in zip(merged, expected))
    assert _fast.merge_calls([np.array([2.0, 1.0])], [np.zeros(2)], [np.zeros(2)], [np.zeros(2)]) is None


def test_grouped_sum_min_equals_numpy():
    rng = np.random.default_rng(3)
    for trial in range(500):
        n_groups, n = int(rng.integers(1, 6)), int(rng.integers(0, 40))
        group = rng.integers(0, n_groups, n)
        values = np.round(rng.uniform(-100, 1000, n), int(rng.integers(0, 3)))
        if trial % 7 == 0 and n:
            values[rng.integers(0, n)] = np.inf
        points = np.sort(rng.uniform(-200, 1200, int(rng.integers(1, 10))))
        if trial % 5 == 0 and n:
            points[-1] = values.max()
        with np.errstate(invalid="ignore"):
            expected = timeline._grouped_sum_min_numpy(group, n_groups, values, points)
        assert same(timeline._grouped_sum_min(group, n_groups, values, points), expected)


@pytest.mark.parametrize("block_calls", [random_inputs.BLOCK_CALLS, 300])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_call_blocks_without_the_compiled_core_are_the_same(path, block_calls, monkeypatch):
    monkeypatch.setattr(random_inputs, "BLOCK_CALLS", block_calls)
    data = load_scenario_file(path)
    if data["horizon"].get("kind") == "steady_state":
        data["horizon"]["hours"] = 20
    scenario = build_scenario(data)
    compiled = list(random_inputs.call_blocks(scenario, 5))
    monkeypatch.setattr(random_inputs, "CORE", None)
    plain = list(random_inputs.call_blocks(scenario, 5))
    assert len(compiled) == len(plain)
    for a, b in zip(compiled, plain):
        assert a.first_id == b.first_id
        for column in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert same(getattr(a, column), getattr(b, column)), column
