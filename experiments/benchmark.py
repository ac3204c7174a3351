"""Benchmark: calls simulated per second, engines side by side in one run, as ratios.

    python experiments/benchmark.py                 # 200,000 calls of M/M/c+M
    python experiments/benchmark.py --calls 1000000

Model (the fast-engine issue's benchmark 1): 600 calls/hour, exponential talk time with mean
240 s, 44 agents, exponential patience with mean 180 s.

Contenders:
  * ``idiomatic SimPy``: the model as a SimPy user writes it: one process per call, a
    ``simpy.Resource`` for the agents, the request raced against a patience timeout, Python's
    ``random`` for the draws. The baseline the reference engine must not be slower than.
  * ``callsim simpy engine``: :class:`sim.core.simpy_engine.SimpyEngine` on the same model,
    including drawing its random inputs, without KPI tables; and ``callsim simulate()``: the
    same plus every KPI table (what a user waits for).
Each contender runs ``--repeat`` times; the best time is reported (least disturbed by the OS).
"""

from __future__ import annotations

import argparse
import platform
import random
import time

import simpy

from sim.core.simpy_engine import SimpyEngine
from sim.scenario import build_scenario
from sim.simulate import simulate

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per run (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender; best time kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scenario = mmcm_scenario(args.calls)
    contenders = {
        "idiomatic SimPy (process per call, Resource)": lambda: idiomatic_simpy(args.calls, args.seed),
        "callsim simpy engine": lambda: len(SimpyEngine().run(scenario, args.seed).records),
        "callsim simulate() incl. KPI tables": lambda: len(simulate(scenario, args.seed, engine="simpy").calls),
    }
    print(f"M/M/c+M: {RATE_PER_HOUR:g} calls/h, talk {MEAN_TALK:g} s, {AGENTS} agents, patience {MEAN_PATIENCE:g} s; "
          f"~{args.calls:,} calls, best of {args.repeat}")
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, simpy {simpy.__version__}")
    rates = {}
    for name, work in contenders.items():
        calls, seconds = best_of(args.repeat, work)
        rates[name] = calls / seconds
        print(f"  {name:<46} {calls:>10,} calls {seconds:8.2f} s {rates[name]:>12,.0f} calls/s")
    baseline = rates["idiomatic SimPy (process per call, Resource)"]
    for name, rate in rates.items():
        print(f"  ratio {name:<40} / idiomatic SimPy = {rate / baseline:5.2f}x")


if __name__ == "__main__":
    main()
