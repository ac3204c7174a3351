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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_ratio import compare, machine_line  # noqa: E402

from sim.model.scenario import build_scenario  # noqa: E402
from sim.simulate import load_scenario_file  # noqa: E402

MENU = {"duration": {"kind": "lognormal", "mean": 60.0, "cv": 0.8}, "finish": 0.30, "hang_up": 0.05}


def ivr_scenario(ports: int = 40):
    data = load_scenario_file(Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml")
    data["call_types"] = {name: {**spec, "ivr": MENU} for name, spec in data["call_types"].items()}
    return build_scenario({**data, "name": "benchmark_ivr", "ivr_ports": ports})


def plain_scenario():
    return build_scenario(load_scenario_file(Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml"))



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(machine_line(args.repeat))
    for title, scenario in (("default day with IVR menus", ivr_scenario()), ("default day, no IVR", plain_scenario())):
        compare(title, scenario, args.days, args.repeat)


if __name__ == "__main__":
    main()
