"""Benchmark: the default day with transfers (and consults) from every call type, the fast and
SimPy engines side by side, as a ratio (issue 14: the fast engine stays >= 50x the SimPy engine).

    python experiments/benchmark/transfers.py                  # 5 simulated days per engine, best of 3
    python experiments/benchmark/transfers.py --days 10 --repeat 5

Model: ``configs/scenario/default.yaml`` (4 call types, 4 groups on shifts, about 4,800 calls a
day) where every call type transfers 15 % of its answered calls to the next type in the file (the
last to the first: a loop, so at most 3 legs), after an exponential consult of mean 30 s (an
assumption, for timing only); and, for comparison, the same day without transfers. Timing as in
experiments/benchmark/ivr.py: CPU time, the engines' runs on inputs drawn beforehand, and the same
with the drawing of the inputs (and the transfer uniforms) timed too; ratios fast / SimPy.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from sim.core.fast_engine import AVAILABLE, FastEngine
from sim.core.simpy_engine import SimpyEngine
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

DEFAULT = Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml"


def transfer_scenario(probability: float = 0.15, max_legs: int = 3):
    data = load_scenario_file(DEFAULT)
    names = list(data["call_types"])
    data["call_types"] = {
        name: {**spec, "transfer": {"probability": probability, "to": {names[(i + 1) % len(names)]: 1.0},
                                    "consult": {"kind": "exponential", "mean": 30.0}}}
        for i, (name, spec) in enumerate(data["call_types"].items())}
    return build_scenario({**data, "name": "benchmark_transfers", "transfer_max_legs": max_legs})


def simulate_days(engine, scenario, days: int, records: bool, drawn=None) -> int:
    """Simulate ``days`` days (seeds 1, 2, ...) on inputs drawn beforehand or drawing them; the calls."""
    done = 0
    for seed in range(1, days + 1):
        inputs = drawn[seed - 1] if drawn is not None else call_blocks(scenario, seed)
        out = engine.run(scenario, inputs, records=records)
        done += len(out.records) if out.records is not None else int(out.tallies["calls"])
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"best of {args.repeat}, CPU time")
    for title, scenario in (("default day with transfers", transfer_scenario()),
                            ("default day, no transfers", build_scenario(load_scenario_file(DEFAULT)))):
        drawn = [list(call_blocks(scenario, seed)) for seed in range(1, args.days + 1)]
        contenders = {"simpy engine": lambda d: simulate_days(SimpyEngine(), scenario, args.days, True, d)}
        if AVAILABLE:
            contenders["fast engine"] = lambda d: simulate_days(FastEngine(), scenario, args.days, False, d)
        for inputs in ("inputs drawn beforehand", "drawing the inputs"):
            best, items = {name: float("inf") for name in contenders}, {}
            for _ in range(args.repeat):  # contenders alternate round by round
                for name, work in contenders.items():
                    started = time.process_time()
                    items[name] = work(drawn if inputs.endswith("beforehand") else None)
                    best[name] = min(best[name], time.process_time() - started)
            print(f"{title} x {args.days}, {inputs}")
            for name in contenders:
                print(f"  {name:<14} {items[name]:>9,} calls {best[name]:8.3f} s {items[name] / best[name]:>12,.0f} per s")
            if AVAILABLE:
                print(f"  fast / simpy: {best['simpy engine'] / best['fast engine']:.1f}x")


if __name__ == "__main__":
    main()
