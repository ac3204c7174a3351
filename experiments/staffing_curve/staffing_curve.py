"""Staffing-curve study: how many agents does the default day need?

Question: the ``default`` scenario (one weekday of a four-group bank center, 53 agents on
shifts) answers about 86 % of calls within 20 s. What is the smallest headcount, with the same
shift pattern, that still meets 80 % in 20 s over the day, what does it cost, and how do service
level and abandonment move with headcount?

Method: the groups and their shifts are scaled by the common factor N / 53 for total
headcounts N from 40 to 70, rounded to whole agents in two steps, each by Sainte-Lague (Webster)
apportionment (agents are handed out one at a time, each to the share furthest below its
proportion): first N among the four groups in proportion to their 29 : 10 : 8 : 6 agents, then
each group's agents among its shifts in proportion to the shift counts. So the total is exactly
N, every group keeps its share and its shift shape as closely as whole agents allow, N = 53 gives
the scenario's own shifts back, and adding an agent never takes one away from any shift. Each
headcount runs 20 replications with common random numbers (replication i of every headcount
sees the very same calls), so the curve is smooth and differences between headcounts are
measured with little noise. Day-total KPIs count all calls of the day; ``intervals_below_target``
counts the half hours whose mean service level is below 80 %.

Run from the repository root::

    python experiments/staffing_curve/staffing_curve.py [--quick] [--out DIR] [--replications N] [--seed S]

Writes to ``--out`` (default ``results/studies/staffing_curve/``): ``staffing_curve.csv`` (one
row per headcount: agents per group, day-total KPIs, cost), ``per_call_type.csv`` (headcount x
call type), ``answers.csv`` (the smallest headcount meeting each target), ``service_level.png``
and ``abandon_rate.png``; prints the tables.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.kpi.tables import TOTAL  # noqa: E402
from sim.reports.plots import kpi_against  # noqa: E402
from sim.experiments.replications import half_width, replicate  # noqa: E402
from sim.simulate import load_scenario_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "configs" / "scenario" / "default.yaml"
FULL = dict(headcounts=range(40, 71), replications=20)
QUICK = dict(headcounts=[40, 53, 70], replications=3)
KPIS = ("service_level", "abandon_rate", "asa")


def apportion(weights: dict, total: int) -> dict:
    """``total`` whole agents shared in proportion to ``weights`` (Sainte-Lague: each next agent
    goes to the key with the largest weight / (2 * given + 1); ties to the first key)."""
    given = dict.fromkeys(weights, 0)
    for _ in range(total):
        best = max(weights, key=lambda k: weights[k] / (2 * given[k] + 1))
        given[best] += 1
    return given


def group_sizes(scenario: dict) -> dict:
    """{group: agents} of a shift-staffed scenario."""
    return {name: sum(s["count"] for s in g["shifts"].values()) for name, g in scenario["groups"].items()}


def staffed(base: dict, total: int) -> dict:
    """The base scenario with its groups, and each group's shifts, scaled to ``total`` agents."""
    scenario = copy.deepcopy(base)
    for name, agents in apportion(group_sizes(base), total).items():
        shifts = scenario["groups"][name]["shifts"]
        for shift, count in apportion({k: s["count"] for k, s in shifts.items()}, agents).items():
            shifts[shift]["count"] = count
    return scenario


def day_cost(rep) -> tuple:
    """Mean over the replications of the day's cost (all groups), with its half-width."""
    costs = np.array([run.groups.cost.sum() for run in rep.runs])
    return float(costs.mean()), float(half_width(costs.std(ddof=1), len(costs), rep.confidence))


def level(base: dict, total: int, replications: int, seed: int):
    """One headcount: (row of the staffing-curve table, per-call-type summary)."""
    scenario = staffed(base, total)
    rep = replicate(scenario, replications, seed=seed, crn=True, progress=False)
    summary = rep.summary.assign(headcount=total)
    day = summary.set_index("call_type").loc[TOTAL]
    target = base["kpi"]["sl_target"]
    intervals = rep.intervals[rep.intervals.call_type == TOTAL]
    cost, cost_ci = day_cost(rep)
    row = {"headcount": total, "factor": total / sum(group_sizes(base).values()), **group_sizes(scenario)}
    row.update({column: day[column] for kpi in KPIS for column in (kpi, f"{kpi}_ci")})
    row.update(intervals_below_target=int((intervals.service_level < target).sum()),
               paid_hours=float(rep.groups.paid_hours.sum()), cost=cost, cost_ci=cost_ci,
               replications=rep.replications)
    return row, summary[["headcount", "call_type"] + [c for kpi in KPIS for c in (kpi, f"{kpi}_ci")]]


def study(base: dict, headcounts, replications: int, seed: int):
    rows, per_type = zip(*(level(base, n, replications, seed) for n in headcounts))
    return pd.DataFrame(rows), pd.concat(per_type, ignore_index=True)


def criteria(kpi: dict) -> dict:
    """Staffing rules a planner may set, each a test on one row of the staffing curve."""
    sl, ab = kpi["sl_target"], kpi["abandon_target"]
    sl_name = f"{100 * sl:g} % in {kpi['sl_threshold']:g} s"
    return {
        f"day {sl_name} (mean)": lambda r: r.service_level >= sl,
        f"day {sl_name} (lower 95 % bound)": lambda r: r.service_level - r.service_level_ci >= sl,
        f"day abandonment <= {100 * ab:g} % (mean)": lambda r: r.abandon_rate <= ab,
        f"every half hour {sl_name} (mean)": lambda r: r.intervals_below_target == 0,
    }


def answers(curve: pd.DataFrame, kpi: dict) -> pd.DataFrame:
    """For each criterion, the row of the smallest headcount that meets it (NaN if none does)."""
    rows = []
    for name, meets in criteria(kpi).items():
        ok = curve[curve.apply(meets, axis=1)]
        rows.append(ok.iloc[0] if len(ok) else pd.Series(dtype=float))
    columns = ["headcount", "service_level", "service_level_ci", "abandon_rate", "abandon_rate_ci",
               "intervals_below_target", "cost", "cost_ci"]
    return pd.DataFrame(rows, columns=columns).assign(criterion=list(criteria(kpi))).set_index("criterion")


def figure(per_type: pd.DataFrame, kpi: str, target: float, label: str, answer: pd.Series, replications: int):
    """``kpi`` per call type and day total against headcount, with the target and the smallest
    headcount meeting the day's service-level target drawn."""
    fig = kpi_against(per_type, "headcount", kpi, series=["call_type"])
    ax = fig.axes[0]
    ax.axhline(100 * target, color="red", linestyle="--", label=f"target {100 * target:g} %")
    if not np.isnan(answer.headcount):
        ax.axvline(answer.headcount, color="grey", linestyle=":", label=f"{answer.name}: {answer.headcount:g} agents")
    ax.set_title(f"default day: {kpi.replace('_', ' ')} against headcount\n"
                 f"{replications} replications, the same calls at every headcount; 95 % bands", fontsize=10)
    ax.set_xlabel("total headcount (all groups and shifts scaled alike)")
    ax.set_ylabel(label)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 headcounts, 3 replications (smoke test)")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "staffing_curve")
    parser.add_argument("--replications", type=int, help="replications per headcount")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    base = load_scenario_file(SCENARIO)
    kpi = base["kpi"]

    replications = args.replications or size["replications"]
    curve, per_type = study(base, size["headcounts"], replications, args.seed)
    smallest = answers(curve, kpi)
    args.out.mkdir(parents=True, exist_ok=True)
    curve.to_csv(args.out / "staffing_curve.csv", index=False)
    per_type.to_csv(args.out / "per_call_type.csv", index=False)
    smallest.to_csv(args.out / "answers.csv")
    for name, target, label in [("service_level", kpi["sl_target"], f"answered within {kpi['sl_threshold']:g} s (%)"),
                                ("abandon_rate", kpi["abandon_target"], "abandoned (%)")]:
        fig = figure(per_type, name, target, label, smallest.iloc[0], replications)
        fig.savefig(args.out / f"{name}.png", dpi=120)
        plt.close(fig)

    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print(curve.round(4).to_string(index=False))
        print("\nsmallest headcount meeting each target:")
        print(smallest.round(4).to_string())
    print(f"\nwritten to {args.out}: staffing_curve.csv, per_call_type.csv, answers.csv, "
          "service_level.png, abandon_rate.png")


if __name__ == "__main__":
    main()
