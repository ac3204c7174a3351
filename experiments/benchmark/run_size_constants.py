"""Measure the constants of sim/model/run_size.py: bytes per call record, bytes per interval row,
calls per second of each engine (records on and off).

    python experiments/benchmark/run_size_constants.py

Peak memory is tracemalloc's (numpy registers its buffers with it), measured in a separate run
from the wall time (tracemalloc slows allocation down). Single-queue scenario, steady state.
"""

import time
import tracemalloc

import sim
from sim.simulate import load_scenario_file


def scenario(hours, interval_minutes):
    s = load_scenario_file("configs/scenario/single_queue.yaml")
    s["horizon"].update(hours=hours, warmup_hours=0.0, interval_minutes=interval_minutes)
    return s


def measure(label, s, engine, records):
    sim.simulate(s, seed=1, engine=engine, records=records)  # warm caches and imports
    started = time.perf_counter()
    r = sim.simulate(s, seed=2, engine=engine, records=records)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    sim.simulate(s, seed=2, engine=engine, records=records)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows = r.scenario.n_intervals * (len(r.scenario.call_types) + 1 + len(r.scenario.groups))
    print(f"{label:28s} {r.n_calls:>9,} calls {rows:>9,} rows {seconds:7.2f} s {r.n_calls / seconds:>10,.0f} calls/s "
          f"peak {peak / 1e6:7.1f} MB = {peak / r.n_calls:6.0f} B/call = {peak / rows:6.0f} B/row")


if __name__ == "__main__":
    measure("fast, records (calls)", scenario(1000, 60), "fast", True)
    measure("fast, no records (calls)", scenario(1000, 60), "fast", False)
    measure("simpy, records (calls)", scenario(50, 60), "simpy", True)
    measure("fast, no records (rows)", scenario(200, 0.05), "fast", False)
