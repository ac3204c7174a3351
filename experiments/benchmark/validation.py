"""How long does validating a scenario take as it grows? Fully flexible centers of n call types x
n groups (every type routed to every group), built with ``build_scenario``, side by side with
the schema check it replaced (``OmegaConf.merge`` onto the structured schema, which alone took
most of the time).

    python experiments/benchmark/validation.py            # n = 10, 25, 50; best of 3
"""

from __future__ import annotations

import argparse
import time

from omegaconf import OmegaConf

from sim.model.config import ScenarioConfig
from sim.model.scenario import build_scenario


def flexible(n: int) -> dict:
    return {"name": "flexible", "horizon": {"kind": "day", "intervals": 48},
            "call_types": {f"t{i}": {"arrival_rate": 10, "talk_time": {"kind": "exponential", "mean": 200},
                                     "route": [{"group": f"g{(i + j) % n}", "delay": 10 * j} for j in range(n)]}
                           for i in range(n)},
            "groups": {f"g{j}": {"headcount": 3} for j in range(n)}}


def best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'n x n':>8} {'route steps':>12} {'build_scenario':>15} {'OmegaConf merge (old)':>22} {'ratio':>7}")
    for n in args.sizes:
        data = flexible(n)
        new = best(args.repeat, lambda: build_scenario(data))
        old = best(args.repeat, lambda: OmegaConf.to_container(
            OmegaConf.merge(OmegaConf.structured(ScenarioConfig), data), throw_on_missing=True))
        print(f"{n:>4} x {n:<3} {n * n:>12,} {new:>13.3f} s {old:>20.3f} s {old / new:>6.0f}x")


if __name__ == "__main__":
    main()
