"""The printed summary as it was made with pandas (``Series.map`` for every cell,
``pd.DataFrame(...).to_string(index=False)`` for every table), before
:mod:`sim.reports.summary_text` and :mod:`sim.reports.text_table`: the reference the new text must
equal byte for byte (tests/test_summary_reference.py). Kept as it was; only the blocks that build
tables are here (the others, e.g. the costs, are called as they are)."""

from __future__ import annotations

from typing import List

import pandas as pd

from sim.kpi.definitions import TOTAL
from sim.reports import cost_text, formats
from sim.reports.requirements import FILE, describe, per_group
from sim.reports.plan_report import _per_group, planned, verdict_counts
from sim.reports.summary_text import _interval_end, _runs, _statistics_line, MAX_RANGES
from sim.kpi.tables import interval_label

_percent, _number, _count = formats.percent, formats.number, formats.count


def _column(frame: pd.DataFrame, name: str, show) -> pd.Series:
    text = frame[name].map(show)
    if f"{name}_ci" in frame.columns:
        text = text + frame[f"{name}_ci"].map(lambda x: "" if pd.isna(x) else " ± " + show(x))
    return text


def _off_target_lines(results) -> List[str]:
    s, k = results.scenario, results.scenario.kpi
    totals = results.intervals[results.intervals.call_type.to_numpy() == TOTAL]
    lines = []
    for kpi, target, missed in (("service_level", k.sl_target, "below the service-level target"),
                                ("abandon_rate", k.abandon_target, "above the abandonment target")):
        values = totals[kpi]
        off = totals.interval[values < target if kpi == "service_level" else values > target].tolist()
        ranges = [f"{interval_label(s, first)}-{_interval_end(s, last)}" for first, last in _runs(off)]
        if len(ranges) > MAX_RANGES:
            ranges = ranges[:MAX_RANGES] + [f"... {len(ranges) - MAX_RANGES} more"]
        listed = ", ".join(ranges) + f" ({len(off)} of {values.notna().sum()})" if off else "none"
        lines.append(f"Intervals {missed} ({_percent(target)}), all calls: {listed}")
    return lines


def _journey_view(results):
    summary = results.summary
    columns = {"call type": summary.call_type}
    if any(ct.ivr is not None for ct in results.scenario.call_types):
        columns["arrived"] = summary.arrived.map(_count)
        columns["self-served"] = (summary.self_served / summary.arrived).map(_percent)
        columns["hung up in menu"] = (summary.ivr_abandoned / summary.arrived).map(_percent)
    callbacks = getattr(results, "callbacks", None)
    if callbacks is not None:
        rows = callbacks.set_index("call_type").reindex(summary.call_type)
        for title, name in (("callbacks offered", "offers"), ("accepted", "accepted"), ("completed", "completed"),
                            ("failed", "failed")):
            columns[title] = _column(rows, name, _count).to_numpy()
        columns["time to callback s"] = _column(rows, "time_to_callback", _number).to_numpy()
    if "fcr" in summary:
        columns["transferred"] = _column(summary, "transferred", _count)
        columns["FCR"] = _column(summary, "fcr", _percent)
    return pd.DataFrame(columns) if len(columns) > 1 else None


def _journey_lines(results) -> List[str]:
    lines = []
    view = _journey_view(results)
    if view is not None:
        lines += ["", "Caller's journey (self-served, hung up in the menu: of the calls arrived; "
                      "FCR: first-contact resolution):", view.to_string(index=False)]
    callers = getattr(results, "callers", None)
    if callers is not None:
        cview = pd.DataFrame({"call type": callers.call_type, "callers": _column(callers, "callers", _count),
                              "redials": _column(callers, "redials", _count),
                              "attempts/caller": _column(callers, "attempts_per_caller", lambda x: _number(x, 2)),
                              "1st attempt lost": _column(callers, "first_attempt_loss", _percent),
                              "callers lost": _column(callers, "caller_loss", _percent)})
        lines += ["", "Callers (with redials; every attempt above counts as a call):", cview.to_string(index=False)]
    return lines


def _outbound_lines(results) -> List[str]:
    from sim.reports.outbound_text import _over_cap_lines

    percent = lambda x: formats.percent(x, missing="n/a")  # noqa: E731
    number = lambda x, digits=2: formats.number(x, digits, missing="n/a")  # noqa: E731
    count = lambda x: formats.count(x, missing="n/a")  # noqa: E731
    campaigns = getattr(results, "campaigns", None)
    if campaigns is None or not len(campaigns):
        return []
    view = pd.DataFrame({
        "campaign": campaigns.campaign, "attempts": campaigns.attempts.map(count),
        "connects": campaigns.connects.map(count), "RPC": _column(campaigns, "rpc", count),
        "RPC/agent-h": _column(campaigns, "rpc_per_agent_hour", number),
        "nuisance": _column(campaigns, "nuisance_rate", percent), "cap": campaigns.nuisance_cap.map(percent),
        "penetration": campaigns.penetration.map(percent),
        "finished": campaigns.finished.map(count), "exhausted": campaigns.exhausted.map(count),
        "open": campaigns.open.map(count), "never dialled": campaigns.never_dialled.map(count),
        "att/record": campaigns.attempts_per_record.map(number),
    })
    lines = ["", "Outbound (nuisance = dropped live answers / live answers; RPC per hour of agent time on the "
                 "campaign, dedicated groups' idle time included):", view.to_string(index=False)]
    lines += _over_cap_lines(results.campaign_intervals)
    time = results.group_time
    split = pd.DataFrame({"group": time.group, "role": time.role, "campaign": time.campaign,
                          "inbound": time.inbound_share.map(percent), "outbound": time.outbound_share.map(percent),
                          "of it dialling": time.dialling_share.map(percent), "idle": time.idle_share.map(percent)})
    lines += ["", "Time on duty by group:", split.to_string(index=False)]
    return lines


def _requirements_lines(results) -> List[str]:
    table = getattr(results, "requirements", None)
    if table is None or table.attrs.get("policy") == "plan":
        return []
    groups = per_group(table)
    view = pd.DataFrame({
        "group": groups.group, "calls": groups.calls.map(formats.count),
        "on the phones h": groups.hours_on_phones.map(formats.number),
        **({"Erlang h": groups.hours_erlang.map(formats.number)} if "hours_erlang" in groups else {}),
        "paid h": groups.hours_paid.map(formats.number),
        "peak agents": groups.peak_agents, "peak paid": groups.peak_paid, "peak at": groups.peak_at,
    })
    total_phones, total_paid = groups.hours_on_phones.sum(), groups.hours_paid.sum()
    return ["", f"Staffing: {describe(table)}: agent-hours required (simulated: the agents on the phones; "
                f"paid = on the phones / (1 - shrinkage), rounded up per interval); see {FILE}",
            view.to_string(index=False),
            f"All groups: {formats.number(total_phones)} agent-hours on the phones, {formats.number(total_paid)} paid"
            + (f" (Erlang: {formats.number(groups.hours_erlang.sum())} on the phones)" if "hours_erlang" in groups else "")
            ] + ([f"Optimiser: {table.attrs['optimiser']}"] if "optimiser" in table.attrs else [])


def _plan_lines(results) -> List[str]:
    if not planned(results):
        return []
    counts = verdict_counts(results.plan_targets)
    lines = ["", "Plan (roster.csv, plan_targets.csv):"] + [f"  {note}" for note in results.plan_notes]
    lines += [_per_group(results).to_string(index=False),
              f"Verification of the roster, all calls per interval: {counts['met']} met, {counts['missed']} missed, "
              f"{counts['unsure']} unsure (the confidence interval straddles a target), {counts['no calls']} without calls"]
    missed = results.plan_targets[(results.plan_targets.verdict == "missed") & (results.plan_targets.call_type == "total")]
    if len(missed):
        lines.append("Missed at " + ", ".join(missed.start.head(12)) + (" ..." if len(missed) > 12 else ""))
    return lines


def format_summary(results, out_dir=None) -> str:
    s, k = results.scenario, results.scenario.kpi
    busyness = getattr(results, "busyness", None)
    lines = [f"callsim: scenario '{s.name}', seed {results.seed}, {results.engine_note}",
             f"{results.n_calls:,} calls simulated" + _statistics_line(results)
             + (f"; busyness factor {busyness:.3f}" if s.busyness_cv and busyness is not None else "")]
    summary = results.summary
    view = pd.DataFrame({
        "call type": summary.call_type,
        "offered": summary.offered.map(_count),
        "answered": summary.answered.map(_count),
        f"SL {k.sl_threshold:g}s": _column(summary, "service_level", _percent),
        "ASA s": _column(summary, "asa", _number),
        "p90 wait s": _column(summary, "p90_wait", _number),
        "abandon %": _column(summary, "abandon_rate", _percent),
        "AHT s": _column(summary, "aht", _number),
        "avg queue": _column(summary, "avg_queue", lambda x: _number(x, 2)),
        "blocked": summary.blocked.map(_count),
    })
    lines += ["", f"Service (target {_percent(k.sl_target)} in {k.sl_threshold:g}s, SL variant '{k.sl_variant}'; "
                  f"abandon target {_percent(k.abandon_target)}):", view.to_string(index=False)]
    lines += _off_target_lines(results)
    lines += _journey_lines(results)
    groups = results.groups
    gview = pd.DataFrame({
        "group": groups.group, "agents": groups.agents,
        "answered": groups.answered.map(_count),
        "occupancy": _column(groups, "occupancy", _percent),
        "paid h": groups.paid_hours.map(_number), "available h": groups.available_hours.map(_number),
        "utilisation": _column(groups, "utilisation", _percent), "cost": groups.cost.map(lambda x: _number(x, 0)),
    })
    lines += ["", "Agent groups:", gview.to_string(index=False)]
    lines += cost_text.summary_lines(results)
    lines += _outbound_lines(results)
    lines += _requirements_lines(results)
    lines += _plan_lines(results)
    comparison = getattr(results, "theory", None)
    if comparison is not None:
        model = comparison.attrs["model"].replace("_", " ").title()
        cview = pd.DataFrame({
            "metric": comparison.metric,
            "simulated": comparison.simulated.map(lambda x: f"{x:.4f}"),
            "±95% CI": comparison.ci95.map(lambda x: f"{x:.4f}"),
            model: comparison.theory.map(lambda x: f"{x:.4f}"),
            "theory in CI": comparison.within_ci.map({True: "yes", False: "no"}).fillna("n/a"),
        })
        source = (f"{comparison.attrs['replications']} replications" if "replications" in comparison.attrs
                  else f"{comparison.attrs['batches']} batch means")
        lines += ["", f"Against {model} (fractions of all arrivals; CI from {source}):",
                  cview.to_string(index=False)]
        if comparison.within_ci.isna().all():
            lines.append("(no confidence interval from fewer than 2 batches or replications: run longer, "
                         "or more replications, to check the simulation against the theory)")
    if out_dir is not None:
        lines += ["", f"Reports written to {out_dir}"]
    return "\n".join(lines)
