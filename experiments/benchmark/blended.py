"""Benchmark: a blended call center (inbound and an outbound campaign on shared agents), the fast
and SimPy engines side by side in one run, as a ratio.

    python experiments/benchmark/blended.py                 # 5 simulated days per engine, best of 3
    python experiments/benchmark/blended.py --days 20 --repeat 5

Model: an 8-hour day in 15-minute intervals; inbound 400 calls/hour, exponential talk time with
mean 240 s and patience with mean 180 s, routed to 20 inbound-only agents, then to 15 blended
agents; a predictive campaign (unlimited list, the default outcome probabilities, ring and retry
rules) worked by 10 dedicated outbound agents and the 15 blended ones, reservation threshold 2.
Each contender simulates days with seeds 1, 2, ...: drawing the calls and the contact draws and
the engine's run (``engine.run``; KPI tables are not timed, they are the same code for both).
Rates are in dial attempts + calls per second of CPU time (``time.process_time``: on a shared
machine the wall time depends mostly on the other processes); the ratio is fast / SimPy. The fast engine must
stay >= 50x the SimPy engine on this model (issue 12).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from sim.core.fast_engine import AVAILABLE, FastEngine
from sim.core.simpy_engine import SimpyEngine
from sim.model.contact_draws import contact_draws
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario


def blended_scenario():
    return build_scenario({
        "name": "benchmark_blended",
        "horizon": {"kind": "day", "intervals": 32, "interval_minutes": 15, "day_start": "09:00"},
        "call_types": {"service": {"arrival_rate": 400.0, "talk_time": {"kind": "exponential", "mean": 240.0},
                                   "patience": {"kind": "exponential", "mean": 180.0},
                                   "route": [{"group": "inbound"}, {"group": "blended"}]}},
        "groups": {"inbound": {"headcount": 20}, "blended": {"headcount": 15}, "outbound": {"headcount": 10}},
        "campaigns": {"renewals": {"groups": ["outbound", "blended"], "dialler": {"mode": "predictive"},
                                   "wrapup_time": {"kind": "exponential", "mean": 30.0}}},
        "blending": {"policy": "threshold", "threshold": 2},
    })


def simulate_days(engine, scenario, days: int, records: bool) -> int:
    """Simulate ``days`` days (seeds 1, 2, ...); returns calls + dial attempts simulated."""
    done = 0
    for seed in range(1, days + 1):
        out = engine.run(scenario, call_blocks(scenario, seed), records=records, contacts=contact_draws(scenario, seed))
        calls = len(out.records) if out.records is not None else int(out.tallies["calls"])
        done += calls + len(out.attempts)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"best of {args.repeat}, CPU time")
    scenario = blended_scenario()
    contenders = {"simpy engine": lambda: simulate_days(SimpyEngine(), scenario, args.days, True)}
    if AVAILABLE:
        contenders["fast engine"] = lambda: simulate_days(FastEngine(), scenario, args.days, False)
        contenders["fast engine + records"] = lambda: simulate_days(FastEngine(), scenario, args.days, True)
    best = {name: float("inf") for name in contenders}
    items = {}
    for _ in range(args.repeat):  # contenders alternate round by round
        for name, work in contenders.items():
            started = time.process_time()
            items[name] = work()
            best[name] = min(best[name], time.process_time() - started)
    print(f"blended day x {args.days}: 400 calls/h inbound, 20 inbound + 15 blended + 10 outbound agents, "
          "predictive campaign, threshold 2")
    for name in contenders:
        print(f"  {name:<24} {items[name]:>9,} calls + attempts {best[name]:8.3f} s "
              f"{items[name] / best[name]:>12,.0f} per s")
    for name in contenders:
        if name != "simpy engine":
            print(f"  ratio {name} / simpy engine: {best['simpy engine'] / best[name]:.1f}x")


if __name__ == "__main__":
    main()
