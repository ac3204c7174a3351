"""Benchmark: the default day with IVR menus in front of every queue, the fast and SimPy engines
side by side in one run, as a ratio (issue 14: the fast engine stays >= 50x the SimPy engine).

    python experiments/benchmark/ivr.py                  # 5 simulated days per engine, best of 3
    python experiments/benchmark/ivr.py --days 20 --repeat 5

Model: ``configs/scenario/default.yaml`` (4 call types, 4 groups on shifts, about 4,800 calls a
day) with a menu on every call type: lognormal duration, mean 60 s, CV 0.8; 30 % self-served,
5 % hang up in the menu, the rest zero out to their own queue (an assumption, for timing only);
40 IVR ports (a few calls a day are blocked at the peak); and, for comparison, the same day
without menus. Each contender simulates days with seeds 1, 2, ...: the engine's run
(``engine.run``) on inputs drawn beforehand, and the same with the drawing of the calls (and
their IVR decisions) timed too, as experiments/benchmark/blended.py does; KPI tables are not
timed (the same code for both). Rates are calls per second of CPU time (``time.process_time``:
on a shared machine the wall time depends mostly on the other processes); ratios fast / SimPy.
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

MENU = {"duration": {"kind": "lognormal", "mean": 60.0, "cv": 0.8}, "finish": 0.30, "hang_up": 0.05}


def ivr_scenario(ports: int = 40):
    data = load_scenario_file(Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml")
    data["call_types"] = {name: {**spec, "ivr": MENU} for name, spec in data["call_types"].items()}
    return build_scenario({**data, "name": "benchmark_ivr", "ivr_ports": ports})


def plain_scenario():
    return build_scenario(load_scenario_file(Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml"))


def simulate_days(engine, scenario, days: int, records: bool, drawn=None) -> int:
    """Simulate ``days`` days (seeds 1, 2, ...), on the inputs ``drawn`` beforehand (one list of
    blocks per day) or drawing them; returns the calls simulated."""
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
    for title, scenario in (("default day with IVR menus", ivr_scenario()), ("default day, no IVR", plain_scenario())):
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
