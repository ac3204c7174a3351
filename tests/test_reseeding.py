"""Runs of a scenario re-seed the generators of the previous run instead of building new ones
(sim.model.random_inputs.reseeded_streams): the draws must be exactly those of new generators."""

from pathlib import Path

import numpy as np
import pytest

from sim.model import _inputs_py, input_kernels
from sim.model import random_inputs as ri
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"
TWINS = [_inputs_py.reseed_pcg64] + ([input_kernels.reseed_pcg64] if input_kernels.COMPILED else [])


@pytest.mark.parametrize("reseed", TWINS)
@pytest.mark.parametrize("seed", [0, 1, 2**32 + 5, 2**70 + 3])
def test_reseeded_generators_are_in_the_state_of_new_ones(reseed, seed):
    keys = np.array([[p, k] for p in range(6) for k in range(3)], np.uint32)
    words = _inputs_py.seed_words(ri._uint32_words(seed), keys)
    used = [np.random.PCG64(100 + i) for i in range(len(keys))]
    for i, bit_generator in enumerate(used):  # used in every way: raw draws, a buffered 32-bit word
        np.random.Generator(bit_generator).integers(0, 9, size=i % 3, dtype=np.uint32)
    assert any(bg.state["has_uint32"] for bg in used)
    assert reseed(used, words) is True
    for bit_generator, row in zip(used, words):
        fresh = np.random.PCG64(ri._SeedWords(row))
        assert bit_generator.state == fresh.state
        assert np.array_equal(np.random.Generator(bit_generator).standard_normal(5),
                              np.random.Generator(fresh).standard_normal(5))


def fresh_blocks(scenario, seed, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(ri, "reseeded_streams", lambda seed, keys, reused: ri._Reused(ri.streams(seed, keys)))
        return list(ri.call_blocks(scenario, seed))


def same_blocks(a, b):
    return len(a) == len(b) and all(
        x.first_id == y.first_id and all(np.array_equal(getattr(x, f), getattr(y, f))
                                         for f in ("arrival", "call_type", "talk", "wrapup", "patience"))
        for x, y in zip(a, b))


@pytest.mark.parametrize("name", ["default", "single_queue", "blended"])
def test_consecutive_and_interleaved_runs_draw_what_new_generators_draw(name, monkeypatch):
    scenario = build_scenario(load_scenario_file(CONFIGS / f"{name}.yaml"))
    seeds = [3, 4, 2**40, 5]
    expected = {seed: fresh_blocks(scenario, seed, monkeypatch) for seed in seeds}
    for seed in seeds:  # one after the other: each run re-seeds the previous run's generators
        assert same_blocks(list(ri.call_blocks(scenario, seed)), expected[seed])
    first, second = ri.call_blocks(scenario, 3), ri.call_blocks(scenario, 4)  # two runs at the same time
    a, b = [next(first)], [next(second)]
    a += list(first)
    b += list(second)
    assert same_blocks(a, expected[3]) and same_blocks(b, expected[4])


@pytest.mark.skipif(not input_kernels.COMPILED, reason="re-seeding in place needs the compiled core")
def test_a_run_reuses_the_previous_runs_generators(monkeypatch):
    scenario = build_scenario(load_scenario_file(CONFIGS / "single_queue.yaml"))
    taken = []
    original = ri.reseeded_streams
    monkeypatch.setattr(ri, "reseeded_streams", lambda seed, keys, reused: taken.append(original(seed, keys, reused))
                        or taken[-1])
    for seed in (1, 2, 3):
        list(ri.call_blocks(scenario, seed))
    assert ri._reseeding_works()
    assert taken[1] is taken[0] and taken[2] is taken[0]


def test_runs_with_other_streams_do_not_take_the_generators_of_the_previous_ones(monkeypatch):
    scenario = build_scenario(load_scenario_file(CONFIGS / "single_queue.yaml"))
    list(ri.call_blocks(scenario, 1))  # leaves its generators for the next run
    monkeypatch.setattr(ri, "decisions", lambda s: (ri.Decision("extra", 16, lambda ct, gen, n: gen.random(n)),))
    blocks = list(ri.call_blocks(scenario, 2))  # one stream more per call type
    values = np.concatenate([b.decisions["extra"] for b in blocks])
    assert np.array_equal(values, ri.stream(2, 16, 0).random(len(values)))
    assert same_blocks(blocks, fresh_blocks(scenario, 2, monkeypatch))
