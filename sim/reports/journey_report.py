"""The caller's journey in the reports (issue 14): IVR self-service, callbacks, transfers and
escalation, redials. A scenario without these features gets nothing from here; with them, the
text summary gets a "Caller's journey" block and the callers block, the HTML report the same
sections, and the output directory callbacks.csv, callback_intervals.csv, callers.csv and
caller_intervals.csv. Replicated runs show each figure as mean ± half-width (the tables'
``<name>_ci`` columns).
"""

from __future__ import annotations

from typing import Dict, List

import pandas as pd

from sim.reports.formats import cells, count as _count, number as _number, percent as _percent, with_ci as _column
from sim.reports.text_table import text_table


def tables(results) -> Dict[str, pd.DataFrame]:
    """The journey's tables to write as CSV files, by file name (without extension)."""
    out = {}
    for name in ("callers", "caller_intervals", "callbacks", "callback_intervals"):
        frame = getattr(results, name, None)
        if frame is not None:
            out[name] = frame
    return out


def _has_ivr(results) -> bool:
    return any(ct.ivr is not None for ct in results.scenario.call_types)


def journey_view(results) -> pd.DataFrame:
    """Per call type: what the IVR, callbacks and transfers did (only the features the scenario has);
    None when it has none of them."""
    columns = _journey_columns(results)
    return pd.DataFrame(columns) if columns is not None else None


def _journey_columns(results):
    """The journey table's columns as {title: cells}, or None without journey features."""
    summary = results.summary
    columns = {"call type": summary.call_type.tolist()}
    if _has_ivr(results):
        columns["arrived"] = cells(summary.arrived, _count)
        columns["self-served"] = cells(summary.self_served / summary.arrived, _percent)
        columns["hung up in menu"] = cells(summary.ivr_abandoned / summary.arrived, _percent)
    callbacks = getattr(results, "callbacks", None)
    if callbacks is not None:
        rows = callbacks.set_index("call_type").reindex(summary.call_type)
        for title, name in (("callbacks offered", "offers"), ("accepted", "accepted"), ("completed", "completed"),
                            ("failed", "failed")):
            columns[title] = _column(rows, name, _count)
        columns["time to callback s"] = _column(rows, "time_to_callback", _number)
    if "fcr" in summary:
        columns["transferred"] = _column(summary, "transferred", _count)
        columns["FCR"] = _column(summary, "fcr", _percent)
    return columns if len(columns) > 1 else None


def summary_lines(results) -> List[str]:
    """The text summary's journey blocks (empty without journey features)."""
    lines = []
    columns = _journey_columns(results)
    if columns is not None:
        lines += ["", "Caller's journey (self-served, hung up in the menu: of the calls arrived; "
                      "FCR: first-contact resolution):", text_table(columns)]
    callers = getattr(results, "callers", None)
    if callers is not None:  # scenarios with redials: the callers beside the attempts (sim.kpi.callers)
        cview = text_table({"call type": callers.call_type, "callers": _column(callers, "callers", _count),
                            "redials": _column(callers, "redials", _count),
                            "attempts/caller": _column(callers, "attempts_per_caller", lambda x: _number(x, 2)),
                            "1st attempt lost": _column(callers, "first_attempt_loss", _percent),
                            "callers lost": _column(callers, "caller_loss", _percent)})
        lines += ["", "Callers (with redials; every attempt above counts as a call):", cview]
    return lines


def html_sections(results, table_html) -> list:
    """(title, HTML) sections of the report (none without journey features)."""
    sections = []
    view = journey_view(results)
    if view is not None:
        sections.append(("Caller's journey", table_html(view)))
    if getattr(results, "callbacks", None) is not None:
        sections.append(("Callbacks", table_html(results.callbacks)))
    if getattr(results, "callers", None) is not None:
        sections.append(("Callers (with redials; every attempt above counts as a call)", table_html(results.callers)))
    return sections
