"""How many tier-1 agents does the support desk need for 80 % answered within 20 s at its peak,
modelling the caller's journey or not, against Erlang C on the raw call volume?

Scenario: ``configs/scenario/support_desk.yaml`` at its peak half hour (73.7 calls, i.e. 147.4
calls per hour dialled to the support line) held steady: a steady-state run of ``--hours`` after
an hour's warm-up, tier 2 staffed generously (so that escalations never wait on tier 2 for
long and only tier 1 is sized). Alternatives, each simulated for every tier-1 headcount in a range
with the same replication seeds (common random numbers):

  raw        no IVR menu, no redials, no escalation, no callbacks: every call dialled queues for
             tier 1 (the queue Erlang A describes);
  ivr        + the IVR menu: 20 % self-served, 5 % hang up, the rest queue after a minute;
  redials    + redials: 49 % of abandoned callers call again (mean delay 875 s), at most 3 attempts;
  escalation ivr + escalation: 15 % of answered calls go to tier 2 after a consult (mean 60 s)
             during which the tier-1 agent stays busy;
  journey    the whole journey of the scenario (IVR, redials, escalation, callbacks), if the
             engines combine these features (else the line says why not).

The service level is tier 1's (call type ``support``): answered within 20 s over offered, per
attempt (a redial is offered again). Beside them, Erlang C and Erlang A (sim.analytic) on the raw
volume: 147.4 calls per hour, mean handle time 324 s (talk 294 + wrap-up 30), mean patience 451 s.

Run from the repository root::

    python experiments/support_desk/tier1_study.py [--replications 30] [--hours 8] [--quick]

Prints, per alternative, the service level (mean and 95 % half-width) at each headcount tried and
the fewest agents whose mean reaches 80 %; writes ``tier1.csv`` to ``--out`` (default
``results/studies/support_desk/``).
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import pandas as pd

from sim.analytic import erlang_a_metrics, required_agents
from sim.errors import ConfigError
from sim.experiments.replications import replicate
from sim.simulate import load_scenario_file

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "configs" / "scenario" / "support_desk.yaml"
PEAK_PER_HOUR = 2 * 73.7  # the scenario's busiest half hour, per hour
TALK, WRAPUP, PATIENCE = 294.0, 30.0, 451.0
THRESHOLD, TARGET = 20.0, 0.8
JOURNEY_PARTS = ("ivr", "redial", "transfer", "callback")
ALTERNATIVES = {"raw": (), "ivr": ("ivr",), "redials": ("ivr", "redial"), "escalation": ("ivr", "transfer"),
                "journey": JOURNEY_PARTS}


def peak_scenario(parts, tier1: int, hours: float, source=SCENARIO) -> dict:
    """The support desk at its peak, steady, with only the journey ``parts`` kept, tier 1 = ``tier1``."""
    data = copy.deepcopy(load_scenario_file(source))
    data["horizon"] = {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": 1}
    support = data["call_types"]["support"]
    support.pop("volumes")
    support["arrival_rate"] = PEAK_PER_HOUR
    for part in JOURNEY_PARTS:
        if part not in parts:
            support.pop(part, None)
    data["groups"] = {"tier1": {"headcount": tier1}, "tier2": {"headcount": 40}}
    return data


def service_levels(parts, headcounts, replications: int, hours: float, source=SCENARIO) -> pd.DataFrame:
    """Tier 1's service level per headcount (mean and half-width over the replications)."""
    rows = []
    for c in headcounts:
        summary = replicate(peak_scenario(parts, c, hours, source), replications, seed=1, engine="fast", progress=False).summary
        row = summary[summary["call_type"] == "support"].iloc[0]
        rows.append({"tier1": c, "service_level": row["service_level"], "ci": row["service_level_ci"],
                     "offered_per_hour": row["offered"] / hours, "abandon_rate": row["abandon_rate"]})
    return pd.DataFrame(rows)


def fewest(table: pd.DataFrame) -> int:
    """The fewest agents whose mean service level reaches the target (-1: none tried does)."""
    met = table[table["service_level"] >= TARGET]
    return int(met["tier1"].min()) if len(met) else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true", help="5 replications of 2 hours (smoke test)")
    parser.add_argument("--scenario", type=Path, default=SCENARIO, help="the support desk's scenario file")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "support_desk")
    args = parser.parse_args()
    replications, hours = (5, 2.0) if args.quick else (args.replications, args.hours)
    rate, handle = PEAK_PER_HOUR / 3600, TALK + WRAPUP
    erlang_c = required_agents(rate, handle, THRESHOLD, TARGET)
    erlang_a = required_agents(rate, handle, THRESHOLD, TARGET, PATIENCE)
    print(f"raw volume {PEAK_PER_HOUR:.1f} calls/h, handle {handle:.0f} s ({rate * handle:.2f} Erlangs): "
          f"Erlang C needs {erlang_c} agents, Erlang A {erlang_a}")
    headcounts = range(max(erlang_a - 8, 1), erlang_c + 3)
    results, needed = [], {"Erlang C (raw volume)": erlang_c, "Erlang A (raw volume)": erlang_a}
    for name, parts in ALTERNATIVES.items():
        try:
            table = service_levels(parts, headcounts, replications, hours, args.scenario)
        except ConfigError as error:
            print(f"{name:10s} not run: {error}")
            continue
        if name == "raw":  # the yardstick: Erlang A's service level at each headcount
            table["erlang_a"] = [erlang_a_metrics(rate, handle, c, PATIENCE, THRESHOLD).service_level
                                 for c in table["tier1"]]
        table.insert(0, "alternative", name)
        results.append(table)
        needed[name] = fewest(table)
        shown = ", ".join(f"{c}: {sl:.3f}±{ci:.3f}" for c, sl, ci in zip(table["tier1"], table["service_level"],
                                                                         table["ci"]))
        print(f"{name:10s} needs {needed[name]:3d}  ({shown})")
    args.out.mkdir(parents=True, exist_ok=True)
    pd.concat(results).to_csv(args.out / "tier1.csv", index=False)
    print("tier-1 agents for 80 % in 20 s at the peak: " + "; ".join(f"{k} {v}" for k, v in needed.items()))


if __name__ == "__main__":
    main()
