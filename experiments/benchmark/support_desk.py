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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_ratio import compare, machine_line  # noqa: E402

from sim.model.scenario import build_scenario  # noqa: E402
from sim.simulate import load_scenario_file  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[2] / "configs" / "scenario" / "support_desk.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20, help="days simulated per contender and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender; best time kept")
    args = parser.parse_args()
    print(machine_line(args.repeat))
    compare("support desk", build_scenario(load_scenario_file(SCENARIO)), args.days, args.repeat)


if __name__ == "__main__":
    main()
