"""How long does ``callsim task=plan`` take on the default day, stage by stage? Erlang
requirements, the simulation-based optimiser, the shift MILP per group and the verification run,
timed in one process (the scenario built once), best and median of ``--runs`` plans with the
same seed (the same work each time), beside the whole command's wall time once.

    python experiments/benchmark/plan.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.cli import config_dir
from sim.model.config import register_configs
from sim.model.scenario import build_scenario
from sim.planning.plan import make_plan


def plan_once(app) -> dict:
    scenario = build_scenario(app.scenario)
    began = time.perf_counter()
    plan = make_plan(app, app.scenario, scenario, progress=False)
    return {**plan.seconds, "total": time.perf_counter() - began}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args()
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        app = OmegaConf.to_object(compose("config", overrides=[f"scenario={args.scenario}", "task=plan"]))
    rounds = [plan_once(app) for _ in range(args.runs)]
    print(f"{args.scenario}: task=plan in one process, {args.runs} runs (seconds, best / median)")
    for stage in rounds[0]:
        values = [r[stage] for r in rounds]
        print(f"  {stage:<13} {min(values):7.2f} {statistics.median(values):7.2f}")
    with tempfile.TemporaryDirectory() as out:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "sim.cli", f"scenario={args.scenario}", "task=plan",
                               f"hydra.run.dir={out}"], capture_output=True, text=True)
        wall = time.perf_counter() - began
    print(f"  the command, start-up and reports included: {wall:.2f} s (exit status {done.returncode})")


if __name__ == "__main__":
    main()
