"""Each compiled twin gives exactly (bit for bit) what its pure-Python original gives, and the
package runs on the Python twins alone when asked to (CALLSIM_NO_EXTENSIONS=1)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.model import _inputs_py, input_kernels, random_inputs
from sim.kpi import _kernels_py, kernels
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

pytestmark = pytest.mark.skipif(not (input_kernels.COMPILED and kernels.COMPILED), reason="the compiled twins are not built")
SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "configs" / "scenario").glob("*.yaml"))


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_seed_words_equal_seed_sequence():
    rng = np.random.default_rng(0)
    for _ in range(200):
        seed = int(rng.integers(0, 2**63)) >> int(rng.integers(0, 63))
        keys = rng.integers(0, 2**32, (int(rng.integers(1, 6)), 2), dtype=np.uint64).astype(np.uint32)
        words = random_inputs._uint32_words(seed)
        assert same(input_kernels.seed_words(words, keys), _inputs_py.seed_words(words, keys))


def test_arrival_times_equal_the_numpy_twin():
    rng = np.random.default_rng(1)
    for trial in range(500):
        m = int(rng.integers(0, 8))
        counts = rng.poisson(rng.uniform(0, 30), m).astype(np.int64)
        start, length = np.cumsum(rng.uniform(0, 2000, m)), rng.uniform(1, 2000, m)
        spacings = rng.standard_exponential(int(counts.sum()) + m)
        expected = _inputs_py.arrival_times(spacings, counts, start, length)
        assert same(input_kernels.arrival_times(spacings, counts, start, length), expected)


def test_merge_equals_a_stable_sort_and_declines_unsorted_runs():
    rng = np.random.default_rng(2)
    for _ in range(500):
        parts = []
        for _ in range(int(rng.integers(1, 5))):
            n = int(rng.integers(0, 20))
            parts.append((np.sort(rng.choice(np.arange(0, 30, 0.5), n)), rng.random(n), rng.random(n), rng.random(n)))
        columns = [[p[i] for p in parts] for i in range(4)]
        merged, expected = input_kernels.merge_calls(*columns), _inputs_py.merge_calls(*columns)
        assert all(same(a, b) for a, b in zip(merged, expected))
    assert input_kernels.merge_calls([np.array([2.0, 1.0])], [np.zeros(2)], [np.zeros(2)], [np.zeros(2)]) is None


def test_grouped_sum_min_equals_numpy():
    rng = np.random.default_rng(3)
    for trial in range(500):
        n_groups, n = int(rng.integers(1, 6)), int(rng.integers(0, 40))
        group = rng.integers(0, n_groups, n).astype(np.int64)
        values = np.round(rng.uniform(-100, 1000, n), int(rng.integers(0, 3)))
        if trial % 7 == 0 and n:
            values[rng.integers(0, n)] = np.inf
        points = np.sort(rng.uniform(-200, 1200, int(rng.integers(1, 10))))
        if trial % 5 == 0 and n:
            points[-1] = values.max()
        with np.errstate(invalid="ignore"):
            expected = _kernels_py.grouped_sum_min(group, n_groups, values, points)
        assert same(kernels.grouped_sum_min(group, n_groups, values, points), expected)


@pytest.mark.parametrize("block_calls", [random_inputs.BLOCK_CALLS, 300])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_call_blocks_on_the_python_twins_are_the_same(path, block_calls, monkeypatch):
    monkeypatch.setattr(random_inputs, "BLOCK_CALLS", block_calls)
    data = load_scenario_file(path)
    if data["horizon"].get("kind") == "steady_state":
        data["horizon"]["hours"] = 20
    scenario = build_scenario(data)
    compiled = list(random_inputs.call_blocks(scenario, 5))
    for name in ("seed_words", "arrival_times", "merge_calls"):
        monkeypatch.setattr(input_kernels, name, getattr(_inputs_py, name))
    monkeypatch.setattr(input_kernels, "COMPILED", False)
    plain = list(random_inputs.call_blocks(scenario, 5))
    assert len(compiled) == len(plain)
    for a, b in zip(compiled, plain):
        assert a.first_id == b.first_id
        for column in ("arrival", "call_type", "talk", "wrapup", "patience"):
            assert same(getattr(a, column), getattr(b, column)), column


def test_without_extensions_the_package_runs_on_the_python_twins():
    """CALLSIM_NO_EXTENSIONS=1: the Python twins and the SimPy engine, with the same results."""
    code = ("import sim; from sim.model import input_kernels; from sim.kpi import kernels; from sim.core import fast_engine;"
            "r = sim.simulate('configs/scenario/default.yaml', seed=4, engine='auto');"
            "print(input_kernels.COMPILED, kernels.COMPILED, fast_engine.AVAILABLE, r.engine,"
            " r.summary.service_level.round(12).tolist())")
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, CALLSIM_NO_EXTENSIONS="1")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    compiled_twins, compiled_kernels, fast, engine, levels = out.stdout.split(" ", 4)
    assert (compiled_twins, compiled_kernels, fast, engine) == ("False", "False", "False", "simpy")
    from sim import simulate

    expected = simulate(root / "configs/scenario/default.yaml", seed=4, engine="fast").summary.service_level
    assert levels.strip() == str(expected.round(12).tolist())
