"""Shift scheduling benchmark: the size and solve time of the shift MILP on the default day.

Requirements: the default scenario's retail queue on its first-choice group (retail_team; or
``--group``: the call type whose first choice it is): per 30-min interval, the Erlang A agents
on the phones for 80 % answered within 20 s (sim.analytic.required_agents: arrival rate =
volume / 0.5 h, mean handle time = talk + wrap-up means, the fitted mean patience). Shifts:
starts 07:00 to 20:00 every 30 min, lengths 4, 6, 8 and 9 h, two 15-min paid breaks (windows
60-120 and 150-225 min after the start) and, for shifts of 6 h or more, a 30-min unpaid lunch
(window 150-270 min), breaks every ``--break-step`` minutes; cost 30 per paid hour.

    python experiments/shift_scheduling/shift_scheduling.py [--repeat N] [--break-step MINUTES]
        [--group NAME] [--time-limit SECONDS]

Prints the requirements, the problem's size (patterns enumerated, distinct patterns, intervals),
the best of N wall-clock times (in all, and the solver's three steps alone), the solver's status, the
roster and its paid hours against the required agent-hours; writes the roster to
``results/studies/shift_scheduling/roster.csv``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analytic import required_agents
from sim.planning.shift_scheduling import roster_rows, schedule

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "configs" / "scenario" / "default.yaml"
OUT = REPO / "results" / "studies" / "shift_scheduling"


def requirements(group: str):
    """(agents on the phones per interval, interval minutes, day start in s) for ``group``: the
    call type whose first choice it is (one per group in the default scenario) by Erlang A."""
    cfg = OmegaConf.load(SCENARIO)
    (kind,) = [c for c in cfg.call_types.values() if c.route[0].group == group]
    minutes = cfg.horizon.interval_minutes
    handle = kind.talk_time.mean + kind.wrapup_time.mean
    target, threshold = cfg.kpi.sl_target, cfg.kpi.sl_threshold
    hours, mins = map(int, cfg.horizon.day_start.split(":"))
    required = [required_agents(v / (minutes / 60) / 3600, handle, threshold, target, kind.patience.mean) if v > 0 else 0
                for v in kind.volumes]
    return required, minutes, hours * 3600 + mins * 60


def rules(break_step: float, time_limit: float = 20.0) -> dict:
    return {"time_limit_seconds": time_limit, "start_earliest": "07:00", "start_latest": "20:00",
            "lengths_hours": [4, 6, 8, 9], "break_step_minutes": break_step,
            "breaks": [{"name": "break", "minutes": 15, "earliest_after": 60, "latest_after": 120},
                       {"name": "break", "minutes": 15, "earliest_after": 150, "latest_after": 225},
                       {"name": "lunch", "minutes": 30, "earliest_after": 150, "latest_after": 270, "paid": False,
                        "min_shift_hours": 6}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is shown)")
    parser.add_argument("--break-step", type=float, default=15.0, help="minutes between allowed break starts")
    parser.add_argument("--time-limit", type=float, default=20.0, help="the solver's time limit, s")
    parser.add_argument("--group", default="retail_team", help="retail_team, sales_team, stocks_team or bilingual")
    args = parser.parse_args()
    required, minutes, day_start = requirements(args.group)
    print(f"{args.group} requirements (agents on the phones, {len(required)} x {minutes:g} min from 07:00):")
    print(" ".join(map(str, required)), f"= {sum(required) * minutes / 60:g} agent-hours")
    best_total = best_solve = float("inf")
    for _ in range(args.repeat):
        began = time.perf_counter()
        result = schedule(required, minutes, day_start, rules(args.break_step, args.time_limit), cost_per_hour=30.0)
        best_total = min(best_total, time.perf_counter() - began)
        best_solve = min(best_solve, result.solve_seconds)
    print(f"patterns: {result.patterns_enumerated:,} enumerated, {result.patterns:,} distinct; "
          f"{len(required)} intervals; integer variables {result.patterns:,}, constraints {len(required)}")
    print(f"best of {args.repeat}: {best_total:.2f} s in all, solver {best_solve:.2f} s; status {result.status}")
    rows = pd.DataFrame(roster_rows(result, args.group))
    print(rows.to_string(index=False))
    print(f"{result.agents} agents, {result.paid_hours:g} paid hours (cost {result.cost:g}) for "
          f"{sum(required) * minutes / 60:g} required agent-hours; on the phones "
          f"{sum(result.coverage) * minutes / 60:g} h; under-covered intervals: {list(result.under_covered)}")
    OUT.mkdir(parents=True, exist_ok=True)
    rows.to_csv(OUT / "roster.csv", index=False)


if __name__ == "__main__":
    main()
