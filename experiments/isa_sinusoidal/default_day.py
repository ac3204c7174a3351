"""How long does the optimiser take on the default day (multi-skill, 34 intervals)?

Start: per-group Erlang A requirements per interval (sim.analytic.required_agents), each call
type's load going to its first-choice group; a group pools its types (arrival rate = sum, mean
handle time = arrival-weighted mean of talk + wrap-up, abandonment rate = arrival-weighted mean
of 1 / mean patience). Then the greedy search (sim.planning.greedy) with 20 replications on the
fast engine, target 80 % answered within 20 s in every interval x call type.

Run from the repository root::

    python experiments/isa_sinusoidal/default_day.py [--replications N] [--scope interval]

Prints the start and the optimised staffing (agent-hours per group), whether the targets are
met, the seconds, simulations and replications it took.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.analytic import required_agents
from sim.model.scenario import build_scenario
from sim.planning.optimise import optimise
from sim.simulate import load_scenario_file


def erlang_start(scenario, threshold: float = 20.0, target: float = 0.8) -> dict:
    start = {}
    for g in scenario.groups:
        types = [t for t in scenario.call_types if t.route[0][0] == g.index]
        row = []
        for j in range(scenario.n_intervals):
            rate = sum(t.rates[j] for t in types)
            if rate == 0:
                row.append(0)
                continue
            handle = sum(t.rates[j] * (t.talk.mean + t.wrapup.mean) for t in types) / rate
            abandon = sum(t.rates[j] / t.patience.mean for t in types) / rate
            row.append(required_agents(rate, handle, threshold, target, 1 / abandon if abandon else None))
        start[g.name] = row
    return start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--scope", default="interval", choices=("interval", "day"))
    args = parser.parse_args()
    cfg = load_scenario_file("default")
    start = erlang_start(build_scenario(cfg))
    began = time.perf_counter()
    plan = optimise(cfg, {"service_level": 0.8, "threshold": 20, "scope": args.scope}, start=start,
                    replications=args.replications, progress=None, engine="fast")
    seconds = time.perf_counter() - began
    for name, row in plan.headcount_per_interval().items():
        print(f"{name:12s} Erlang {sum(start[name]) / 2:6.1f} agent-h  optimised {sum(row) / 2:6.1f} agent-h  {row}")
    print(f"method {plan.method}, targets met: {plan.met} ({len(plan.missed)} missed), added {plan.added}, "
          f"removed {plan.removed}; {plan.simulations} simulations, {plan.replications} replications, "
          f"{seconds:.1f} s ({plan.seconds:.1f} s inside)")
    print(plan.summary.round(3).to_string(index=False))
    np.set_printoptions(linewidth=160)


if __name__ == "__main__":
    main()
