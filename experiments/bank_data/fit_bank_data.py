"""Fit the default callsim scenario to the "Anonymous Bank" call log (February 1999).

Question: what does a real multi-skill inbound day look like (intraday arrival profile, handle
times, patience, call mix), so that ``configs/scenario/default.yaml`` is shaped on data?

Run from the repository root (the data is read in place, never copied into the repo)::

    python experiments/bank_data/fit_bank_data.py [--data PATH] [--out DIR] [--scenario YAML]

Sample and conventions (printed again by the script):

* Weekdays only: Sunday-Thursday (Friday is a short day, Saturday mostly closed).
* Arrivals counted: calls that reached the agents' queue (``q_start`` set) or were served
  (outcome AGENT, including those served at once with ``q_time = 0``). PHANTOM calls are dropped,
  and so are HANG calls that never left the IVR (they never asked for an agent).
  Arrival time = ``vru_entry``; the day is 07:00-24:00 in 34 half-hour intervals.
* Handle time = ``ser_time`` of AGENT calls, dropping times < 10 s (pick-up artefacts).
  Lognormal fitted by maximum likelihood on log times; goodness of fit = KS distance of the log
  times from the fitted normal (with n in the thousands any p-value rejects, D is what matters).
* Patience: exponential MLE under censoring, rate = abandonments / total waiting time of all
  queued calls (served and abandoned); mean patience = 1 / rate.
* Scenario types: retail = PS + IN (IN is tiny internet help for existing customers),
  sales = NW, stocks = NE, english = PE. TT (call-backs of left messages) is dropped: it is
  agent-initiated work, not inbound Poisson arrivals.

With ``--scenario`` (default ``configs/scenario/default.yaml`` if it exists) the script also
checks that scenario's shifts with Erlang C per interval (talk + wrap-up as handle time).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim import analytic

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "anonymous_bank_february.txt"
WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"]
DAY_START_H, INTERVAL_MIN, N_INTERVALS = 7, 30, 34            # 07:00-24:00
RAW_TYPES = ["PS", "NW", "NE", "IN", "PE", "TT"]
SCENARIO_TYPES = {"retail": ["PS", "IN"], "sales": ["NW"], "stocks": ["NE"], "english": ["PE"]}
MIN_SERVICE = 10          # s, shorter service times are artefacts
SL_T = 20.0               # s, service-level threshold


# ----------------------------------------------------------------------------- loading
def clock_seconds(col: pd.Series) -> pd.Series:
    hms = col.str.split(":", expand=True).astype(int)
    return hms[0] * 3600 + hms[1] * 60 + hms[2]


def load(path: Path) -> pd.DataFrame:
    """All non-PHANTOM weekday calls, with flags and the 30-min interval of arrival."""
    df = pd.read_csv(path, sep="\t")
    df["day"] = pd.to_datetime(df["date"].astype(str), format="%y%m%d")
    df["weekday"] = df["day"].dt.day_name()
    df["arrival"] = clock_seconds(df["vru_entry"])
    df["queued"] = df["q_start"] != "0:00:00"
    df["served"] = df["outcome"] == "AGENT"
    df["abandoned"] = (df["outcome"] == "HANG") & df["queued"]
    df["asked_agent"] = df["queued"] | df["served"]          # reached the queue or an agent
    df["interval"] = (df["arrival"] - DAY_START_H * 3600) // (INTERVAL_MIN * 60)
    df = df[df["outcome"] != "PHANTOM"]
    return df[df["weekday"].isin(WEEKDAYS)].copy()


def interval_labels() -> list:
    return [f"{DAY_START_H + (i * INTERVAL_MIN) // 60:02d}:{(i * INTERVAL_MIN) % 60:02d}"
            for i in range(N_INTERVALS)]


# ----------------------------------------------------------------------------- 1. profile
def intraday_profile(calls: pd.DataFrame, n_days: int) -> pd.DataFrame:
    """Mean calls per weekday in each 30-min interval (rows) per raw type (columns)."""
    inside = calls[(calls["interval"] >= 0) & (calls["interval"] < N_INTERVALS)]
    counts = inside.groupby(["interval", "type"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=range(N_INTERVALS), columns=RAW_TYPES, fill_value=0) / n_days
    counts.index = interval_labels()
    return counts


def opening_hours(calls: pd.DataFrame) -> dict:
    """Share of the day's calls by clock hour at the edges of the 07:00-24:00 day."""
    hour = calls["arrival"] // 3600
    share = lambda mask: round(float(mask.mean()), 4)
    return {"00-06": share(hour < 6), "06-07": share(hour == 6),
            "07-08": share(hour == 7), "23-24": share(hour == 23)}


# ----------------------------------------------------------------------------- 2. handle times
def lognormal_fit(x: np.ndarray) -> dict:
    logs = np.log(x)
    mu, sigma = logs.mean(), logs.std(ddof=0)
    ks = stats.kstest(logs, "norm", args=(mu, sigma))
    return {"n": int(len(x)), "mean": x.mean(), "cv": x.std() / x.mean(), "median": np.median(x),
            "ln_mu": mu, "ln_sigma": sigma,
            "fit_mean": math.exp(mu + sigma ** 2 / 2), "fit_cv": math.sqrt(math.expm1(sigma ** 2)),
            "ks_D": ks.statistic, "ks_p": ks.pvalue}


def handle_times(calls: pd.DataFrame, groups: dict) -> pd.DataFrame:
    served = calls[calls["served"] & (calls["ser_time"] >= MIN_SERVICE)]
    rows = {name: lognormal_fit(served.loc[served["type"].isin(types), "ser_time"].to_numpy(float))
            for name, types in groups.items()}
    return pd.DataFrame(rows).T


# ----------------------------------------------------------------------------- 3. patience
def patience(calls: pd.DataFrame, groups: dict) -> pd.DataFrame:
    rows = {}
    for name, types in groups.items():
        q = calls[calls["queued"] & calls["type"].isin(types)]
        n_ab, wait = int(q["abandoned"].sum()), float(q["q_time"].sum())
        rows[name] = {"queued": len(q), "abandoned": n_ab,
                      "abandon_share_of_queued": n_ab / max(len(q), 1),
                      "mean_wait_queued": wait / max(len(q), 1),
                      "mean_patience": wait / n_ab if n_ab else float("inf")}
    return pd.DataFrame(rows).T


# ----------------------------------------------------------------------------- 4. mix & peaks
def mix(calls: pd.DataFrame, n_days: int) -> dict:
    types = calls["type"].value_counts(normalize=True).reindex(RAW_TYPES).fillna(0)
    queued = calls[calls["queued"]]
    hourly = calls.groupby(calls["arrival"] // 3600).size() / n_days
    am, pm = hourly.loc[7:12], hourly.loc[13:23]
    ps = queued[queued["type"] == "PS"].groupby("priority").agg(
        share=("type", lambda x: len(x) / (queued["type"] == "PS").sum()),
        mean_wait=("q_time", "mean"), abandoned=("abandoned", "mean"))
    daily = calls.groupby("day").size()
    extra_var = max(daily.var() - daily.mean(), 0.0)        # beyond Poisson noise
    return {"calls_per_weekday": len(calls) / n_days,
            "daily_min_max": [int(daily.min()), int(daily.max())],
            "busyness_cv": round(math.sqrt(extra_var) / daily.mean(), 3),
            "type_share": types.round(4).to_dict(),
            "english_share": round(float(types["PE"]), 4),
            "served_unqueued_share": round(float((calls["served"] & ~calls["queued"]).mean()), 3),
            "bank_sl_20s": round(float((calls["served"] & (calls["q_time"] <= SL_T)).mean()), 3),
            "bank_abandon_share": round(float(calls["abandoned"].mean()), 3),
            # priority (and customer id) is only recorded for calls that queued: use those
            "unqueued_identified_share": round(float((calls.loc[~calls["queued"], "customer_id"] > 0).mean()), 4),
            "priority_mix_queued": queued["priority"].value_counts(normalize=True).sort_index().round(4).to_dict(),
            "PS_queued_by_priority": ps.round(3).to_dict("index"),
            "hourly_per_weekday": hourly.round(1).to_dict(),
            "morning_peak": {"hour": int(am.idxmax()), "calls": round(float(am.max()), 1)},
            "afternoon_peak": {"hour": int(pm.idxmax()), "calls": round(float(pm.max()), 1)}}


# ----------------------------------------------------------------------------- Erlang C
def erlang_c_sl(calls: float, aht: float, agents: int, t: float = SL_T,
                interval_s: float = INTERVAL_MIN * 60) -> float:
    """P(wait <= t) in an M/M/N queue (no abandonment); 0 when overloaded."""
    if calls <= 0:
        return 1.0
    if agents <= calls * aht / interval_s:
        return 0.0
    return analytic.erlang_c_metrics(calls / interval_s, aht, agents, t).service_level


def agents_needed(calls: float, aht: float, target: float = 0.8) -> int:
    return analytic.required_agents(calls / (INTERVAL_MIN * 60), aht, SL_T, target)


def on_duty(shifts: dict) -> np.ndarray:
    """Agents on duty at the middle of each interval, from {name: {start, end, count}}."""
    mids = DAY_START_H * 60 + INTERVAL_MIN * (np.arange(N_INTERVALS) + 0.5)
    to_min = lambda s: int(s[:2]) * 60 + int(s[3:])
    staff = np.zeros(N_INTERVALS, int)
    for s in shifts.values():
        staff += ((mids > to_min(s["start"])) & (mids < to_min(s["end"]))) * int(s["count"])
    return staff


def check_scenario(path: Path) -> tuple:
    """Erlang C per interval for a day scenario, with two bounds for the overflow routing:
    'split' = each type served only by its first group (overflow ignored: pessimistic);
    'pooled' = all agents serve all calls as one pool with the mixed handle time (optimistic).
    need80 = agents the types would need, each on its own group, for 80 % in 20 s."""
    import yaml
    sc = yaml.safe_load(path.read_text())
    staff = {g: on_duty(cfg["shifts"]) for g, cfg in sc["groups"].items()}
    rows = []
    for i, label in enumerate(interval_labels()):
        calls = {n: ct["volumes"][i] * ct.get("volume_scale", 1.0) for n, ct in sc["call_types"].items()}
        aht = {n: ct["talk_time"]["mean"] + (ct.get("wrapup_time") or {}).get("mean", 0.0)
               for n, ct in sc["call_types"].items()}
        sl = {n: erlang_c_sl(calls[n], aht[n], int(staff[ct["route"][0]["group"]][i]))
              for n, ct in sc["call_types"].items()}
        total, work = sum(calls.values()), sum(calls[n] * aht[n] for n in calls)
        n_all = int(sum(s[i] for s in staff.values()))
        rows.append({"interval": label, "calls": total, "erlangs": work / (INTERVAL_MIN * 60),
                     **{g: int(s[i]) for g, s in staff.items()},
                     "need80": sum(agents_needed(calls[n], aht[n]) for n in calls if calls[n] > 0),
                     **{f"sl_{n}": v for n, v in sl.items()},
                     "sl_split": sum(calls[n] * sl[n] for n in calls) / total,
                     "sl_pooled": erlang_c_sl(total, work / total, n_all)})
    t = pd.DataFrame(rows)
    agent_hours = float(t[list(staff)].to_numpy().sum() * INTERVAL_MIN / 60)
    work_hours = float((t["erlangs"] * INTERVAL_MIN / 60).sum())
    summary = {"calls_per_day": round(float(t["calls"].sum())), "agent_hours": agent_hours,
               "workload_hours": round(work_hours, 1), "occupancy": round(work_hours / agent_hours, 3),
               "day_sl_split": round(float((t["calls"] * t["sl_split"]).sum() / t["calls"].sum()), 3),
               "day_sl_pooled": round(float((t["calls"] * t["sl_pooled"]).sum() / t["calls"].sum()), 3)}
    return t.round(3), summary


# ----------------------------------------------------------------------------- figures
def plot_figures(profile: pd.DataFrame, calls: pd.DataFrame, out: Path) -> None:
    """intraday_profile.png (fit 1) and handle_time_qq.png (QQ of log handle times, fit 2)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    x = np.arange(N_INTERVALS)
    for ax, cols in ((ax1, ["PS", "NW", "NE"]), (ax2, ["IN", "TT", "PE"])):
        for col in cols:
            ax.plot(x, profile[col], marker="o", ms=3, label=col)
        ax.set_ylabel("calls / 30 min / weekday")
    ax1.plot(x, profile.sum(axis=1), "k--", label="all types")
    ax1.set_title("Anonymous Bank, Feb 1999, Sun-Thu: calls reaching the queue or an agent")
    ax2.set_xticks(x[::2], profile.index[::2], rotation=45)
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "intraday_profile.png", dpi=120)
    plt.close(fig)

    served = calls[calls["served"] & (calls["ser_time"] >= MIN_SERVICE)]
    fig, axes = plt.subplots(1, len(SCENARIO_TYPES), figsize=(14, 3.6))
    for ax, (name, types) in zip(axes, SCENARIO_TYPES.items()):
        stats.probplot(np.log(served.loc[served["type"].isin(types), "ser_time"].to_numpy(float)), plot=ax)
        ax.set_title(f"{name} ({'+'.join(types)}): log handle time")
    fig.tight_layout()
    fig.savefig(out / "handle_time_qq.png", dpi=110)
    plt.close(fig)


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "results" / "bank_data")
    ap.add_argument("--scenario", type=Path, default=REPO / "configs" / "scenario" / "default.yaml")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.width", 160)

    df = load(args.data)
    n_days = df["day"].nunique()
    calls = df[df["asked_agent"]]
    print(f"{n_days} weekdays (Sun-Thu); {len(df)} non-PHANTOM calls, of which "
          f"{(~df['asked_agent']).sum()} hung up in the IVR (dropped) and {len(calls)} asked for an agent")

    profile = intraday_profile(calls, n_days)
    scen = pd.DataFrame({n: profile[t].sum(axis=1) for n, t in SCENARIO_TYPES.items()})
    print("\n1. Weekday intraday profile, mean calls per 30 min (arrival = vru_entry)")
    print(profile.assign(total=profile.sum(axis=1)).round(1).to_string())
    hours = opening_hours(calls)
    print(f"calls per weekday inside 07-24: {profile.values.sum():.0f}; opening hours: {hours}")

    ht_raw, ht = handle_times(calls, {t: [t] for t in RAW_TYPES}), handle_times(calls, SCENARIO_TYPES)
    print(f"\n2. Handle time (ser_time of AGENT calls >= {MIN_SERVICE} s), lognormal MLE, KS on log times")
    print(pd.concat([ht_raw, ht]).astype(float).round(3).to_string())

    pat_raw, pat = patience(calls, {t: [t] for t in RAW_TYPES}), patience(calls, SCENARIO_TYPES)
    print("\n3. Patience, exponential MLE: mean = total queue time of queued calls / abandonments")
    print(pd.concat([pat_raw, pat]).astype(float).round(3).to_string())

    m = mix(calls, n_days)
    print("\n4. Mix and peaks")
    for k, v in m.items():
        print(f"  {k}: {v}")

    profile.to_csv(args.out / "intraday_profile.csv", float_format="%.3f")
    scen.to_csv(args.out / "scenario_type_profile.csv", float_format="%.3f")
    pd.concat([ht_raw, ht]).to_csv(args.out / "handle_times.csv", float_format="%.4f")
    pd.concat([pat_raw, pat]).to_csv(args.out / "patience.csv", float_format="%.4f")
    summary = {"n_weekdays": n_days, "opening_hours": hours, "mix": m,
               "handle_time": ht[["fit_mean", "fit_cv", "median", "ks_D"]].astype(float).round(3).to_dict("index"),
               "patience_mean": pat["mean_patience"].astype(float).round(1).to_dict()}
    plot_figures(profile, calls, args.out)

    if args.scenario.exists():
        table, check = check_scenario(args.scenario)
        print(f"\n5. Erlang C check of {args.scenario.name} (handle = talk + wrap-up; SL = P(wait <= {SL_T:.0f} s))")
        print(table.round(2).to_string(index=False))
        print(f"  {check}")
        table.to_csv(args.out / "staffing_check.csv", index=False)
        summary["scenario_check"] = check
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=float))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
