"""Is the fast engine as fast as it was? Two checkouts of callsim timed side by side, round by round.

    python experiments/benchmark/compare_trees.py OLD_TREE NEW_TREE [--calls 1000000] [--rounds 5]

Each tree is a checkout with its own virtual environment (``TREE/.venv/bin/python``, the package
installed there with its compiled extension); e.g. the previous commit in a git worktree:
``git worktree add ../old <commit> && cd ../old && python3 -m venv .venv && .venv/bin/pip install -e .``.
Both are timed through the public ``sim.simulate`` (unchanged across versions), fast engine,
records off (``--records``: on, KPI tables from the per-call records), end to end (inputs,
event loop, KPI tables), on the benchmark's two models:
  1. M/M/c+M: 600 calls/h, AHT 240 s, 44 agents, patience 180 s, ``--calls`` calls in one run;
  2. the default day (``configs/scenario/default.yaml``) replicated (seeds 1, 2, ...) to ``--calls``.
Rounds alternate the trees (old, new, new, old, ...) so that a change in the machine's load hits
both alike; each tree's best round counts. Prints calls/s and the ratio new / old per model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

TIMING = r"""
import json, sys, time
from sim import simulate
model, calls, records = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "records"
if model == "mmcm":
    scenario = {"name": "benchmark_mmcm",
                "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": calls / 600.0, "warmup_hours": 0},
                "call_types": {"calls": {"arrival_rate": 600.0, "talk_time": {"kind": "exponential", "mean": 240.0},
                                         "patience": {"kind": "exponential", "mean": 180.0},
                                         "route": [{"group": "agents"}]}},
                "groups": {"agents": {"headcount": 44}}}
else:
    scenario = "configs/scenario/default.yaml"
try:
    from sim.model.scenario import build_scenario
except ImportError:  # before the restructure
    from sim.scenario import build_scenario
from sim.simulate import load_scenario_file
scenario = build_scenario(load_scenario_file(scenario) if isinstance(scenario, str) else scenario)
simulate(scenario, 1, engine="fast", records=records)  # warm caches and imports
started, done, seed = time.perf_counter(), 0, 1
while done < calls:
    done += simulate(scenario, seed, engine="fast", records=records).n_calls
    seed += 1
print(json.dumps({"calls": done, "seconds": time.perf_counter() - started}))
"""
MODELS = {"mmcm": "M/M/c+M, one long run", "day": "default day, replicated"}


def time_tree(tree: Path, model: str, calls: int, records: bool = False) -> float:
    """Calls per second of one timed run in ``tree``'s own environment."""
    python = tree / ".venv" / "bin" / "python"
    out = subprocess.run([str(python), "-c", TIMING, model, str(calls), "records" if records else "tallies"], cwd=tree, capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["calls"] / result["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records", action="store_true", help="keep per-call records (KPIs from them)")
    parser.add_argument("--models", default=",".join(MODELS), help="which of mmcm,day (default both)")
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    print(f"old: {trees['old']}\nnew: {trees['new']}\n{args.calls:,} calls per run, {args.rounds} rounds, best kept"
          f", records {'on' if args.records else 'off'}")
    for model in args.models.split(","):
        title = MODELS[model]
        best = {"old": 0.0, "new": 0.0}
        for r in range(args.rounds):
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for name in order:
                best[name] = max(best[name], time_tree(trees[name], model, args.calls, args.records))
        print(f"{title:28s} old {best['old']:>12,.0f} calls/s   new {best['new']:>12,.0f} calls/s   "
              f"new/old {best['new'] / best['old']:.3f}")


if __name__ == "__main__":
    main()
