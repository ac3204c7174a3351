"""Benchmark: calls simulated per second, engines side by side in one run, as ratios; and memory.

    python experiments/benchmark/benchmark.py                    # both models, 200,000 calls each
    python experiments/benchmark/benchmark.py --calls 1000000    # the fast-engine issue's size
    python experiments/benchmark/benchmark.py --memory           # peak memory, 10,000,000 calls (subprocesses)
    python experiments/benchmark/benchmark.py --report           # the HTML report of a 16,667-interval run

Models (the fast-engine issue's benchmarks):
  1. M/M/c+M: 600 calls/hour, exponential talk time with mean 240 s, 44 agents, exponential
     patience with mean 180 s;
  2. the ``default`` multi-skill day, replicated (seeds 1, 2, ...) until ``--calls`` calls.

Contenders, each timed end to end through :func:`sim.simulate`: drawing the random inputs,
the event loop, and the KPI tables (summary, intervals, groups):
  * ``idiomatic SimPy`` (model 1 only, no KPI tables): the model as a SimPy user writes it: one
    process per call, a ``simpy.Resource`` for the agents, the request raced against a patience
    timeout, Python's ``random`` for the draws. The reference engine must not be slower.
  * ``simpy engine``: the reference engine (per-call records, KPIs from them);
  * ``fast engine``: the compiled loop without per-call records (streaming KPI tallies; the
    default for sweeps), and ``fast engine + records`` keeping per-call records.
Each contender runs ``--repeat`` times; the best time is reported (least disturbed by the OS).

Memory (``--memory``): peak resident set size of a fresh process that runs model 1 for 10,000,000
calls without records, against one that only imports and builds the scenario (the base); the
bytes per call the fast engine's per-call records add (engine run with records); and the bytes
per call of the whole ``simulate()`` with records (the default): records, all KPI tables and the
calls table, at the peak.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from pathlib import Path

import subprocess
import sys

import simpy

from sim.core.fast_engine import AVAILABLE as FAST_AVAILABLE
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file, simulate

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


def replicated(engine: str, scenario, calls: int, records: bool) -> int:
    """Simulate seeds 1, 2, ... until at least ``calls`` calls; returns the number simulated."""
    done, seed = 0, 1
    while done < calls:
        done += simulate(scenario, seed, engine=engine, records=records).n_calls
        seed += 1
    return done


def peak_memory_mb(code: str) -> float:
    """Peak resident set size (MB) of a fresh Python process running ``code``."""
    probe = code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent)
    return int(out.stdout.split()[-1]) / 1024  # ru_maxrss is in kB on Linux


def memory_report(calls: int, record_calls: int) -> None:
    setup = ("from benchmark import mmcm_scenario; from sim import simulate; from sim.core.fast_engine import FastEngine; from sim.model.random_inputs import call_blocks;"
             "import sim.kpi.streaming, sim.kpi.tables")
    base = peak_memory_mb(f"{setup}; s = mmcm_scenario({calls})")
    streamed = peak_memory_mb(f"{setup}; s = mmcm_scenario({calls}); r = simulate(s, 1, engine='fast', records=False);"
                              f"assert r.n_calls > 0.99 * {calls}")
    print(f"memory: model 1, {calls:,} calls, fast engine without records: peak {streamed:.0f} MB "
          f"(base {base:.0f} MB: Python, numpy, pandas, scipy, simpy imported)")
    base = peak_memory_mb(f"{setup}; s = mmcm_scenario({record_calls})")
    kept = peak_memory_mb(f"{setup}; s = mmcm_scenario({record_calls}); o = FastEngine().run(s, call_blocks(s, 1), records=True)")
    print(f"memory: model 1, {record_calls:,} calls, fast engine with per-call records: "
          f"{(kept - base) * 2**20 / record_calls:.0f} bytes per call beyond the base")
    full = peak_memory_mb(f"{setup}; s = mmcm_scenario({record_calls}); r = simulate(s, 1, engine='fast');"
                          f"assert len(r.calls) == r.n_calls > 0.99 * {record_calls}")
    print(f"memory: model 1, {record_calls:,} calls, simulate() with records (all KPI tables and the calls "
          f"table): {(full - base) * 2**20 / record_calls:.0f} bytes per call beyond the base (peak)")


def report_time(calls: int, repeat: int) -> None:
    """Seconds to write the HTML report (sim.reports.html.run_report, no plots) of model 1 run for
    ``calls`` calls in hourly intervals (10,000,000: 16,667 intervals), records off."""
    from sim.reports.html import run_report

    results = simulate(mmcm_scenario(calls), 1, engine="fast", records=False)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        page = run_report(results, {"scenario": "benchmark_mmcm"}, {}, "one run")
        best = min(best, time.perf_counter() - started)
    print(f"report: model 1, {calls:,} calls, {len(results.intervals) // 2:,} intervals: report.html in "
          f"{best:.3f} s ({len(page) / 1e6:.1f} MB)")


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
    parser.add_argument("--memory", action="store_true", help="measure peak memory instead (10M calls)")
    parser.add_argument("--report", action="store_true", help="time the HTML report of a 10M-call run instead")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"simpy {simpy.__version__}; best of {args.repeat}")
    if args.memory:
        memory_report(10_000_000, 2_000_000)
        return
    if args.report:
        report_time(10_000_000, args.repeat)
        return
    if not FAST_AVAILABLE:
        print("  (the fast engine is not built: only the SimPy contenders run)")

    mmcm = mmcm_scenario(args.calls)
    contenders = {
        "idiomatic SimPy (process per call, Resource)": lambda: idiomatic_simpy(args.calls, args.seed),
        "simpy engine": lambda: simulate(mmcm, args.seed, engine="simpy").n_calls,
    }
    if FAST_AVAILABLE:
        contenders["fast engine"] = lambda: simulate(mmcm, args.seed, engine="fast", records=False).n_calls
        contenders["fast engine + records"] = lambda: simulate(mmcm, args.seed, engine="fast").n_calls
    compare(f"1. M/M/c+M: {RATE_PER_HOUR:g} calls/h, talk {MEAN_TALK:g} s, {AGENTS} agents, patience "
            f"{MEAN_PATIENCE:g} s, ~{args.calls:,} calls", contenders, args.repeat, "simpy engine")

    day = build_scenario(load_scenario_file(Path(__file__).resolve().parents[2] / DEFAULT_SCENARIO))
    contenders = {"simpy engine": lambda: replicated("simpy", day, args.calls, True)}
    if FAST_AVAILABLE:
        contenders["fast engine"] = lambda: replicated("fast", day, args.calls, False)
        contenders["fast engine + records"] = lambda: replicated("fast", day, args.calls, True)
    compare(f"2. default multi-skill day, replicated to >= {args.calls:,} calls", contenders, args.repeat,
            "simpy engine")


if __name__ == "__main__":
    main()
