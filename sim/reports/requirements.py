"""The staffing requirements of a planned run (``staffing=erlang``): ``requirements.csv`` (one row
per interval x group, see :mod:`sim.planning.requirements`), the "Staffing" block of the printed
summary, a section of the HTML report (per group, and the table: at most a few hundred rows) and
``requirements.png`` (agents required on the phones per interval, per group: a figure of
:func:`sim.reports.plots.run_figure_names`, drawn like the others, in the plot process or here).

A run carries its requirements as ``results.requirements`` (a table whose ``attrs`` say the policy,
model, shrinkage and interval length in hours), or None when its staffing was not planned.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import pandas as pd

from sim.reports import formats
from sim.reports.text_table import text_table

FILE = "requirements.csv"
MODEL_NAMES = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}


def _requirements(results):
    table = getattr(results, "requirements", None)
    return None if table is None or len(table) == 0 else table


def tables(results) -> Dict[str, pd.DataFrame]:
    """``{"requirements": table}`` for a planned run, else nothing."""
    table = _requirements(results)
    return {} if table is None else {"requirements": table}


def simulated(table: pd.DataFrame) -> str:
    """The column of the agents the run simulated: ``optimised`` when the optimiser planned, else ``erlang``."""
    return "optimised" if "optimised" in table.columns else "erlang"


def per_group(table: pd.DataFrame) -> pd.DataFrame:
    """One row per group: calls, agent-hours required on the phones (the simulated requirement,
    and the Erlang one beside an optimised plan) and paid, the peak requirement and when it
    starts (the first interval at the peak)."""
    hours = table.attrs.get("interval_hours", 1.0)
    column = simulated(table)
    rows = []
    for group, rows_of in table.groupby("group", sort=False):
        peak = rows_of.loc[rows_of[column].idxmax()]
        row = {"group": group, "calls": rows_of.calls.sum(), "hours_on_phones": hours * rows_of[column].sum()}
        if column != "erlang":
            row["hours_erlang"] = hours * rows_of.erlang.sum()
        row.update({"hours_paid": hours * rows_of.paid.sum(), "peak_agents": int(peak[column]),
                    "peak_paid": int(peak.paid), "peak_at": peak.start})
        rows.append(row)
    return pd.DataFrame(rows)


def describe(table: pd.DataFrame) -> str:
    """"erlang (Erlang A, shrinkage 30.0 %)": the policy and its settings in a few words."""
    a = table.attrs
    model = MODEL_NAMES.get(a.get("model"), a.get("model", "?"))
    return f"{a.get('policy', 'erlang')} ({model}, shrinkage {formats.percent(a.get('shrinkage', 0.0))})"


def summary_lines(results) -> List[str]:
    """The "Staffing" block of the printed summary (nothing for a run staffed as its scenario says,
    nor for a plan, whose block says more: sim.reports.plan_report)."""
    table = _requirements(results)
    if table is None or table.attrs.get("policy") == "plan":
        return []
    groups = per_group(table)
    view = text_table({
        "group": groups.group, "calls": formats.cells(groups.calls, formats.count),
        "on the phones h": formats.cells(groups.hours_on_phones, formats.number),
        **({"Erlang h": formats.cells(groups.hours_erlang, formats.number)} if "hours_erlang" in groups else {}),
        "paid h": formats.cells(groups.hours_paid, formats.number),
        "peak agents": groups.peak_agents, "peak paid": groups.peak_paid, "peak at": groups.peak_at,
    })
    total_phones, total_paid = groups.hours_on_phones.sum(), groups.hours_paid.sum()
    return ["", f"Staffing: {describe(table)}: agent-hours required (simulated: the agents on the phones; "
                f"paid = on the phones / (1 - shrinkage), rounded up per interval); see {FILE}",
            view,
            f"All groups: {formats.number(total_phones)} agent-hours on the phones, {formats.number(total_paid)} paid"
            + (f" (Erlang: {formats.number(groups.hours_erlang.sum())} on the phones)" if "hours_erlang" in groups else "")
            ] + ([f"Optimiser: {table.attrs['optimiser']}"] if "optimiser" in table.attrs else [])


def html_sections(results) -> List[Tuple[str, str]]:
    """The report's "Staffing requirements" section: per group, then the table (first and last
    rows of a long one). A plan's requirements are in its own sections (sim.reports.plan_report)."""
    table = _requirements(results)
    if table is None or table.attrs.get("policy") == "plan":
        return []
    from sim.reports.html import long_table_html, table_html  # (html imports this module lazily)

    body = (f"<p>Staffing policy {describe(table)}: every inbound group was simulated with its requirement "
            "on the phones in each interval (the rule: sim/planning/requirements.py).</p>"
            + table_html(per_group(table)) + long_table_html(table, "interval x group rows", FILE))
    return [("Staffing requirements", body)]


def figure_names(results) -> List[str]:
    """``["requirements"]`` for a planned run over a day (a steady-state run has one requirement:
    nothing to plot), else []."""
    table = _requirements(results)
    if table is None or table.attrs.get("steady_state") or table.attrs.get("policy") == "plan":
        return []  # (a plan draws its own: sim.reports.plan_report)
    return list(FIGURES)


def requirements_figure(results):
    """Agents required on the phones per interval, one step line per group (dotted: paid)."""
    from sim.reports.plots import _legend, _steps, _ticks, plt  # (matplotlib: only to draw)

    table = results.requirements
    fig, ax = plt.subplots(figsize=(13, 4.5))
    column = simulated(table)
    for i, (group, rows) in enumerate(table.groupby("group", sort=False)):
        ax.step(*_steps(rows.interval, rows[column]), where="post", color=f"C{i}", label=f"{group} on the phones")
        if column != "erlang":
            ax.step(*_steps(rows.interval, rows.erlang), where="post", color=f"C{i}", linestyle="--", alpha=0.6,
                    label=f"{group} Erlang")
        if (rows.paid != rows[column]).any():
            ax.step(*_steps(rows.interval, rows.paid), where="post", color=f"C{i}", linestyle=":", label=f"{group} paid")
    ax.set_ylabel("agents required")
    ax.set_title(f"{results.scenario.name}: staffing requirements per interval, {describe(table)}")
    _legend(ax)
    _ticks(ax, table)
    fig.tight_layout()
    return fig


FIGURES = {"requirements": requirements_figure}
