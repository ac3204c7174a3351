"""Validation study: does callsim reproduce Erlang A?

Question: for the textbook M/M/c+M queue (Poisson arrivals, exponential talk times, exponential
patience) do the simulated service level, abandonment, ASA and occupancy agree with the exact
Erlang A formulas from light to very heavy load?

Method: one queue of 40 agents, talk time mean 240 s, patience mean 180 s, T = 20 s. The arrival
rate is set so that the offered load per agent (arrival rate x mean talk time / agents) runs
from 70 % to 98 %. Each load point is simulated as independent replications of a steady-state
horizon after a warm-up (the center starts empty); every KPI is the mean over the replications
with its 95 % Student t half-width. The load points use independent random numbers (no CRN),
so whether one interval covers the theory says nothing about the next.
``kpi.short_abandon`` is 0 so that the simulated rates have the same denominator as Erlang A
(all arrivals).

Run from the repository root::

    python experiments/validation/erlang_a.py [--quick] [--out DIR] [--replications N] [--seed S]

Writes ``erlang_a.csv`` (one row per load point) and ``erlang_a.png`` to ``--out``
(default ``results/studies/validation/``) and prints the table and the coverage count.
"""

from __future__ import annotations


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import common  # noqa: E402  (experiments/validation/common.py: run as a script, its folder is on the path)

from sim.analytic import erlang_a_metrics  # noqa: E402
from sim.experiments.replications import replicate  # noqa: E402

AGENTS, TALK, PATIENCE, T = 40, 240.0, 180.0, 20.0  # agents, seconds, seconds, seconds

# simulated KPI (table, column) -> Erlang A attribute; all are fractions except ASA (seconds)
KPIS = {
    "service_level": ("summary", "service_level", "service_level"),
    "abandon_rate": ("summary", "abandon_rate", "p_abandon"),
    "asa": ("summary", "asa", "asa"),
    "occupancy": ("groups", "occupancy", "occupancy"),
}
FULL = dict(loads=[0.70, 0.74, 0.78, 0.82, 0.86, 0.90, 0.94, 0.98], replications=20, hours=50.0, warmup=1.0)
QUICK = dict(loads=[0.70, 0.84, 0.98], replications=3, hours=4.0, warmup=0.5)


def arrival_rate(load_per_agent: float) -> float:
    """Calls per hour that offer ``load_per_agent`` Erlangs to each of the agents."""
    return load_per_agent * AGENTS * 3600.0 / TALK


def scenario(load_per_agent: float, hours: float, warmup: float) -> dict:
    """The M/M/40+M queue at one load, run in steady state."""
    return {
        "name": f"erlang_a_{load_per_agent:.2f}",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": warmup},
        "call_types": {"calls": {
            "arrival_rate": arrival_rate(load_per_agent),
            "talk_time": {"kind": "exponential", "mean": TALK},
            "patience": {"kind": "exponential", "mean": PATIENCE},
            "route": [{"group": "agents"}],
        }},
        "groups": {"agents": {"headcount": AGENTS}},
        "kpi": {"sl_threshold": T, "short_abandon": 0},
    }


def theory(load_per_agent: float):
    return erlang_a_metrics(arrival_rate(load_per_agent) / 3600.0, TALK, AGENTS, PATIENCE, T)


def load_point(load_per_agent: float, replications: int, hours: float, warmup: float, seed: int) -> dict:
    """Simulated KPIs with their half-widths beside Erlang A, and whether each CI covers it."""
    rep = replicate(scenario(load_per_agent, hours, warmup), replications, seed=seed, crn=False, progress=False)
    tables = {"summary": rep.summary.set_index("call_type").loc["total"], "groups": rep.groups.iloc[0]}
    exact = theory(load_per_agent)
    row = {"load_per_agent": load_per_agent, "arrival_rate": arrival_rate(load_per_agent),
           "replications": rep.replications}
    for name, (table, column, attribute) in KPIS.items():
        sim, half, erlang = tables[table][column], tables[table][f"{column}_ci"], getattr(exact, attribute)
        row.update({name: sim, f"{name}_ci": half, f"{name}_erlang_a": erlang,
                    f"{name}_covered": bool(abs(sim - erlang) <= half)})
    return row


def study(loads, replications: int, hours: float, warmup: float, seed: int) -> pd.DataFrame:
    return pd.DataFrame([load_point(load, replications, hours, warmup, seed) for load in loads])


def _panel(ax, table: pd.DataFrame, kpi: str, label: str) -> None:
    """Simulated means with 95 % error bars over the Erlang A curve, in percent."""
    grid = np.linspace(table.load_per_agent.min() - 0.02, table.load_per_agent.max() + 0.02, 200)
    attribute = KPIS[kpi][2]
    ax.plot(100 * grid, [100 * getattr(theory(x), attribute) for x in grid], color="black", label="Erlang A")
    ax.errorbar(100 * table.load_per_agent, 100 * table[kpi], yerr=100 * table[f"{kpi}_ci"],
                fmt="o", color="C3", capsize=3, label="callsim, 95 % CI")
    ax.set_ylabel(f"{label} (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def _difference_panel(ax, table: pd.DataFrame, kpi: str) -> None:
    """Simulated minus Erlang A, in percentage points, with the simulation's 95 % error bars."""
    ax.errorbar(100 * table.load_per_agent, 100 * (table[kpi] - table[f"{kpi}_erlang_a"]),
                yerr=100 * table[f"{kpi}_ci"], fmt="o", color="C3", capsize=3)
    ax.axhline(0, color="black", linewidth=1)
    ax.set_ylabel("callsim - Erlang A (percentage points)")
    ax.set_xlabel("offered load per agent (%)")
    ax.grid(alpha=0.3)


def figure(table: pd.DataFrame, replications: int, hours: float):
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True)
    for column, (kpi, label) in enumerate([("service_level", f"answered within {T:g} s"),
                                           ("abandon_rate", "abandoned")]):
        _panel(axes[0, column], table, kpi, label)
        _difference_panel(axes[1, column], table, kpi)
    fig.suptitle(f"M/M/{AGENTS}+M (talk {TALK:g} s, patience {PATIENCE:g} s): callsim "
                 f"({replications} replications of {hours:g} h) against Erlang A")
    fig.tight_layout()
    return fig


def main(argv=None) -> None:
    args = common.arguments(__doc__.splitlines()[0], "3 load points, 3 short replications (smoke test)", "load point", argv)
    size = common.size(args, QUICK, FULL)
    table = study(size["loads"], size["replications"], size["hours"], size["warmup"], args.seed)
    fig = figure(table, size["replications"], size["hours"])
    common.write_and_print(table, fig, args.out, "erlang_a", "Erlang A", "load points", KPIS)


if __name__ == "__main__":
    main()
