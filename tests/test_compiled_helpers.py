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


def random_calls(rng, n_types, n_intervals, first):
    """Columns of calls as the record tables pass them (ties, zero waits, warm-up calls)."""
    n = int(rng.integers(0, 300))
    arrival = np.sort(rng.uniform(0, n_intervals * 100, n))
    interval = np.minimum((arrival / 100).astype(np.int64), n_intervals - 1)
    warmup = first * 100.0 + rng.uniform(0, 50) * (first > 0)
    call_type = rng.integers(0, n_types, n).astype(np.int32)
    outcome = rng.integers(0, 5, n).astype(np.int8)
    wait = np.round(rng.exponential(30, n), int(rng.integers(0, 3)))
    wait[rng.random(n) < 0.2] = 0.0
    return interval, arrival, call_type, outcome, wait, warmup


def test_call_tallies_and_wait_quantiles_equal_the_numpy_twins():
    rng = np.random.default_rng(4)
    for trial in range(300):
        n_types, n_intervals = int(rng.integers(1, 4)), int(rng.integers(1, 6))
        first = int(rng.integers(0, n_intervals))
        interval, arrival, call_type, outcome, wait, warmup = random_calls(rng, n_types, n_intervals, first)
        talk = rng.exponential(100, len(arrival))
        wrapup = rng.exponential(10, len(arrival)) * (rng.random(len(arrival)) < 0.5)
        args = (interval, arrival, call_type, outcome, wait, talk, wrapup, first, warmup, n_intervals - first, n_types, 20.0)
        for compiled, plain in zip(kernels.call_tallies(*args), _kernels_py.call_tallies(*args)):
            assert same(compiled, plain)
        args = (interval, arrival, call_type, outcome, wait, first, warmup, n_intervals - first, n_types, 0.9)
        by_interval, overall = kernels.wait_quantiles(*args)
        expected = _kernels_py.wait_quantiles(*args)
        assert same(by_interval, expected[0]) and same(overall, expected[1])
        left = (arrival >= warmup) & (outcome <= 1)  # answered or abandoned (not short)
        assert same(overall[-1:], np.array([np.quantile(wait[left], 0.9) if left.any() else np.nan]))


def test_kahan_means_are_pandas_grouped_means():
    """The compensated mean is pandas' grouped mean, as the old tables computed means of groups
    (a column with a NaN: pandas >= 3 sums sorted groups without NaN pairwise instead)."""
    import pandas as pd

    rng = np.random.default_rng(6)
    for _ in range(200):
        n, n_keys = int(rng.integers(1, 80)), int(rng.integers(1, 4))
        values = rng.exponential(10, n) * 10.0 ** rng.uniform(-3, 3, n)
        values[rng.random(n) < 0.1] = np.nan
        values[0] = np.nan
        key = rng.integers(0, n_keys, n)
        expected = pd.Series(values).groupby(key).mean().reindex(range(n_keys)).to_numpy()
        assert same(_kernels_py.kahan_means(key, n_keys, values), expected)


def test_sorted_sum_min_and_level_maxima_equal_the_numpy_twins():
    rng = np.random.default_rng(5)
    for trial in range(300):
        n, n_labels = int(rng.integers(0, 200)), int(rng.integers(1, 4))
        starts = np.sort(np.round(rng.uniform(0, 500, n), 1))
        ends = np.sort(np.round(starts + rng.exponential(40, n), 1))
        if trial % 5 == 0 and n:
            ends[-1] = np.inf
        start_labels, end_labels = (rng.integers(0, n_labels, n).astype(np.int32) for _ in range(2))
        points = np.round(rng.uniform(-10, 600, int(rng.integers(1, 8))))
        if trial % 3 == 0 and n:
            points[0] = ends[0]  # a point on a value
        points.sort()
        with np.errstate(invalid="ignore"):
            expected = _kernels_py.sorted_sum_min(ends, end_labels, n_labels, points)
        assert same(kernels.sorted_sum_min(ends, end_labels, n_labels, points), expected)
        expected = _kernels_py.sorted_level_maxima(starts, start_labels, ends, end_labels, n_labels, points)
        assert same(kernels.sorted_level_maxima(starts, start_labels, ends, end_labels, n_labels, points), expected)
