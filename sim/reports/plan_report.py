"""The reports of ``callsim task=plan`` (:mod:`sim.planning.plan`): ``roster.csv`` (one row per
shift, with its breaks), ``plan_targets.csv`` (target against achieved per interval and call
type, with the verdicts), the "Plan" block of the printed summary, a section of the HTML report,
and two figures (:mod:`sim.reports.plan_plots`): required vs scheduled vs Erlang per interval, and
the roster's service level against the target. ``requirements.csv`` (Erlang, optimised, paid
and scheduled agents per interval x group) is written by :mod:`sim.reports.requirements`.

A planned run carries ``results.roster``, ``results.plan_targets`` and ``results.plan_notes``
(lines); any other run has none of them.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import pandas as pd

from sim.reports import formats
from sim.reports.text_table import text_table

FIGURES = ("plan_staffing", "plan_service_level")
VERDICTS = ("met", "missed", "unsure", "no calls")  # sim.planning.verification's


def verdict_counts(table: pd.DataFrame, call_type: str = "total") -> dict:
    """{verdict: number of intervals} for one call type's rows of plan_targets (default: all calls)."""
    counts = table[table.call_type == call_type].verdict.value_counts()
    return {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS}


def planned(results) -> bool:
    return getattr(results, "plan_targets", None) is not None


def tables(results) -> Dict[str, pd.DataFrame]:
    if not planned(results):
        return {}
    return {"roster": results.roster, "plan_targets": results.plan_targets}


def summary_lines(results) -> List[str]:
    """The "Plan" block: the notes, the roster per group, and how many intervals met the targets."""
    if not planned(results):
        return []
    per_group = _per_group(results)
    counts = verdict_counts(results.plan_targets)
    lines = ["", "Plan (roster.csv, plan_targets.csv):"] + [f"  {note}" for note in results.plan_notes]
    lines += [text_table(dict(per_group.items())),
              f"Verification of the roster, all calls per interval: {counts['met']} met, {counts['missed']} missed, "
              f"{counts['unsure']} unsure (the confidence interval straddles a target), {counts['no calls']} without calls"]
    missed = results.plan_targets[(results.plan_targets.verdict == "missed") & (results.plan_targets.call_type == "total")]
    if len(missed):
        lines.append("Missed at " + ", ".join(missed.start.head(12)) + (" ..." if len(missed) > 12 else ""))
    return lines


def _per_group(results) -> pd.DataFrame:
    """Per group: agent-hours on the phones by Erlang, required (optimised), scheduled by the
    roster, and paid, with the agents on shifts."""
    table, roster = results.requirements, results.roster
    hours = table.attrs.get("interval_hours", 1.0)
    rows = []
    for group, of in table.groupby("group", sort=False):
        shifts = roster[roster.group == group]
        rows.append({"group": group, "Erlang h": formats.number(hours * of.erlang.sum()),
                     "required h": formats.number(hours * of.optimised.sum()),
                     "scheduled h": formats.number(hours * of.scheduled.sum()),
                     "paid h": formats.number(float((shifts.paid_hours * shifts["count"]).sum())),
                     "agents": int(shifts["count"].sum())})
    return pd.DataFrame(rows)


def html_sections(results) -> List[Tuple[str, str]]:
    if not planned(results):
        return []
    from sim.reports.html import long_table_html, table_html  # (html imports this module lazily)

    notes = "".join(f"<p>{note}</p>" for note in results.plan_notes)
    return [("Plan: the roster", notes + table_html(_per_group(results)) + table_html(results.roster)),
            ("Plan: requirements per interval and group",
             "<p>Agents on the phones: Erlang, optimised (required), paid (required / (1 - shrinkage), what the "
             "roster covers) and scheduled by the roster (its breaks off the phones).</p>"
             + long_table_html(results.requirements, "interval x group rows", "requirements.csv")),
            ("Plan: target against achieved", long_table_html(results.plan_targets, "interval x call type rows",
                                                               "plan_targets.csv"))]


def figure_names(results) -> List[str]:
    return list(FIGURES) if planned(results) else []


def draw(name: str, results):
    from sim.reports import plan_plots  # (matplotlib: only to draw)

    title = results.scenario.name
    if name == "plan_staffing":
        return plan_plots.staffing_figure(results.requirements, title)
    target = results.plan_targets.get("service_level_target")
    level = float(target.iloc[0]) if target is not None and len(target) else results.scenario.kpi.sl_target
    return plan_plots.service_level_figure(results.plan_targets, level, title)
