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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_ratio import compare, machine_line  # noqa: E402

from sim.model.scenario import build_scenario  # noqa: E402
from sim.simulate import load_scenario_file  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "configs" / "scenario" / "default.yaml"


def transfer_scenario(probability: float = 0.15, max_legs: int = 3):
    data = load_scenario_file(DEFAULT)
    names = list(data["call_types"])
    data["call_types"] = {
        name: {**spec, "transfer": {"probability": probability, "to": {names[(i + 1) % len(names)]: 1.0},
                                    "consult": {"kind": "exponential", "mean": 30.0}}}
        for i, (name, spec) in enumerate(data["call_types"].items())}
    return build_scenario({**data, "name": "benchmark_transfers", "transfer_max_legs": max_legs})



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(machine_line(args.repeat))
    for title, scenario in (("default day with transfers", transfer_scenario()),
                            ("default day, no transfers", build_scenario(load_scenario_file(DEFAULT)))):
        compare(title, scenario, args.days, args.repeat)


if __name__ == "__main__":
    main()
