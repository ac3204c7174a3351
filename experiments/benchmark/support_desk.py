"""Benchmark: the shipped support-desk day (IVR self-service, callbacks, redials, escalation to tier
2), the fast and SimPy engines side by side, as a ratio (issue 14: the fast engine stays >= 50x
the SimPy engine on this scenario).

    python experiments/benchmark/support_desk.py                  # 20 simulated days per engine, best of 3
    python experiments/benchmark/support_desk.py --days 40 --repeat 5

Model: ``configs/scenario/support_desk.yaml`` as shipped (about 1,150 calls a day before redials).
Timing as experiments/benchmark/ivr.py and transfers.py: CPU time, best of rounds that alternate
the engines; the engines' runs on inputs drawn beforehand (the per-call decisions of the menu,
callbacks, redials and transfers included), and the same with the drawing of the inputs timed
too. The fast engine keeps streaming tallies, the SimPy engine per-call records (what each does
when replications or a sweep run it). Calls counted: attempts (input calls and redials).
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

SCENARIO = Path(__file__).resolve().parents[2] / "configs" / "scenario" / "support_desk.yaml"


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
    parser.add_argument("--days", type=int, default=20, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"best of {args.repeat}, CPU time")
    scenario = build_scenario(load_scenario_file(SCENARIO))
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
        print(f"support desk x {args.days} days, {inputs}")
        for name in contenders:
            print(f"  {name:<14} {items[name]:>9,} calls {best[name]:8.3f} s {items[name] / best[name]:>12,.0f} per s")
        if AVAILABLE:
            print(f"  fast / simpy: {best['simpy engine'] / best['fast engine']:.1f}x")


if __name__ == "__main__":
    main()
