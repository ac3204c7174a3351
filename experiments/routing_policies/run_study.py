"""Routing policies on the default day: does the choice of agent or of waiting call matter?

Two centers, both the day of ``configs/scenario/default.yaml`` (the same calls and agents):
  default_day      the scenario as shipped: every Hebrew route lists its specialist group first
                   and the bilingual group after a 10-15 s overflow delay
  bilingual_first  the routes list the cross-trained bilingual group first for every call type
                   it serves, the specialist group second, both at delay 0 (built in code)
Four alternatives on each center (only ``scenario.routing`` and one head start differ):
  default         agent_selection route_order,   call_selection priority_fifo (today's default)
  least_skilled   agent_selection least_skilled, call_selection priority_fifo
  head_start      agent_selection route_order,   call_selection priority_head_start, ``--head-start``
                  seconds for ``--head-start-type`` (default: 30 s for retail, see the README)
  both            least_skilled and the head start
All eight run the same replications (common random numbers: replication i of every alternative
receives the very same calls); each is compared with its center's default, replication by replication.

    python experiments/routing_policies/run_study.py [--quick] [--out DIR] [--replications 30] [--seed 1]
                                                     [--head-start-type retail] [--head-start 30]

Writes to ``--out`` (default ``results/studies/routing_policies/``), means with 95 % half-widths,
every table with a ``center`` column first:
  call_types.csv          per alternative and call type: arrived, answered, service level, ASA, abandonment
  groups.csv              per alternative and group: answered, occupancy
  differences.csv         alternative minus its center's default, paired: SL, ASA, abandonment per call type
  group_differences.csv   alternative minus its center's default, paired: answered and occupancy per group
  routing_policies.png    SL by call type and occupancy by group, one bar per alternative, one row per center
``--quick`` (for the smoke test): 3 replications.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Dict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.experiments.replications import Replicated, difference, half_width, replicate  # noqa: E402
from sim.simulate import load_scenario_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "configs" / "scenario" / "default.yaml"
DEFAULT = "default"
FLEXIBLE = "bilingual"  # the cross-trained group the bilingual_first center routes to first
CALL_KPIS = ["service_level", "asa", "abandon_rate"]
GROUP_KPIS = ["answered", "occupancy"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 replications (smoke test)")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "routing_policies")
    parser.add_argument("--replications", type=int, default=30, help="days per alternative")
    parser.add_argument("--seed", type=int, default=1, help="run seed of the replications")
    parser.add_argument("--head-start-type", default="retail", help="call type given a head start")
    parser.add_argument("--head-start", type=float, default=30.0, help="its head start in seconds")
    return parser.parse_args()


def bilingual_first(scenario: dict) -> dict:
    """The same day, with ``FLEXIBLE`` first in every route that lists it and the route's other
    groups after it in their order, every step at delay 0: no overflow wait, only a preference."""
    center = copy.deepcopy(scenario)
    for call_type in center["call_types"].values():
        groups = [step["group"] for step in call_type["route"]]
        if FLEXIBLE in groups:
            order = [FLEXIBLE] + [g for g in groups if g != FLEXIBLE]
            call_type["route"] = [{"group": g, "delay": 0} for g in order]
    return center


def alternatives(scenario: dict, head_start_type: str, head_start: float) -> Dict[str, dict]:
    """The four alternatives: the scenario with its routing (and one head start) changed."""
    def variant(agent_selection: str, call_selection: str) -> dict:
        alt = copy.deepcopy(scenario)
        alt["routing"] = {"agent_selection": agent_selection, "call_selection": call_selection}
        if call_selection == "priority_head_start":
            alt["call_types"][head_start_type]["head_start"] = head_start
        return alt

    return {DEFAULT: variant("route_order", "priority_fifo"),
            "least_skilled": variant("least_skilled", "priority_fifo"),
            "head_start": variant("route_order", "priority_head_start"),
            "both": variant("least_skilled", "priority_head_start")}


def check_same_calls(runs: Dict[str, Dict[str, Replicated]]) -> None:
    """Common random numbers: every alternative of every center has the same arrivals per call
    type in every replication."""
    arrived = [r.per_replication[["replication", "call_type", "arrived"]].reset_index(drop=True)
               for reps in runs.values() for r in reps.values()]
    if any(not a.equals(arrived[0]) for a in arrived[1:]):
        raise SystemExit("the alternatives did not receive the same calls")


def with_ci(table: pd.DataFrame, key: str, kpis) -> pd.DataFrame:
    return table[[key] + [c for kpi in kpis for c in (kpi, f"{kpi}_ci")]]


def stacked(tables: Dict[str, pd.DataFrame], column: str = "alternative") -> pd.DataFrame:
    """The tables one under the other, with a ``column`` (alternative, center) first naming each."""
    return pd.concat([t.assign(**{column: name}) for name, t in tables.items()], ignore_index=True)[
        [column] + list(next(iter(tables.values())).columns)]


def call_type_table(reps: Dict[str, Replicated]) -> pd.DataFrame:
    return stacked({name: with_ci(r.summary, "call_type", ["arrived", "answered"] + CALL_KPIS)
                    for name, r in reps.items()})


def group_table(reps: Dict[str, Replicated]) -> pd.DataFrame:
    return stacked({name: with_ci(r.groups, "group", GROUP_KPIS) for name, r in reps.items()})


def significant(mean: float, half: float) -> bool:
    return bool(abs(mean) > half) if np.isfinite(half) else bool(mean != 0)


def call_differences(reps: Dict[str, Replicated]) -> pd.DataFrame:
    """Alternative minus default for every call-type KPI, paired replication by replication."""
    base, rows = reps[DEFAULT], []
    for name, rep in reps.items():
        if name == DEFAULT:
            continue
        for call_type in rep.summary.call_type:
            for kpi in CALL_KPIS:
                mean, half, pairs = difference(base, rep, kpi, call_type)
                rows.append({"alternative": name, "call_type": call_type, "kpi": kpi, "difference": mean,
                             "ci": half, "pairs": pairs, "significant": significant(mean, half)})
    return pd.DataFrame(rows)


def group_differences(reps: Dict[str, Replicated]) -> pd.DataFrame:
    """Alternative minus default for every group KPI, paired replication by replication
    (``difference`` covers the summary table only)."""
    def values(rep: Replicated, kpi: str) -> pd.DataFrame:  # replications x groups
        return pd.DataFrame([run.groups.set_index("group")[kpi] for run in rep.runs])

    base, rows = reps[DEFAULT], []
    for name, rep in reps.items():
        if name == DEFAULT:
            continue
        for kpi in GROUP_KPIS:
            deltas = values(rep, kpi) - values(base, kpi)
            for group in deltas.columns:
                d = deltas[group].dropna().to_numpy()
                mean, half = d.mean(), float(half_width(d.std(ddof=1), len(d), 0.95)) if len(d) > 1 else np.nan
                rows.append({"alternative": name, "group": group, "kpi": kpi, "difference": mean,
                             "ci": half, "pairs": len(d), "significant": significant(mean, half)})
    return pd.DataFrame(rows)


def bars(ax, table: pd.DataFrame, key: str, kpi: str, scale: float) -> None:
    """Grouped bars: one cluster per ``key`` value, one bar per alternative, 95 % CI error bars."""
    names, keys = list(dict.fromkeys(table.alternative)), list(dict.fromkeys(table[key]))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        rows = table[table.alternative == name].set_index(key).loc[keys]
        x = np.arange(len(keys)) + (i - (len(names) - 1) / 2) * width
        ax.bar(x, rows[kpi] * scale, width, yerr=rows[f"{kpi}_ci"] * scale, capsize=3, label=name)
    ax.set_xticks(np.arange(len(keys)), keys)


def plot(calls: pd.DataFrame, groups: pd.DataFrame, target: float, title: str, path: Path) -> None:
    """One row per center: SL by call type (left), occupancy by group (right)."""
    centers = list(dict.fromkeys(calls.center))
    fig, axes = plt.subplots(len(centers), 2, figsize=(13, 4.3 * len(centers)), squeeze=False,
                             gridspec_kw={"width_ratios": [5, 4]})
    low = min(50, 10 * np.floor(((calls.service_level - calls.service_level_ci) * 10).min()))
    for (left, right), center in zip(axes, centers):
        bars(left, calls[calls.center == center], "call_type", "service_level", 100)
        left.axhline(target * 100, color="black", lw=1, ls="--", label=f"target {target:.0%}")
        left.set(ylabel="answered within 20 s (% of offered)", title=f"{center}: service level by call type",
                 ylim=(low, 102))
        left.legend(loc="lower left", ncol=5, fontsize=8)
        bars(right, groups[groups.center == center], "group", "occupancy", 100)
        right.set(ylabel="busy ÷ staffed time (%)", title=f"{center}: occupancy by group", ylim=(0, 100))
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(calls, groups, call_diffs, group_diffs) -> None:
    def show(title: str, table: pd.DataFrame) -> None:
        print(f"{title}\n{table.round(4).to_string(index=False)}\n")

    show("per call type (mean, 95 % half-width)", calls)
    show("per group (mean, 95 % half-width)", groups)
    show("alternative minus its center's default, per call type (paired)", call_diffs)
    show("alternative minus its center's default, per group (paired)", group_diffs)


def main() -> None:
    args = parse_args()
    replications = 3 if args.quick else args.replications
    args.out.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario_file(SCENARIO)
    centers = {"default_day": scenario, "bilingual_first": bilingual_first(scenario)}
    runs = {center: {name: replicate(alt, replications, seed=args.seed, crn=True, progress=False)
                     for name, alt in alternatives(day, args.head_start_type, args.head_start).items()}
            for center, day in centers.items()}
    check_same_calls(runs)
    tables = {name: stacked({center: build(reps) for center, reps in runs.items()}, "center")
              for name, build in (("call_types", call_type_table), ("groups", group_table),
                                  ("differences", call_differences), ("group_differences", group_differences))}
    for name, table in tables.items():
        table.to_csv(args.out / f"{name}.csv", index=False)
    plot(tables["call_types"], tables["groups"], scenario["kpi"]["sl_target"],
         f"Routing policies on two centers of the default day: {replications} days each, the same calls, 95 % CIs "
         f"(head start: {args.head_start:g} s for {args.head_start_type})", args.out / "routing_policies.png")
    print(f"{replications} days per alternative and center (common random numbers: the same calls in all)\n")
    report(*tables.values())
    print(f"outputs in {args.out}")


if __name__ == "__main__":
    main()
