"""Time-varying arrivals: does the optimiser keep the probability of waiting stable where
per-interval Erlang staffing does not? (Feldman, Mandelbaum, Massey & Whitt 2008.)

Scenario: one call type, one group, a 12-hour day in 30-minute intervals; arrivals Poisson with
rate 120 (1 + 0.5 sin(2 pi t / 6 h)) calls per hour (two peaks), exponential talk time of mean
15 minutes (long against the interval, so work carries over from one interval to the next),
exponential patience of mean 15 minutes, no wrap-up. Target: 80 % answered without waiting
(service level at threshold 0 s, i.e. P(wait) <= 0.2) in every interval.

Two staffings:
- Erlang: per interval, the Erlang A requirement (sim.analytic.required_agents) at the interval's
  mean arrival rate, as if each interval were in steady state (the stationary approximation);
- optimised: ``sim.planning.optimise.optimise`` (the iterative staffing algorithm, alpha by
  bisection, then the forward sweep of sim.planning.greedy) with 200 replications: P(wait) of
  one half hour varies much between replications (standard deviation about 0.18), and with the
  optimiser's default 20 each interval is fitted to its own sample's noise.
Both are then simulated with 400 fresh replications (other seeds than the optimiser's) and
P(wait) per interval is the share of offered calls arriving in the interval that waited.

Run from the repository root::

    python experiments/isa_sinusoidal/isa_sinusoidal.py [--quick] [--out DIR]

Writes ``staffing.csv`` (interval, rate, Erlang and optimised agents, P(wait) under each with
its 95 % half-width) and ``p_wait.png`` / ``staffing.png`` to ``--out`` (default
``results/studies/isa_sinusoidal/``) and prints the table and the band of each curve.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analytic import required_agents  # noqa: E402
from sim.experiments.replications import half_width, replication_seeds  # noqa: E402
from sim.planning.optimise import optimise  # noqa: E402
from sim.simulate import simulate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TALK, PATIENCE, BASE, AMPLITUDE, PERIOD_HOURS = 900.0, 900.0, 120.0, 0.5, 6.0
TARGET = 0.8  # answered without waiting
FULL = dict(intervals=24, replications=200, check=400)
QUICK = dict(intervals=8, replications=5, check=5)


def volumes(intervals: int, minutes: float = 30.0) -> list:
    """Expected calls per interval: the integral of the sinusoidal rate over the interval."""
    edges = np.arange(intervals + 1) * minutes / 60.0
    w = 2 * math.pi / PERIOD_HOURS
    integral = BASE * (edges - AMPLITUDE / w * np.cos(w * edges))
    return [float(v) for v in np.diff(integral)]


def scenario(intervals: int) -> dict:
    return {
        "name": "isa_sinusoidal",
        "horizon": {"kind": "day", "interval_minutes": 30, "intervals": intervals, "day_start": "08:00"},
        "call_types": {"calls": {"volumes": volumes(intervals), "talk_time": {"kind": "exponential", "mean": TALK},
                                 "wrapup_time": None, "patience": {"kind": "exponential", "mean": PATIENCE},
                                 "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": 1}},
        "kpi": {"sl_threshold": 0, "sl_target": TARGET},
    }


def erlang_staffing(intervals: int) -> list:
    return [required_agents(v / 1800.0, TALK, 0.0, TARGET, PATIENCE) for v in volumes(intervals)]


def p_wait(cfg: dict, agents: list, replications: int, seed: int = 12345) -> tuple:
    """Mean and 95 % half-width over replications of P(wait) per interval (waited / offered)."""
    cfg = dict(cfg, groups={"agents": {"headcount_per_interval": [int(a) for a in agents]}})
    values = []
    for s in replication_seeds(seed, replications):
        calls = simulate(cfg, s, engine="auto", records=True).calls
        offered = calls[calls["outcome"].isin(["answered", "abandoned"])]
        waited = offered["wait"] > 0
        values.append(waited.groupby(offered["interval"]).mean().reindex(range(len(agents))).to_numpy())
    values = np.array(values)
    return values.mean(axis=0), half_width(values.std(axis=0, ddof=1), len(values), 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (smoke test)")
    parser.add_argument("--replications", type=int, help="the optimiser's replications (default: FULL's)")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "isa_sinusoidal")
    args = parser.parse_args()
    size = dict(QUICK if args.quick else FULL)
    size["replications"] = args.replications or size["replications"]
    cfg = scenario(size["intervals"])
    erlang = erlang_staffing(size["intervals"])
    began = time.perf_counter()
    plan = optimise(cfg, {"service_level": TARGET, "threshold": 0}, replications=size["replications"], progress=None)
    seconds = time.perf_counter() - began
    optimised = plan.headcount_per_interval()["agents"]
    table = pd.DataFrame({"interval": range(size["intervals"]),
                          "calls": np.round(volumes(size["intervals"]), 1), "erlang_agents": erlang,
                          "optimised_agents": optimised})
    for name, agents in (("erlang", erlang), ("optimised", optimised)):
        mean, half = p_wait(cfg, agents, size["check"])
        table[f"p_wait_{name}"], table[f"p_wait_{name}_ci"] = mean, half
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "staffing.csv", index=False)
    pd.set_option("display.width", 160)
    print(table.round(3).to_string(index=False))
    print(f"optimiser: {plan.method}, alpha {plan.alpha}, targets met: {plan.met}, {plan.simulations} simulations, "
          f"{plan.replications} replications, {seconds:.1f} s")
    for name in ("erlang", "optimised"):
        p = table[f"p_wait_{name}"]
        print(f"P(wait) {name}: min {p.min():.3f}, max {p.max():.3f}, band {p.max() - p.min():.3f}; "
              f"agent-hours {table[f'{name}_agents'].sum() / 2:g}")
    x = table["interval"] / 2 + 8
    fig, ax = plt.subplots(figsize=(8, 4))
    for name in ("erlang", "optimised"):
        ax.errorbar(x, table[f"p_wait_{name}"], yerr=table[f"p_wait_{name}_ci"], marker="o", capsize=2, label=name)
    ax.axhline(1 - TARGET, color="grey", linestyle="--", label="target P(wait) = 0.2")
    ax.set(xlabel="hour of day", ylabel="P(wait)", title="Probability of waiting per interval")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "p_wait.png", dpi=120)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.step(x, table["erlang_agents"], where="post", label="Erlang A per interval")
    ax.step(x, table["optimised_agents"], where="post", label="optimised")
    ax.plot(x, table["calls"] * 2 * TALK / 3600, color="grey", linestyle=":", label="offered load")
    ax.set(xlabel="hour of day", ylabel="agents", title="Staffing per interval")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "staffing.png", dpi=120)


if __name__ == "__main__":
    main()
