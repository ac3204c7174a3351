"""Benchmark: milliseconds per replication of the default day, through ``replicate`` and through
the ``callsim replications=N`` job, optionally against another checkout, side by side.

    python experiments/benchmark/replications.py                       # serial and parallel, this checkout
    python experiments/benchmark/replications.py --old ../callsim-old  # and another checkout, alternating
    python experiments/benchmark/replications.py --breakdown           # where the time goes (this checkout)

Model: ``configs/scenario/default.yaml`` (4 call types, 4 groups on shifts, about 4,800 calls),
fast engine, no per-call records (the default of replications). Contenders, each timed in a fresh
process of its tree (``TREE/.venv/bin/python`` if there is one, else this Python with the tree
first on the path), after one warm-up call:

  * ``replicate``: ``sim.experiments.replications.replicate(scenario, N)`` with the scenario
    built once; every KPI table and the aggregation included;
  * ``callsim``: the command's job for ``replications=N`` (``sim.cli.run`` on the composed
    config, ``output.plots=false``): building and validating the scenario, the replications,
    writing the CSV files (replications.csv included) and the HTML report. Its fixed costs are
    spread over the N replications; ``--replications`` sets N.

Each contender runs serial (one process, as ``n_jobs=1``) and parallel (``CALLSIM_JOBS`` = the
usable CPUs: workers forked when the work pays, :mod:`sim.experiments.parallel`; the default
would use only the CPUs that other programs leave idle), and in the old tree as it is. Rounds alternate the trees (old, serial, parallel, parallel, serial, old, ...) so a change of
the machine's load hits all alike; each one's best and median round are shown, by the wall clock and by the
process's CPU time (which a machine busy with other work inflates less; for the parallel runs it
is this process's CPU time only, without its workers').

``--fixed`` splits the ``callsim`` job of this checkout and ``--old``'s (fresh processes, alternating,
one process for the replications) into the stages outside the replications, CPU time, best of
rounds: checking and building the config and scenario, the aggregation, replications.csv's table,
writing the files (CSV files, config.yaml, the HTML report, run.json) and the printed summary.

``--breakdown`` splits one replication of this checkout into its stages, each timed alone on the
same seeds (best of rounds, wall clock and the process's CPU time, which a busy machine
inflates less): drawing the inputs, the engine (compiled loop and its Python
set-up), the KPI numbers from the tallies as ``replicate`` makes them (up to 64 runs at a time,
:func:`sim.experiments.runs.numbered`; of which reading each run's wait histograms, which stays
per run) and, to compare, one run at a time, and the aggregation with the tables made once; then
``replicate`` in one process and on the usable CPUs, and what a worker process costs beyond the
replications (fork, packing, sending, unpacking, divided by all N replications).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

TIMING = r"""
import contextlib, io, json, sys, tempfile, time
contender, n, rounds, serial = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "serial"
from sim.experiments.replications import replicate
if serial:  # one process: what n_jobs=1 gives (callsim takes the default, the usable CPUs)
    try:
        from sim.experiments import parallel
        parallel.usable_cpus = lambda: 1
    except ImportError:
        pass  # (a tree from before parallel replications: serial anyway)
from sim.simulate import load_scenario_file
try:
    from sim.model.scenario import build_scenario
except ImportError:
    from sim.scenario import build_scenario
if contender == "replicate":
    scenario = build_scenario(load_scenario_file("configs/scenario/default.yaml"))
    job = lambda: replicate(scenario, n, seed=1, progress=False)
else:
    from hydra import compose, initialize_config_dir
    from sim.cli import config_dir, run
    from sim.model.config import register_configs
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[f"replications={n}", "output.plots=false", "progress=false"])
    out = tempfile.mkdtemp()
    def job():
        with contextlib.redirect_stdout(io.StringIO()):  # (the printed summary)
            run(cfg, out)
job()
wall, cpu = [], []
for _ in range(rounds):
    started, started_cpu = time.perf_counter(), time.process_time()
    job()
    wall.append(1e3 * (time.perf_counter() - started) / n)
    cpu.append(1e3 * (time.process_time() - started_cpu) / n)
print("timing:", json.dumps({"wall": wall, "cpu": cpu}))
"""


FIXED = r"""
import collections, contextlib, io, json, os, sys, tempfile, time
n, rounds = int(sys.argv[1]), int(sys.argv[2])
from hydra import compose, initialize_config_dir
import sim.cli as cli
import sim.experiments.replications as R
import sim.reports.files as F
import sim.reports.html as H
from sim.model.config import register_configs
register_configs()
with initialize_config_dir(config_dir=cli.config_dir(), version_base=None):
    cfg = compose("config", overrides=[f"replications={n}", "output.plots=false", "progress=false"])
out = tempfile.mkdtemp()
spent = collections.defaultdict(float)
def timed(module, name, stage):
    if hasattr(module, name):
        function = getattr(module, name)
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.process_time() - started
        setattr(module, name, wrapper)
timed(R, "run_replication", "replications")
timed(cli, "check_command_line", "config checked (check_command_line)")
timed(cli, "build_scenario", "scenario built (cli)")
timed(cli, "job_config", "job_config")
timed(R, "aggregated_tables" if hasattr(R, "aggregated_tables") else "aggregate_runs", "aggregation (KPI tables)")
timed(R, "per_replication_table", "replications.csv's table")
timed(F, "write_run", "write_run (all files)")
timed(H, "run_report", "  of which report.html")
timed(F, "format_summary", "printed summary")
def job():
    with contextlib.redirect_stdout(io.StringIO()):
        cli.run(cfg, out)
job()
best = {}
for _ in range(rounds):
    spent.clear()
    started = time.process_time()
    job()
    spent["job"] = time.process_time() - started
    spent["job - replications"] = spent["job"] - spent["replications"]
    for stage, seconds in spent.items():
        best[stage] = min(best.get(stage, float("inf")), seconds)
print("fixed:", json.dumps({stage: 1e3 * seconds for stage, seconds in best.items()}))
"""


def fixed_costs(trees: dict, n: int, rounds: int, processes: int) -> None:
    """The callsim job's stages outside the replications, ms of CPU per job (best of rounds), per tree."""
    best: dict = {}
    for r in range(processes):
        for name in (list(trees) if r % 2 == 0 else list(reversed(trees))):
            tree = trees[name]
            venv = tree / ".venv" / "bin" / "python"
            env = dict(os.environ, PYTHONPATH=str(tree), CALLSIM_JOBS="1")
            out = subprocess.run([str(venv) if venv.exists() else sys.executable, "-c", FIXED, str(n), str(rounds)],
                                 cwd=tree, env=env, capture_output=True, text=True, check=True)
            line = [x for x in out.stdout.splitlines() if x.startswith("fixed: ")][-1]
            for stage, ms in json.loads(line[len("fixed: "):]).items():
                best.setdefault(stage, {})[name] = min(best.get(stage, {}).get(name, float("inf")), ms)
    print(f"callsim replications={n}, one process: ms of CPU per job, best of {processes} processes x {rounds} jobs")
    print(f"{'stage':40s}" + "".join(f"{name:>10s}" for name in trees))
    last = ["write_run (all files)", "  of which report.html", "printed summary", "job", "job - replications"]
    for stage, by_tree in sorted(best.items(), key=lambda item: last.index(item[0]) if item[0] in last else -1):
        print(f"{stage:40s}" + "".join(f"{by_tree.get(name, float('nan')):10.1f}" for name in trees))


def time_tree(tree: Path, contender: str, n: int, rounds: int, mode: str) -> dict:
    """Every round's ms per replication of ``contender`` in ``tree`` (a fresh process), wall clock and CPU;
    ``mode``: "serial" (one process), "parallel" (every usable CPU) or "default"."""
    venv = tree / ".venv" / "bin" / "python"
    python = str(venv) if venv.exists() else sys.executable
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("CALLSIM_JOBS", None)
    if mode != "default":  # parallel: every usable CPU, however busy the machine (the default takes only idle ones)
        env["CALLSIM_JOBS"] = str(usable_cpus() if mode == "parallel" else 1)
    out = subprocess.run([python, "-c", TIMING, contender, str(n), str(rounds), mode], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    timing = [line for line in out.stdout.splitlines() if line.startswith("timing: ")][-1]
    return json.loads(timing[len("timing: "):])


def breakdown(n: int, rounds: int) -> None:
    """Microseconds per replication of each stage of this checkout, on the same seeds."""
    import time

    from sim.experiments.replications import aggregate_runs, per_replication_table, replicate, replication_seeds
    from sim.experiments.runs import Runs, numbered, pending_run, run_replication
    from sim.kpi import arrays, streaming
    from sim.model.random_inputs import call_blocks
    from sim.model.scenario import build_scenario
    from sim.simulate import load_scenario_file, run_streamed, select_engine

    scenario = build_scenario(load_scenario_file(HERE / "configs" / "scenario" / "default.yaml"))
    seeds = replication_seeds(1, n)
    engine, _ = select_engine("auto", scenario)
    inputs = [list(call_blocks(scenario, s)) for s in seeds]
    outputs = [engine.run(scenario, blocks, records=False) for blocks in inputs]
    runs = Runs(scenario)
    for s in seeds:
        runs.add(*run_replication(scenario, s))

    def best(stage, clock) -> float:
        fastest = float("inf")
        for _ in range(rounds):
            started = clock()
            stage()
            fastest = min(fastest, clock() - started)
        return 1e6 * fastest / n

    stages = {
        "inputs (call_blocks)": lambda: [list(call_blocks(scenario, s)) for s in seeds],
        "engine (loop + set-up)": lambda: [engine.run(scenario, blocks, records=False) for blocks in inputs],
        "KPI numbers (tallies, batched)": lambda: numbered(scenario, [(pending_run(scenario, s, o, ""), None)
                                                                      for s, o in zip(seeds, outputs)]),
        "  of which the histograms (per run)": lambda: [streaming.kept_tallies(scenario, o.tallies) for o in outputs],
        "KPI numbers (one run at a time)": lambda: [arrays.run_columns(
            scenario, streaming.table_inputs(scenario, o.tallies), o.agents) for o in outputs],
        "aggregation + tables": lambda: ([aggregate_runs(scenario, runs.columns(t), t) for t in arrays.TABLES],
                                         per_replication_table(scenario, runs)),
        "one run (run_streamed)": lambda: [run_streamed(scenario, s) for s in seeds],
        "replicate, all (1 process)": lambda: replicate(scenario, n, seed=1, progress=False, n_jobs=1),
        "replicate, all (parallel)": lambda: replicate(scenario, n, seed=1, progress=False),
        "  of which a worker's round trip": lambda: worker_round_trip(scenario, runs),
    }
    print(f"{'us per replication, best of rounds':34s} {'wall':>8s} {'CPU':>8s}   (parallel: CPU of this process)")
    for name, stage in stages.items():
        print(f"{name:34s} {best(stage, time.perf_counter):8.1f} {best(stage, time.process_time):8.1f}")


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return multiprocessing.cpu_count()


def worker_round_trip(scenario, runs) -> None:
    """What parallel replications add to the work: forking a worker that packs half the runs
    and sends them (their numbers through shared memory), receiving and unpacking them, reaping it."""
    from sim.experiments import parallel
    from sim.experiments.runs import message_bytes, packed, unpacked

    half = [(run, None) for run in runs.kept[len(runs) // 2:]]
    items = parallel.forked(lambda i: half[i], 0, len(half), 2, lambda m: packed(scenario, m),
                            lambda p: unpacked(scenario, p), room=lambda k: message_bytes(scenario, k))
    for _ in items:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="another checkout to time side by side")
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="timed calls per process")
    parser.add_argument("--processes", type=int, default=3, help="processes per tree and contender")
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--fixed", action="store_true", help="the callsim job's costs outside the replications")
    args = parser.parse_args()
    if args.fixed:
        fixed_costs({"new": HERE, **({"old": args.old.resolve()} if args.old is not None else {})},
                    args.replications, args.rounds, args.processes)
        return
    if args.breakdown:
        breakdown(args.replications, args.rounds)
        return
    trees = {"new serial": (HERE, "serial"), "new parallel": (HERE, "parallel")}
    if args.old is not None:
        trees = {"old": (args.old.resolve(), "default"), **trees}
    print(f"default day, {args.replications} replications per call, rounds: {args.processes} processes "
          f"x {args.rounds} calls; parallel: {usable_cpus()} processes")
    for contender in ("replicate", "callsim"):
        rounds = {(name, clock): [] for name in trees for clock in ("wall", "cpu")}
        for r in range(args.processes):
            for name in (list(trees) if r % 2 == 0 else list(reversed(trees))):
                tree, mode = trees[name]
                timing = time_tree(tree, contender, args.replications, args.rounds, mode)
                for clock in ("wall", "cpu"):
                    rounds[name, clock].extend(timing[clock])
        for clock in ("wall", "cpu"):
            best = {name: min(rounds[name, clock]) for name in trees}
            line = "   ".join(f"{name} {best[name]:6.3f} / {statistics.median(rounds[name, clock]):6.3f}"
                               for name in trees)
            ratio = f"   serial/parallel {best['new serial'] / best['new parallel']:.2f}x"
            if "old" in trees:
                ratio += f"   old/parallel {best['old'] / best['new parallel']:.2f}x"
            print(f"{contender:10s} ms/replication ({clock:4s}, best / median) {line}{ratio} (of the best)")


if __name__ == "__main__":
    main()
