"""Benchmark: calls simulated per second, engines side by side in one run, as ratios.

    python experiments/benchmark.py                    # both models, ~200,000 calls each
    python experiments/benchmark.py --calls 1000000

Models (the fast-engine issue's benchmarks):
  1. M/M/c+M: 600 calls/hour, exponential talk time with mean 240 s, 44 agents, exponential
     patience with mean 180 s;
  2. the ``default`` multi-skill day, replicated (seeds 1, 2, ...) until ``--calls`` calls.

Contenders, each including drawing its random inputs and returning per-call records:
  * ``idiomatic SimPy`` (model 1 only): the model as a SimPy user writes it: one process per
    call, a ``simpy.Resource`` for the agents, the request raced against a patience timeout,
    Python's ``random`` for the draws. The reference engine must not be slower than this.
  * ``simpy engine``: :class:`sim.core.simpy_engine.SimpyEngine`;
  * ``fast engine``: :class:`sim.core.fast_engine.FastEngine` (the compiled event loop).
Each contender runs ``--repeat`` times; the best time is reported (least disturbed by the OS).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from pathlib import Path

import simpy

from sim.core.fast_engine import AVAILABLE as FAST_AVAILABLE
from sim.core.fast_engine import FastEngine
from sim.core.simpy_engine import SimpyEngine
from sim.scenario import build_scenario
from sim.simulate import load_scenario_file

DEFAULT_SCENARIO = "configs/scenario/default.yaml"

RATE_PER_HOUR, MEAN_TALK, AGENTS, MEAN_PATIENCE = 600.0, 240.0, 44, 180.0


def idiomatic_simpy(n_calls: int, seed: int) -> int:
    """M/M/c+M written the textbook SimPy way; returns the number of calls simulated."""
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    outcome = {"served": 0, "abandoned": 0}

    def call(talk: float, patience: float):
        with agents.request() as request:
            result = yield request | env.timeout(patience)
            if request in result:
                yield env.timeout(talk)
                outcome["served"] += 1
            else:
                outcome["abandoned"] += 1

    def source():
        for _ in range(n_calls):
            yield env.timeout(rng.expovariate(RATE_PER_HOUR / 3600.0))
            env.process(call(rng.expovariate(1 / MEAN_TALK), rng.expovariate(1 / MEAN_PATIENCE)))

    env.process(source())
    env.run()
    return outcome["served"] + outcome["abandoned"]


def mmcm_scenario(n_calls: int):
    hours = n_calls / RATE_PER_HOUR
    return build_scenario({
        "name": "benchmark_mmcm",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": 0},
        "call_types": {"calls": {"arrival_rate": RATE_PER_HOUR,
                                 "talk_time": {"kind": "exponential", "mean": MEAN_TALK},
                                 "patience": {"kind": "exponential", "mean": MEAN_PATIENCE},
                                 "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": AGENTS}},
    })


def best_of(repeat: int, work) -> tuple:
    """(calls, best seconds) over ``repeat`` runs of ``work()`` returning a call count."""
    best, calls = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        calls = work()
        best = min(best, time.perf_counter() - started)
    return calls, best


def replicated(engine, scenario, calls: int) -> int:
    """Run seeds 1, 2, ... until at least ``calls`` calls; returns the number simulated."""
    done, seed = 0, 1
    while done < calls:
        done += len(engine.run(scenario, seed).records)
        seed += 1
    return done


def compare(title: str, contenders: dict, repeat: int, baseline: str) -> None:
    print(title)
    rates = {}
    for name, work in contenders.items():
        calls, seconds = best_of(repeat, work)
        rates[name] = calls / seconds
        print(f"  {name:<48} {calls:>10,} calls {seconds:8.3f} s {rates[name]:>13,.0f} calls/s")
    for name, rate in rates.items():
        if name != baseline:
            print(f"  ratio {name} / {baseline}: {rate / rates[baseline]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per run and model (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender; best time kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"simpy {simpy.__version__}; best of {args.repeat}")
    if not FAST_AVAILABLE:
        print("  (the fast engine is not built: only the SimPy contenders run)")

    mmcm = mmcm_scenario(args.calls)
    contenders = {
        "idiomatic SimPy (process per call, Resource)": lambda: idiomatic_simpy(args.calls, args.seed),
        "simpy engine": lambda: len(SimpyEngine().run(mmcm, args.seed).records),
    }
    if FAST_AVAILABLE:
        contenders["fast engine"] = lambda: len(FastEngine().run(mmcm, args.seed).records)
    compare(f"1. M/M/c+M: {RATE_PER_HOUR:g} calls/h, talk {MEAN_TALK:g} s, {AGENTS} agents, patience "
            f"{MEAN_PATIENCE:g} s, ~{args.calls:,} calls", contenders, args.repeat, "simpy engine")

    day = build_scenario(load_scenario_file(Path(__file__).resolve().parent.parent / DEFAULT_SCENARIO))
    contenders = {"simpy engine": lambda: replicated(SimpyEngine(), day, args.calls)}
    if FAST_AVAILABLE:
        contenders["fast engine"] = lambda: replicated(FastEngine(), day, args.calls)
    compare(f"2. default multi-skill day, replicated to >= {args.calls:,} calls", contenders, args.repeat,
            "simpy engine")


if __name__ == "__main__":
    main()
