"""Validation study: does callsim reproduce the threshold model of call blending?

Question: for a pool of agents who serve inbound calls first and work an outbound campaign with
an endless list while more than k of them are idle (Bhulai & Koole 2003), do the simulated inbound
service level, ASA, occupancy and outbound calls per hour agree with the exact Markov model
(:mod:`sim.analytic_blending`) across loads and thresholds?

Model: 10 agents; inbound Poisson, talk exponential with mean 240 s, no abandonment, T = 20 s;
outbound: every dial reaches the right party at once (no ring time), talk exponential with mean
300 s, no wrap-up, progressive dialling with one line per free agent. The inbound load per agent
runs over 50 %, 70 %, 85 % and 95 % and the threshold k over 0, 1, 2 and 4. Each point is
simulated as independent replications of a steady-state horizon after a warm-up (the center
starts empty); every KPI is the mean over the replications with its 95 % Student t half-width
(sim.kpi.theory.compare_replications over each run's own comparison). Points use independent
random numbers, so whether one interval covers the model says nothing about the next.

Run from the repository root::

    python experiments/validation/blending.py [--quick] [--out DIR] [--replications N] [--seed S]

Writes ``blending.csv`` (one row per load and threshold) and ``blending.png`` to ``--out``
(default ``results/studies/validation/``) and prints the table and the coverage count.
"""

from __future__ import annotations


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import common  # noqa: E402  (experiments/validation/common.py: run as a script, its folder is on the path)

from sim import simulate  # noqa: E402
from sim.analytic import blending_metrics  # noqa: E402
from sim.experiments.replications import replication_seeds  # noqa: E402
from sim.kpi.theory import compare_replications  # noqa: E402

AGENTS, TALK, OUTBOUND_TALK, T = 10, 240.0, 300.0, 20.0  # agents, seconds, seconds, seconds
KPIS = ("service_level", "asa", "occupancy", "outbound_per_hour")
FULL = dict(loads=[0.50, 0.70, 0.85, 0.95], thresholds=[0, 1, 2, 4], replications=20, hours=100.0, warmup=10.0)
QUICK = dict(loads=[0.50, 0.85], thresholds=[0, 2], replications=3, hours=10.0, warmup=1.0)


def arrival_rate(load_per_agent: float) -> float:
    """Inbound calls per hour that offer ``load_per_agent`` erlangs to each agent."""
    return load_per_agent * AGENTS * 3600.0 / TALK


def scenario(load_per_agent: float, threshold: int, hours: float, warmup: float) -> dict:
    """The blended pool at one load and threshold, run in steady state."""
    return {
        "name": f"blending_{load_per_agent:.2f}_k{threshold}",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": warmup},
        "call_types": {"calls": {"arrival_rate": arrival_rate(load_per_agent),
                                 "talk_time": {"kind": "exponential", "mean": TALK}, "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": AGENTS}},
        "kpi": {"sl_threshold": T, "short_abandon": 0},
        "campaigns": {"campaign": {
            "groups": ["agents"], "list_size": None, "dialler": {"mode": "progressive", "calls_per_agent": 1},
            "outcomes": {"right_party": 1, "wrong_party": 0, "busy": 0, "no_answer": 0, "machine": 0},
            "ring_time": None, "talk_time": {"kind": "exponential", "mean": OUTBOUND_TALK}, "wrapup_time": None}},
        "blending": {"policy": "threshold", "threshold": threshold},
    }


def model(load_per_agent: float, threshold: int):
    return blending_metrics(arrival_rate(load_per_agent) / 3600.0, TALK, OUTBOUND_TALK, AGENTS, threshold, T)


def point(number: int, load: float, threshold: int, replications: int, hours: float, warmup: float,
          seed: int) -> dict:
    """One load and threshold: the replications' means and 95 % half-widths beside the model."""
    data = scenario(load, threshold, hours, warmup)
    seeds = replication_seeds(seed, replications, key=number)  # independent of the other points
    runs = [simulate(data, seed=s, engine="auto", records=False) for s in seeds]
    table = compare_replications([run.theory for run in runs]).set_index("metric")
    assert table.attrs["model"] == "blending_threshold", "the scenario should be the blending model"
    row = {"load_per_agent": load, "threshold": threshold, "arrival_rate": arrival_rate(load),
           "replications": replications}
    for kpi in KPIS:
        sim, half, exact = table.simulated[kpi], table.ci95[kpi], table.theory[kpi]
        row.update({kpi: sim, f"{kpi}_ci": half, f"{kpi}_model": exact, f"{kpi}_covered": bool(table.within_ci[kpi])})
    return row


def study(loads, thresholds, replications: int, hours: float, warmup: float, seed: int) -> pd.DataFrame:
    grid = [(load, k) for load in loads for k in thresholds]
    return pd.DataFrame([point(n, load, k, replications, hours, warmup, seed) for n, (load, k) in enumerate(grid)])


def figure(table: pd.DataFrame, replications: int, hours: float):
    """Service level and outbound calls per hour against the threshold, one line per load: the
    model's values joined, callsim's means with 95 % error bars."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    panels = [("service_level", f"inbound answered within {T:g} s (%)", 100.0),
              ("outbound_per_hour", "outbound calls per hour", 1.0)]
    for ax, (kpi, label, scale) in zip(axes, panels):
        for n, (load, rows) in enumerate(table.groupby("load_per_agent")):
            ax.plot(rows.threshold, scale * rows[f"{kpi}_model"], color=f"C{n}", label=f"model, load {load:.0%}")
            ax.errorbar(rows.threshold, scale * rows[kpi], yerr=scale * rows[f"{kpi}_ci"], fmt="o", color=f"C{n}",
                        capsize=3)
        ax.set_xlabel("threshold k (agents held back for inbound)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"Blended pool of {AGENTS} (inbound talk {TALK:g} s, outbound {OUTBOUND_TALK:g} s): callsim "
                 f"({replications} replications of {hours:g} h, points) against the threshold model (lines)")
    fig.tight_layout()
    return fig


def main(argv=None) -> None:
    args = common.arguments(__doc__.splitlines()[0], "2 loads x 2 thresholds, 3 short replications", "point", argv)
    size = common.size(args, QUICK, FULL)
    table = study(size["loads"], size["thresholds"], size["replications"], size["hours"], size["warmup"], args.seed)
    fig = figure(table, size["replications"], size["hours"])
    common.write_and_print(table, fig, args.out, "blending", "the model", "points", KPIS)


if __name__ == "__main__":
    main()
