"""Do sweeps use the cores? An 8-job sweep (``callsim -m``) of jobs lasting about 5 s each, run
with one worker (``hydra.launcher.n_jobs=1``) and with one worker per core, alternately, best of
``--rounds``; prints the wall times and the speed-up.

Each job replicates the default day (``replications=N`` with records off, so a job is pure
simulation plus its reports); N is calibrated first (in one process) so that one job takes
``--job-seconds``.

The speed-up compares one worker with one worker per core, each job in one process
(``CALLSIM_JOBS=1``). Without it the comparison is unfair: with ``n_jobs=1`` the launcher runs the
jobs in callsim's own process, where a job's replications already run on the spare cores
(``sim/experiments/parallel.py``), while a joblib worker's replications run in that worker
alone. The default ``n_jobs=1`` sweep (replications on the spare cores) is timed too, as a third
line: what a user who asks for one worker gets.

    python experiments/benchmark/sweep_scaling.py                  # 8 jobs of ~5 s, 2 rounds
    python experiments/benchmark/sweep_scaling.py --jobs 4 --job-seconds 2 --rounds 1
    python experiments/benchmark/sweep_scaling.py --when-idle   # on a shared machine (Linux)

``--when-idle`` starts each sweep only once the machine's CPUs have been at least 90 % idle for
half a second (as ``startup.py --when-idle``; at most ``--wait`` seconds per sweep).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.experiments.replications import replicate
from sim.simulate import load_scenario_file
from startup import wait_until_idle  # (this directory's start-up benchmark)

ROOT = Path(__file__).resolve().parents[2]


def replications_for(seconds: float) -> int:
    """Replications of the default day that take about ``seconds`` in this process."""
    scenario = load_scenario_file(ROOT / "configs/scenario/default.yaml")
    replicate(scenario, replications=5, n_jobs=1)  # warm caches
    started = time.perf_counter()
    replicate(scenario, replications=50, n_jobs=1)  # one process, as a job of the timed sweeps
    per_replication = (time.perf_counter() - started) / 50
    return max(1, round(seconds / per_replication))


def sweep(jobs: int, workers: int, replications: int, out: Path, one_process_jobs: bool = True) -> float:
    """Wall time of one ``callsim -m`` sweep of ``jobs`` seeds with ``workers`` workers, each job
    in one process (``CALLSIM_JOBS=1``) unless ``one_process_jobs`` is false."""
    shutil.rmtree(out, ignore_errors=True)
    command = [shutil.which("callsim") or "callsim", "-m", f"seed={','.join(str(s) for s in range(1, jobs + 1))}",
               f"replications={replications}", "output.calls=false", f"hydra.sweep.dir={out}",
               f"hydra.launcher.n_jobs={workers}", "progress=false"]
    environment = {key: value for key, value in os.environ.items() if key != "CALLSIM_JOBS"}
    if one_process_jobs:
        environment["CALLSIM_JOBS"] = "1"
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=environment)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--job-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--when-idle", action="store_true", help="start each sweep on an idle machine")
    parser.add_argument("--wait", type=float, default=120.0, help="--when-idle: longest wait per sweep (s)")
    args = parser.parse_args()
    replications = replications_for(args.job_seconds)
    print(f"{args.jobs} jobs of {replications} default-day replications (~{args.job_seconds:g} s each), "
          f"{os.cpu_count()} cores")
    variants = {"n_jobs=1": (1, True), f"n_jobs={args.workers}": (args.workers, True),
                "n_jobs=1, replications on the spare cores": (1, False)}
    times = {name: [] for name in variants}
    idle = 0
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for name, (workers, one_process_jobs) in variants.items():
                idle += args.when_idle and wait_until_idle(args.wait)
                seconds = sweep(args.jobs, workers, replications, Path(tmp) / "sweep", one_process_jobs)
                times[name].append(seconds)
                print(f"  round {round_ + 1}: {name}: {seconds:.1f} s", flush=True)
    if args.when_idle:
        print(f"{idle} of {args.rounds * len(variants)} sweeps started on an idle machine")
    best = {name: min(seconds) for name, seconds in times.items()}
    serial, parallel, spare = best.values()
    print(f"best: n_jobs=1 {serial:.1f} s, n_jobs={args.workers} {parallel:.1f} s: "
          f"{serial / parallel:.2f}x faster (ideal {min(args.workers, args.jobs)}x); per round: "
          + ", ".join(f"{a / b:.2f}x" for a, b in zip(times["n_jobs=1"], times[f"n_jobs={args.workers}"])))
    print(f"n_jobs=1 with each job's replications on the spare cores (callsim's default): {spare:.1f} s, "
          f"{spare / parallel:.2f}x the time of n_jobs={args.workers}")


if __name__ == "__main__":
    sys.exit(main())
