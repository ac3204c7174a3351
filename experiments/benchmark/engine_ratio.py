"""The engines side by side on one scenario (a helper of ivr.py, transfers.py, support_desk.py):
simulate days with each engine, best CPU time of rounds that alternate the engines, on inputs
drawn beforehand and with the drawing timed too, and print calls per second and the ratio
fast / SimPy. The fast engine keeps streaming tallies, the SimPy engine per-call records (what
each does when replications or a sweep run it)."""

from __future__ import annotations

import os
import platform
import time

from sim.core.fast_engine import AVAILABLE, FastEngine
from sim.core.simpy_engine import SimpyEngine
from sim.model.random_inputs import call_blocks


def machine_line(repeat: int) -> str:
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"best of {repeat}, CPU time")


def simulate_days(engine, scenario, days: int, records: bool, drawn=None) -> int:
    """Simulate ``days`` days (seeds 1, 2, ...), on the inputs ``drawn`` beforehand (one list of
    blocks per day) or drawing them; returns the calls simulated (attempts, with redials)."""
    done = 0
    for seed in range(1, days + 1):
        inputs = drawn[seed - 1] if drawn is not None else call_blocks(scenario, seed)
        out = engine.run(scenario, inputs, records=records)
        done += len(out.records) if out.records is not None else int(out.tallies["calls"])
    return done


def compare(title: str, scenario, days: int, repeat: int) -> dict:
    """Print the engines' rates and ratio on ``scenario``; returns {inputs: ratio} (None without
    the fast engine)."""
    drawn = [list(call_blocks(scenario, seed)) for seed in range(1, days + 1)]
    contenders = {"simpy engine": lambda d: simulate_days(SimpyEngine(), scenario, days, True, d)}
    if AVAILABLE:
        contenders["fast engine"] = lambda d: simulate_days(FastEngine(), scenario, days, False, d)
    ratios = {}
    for inputs in ("inputs drawn beforehand", "drawing the inputs"):
        best, items = {name: float("inf") for name in contenders}, {}
        for _ in range(repeat):  # contenders alternate round by round
            for name, work in contenders.items():
                started = time.process_time()
                items[name] = work(drawn if inputs.endswith("beforehand") else None)
                best[name] = min(best[name], time.process_time() - started)
        print(f"{title} x {days} days, {inputs}")
        for name in contenders:
            print(f"  {name:<14} {items[name]:>9,} calls {best[name]:8.3f} s {items[name] / best[name]:>12,.0f} per s")
        ratios[inputs] = best["simpy engine"] / best["fast engine"] if AVAILABLE else None
        if AVAILABLE:
            print(f"  fast / simpy: {ratios[inputs]:.1f}x")
    return ratios
