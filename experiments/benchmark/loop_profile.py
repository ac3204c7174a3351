"""Benchmark: where the fast engine's run of a default-day replication goes, stage by stage.

    python experiments/benchmark/loop_profile.py                  # 200 seeds, best of 7 rounds
    python experiments/benchmark/loop_profile.py --loop 3000      # only run the engine 3000 times (for perf)

Model: ``configs/scenario/default.yaml`` (4 call types, 4 groups on shifts, about 4,850 calls),
fast engine, no per-call records (streaming tallies: what ``replicate`` runs). The inputs of
every seed are drawn once, before any timing. Stages, each timed alone over all seeds, the
process's CPU time, best of rounds, in microseconds per run:

  * ``engine.run``: the whole call ``FastEngine.run(scenario, blocks, records=False)``;
  * ``FastCore(...)``: constructing the compiled core alone (tables copied, tallies allocated,
    the agents' first spells scheduled);
  * ``set-up, 0 calls``: ``engine.run`` on an empty block (construction, the run of the agents'
    shifts alone, the agent log and the tallies read out);

``--loop N`` runs ``engine.run`` N times over the seeds and nothing else, for ``perf record``
(build with symbols, e.g. ``CFLAGS=-g python setup.py build_ext --inplace``):

    perf record -g python experiments/benchmark/loop_profile.py --loop 3000 && perf report
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from sim.core import fast_engine
from sim.model.random_inputs import CallBlock, call_blocks
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

HERE = Path(__file__).resolve().parents[2]


def best(stage, rounds: int, n: int) -> float:
    """Microseconds of CPU per item of the best round."""
    fastest = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        stage()
        fastest = min(fastest, time.process_time() - started)
    return 1e6 * fastest / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loop", type=int, default=0, help="only run the engine this many times (for perf)")
    args = parser.parse_args()
    scenario = build_scenario(load_scenario_file(HERE / "configs" / "scenario" / "default.yaml"))
    engine = fast_engine.FastEngine()
    inputs = [list(call_blocks(scenario, seed)) for seed in range(1, args.seeds + 1)]
    calls = sum(len(block.arrival) for blocks in inputs for block in blocks) / len(inputs)
    if args.loop:
        for i in range(args.loop):
            engine.run(scenario, inputs[i % len(inputs)], records=False)
        return
    first = inputs[0][0]
    empty = [CallBlock(**{**vars(first), **{name: getattr(first, name)[:0] for name in
                                            ("arrival", "call_type", "talk", "wrapup", "patience")}})]
    model = fast_engine.core_model(fast_engine.core_arguments(scenario))
    n = len(inputs)

    def construct():
        for _ in range(n):
            fast_engine._loop.FastCore(model, keep_records=False, tally=True, outbound=None)

    stages = {
        "engine.run": lambda: [engine.run(scenario, blocks, records=False) for blocks in inputs],
        "FastCore(...)": construct,
        "set-up, 0 calls (engine.run)": lambda: [engine.run(scenario, empty, records=False) for _ in range(n)],
    }
    print(f"default day, {n} seeds, {calls:.0f} calls per run on average; CPU time, best of {args.rounds} rounds")
    for name, stage in stages.items():
        us = best(stage, args.rounds, n)
        print(f"{name:32s} {us:8.1f} us per run  ({1e3 * us / calls:6.1f} ns per call)")


if __name__ == "__main__":
    main()
