"""Benchmark: the fast engine's event loop against a minimal hand-written Cython loop of M/M/c+M.

    python experiments/benchmark/loop_vs_minimal.py                     # 1,000,000 calls, best of 7
    python experiments/benchmark/loop_vs_minimal.py --calls 200000 --rounds 5

Model: M/M/c+M, 600 calls/hour, exponential talk time with mean 240 s, 44 agents, exponential
patience with mean 180 s (benchmark.py's model 1). The calls are drawn once, before any timing,
by ``sim.model.random_inputs.call_blocks`` (the engines' own inputs); every contender runs on
those same arrays, so what is compared is loops, not random number generation.

Contenders, timed side by side, round by round, the best round of each kept:
  * ``minimal``: experiments/benchmark/minimal_loop.pyx (compiled here with pyximport into a
    temporary directory, with the same compiler flags as the package): one model, a binary heap
    ordered by time alone, counts and a sum of waits;
  * ``minimal, fixed event order``: the same loop ordering its heap as the fast engine does, by
    (time, class, entity) in one 128-bit key;
  * ``fast engine loop``: ``sim.core._loop.FastCore`` with streaming tallies and no records (what
    ``simulate(records=False)`` runs), construction, loading the blocks and the run; the agent log
    and the KPI tables are not timed;
  * ``fast engine loop, no tallies``: the same core keeping neither tallies nor records (the
    loop's own work: routing, agents, event order);
  * ``fast engine loop, records``: keeping per-call records instead of tallies;
  * ``simulate(records=False)``: the whole call, drawing the inputs and the KPI tables included.

Times are the process's CPU time (``time.process_time``): on a shared machine the wall time of
a run depends mostly on the other processes (the same run varies 1.5x in wall time, under 1 % in
CPU time); ``--wall`` times wall-clock instead. Ratios are to the faster of the two minimal loops
(``yardstick``).

Before timing, the minimal loop's counts are checked against the fast engine's tallies (answered,
abandoned, answered within the service-level threshold, total wait): the two loops simulate the
same calls, so they must agree exactly.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchmark import AGENTS, MEAN_PATIENCE, MEAN_TALK, RATE_PER_HOUR, mmcm_scenario  # noqa: E402
from sim.core import fast_engine, protocol  # noqa: E402
from sim.model.random_inputs import call_blocks  # noqa: E402
from sim.simulate import simulate  # noqa: E402


def compile_minimal():
    """Import minimal_loop.pyx, compiled into a temporary build directory."""
    import pyximport

    build = tempfile.mkdtemp(prefix="callsim-minimal-")
    pyximport.install(build_dir=build, language_level=3, setup_args={"include_dirs": [np.get_include()]})
    import minimal_loop

    return minimal_loop


def predrawn(scenario, seed: int) -> list:
    """The run's call blocks as contiguous arrays (arrival, type, talk, wrap-up, patience)."""
    return [(np.ascontiguousarray(b.arrival, np.float64), np.ascontiguousarray(b.call_type, np.int32),
             np.ascontiguousarray(b.talk, np.float64), np.ascontiguousarray(b.wrapup, np.float64),
             np.ascontiguousarray(b.patience, np.float64)) for b in call_blocks(scenario, seed)]


def run_core(scenario, blocks: list, tally: bool, records: bool):
    """The fast engine's loop on the blocks (as FastEngine.run, without its agent log)."""
    model = fast_engine.core_model(fast_engine.core_arguments(scenario))
    core = fast_engine._loop.FastCore(model, keep_records=records, tally=tally)
    for block in blocks:
        core.load(*block)
        core.run(False)
    core.run(True)
    return core


def check_agreement(minimal, scenario, blocks: list, columns: tuple) -> None:
    """The minimal loop and the fast engine simulate the same calls: same counts, same waits."""
    core = run_core(scenario, blocks, tally=True, records=False)
    log = core.agent_log()
    core.close(float(log["end"].max()))
    tallies = core.tallies()
    counts, sums = tallies["counts"].sum(axis=(0, 1)), tallies["sums"].sum(axis=(0, 1))
    field = {name: i for i, name in enumerate(protocol.TALLY_COUNTS)}
    ours = (int(counts[field["answered"]]), int(counts[field["abandoned"]] + counts[field["short_abandoned"]]),
            int(counts[field["answered_within_T"]]))
    answered, abandoned, within, total_wait = minimal.run(*columns, AGENTS, scenario.kpi.sl_threshold)
    theirs = (answered, abandoned, within)
    if ours != theirs or abs(total_wait - sums[protocol.TALLY_SUMS.index("wait_answered")]) > 1e-6 * total_wait:
        raise SystemExit(f"the loops disagree: fast engine {ours}, minimal {theirs} "
                         f"(total wait {sums[0]:.6f} vs {total_wait:.6f})")
    if minimal.run(*columns, AGENTS, scenario.kpi.sl_threshold, True)[:3] != theirs:
        raise SystemExit("the minimal loop's two heaps disagree")
    print(f"check: both loops count {answered:,} answered ({within:,} within {scenario.kpi.sl_threshold:g} s), "
          f"{abandoned:,} abandoned, the same total wait")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7, help="rounds; each contender's best round is kept")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wall", action="store_true", help="time wall-clock instead of CPU time")
    args = parser.parse_args()
    if not fast_engine.AVAILABLE:
        raise SystemExit(f"the fast engine is not built: {fast_engine.IMPORT_ERROR}")
    minimal = compile_minimal()
    scenario = mmcm_scenario(args.calls)
    blocks = predrawn(scenario, args.seed)
    columns = tuple(np.concatenate([b[i] for b in blocks]) for i in (0, 2, 4))  # arrival, talk, patience
    n = len(columns[0])
    assert not np.any(np.concatenate([b[3] for b in blocks])), "M/M/c+M has no wrap-up"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"M/M/c+M: {RATE_PER_HOUR:g} calls/h, talk {MEAN_TALK:g} s, {AGENTS} agents, patience "
          f"{MEAN_PATIENCE:g} s, {n:,} calls; best of {args.rounds} rounds")
    check_agreement(minimal, scenario, blocks, columns)
    threshold = scenario.kpi.sl_threshold
    contenders = {
        "minimal": lambda: minimal.run(*columns, AGENTS, threshold),
        "minimal, fixed event order": lambda: minimal.run(*columns, AGENTS, threshold, True),
        "fast engine loop (tallies)": lambda: run_core(scenario, blocks, True, False),
        "fast engine loop, no tallies": lambda: run_core(scenario, blocks, False, False),
        "fast engine loop, records": lambda: run_core(scenario, blocks, False, True),
        "simulate(records=False)": lambda: simulate(scenario, args.seed, engine="fast", records=False),
    }
    clock = time.perf_counter if args.wall else time.process_time
    best = {name: float("inf") for name in contenders}
    for _ in range(args.rounds):
        for name, work in contenders.items():
            started = clock()
            work()
            best[name] = min(best[name], clock() - started)
    yardstick = n / min(best["minimal"], best["minimal, fixed event order"])
    print(f"{'wall' if args.wall else 'CPU'} time, best round; ratios to the faster minimal loop")
    for name, seconds in best.items():
        rate = n / seconds
        print(f"  {name:<32} {seconds * 1e3:9.1f} ms {rate:>13,.0f} calls/s   {rate / yardstick:5.2f}x  "
              f"{seconds * 1e9 / n:6.1f} ns/call")


if __name__ == "__main__":
    main()
