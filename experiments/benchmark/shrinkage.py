"""Benchmark: the engines on the default day with shrinkage (issue 13), and what shrinkage costs.

    python experiments/benchmark/shrinkage.py [--rounds 5] [--replications 200]

Model: ``configs/scenario/default.yaml`` with, in every shift, a 15-minute paid break over a
window two to three hours after its start and a 30-minute unpaid lunch four hours after it,
absenteeism 0.05 and adherence 0.95 in every group. Printed, best of ``rounds`` (alternating the
contenders in one process, so that a change of the machine's load hits all alike):

  * one run with per-call records on the SimPy and the fast engine (seed 1), and their ratio;
  * ``replicate`` of the shrunk day and of the plain default day, ms per replication (fast
    engine, no records, one process): what drawing the absences and adherence and the hours
    KPIs cost.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

from sim import simulate
from sim.experiments.replications import replicate
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

ROOT = Path(__file__).resolve().parents[2]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shrunk(data: dict) -> dict:
    """The default day with breaks, lunches, absenteeism and adherence in every group."""
    data = copy.deepcopy(data)
    for group in data["groups"].values():
        for shift in group.get("shifts", {}).values():
            h, m = (int(x) for x in shift["start"].split(":"))
            start = 60 * h + m
            shift["breaks"] = [{"name": "break", "minutes": 15, "window": [_clock(start + 120), _clock(start + 180)]},
                               {"name": "lunch", "minutes": 30, "start": _clock(start + 240), "paid": False}]
        group["absenteeism"], group["adherence"] = 0.05, 0.95
    return data


def best(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        function()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--replications", type=int, default=200)
    args = parser.parse_args(argv)
    plain = build_scenario(load_scenario_file(ROOT / "configs" / "scenario" / "default.yaml"))
    shrinking = build_scenario(shrunk(load_scenario_file(ROOT / "configs" / "scenario" / "default.yaml")))
    contenders = {
        "simpy run": lambda: simulate(shrinking, 1, engine="simpy"),
        "fast run": lambda: simulate(shrinking, 1, engine="fast"),
        "replicate shrunk": lambda: replicate(shrinking, args.replications, progress=False, n_jobs=1),
        "replicate plain": lambda: replicate(plain, args.replications, progress=False, n_jobs=1),
    }
    for function in contenders.values():  # warm-up
        function()
    timings = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, function in contenders.items():
            timings[name].append(best(function, 1))
    low = {name: min(values) for name, values in timings.items()}
    r = simulate(shrinking, 1, engine="fast")
    print(f"shrunk default day: {r.n_calls:,} calls; groups' late breaks {int(r.groups.late_breaks.sum())}, "
          f"utilisation {r.groups.utilisation.round(3).tolist()} vs occupancy {r.groups.occupancy.round(3).tolist()}")
    print(f"one run with records: SimPy {low['simpy run'] * 1e3:.0f} ms, fast {low['fast run'] * 1e3:.1f} ms, "
          f"ratio {low['simpy run'] / low['fast run']:.0f}x")
    for name in ("replicate shrunk", "replicate plain"):
        print(f"{name}: {low[name] / args.replications * 1e3:.3f} ms per replication (best of {args.rounds})")


if __name__ == "__main__":
    main()
