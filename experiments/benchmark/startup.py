"""How long does a small ``callsim`` run take from the shell, start-up included? The single queue
for one hour (about 600 calls), with and without its plots, best and median of ``--runs`` runs
of the real command (fresh processes), alternating the variants (and, with ``--old``, another
checkout's ``callsim``, from its own ``.venv``). Beside the wall time, the median CPU time of the
command and every process it started (user + system): with its plots, callsim draws them in
child processes on the other core (sim/reports/plot_process.py), so CPU exceeds wall time.

    python experiments/benchmark/startup.py --runs 8
    python experiments/benchmark/startup.py --old ../callsim-old
    python experiments/benchmark/startup.py --when-idle   # on a shared machine (Linux)

``--when-idle`` starts each round only once the machine's CPUs have been at least 90 % idle for
half a second (read from /proc/stat; at most --wait seconds per round): on a machine shared with
other work the figures then approach an idle machine's, the two trees still alternating.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

SMALL_RUN = ["scenario=single_queue", "scenario.horizon.hours=1", "scenario.horizon.warmup_hours=0"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--old", help="another checkout with its own .venv")
    parser.add_argument("--when-idle", action="store_true", help="start each round on an idle machine")
    parser.add_argument("--wait", type=float, default=120.0, help="--when-idle: longest wait per round (s)")
    args = parser.parse_args()
    commands = {"this": shutil.which("callsim")}
    if args.old:
        commands["old"] = str(Path(args.old).resolve() / ".venv" / "bin" / "callsim")
    times = {(tree, plots): [] for tree in commands for plots in ("false", "true")}
    cpu = {variant: [] for variant in times}
    idle_rounds = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            if args.when_idle:
                idle_rounds += wait_until_idle(args.wait)
            for (tree, plots), seconds in times.items():
                out = Path(tmp) / f"{tree}_{plots}"
                shutil.rmtree(out, ignore_errors=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run([commands[tree], *SMALL_RUN, f"output.plots={plots}", f"hydra.run.dir={out}"],
                               check=True, capture_output=True)
                seconds.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[tree, plots].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if args.when_idle:
        print(f"{idle_rounds} of {args.runs} rounds started on an idle machine")
    for (tree, plots), seconds in times.items():
        print(f"{tree:>5} output.plots={plots:<5}  best {min(seconds):.3f} s  median {statistics.median(seconds):.3f} s"
              f"  (CPU median {statistics.median(cpu[tree, plots]):.3f} s)")


def idle_fraction(seconds: float) -> float:
    """The fraction of the machine's CPU time spent idle over the next ``seconds`` (/proc/stat)."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_until_idle(longest: float) -> bool:
    """Whether the machine became idle within ``longest`` seconds."""
    deadline = time.monotonic() + longest
    while idle_fraction(0.5) < 0.9:
        if time.monotonic() > deadline:
            return False
    return True


if __name__ == "__main__":
    main()
