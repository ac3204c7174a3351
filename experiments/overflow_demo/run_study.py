"""Overflow demo for trainers (issue 4): a spike floods the support queue; does letting support
calls overflow to the billing team after a delay help, and what does it cost billing?

Two alternatives of ``scenario.yaml`` (two teams, a 3x support spike at 11:00-12:00):
  no overflow   each call type is served by its own team only;
  overflow      support calls may also go to the billing team after waiting ``--delay`` seconds.
Both run with the same seeds (common random numbers), so they see the very same calls.

    python experiments/overflow_demo/run_study.py [--quick] [--out DIR] [--replications N] [--seed S] [--delay SECONDS]

Writes to ``--out`` (default ``results/studies/overflow_demo/``):
  overflow_demo.gif        the animated day (seed ``--seed``): queues and agents, both alternatives
  day_kpis.png             that day per 15 min: queue, service level, abandonment, team occupancy
  day_totals.csv           that day's KPIs per call type; day_intervals.csv per interval
and, unless ``--quick``, over ``--replications`` days (mean and 95 % confidence half-width):
  day_kpis_mean.png        the per-interval KPIs averaged over the days, with 95 % bands
  replicated_totals.csv    day KPIs per alternative and call type
  differences.csv          overflow minus no overflow, paired day by day
  spike_and_rest.csv       service level, abandonment and queue in the spike hour and the rest of the day
``--quick`` (for the smoke test): no replications and an animation frame every 10 minutes.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Dict

import numpy as np
import pandas as pd

from day_plots import plot_day
from queue_animation import day_state, save_animation
from sim import simulate
from sim.experiments.replications import difference, replicate
from sim.simulate import load_scenario_file

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FLOODED, HELPER = "support", "billing_team"  # the call type that is flooded, the team it overflows to
OVERFLOW = f"{FLOODED} to the {HELPER.replace('_', ' ')}"
TOTAL_KPIS = ["arrived", "offered", "answered", "abandoned", "service_level", "abandon_rate", "asa",
              "avg_queue", "max_queue"]
COMPARED_KPIS = ["service_level", "abandon_rate", "asa", "avg_queue"]
FPS = 10  # animation frames per second of playback


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="seconds: no replications, coarse animation")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "overflow_demo")
    parser.add_argument("--replications", type=int, default=20, help="days for the confidence intervals")
    parser.add_argument("--seed", type=int, default=1, help="seed of the animated day and of the replications")
    parser.add_argument("--delay", type=float, default=30.0, help="seconds a support call waits before overflow")
    return parser.parse_args()


def alternatives(scenario: dict, delay: float) -> Dict[str, dict]:
    """The base scenario and the same with the flooded type's overflow step added."""
    overflow = copy.deepcopy(scenario)
    overflow["call_types"][FLOODED]["route"].append({"group": HELPER, "delay": delay})
    return {"no overflow": scenario, "overflow": overflow}


def teams(scenario: dict):
    """(call type, its first group) pairs, in the scenario's order."""
    return [(name, spec["route"][0]["group"]) for name, spec in scenario["call_types"].items()]


def spike_intervals(scenario: dict) -> np.ndarray:
    """The intervals in which the flooded type has more than 1.5x its median volume."""
    volumes = np.asarray(scenario["call_types"][FLOODED]["volumes"], float)
    return np.flatnonzero(volumes > 1.5 * np.median(volumes))


def spike_hours(scenario: dict):
    """(start, end) clock hours of the spike."""
    spiked = spike_intervals(scenario)
    start_h, step_h = day_start_hours(scenario), scenario["horizon"]["interval_minutes"] / 60
    return start_h + spiked[0] * step_h, start_h + (spiked[-1] + 1) * step_h


def day_start_hours(scenario: dict) -> float:
    hours, minutes = scenario["horizon"]["day_start"].split(":")
    return int(hours) + int(minutes) / 60


def clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_same_calls(days) -> int:
    """Common random numbers: every alternative received exactly the same calls. Returns their number."""
    calls = [sorted(zip(r.calls.call_type.astype(str), r.calls.arrival)) for r in days.values()]
    if any(other != calls[0] for other in calls[1:]):
        raise SystemExit("the alternatives did not receive the same calls")
    return len(calls[0])


def stacked(tables: Dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The tables of the alternatives, one under the other, with an ``alternative`` column first."""
    return pd.concat([t.assign(alternative=name) for name, t in tables.items()], ignore_index=True)[
        ["alternative"] + list(next(iter(tables.values())).columns)]


def differences(reps) -> pd.DataFrame:
    """overflow minus no overflow for every compared KPI and call type, paired day by day."""
    rows = []
    for call_type in [t.name for t in reps["no overflow"].scenario.call_types] + ["total"]:
        for kpi in COMPARED_KPIS:
            mean, half, pairs = difference(reps["no overflow"], reps["overflow"], kpi, call_type)
            rows.append({"call_type": call_type, "kpi": kpi, "difference": mean, "ci": half, "pairs": pairs})
    return pd.DataFrame(rows)


def spike_and_rest(intervals: pd.DataFrame, scenario: dict) -> pd.DataFrame:
    """Service level, abandonment and queue of the calls arriving in the spike and in the rest of
    the day, from the (mean) counts per interval."""
    start, end = spike_hours(scenario)
    in_spike = intervals.interval.isin(spike_intervals(scenario))
    period = np.where(in_spike, f"spike {clock(start)}-{clock(end)}", "rest of day")
    sums = intervals.assign(period=period).groupby(["alternative", "call_type", "period"], sort=False).agg(
        offered=("offered", "sum"), within_T=("answered_within_T", "sum"), abandoned=("abandoned", "sum"),
        avg_queue=("avg_queue", "mean"))
    return pd.DataFrame({"offered": sums.offered, "service_level": sums.within_T / sums.offered,
                         "abandon_rate": sums.abandoned / sums.offered, "avg_queue": sums.avg_queue}).reset_index()


def run_day(alts: Dict[str, dict], args, scenario: dict) -> None:
    """Simulate one day per alternative, write its tables, plot and animation, print its totals."""
    days = {name: simulate(alt, seed=args.seed, records=True) for name, alt in alts.items()}
    n_calls = check_same_calls(days)
    totals = stacked({name: r.summary[["call_type"] + TOTAL_KPIS] for name, r in days.items()})
    totals.to_csv(args.out / "day_totals.csv", index=False)
    intervals = stacked({name: r.intervals for name, r in days.items()})
    intervals.to_csv(args.out / "day_intervals.csv", index=False)
    plot_day(intervals, stacked({name: r.group_intervals for name, r in days.items()}), teams(scenario),
             spike_hours(scenario), scenario["horizon"]["interval_minutes"], scenario["kpi"]["sl_target"],
             f"One day (seed {args.seed}): the same {n_calls} calls, without and with overflow of {OVERFLOW} "
             f"after {args.delay:g} s", args.out / "day_kpis.png")
    print(f"One day, seed {args.seed}: both alternatives received the same {n_calls} calls")
    print(totals.round(3).to_string(index=False), end="\n\n")
    animate(days, args, scenario)


def animate(days, args, scenario: dict) -> None:
    horizon = scenario["horizon"]
    frame_minutes = 10 if args.quick else 2
    times = np.arange(0, horizon["intervals"] * horizon["interval_minutes"] * 60 + 1, frame_minutes * 60.0)
    titles = {"no overflow": "No overflow", "overflow": f"Overflow: {FLOODED} → {HELPER.replace('_', ' ')} "
                                                        f"after {args.delay:g} s"}
    states = {titles[name]: day_state(r, times) for name, r in days.items()}
    volumes = {name: np.asarray(spec["volumes"], float) for name, spec in scenario["call_types"].items()}
    path = args.out / "overflow_demo.gif"
    frames = save_animation(states, teams(scenario), volumes, day_start_hours(scenario),
                            horizon["interval_minutes"] / 60, path, fps=FPS, hold_seconds=1 if args.quick else 3)
    print(f"animation: a frame every {frame_minutes} simulated minutes, {frames / FPS:.0f} s of playback, "
          f"{path.stat().st_size / 1e6:.1f} MB\n")


def run_replications(alts: Dict[str, dict], args, scenario: dict) -> None:
    """Replicate each alternative over the same days; write and print means, CIs and differences."""
    reps = {name: replicate(alt, args.replications, seed=args.seed, crn=True, progress=False)
            for name, alt in alts.items()}
    ci_columns = [c for kpi in TOTAL_KPIS for c in (kpi, f"{kpi}_ci")]
    totals = stacked({name: r.summary[["call_type"] + ci_columns + ["replications"]] for name, r in reps.items()})
    totals.to_csv(args.out / "replicated_totals.csv", index=False)
    diffs = differences(reps)
    diffs.to_csv(args.out / "differences.csv", index=False)
    intervals = stacked({name: r.intervals for name, r in reps.items()})
    periods = spike_and_rest(intervals, scenario)
    periods.to_csv(args.out / "spike_and_rest.csv", index=False)
    plot_day(intervals, stacked({name: r.group_intervals for name, r in reps.items()}), teams(scenario),
             spike_hours(scenario), scenario["horizon"]["interval_minutes"], scenario["kpi"]["sl_target"],
             f"Mean of {args.replications} days (95 % bands), without and with overflow of {OVERFLOW} "
             f"after {args.delay:g} s", args.out / "day_kpis_mean.png")
    print(f"{args.replications} days per alternative (common random numbers), mean and 95 % half-width")
    shown = ["arrived"] + [c for kpi in COMPARED_KPIS for c in (kpi, f"{kpi}_ci")]
    print(totals[["alternative", "call_type"] + shown].round(3).to_string(index=False))
    print("\noverflow minus no overflow, paired day by day")
    print(diffs.round(4).to_string(index=False))
    print("\ncalls arriving in the spike and in the rest of the day (from the mean counts per interval)")
    print(periods.round(3).to_string(index=False))


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario_file(HERE / "scenario.yaml")
    alts = alternatives(scenario, args.delay)
    run_day(alts, args, scenario)
    if not args.quick:
        run_replications(alts, args, scenario)
    print(f"outputs in {args.out}")


if __name__ == "__main__":
    main()
