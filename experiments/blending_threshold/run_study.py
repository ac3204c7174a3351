"""Blending threshold on the blended day: inbound service level against outbound right-party contacts.

The shipped blended scenario (``configs/scenario/blended.yaml``: inbound-only agents, blended
agents who serve inbound second and are lent to the renewals campaign from 14:00, and a dedicated
outbound team of 3) with the reservation threshold k (``blending.threshold``: blended agents dial
only while more than k of them are idle) swept from 0 to 6, plus k = the most blended agents ever
on duty (12: blended agents never dial, the dedicated team dials alone), each under the shipped
predictive dialler and under a progressive one (``dialler.mode: progressive``, one line per free
agent). Every alternative runs the same replications (common random numbers: replication i of
every alternative gets the very same inbound calls and the very same contact-record draws; the
script fingerprints both and stops if they differ). Differences are paired replication by
replication against the shipped threshold with the same dialler, and progressive minus predictive
at the same k.

    python experiments/blending_threshold/run_study.py [--quick] [--out DIR] [--replications 30] [--seed 1]
                                                       [--thresholds 0 1 2 3 4 5 6 12]

Writes to ``--out`` (default ``results/studies/blending_threshold/``), means with 95 % half-widths:
  thresholds.csv          per dialler mode and k: inbound SL, ASA, abandonment (total), outbound
                          attempts, RPC, RPC per hour of dialling window, RPC per agent-hour,
                          nuisance rate, outbound hours of the blended and the dedicated groups
  differences.csv         paired differences: k minus the shipped k (same mode), progressive minus predictive (same k)
  nuisance_intervals.csv  per mode and dialling interval at the lowest and the shipped k: nuisance rate,
                          live answers, the cap
  replications.csv        every run's numbers, with fingerprints of its inbound calls and contact draws
  tradeoff.png            inbound SL and ASA against RPC per hour, one point per k (95 % CI bars), both modes
  nuisance.png            nuisance rate per interval, predictive vs progressive, against the cap (k=0, shipped k)
``--quick`` (for the smoke test): 3 replications. Runs ``sim.simulate`` (engine auto: the fast
engine) seed by seed, with the seeds ``sim.experiments.replications.replicate`` would use under CRN.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import time
from pathlib import Path
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.experiments.replications import aggregate, half_width, replication_seeds  # noqa: E402
from sim.kpi import definitions  # noqa: E402
from sim.kpi import tables as kpi_tables  # noqa: E402
from sim.model.contact_draws import contact_draws  # noqa: E402
from sim.model.random_inputs import call_blocks  # noqa: E402
from sim.model.scenario import Scenario, build_scenario  # noqa: E402
from sim.simulate import load_scenario_file, simulate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "configs" / "scenario" / "blended.yaml"
MODES = ("predictive", "progressive")
INBOUND = ["service_level", "asa", "abandon_rate", "window_service_level", "window_asa"]
OUTBOUND = ["attempts", "rpc", "rpc_per_hour", "rpc_per_agent_hour", "nuisance_rate",
            "blended_outbound_hours", "dedicated_outbound_hours"]
KPIS = INBOUND + OUTBOUND
DIFFERENCE_KPIS = INBOUND + ["rpc_per_hour", "rpc_per_agent_hour", "nuisance_rate"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 replications (smoke test)")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "blending_threshold")
    parser.add_argument("--replications", type=int, default=30, help="days per alternative")
    parser.add_argument("--seed", type=int, default=1, help="run seed of the replications")
    parser.add_argument("--thresholds", type=int, nargs="+", default=None,
                        help="the k values (default 0..6 and the most blended agents on duty)")
    return parser.parse_args()


def most_blended_on_duty(scenario: Scenario) -> int:
    """The most agents of the campaign's blended groups on duty at once: from this k on, the
    idle blended agents never exceed k and the blended groups never dial."""
    campaign = scenario.campaigns[0]
    changes = [(t, step) for g, blended in zip(campaign.groups, campaign.blended) if blended
               for spells in scenario.groups[g].spells for start, end in spells for t, step in ((start, 1), (end, -1))]
    return int(max(np.cumsum([step for _, step in sorted(changes)]), default=0))  # an end before a start at a tie


def variant(scenario: dict, mode: str, threshold: int) -> dict:
    alt = copy.deepcopy(scenario)
    alt["blending"]["threshold"] = threshold
    (campaign,) = alt["campaigns"].values()
    campaign["dialler"]["mode"] = mode
    return alt


def dialling_hours(scenario: Scenario) -> float:
    """Hours of the campaign's dialling window inside the measured window (the RPC/h denominator)."""
    starts = np.arange(scenario.n_intervals) * scenario.interval_length
    open_ = np.asarray(scenario.campaigns[0].dial_open) & (starts >= scenario.warmup)
    return float(open_.sum() * scenario.interval_length / 3600)


def window_inbound(scenario: Scenario, intervals: pd.DataFrame) -> dict:
    """Service level and ASA of the calls arriving while the campaign may dial (the run's
    per-interval totals summed over those intervals, with the scenario's SL variant)."""
    rows = intervals[(intervals.call_type == definitions.TOTAL)
                     & np.asarray(scenario.campaigns[0].dial_open)[intervals.interval.to_numpy()]]
    denominator = definitions.sl_denominator(scenario.kpi.sl_variant, rows.offered.sum(), rows.answered.sum(),
                                             rows.late_abandoned.sum())
    waited = (rows.asa.fillna(0) * rows.answered).sum()
    return {"window_service_level": float(definitions.ratio(rows.answered_within_T.sum(), denominator)),
            "window_asa": float(definitions.ratio(waited, rows.answered.sum()))}


def window_label(scenario: Scenario) -> str:
    """The dialling window as "HH:MM-HH:MM" (from its first open interval to the end of its last)."""
    labels = kpi_tables.interval_labels(scenario)
    open_ = np.flatnonzero(scenario.campaigns[0].dial_open)
    hours, minutes = map(int, labels[open_[-1]].split(":"))
    end = hours * 60 + minutes + round(scenario.interval_length / 60)
    return f"{labels[open_[0]]}-{end // 60 % 24:02d}:{end % 60:02d}"


def fingerprint(arrays) -> str:
    digest = hashlib.sha1()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def one_run(scenario: Scenario, seed: int, hours: float) -> Tuple[dict, pd.DataFrame]:
    """One replication: its numbers (with fingerprints of the inputs it ran on) and its
    per-interval campaign table. The inputs are drawn here and handed to the engine, so the
    fingerprints are of exactly what it simulated."""
    calls = list(call_blocks(scenario, seed))
    contacts = contact_draws(scenario, seed)
    results = simulate(scenario, seed, inputs=calls, contacts=contacts, records=False)
    total = results.summary.set_index("call_type").loc["total"]
    (campaign,) = results.campaigns.to_dict("records")
    outbound = results.group_time.groupby("role").outbound_hours.sum()
    row = {"seed": seed, "engine": results.engine, "arrived": int(total.arrived),
           **{kpi: float(total[kpi]) for kpi in ("service_level", "asa", "abandon_rate")},
           **window_inbound(scenario, results.intervals),
           **{kpi: campaign[kpi] for kpi in ("attempts", "live_answers", "connects", "rpc", "nuisance",
                                             "nuisance_rate", "agent_hours", "rpc_per_agent_hour")},
           "rpc_per_hour": campaign["rpc"] / hours,
           "blended_outbound_hours": float(outbound.get("blended", 0.0)),
           "dedicated_outbound_hours": float(outbound.get("outbound", 0.0)),
           "calls_fingerprint": fingerprint(a for b in calls for a in (b.arrival, b.call_type, b.talk, b.wrapup,
                                                                      b.patience)),
           # the blocks of contact draws this run drew (more dialling draws more blocks)
           "contact_blocks": [fingerprint(block) for block in contacts[0].blocks]}
    return row, results.campaign_intervals


def run_all(scenario: dict, thresholds: List[int], seeds: List[int]) -> Tuple[pd.DataFrame, Dict]:
    rows, intervals = [], {}
    for mode in MODES:
        for k in thresholds:
            built = build_scenario(variant(scenario, mode, k))
            hours = dialling_hours(built)
            for i, seed in enumerate(seeds):
                row, per_interval = one_run(built, seed, hours)
                rows.append({"mode": mode, "threshold": k, "replication": i, **row})
                intervals[mode, k, i] = per_interval
    return pd.DataFrame(rows), intervals


def check_common_random_numbers(runs: pd.DataFrame) -> None:
    """Every alternative's replication i ran on the same inbound calls and the same contact
    draws (blocks drawn by any two runs agree where both drew them)."""
    for i, rep in runs.groupby("replication"):
        if rep.calls_fingerprint.nunique() != 1:
            raise SystemExit(f"common random numbers broken: replication {i} got different inbound calls")
        longest = max(rep.contact_blocks, key=len)
        if any(blocks != longest[:len(blocks)] for blocks in rep.contact_blocks):
            raise SystemExit(f"common random numbers broken: replication {i} got different contact draws")


def summary_table(runs: pd.DataFrame) -> pd.DataFrame:
    tables = [rep[["mode", "threshold"] + KPIS] for _, rep in runs.groupby("replication")]
    return aggregate(tables, ["mode", "threshold"])


def paired(a: pd.DataFrame, b: pd.DataFrame, kpi: str) -> Tuple[float, float, int]:
    """Mean of b - a over the replications both have a value for, with its 95 % half-width."""
    d = (b.set_index("replication")[kpi] - a.set_index("replication")[kpi]).dropna().to_numpy()
    half = float(half_width(d.std(ddof=1), len(d), 0.95)) if len(d) > 1 else np.nan
    return float(d.mean()), half, len(d)


def differences(runs: pd.DataFrame, shipped: int) -> pd.DataFrame:
    def alt(mode, k):
        return runs[(runs["mode"] == mode) & (runs.threshold == k)]

    pairs = [(f"k={k} - k={shipped}", mode, k, alt(mode, shipped), alt(mode, k))
             for mode in MODES for k in sorted(set(runs.threshold)) if k != shipped]
    pairs += [("progressive - predictive", "progressive", k, alt("predictive", k), alt("progressive", k))
              for k in sorted(set(runs.threshold))]
    rows = []
    for comparison, mode, k, a, b in pairs:
        for kpi in DIFFERENCE_KPIS:
            mean, half, n = paired(a, b, kpi)
            rows.append({"comparison": comparison, "mode": mode, "threshold": k, "kpi": kpi, "difference": mean,
                         "ci": half, "pairs": n,
                         "significant": bool(abs(mean) > half) if np.isfinite(half) else bool(mean != 0)})
    return pd.DataFrame(rows)


def nuisance_table(intervals: Dict, thresholds: List[int], replications: int) -> pd.DataFrame:
    """Per k of ``thresholds``, mode and dialling interval: the nuisance rate (mean over the
    replications with live answers in the interval, and its 95 % half-width) and the live answers."""
    stacked = pd.concat([intervals[mode, k, i].assign(mode=mode, threshold=k)
                         for k in thresholds for mode in MODES for i in range(replications)])
    stacked = stacked[stacked.attempts > 0]  # the dialling window
    grouped = stacked.groupby(["threshold", "mode", "interval", "start"], sort=False)
    out = grouped[["live_answers", "nuisance", "nuisance_rate"]].mean()
    out["nuisance_rate_ci"] = half_width(grouped.nuisance_rate.std(ddof=1), grouped.nuisance_rate.count(), 0.95)
    out["replications_with_answers"] = grouped.nuisance_rate.count()
    out["nuisance_cap"] = grouped.nuisance_cap.first()
    return out.reset_index()


def plot_tradeoff(table: pd.DataFrame, shipped: int, replications: int, window: str, path: Path) -> None:
    """Inbound SL (left) and ASA (right) against RPC per dialling hour, one point per k: all the
    day's calls (top), the calls arriving in the dialling window (bottom)."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 9.5))
    panels = (("service_level", 100, "inbound SL, whole day (% within 20 s)"), ("asa", 1, "inbound ASA, whole day (s)"),
              ("window_service_level", 100, f"inbound SL, calls arriving {window} (%)"),
              ("window_asa", 1, f"inbound ASA, calls arriving {window} (s)"))
    for ax, (kpi, scale, label) in zip(axes.ravel(), panels):
        for mode, marker in zip(MODES, ("o", "s")):
            rows = table[table["mode"] == mode]
            ax.errorbar(rows.rpc_per_hour, rows[kpi] * scale, xerr=rows.rpc_per_hour_ci, yerr=rows[f"{kpi}_ci"] * scale,
                        marker=marker, capsize=3, label=f"{mode} dialler")
            if mode == MODES[0]:
                for _, row in rows.iterrows():
                    ax.annotate(f"k={row.threshold}" + (" (shipped)" if row.threshold == shipped else ""),
                                (row.rpc_per_hour, row[kpi] * scale), textcoords="offset points", xytext=(4, 6),
                                fontsize=8)
        ax.set(xlabel=f"right-party contacts per hour of the {window} dialling window", ylabel=label)
        ax.grid(alpha=0.3)
    axes[0, 0].legend()
    fig.suptitle(f"Blending threshold k on the blended day: {replications} days per point (common random numbers), "
                 f"95 % CIs; k labels on the predictive points")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_nuisance(table: pd.DataFrame, shipped: int, replications: int, path: Path) -> None:
    """Per k of the table (one panel each): the nuisance rate per dialling interval, one bar per
    dialler mode with its 95 % CI, and the cap."""
    thresholds = list(dict.fromkeys(table.threshold))
    fig, axes = plt.subplots(len(thresholds), 1, figsize=(10, 3.8 * len(thresholds)), squeeze=False)
    starts = list(dict.fromkeys(table.start))
    for ax, k in zip(axes[:, 0], thresholds):
        for i, mode in enumerate(MODES):
            rows = table[(table.threshold == k) & (table["mode"] == mode)].set_index("start").reindex(starts)
            x = np.arange(len(starts)) + (i - 0.5) * 0.35
            half = rows.nuisance_rate_ci.fillna(0).to_numpy()
            below = np.minimum(half, rows.nuisance_rate.to_numpy())  # a rate is never negative
            ax.bar(x, rows.nuisance_rate * 100, 0.35, yerr=np.vstack((below, half)) * 100, capsize=3,
                   label=f"{mode} dialler")
        ax.axhline(table.nuisance_cap.iloc[0] * 100, color="black", ls="--", lw=1, label="cap")
        ax.set_xticks(np.arange(len(starts)), starts)
        ax.set(xlabel="interval start", ylabel="nuisance calls (% of live answers)",
               title=f"k={k}" + (" (shipped)" if k == shipped else ""))
        ax.legend(loc="upper right")
    fig.suptitle(f"Nuisance rate per dialling interval: {replications} days, 95 % CIs")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(table: pd.DataFrame, diffs: pd.DataFrame, nuisance: pd.DataFrame) -> None:
    def show(title: str, frame: pd.DataFrame) -> None:
        print(f"{title}\n{frame.round(4).to_string(index=False)}\n")

    for title, kpis in (("inbound, all calls", INBOUND), ("outbound", OUTBOUND)):
        show(f"{title}: per dialler mode and threshold k (mean, 95 % half-width)",
             table[["mode", "threshold"] + [c for kpi in kpis for c in (kpi, f"{kpi}_ci")]])
    keys = ["comparison", "mode", "threshold"]
    cells = diffs.assign(cell=[f"{d:+.4g} ± {h:.2g}" + ("*" if s else "")
                               for d, h, s in zip(diffs.difference, diffs.ci, diffs.significant)])
    show("paired differences (mean ± 95 % half-width, * = CI excludes 0)",
         cells.pivot(index=keys, columns="kpi", values="cell")
         .reindex(pd.MultiIndex.from_frame(diffs[keys].drop_duplicates()))[DIFFERENCE_KPIS].reset_index())
    show("nuisance rate per dialling interval", nuisance)


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    replications = 3 if args.quick else args.replications
    args.out.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario_file(SCENARIO)
    built = build_scenario(scenario)
    shipped = int(scenario["blending"]["threshold"])
    thresholds = args.thresholds or list(range(7)) + [most_blended_on_duty(built)]
    if shipped not in thresholds:
        thresholds = sorted(thresholds + [shipped])
    seeds = replication_seeds(args.seed, replications)  # what replicate(crn=True) would use
    runs, intervals = run_all(scenario, thresholds, seeds)
    check_common_random_numbers(runs)
    table = summary_table(runs)
    diffs = differences(runs, shipped)
    nuisance = nuisance_table(intervals, sorted({min(thresholds), shipped}), replications)
    runs.assign(contact_blocks=runs.contact_blocks.map(" ".join)).to_csv(args.out / "replications.csv", index=False)
    table.to_csv(args.out / "thresholds.csv", index=False)
    diffs.to_csv(args.out / "differences.csv", index=False)
    nuisance.to_csv(args.out / "nuisance_intervals.csv", index=False)
    plot_tradeoff(table, shipped, replications, window_label(built), args.out / "tradeoff.png")
    plot_nuisance(nuisance, shipped, replications, args.out / "nuisance.png")
    print(f"{replications} days per alternative ({len(runs)} runs, engine {runs.engine.iloc[0]}; common random "
          f"numbers checked: the same inbound calls and contact draws in every alternative); "
          f"RPC per hour over the {dialling_hours(built):g} h dialling window\n")
    report(table, diffs, nuisance)
    print(f"outputs in {args.out}; {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
