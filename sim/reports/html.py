"""Self-contained HTML reports of a run or a sweep: one file with the tables, the plots embedded
as PNG data, the config, the engine and the seed, that a planner can open offline or mail.

Nothing is fetched when the page opens: the style sheet is inline and every image is a
``data:`` URI, so the file renders the same anywhere.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
import pandas as pd

from sim.kpi.definitions import FRACTIONS  # (not from plots: no matplotlib unless plots are drawn)
from sim.reports.csv_tables import column_arrays

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.meta { color: #555; } .meta td { padding: 0 1.5em 0 0; }
table.kpi { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
table.kpi th, table.kpi td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; white-space: nowrap; }
table.kpi th { background: #f3f3f3; } table.kpi tr:nth-child(even) td { background: #fafafa; }
table.kpi td:first-child, table.kpi th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.8em; }
.scroll { overflow-x: auto; }
.warning { color: #a40000; font-weight: bold; } .note { color: #555; font-style: italic; }
"""
MAX_ROWS = 200  # a longer table shows its first and last MAX_ROWS / 2 rows (the file beside has them all)
INTERVALS_FILE = "intervals.csv"  # where sim.reports.files.write_run puts the interval table


def figure_data_uri(figure) -> str:
    """A matplotlib figure, or a PNG already rendered from one (bytes), as an embedded PNG
    (``data:image/png;base64,...``)."""
    if isinstance(figure, bytes):
        png = figure
    else:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        png = buffer.getvalue()
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _cell(column: str, value) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if column in FRACTIONS:
        return f"{100 * value:.1f}%"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Formatted for reading: percentages, thousands separators, and ``x ± h`` where a column has
    a ``<column>_ci`` half-width beside it."""
    return pd.DataFrame(_shown(frame))


def _shown(frame: pd.DataFrame) -> Dict[str, list]:
    """display_table's columns, as lists of text."""
    columns = _column_values(frame)
    shown = {}
    for column, values in columns.items():
        if column.endswith("_ci") and column[:-3] in columns:
            continue
        texts = _cells(column, values)
        if f"{column}_ci" in columns:
            halves = _cells(column, columns[f"{column}_ci"])
            texts = [f"{v} ± {h}" if v and h else v for v, h in zip(texts, halves)]
        shown[column.replace("_", " ")] = texts
    return shown


def _column_values(frame: pd.DataFrame) -> Dict[str, list]:
    """{name: the column's values}, as iterating over the column gives them (floats and integers
    as Python numbers), without a Series each (which costs more than formatting a short column)."""
    columns = {}
    for j, (name, array) in enumerate(zip(frame.columns, column_arrays(frame))):
        # (a name twice: the last column, at the first's place)
        if not isinstance(array, np.ndarray):
            columns[name] = list(array)  # (a Series iterates over its extension array)
        elif array.dtype.kind in "fiubO":
            columns[name] = array.tolist()  # (a Series: item by item, the same Python values)
        else:
            columns[name] = list(frame.iloc[:, j])
    return columns


def _cells(column: str, values: list) -> List[str]:
    """[_cell(column, v) for v in values], with the kind of value decided once for a column of
    floats or of integers (not booleans)."""
    kinds = set(map(type, values))
    if kinds == {float} or kinds == {int}:
        if column in FRACTIONS:
            return ["" if v != v else f"{100 * v:.1f}%" for v in values]
        if kinds == {int}:
            return [f"{v:,}" for v in values]
        return ["" if v != v else f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}" for v in values]
    return [_cell(column, v) for v in values]


def table_html(frame: pd.DataFrame) -> str:
    return f'<div class="scroll">{html_table(_shown(frame))}</div>'


_CELL = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", "&": "&amp;", "<": "&lt;", ">": "&gt;"})


def html_table(shown: Dict[str, list]) -> str:
    """``pd.DataFrame(shown).to_html(index=False, classes="kpi", border=0, escape=True)`` for
    columns of text (as display_table makes them), the same text without pandas' formatting
    machinery; other columns (not all text, or headings with control characters) by pandas."""
    names = [str(name) for name in shown]
    if not names or any(c in name for name in names for c in "\t\n\r") or \
            not all({str}.issuperset(map(type, column)) for column in shown.values()):
        return pd.DataFrame(shown).to_html(index=False, classes="kpi", border=0, escape=True)
    head = "".join(f"      <th>{_cell_text(name)}</th>\n" for name in names)
    row = "    <tr>\n" + "      <td>%s</td>\n" * len(names) + "    </tr>\n"
    body = "".join([row % cells for cells in zip(*map(_cells_text, shown.values()))])
    return (f'<table class="dataframe kpi">\n  <thead>\n    <tr style="text-align: right;">\n{head}    </tr>\n'
            f"  </thead>\n  <tbody>\n{body}  </tbody>\n</table>")


def _cell_text(text: str) -> str:
    """A cell as pandas writes it: control characters as escapes, &<> as entities, trimmed, runs
    of two spaces kept (non-breaking)."""
    return text.translate(_CELL).strip().replace("  ", "&nbsp;&nbsp;")


def _cells_text(texts: List[str]) -> List[str]:
    """[_cell_text(t) for t in texts], sooner for a column without characters to escape and without
    two spaces in a row (the KPI tables' columns): then trimming is all there is to do."""
    joined = "\0".join(texts)  # (one search for all: the characters looked for are never the separator)
    if "  " in joined or any(c in joined for c in "\t\n\r&<>"):
        return [_cell_text(t) for t in texts]
    return list(map(str.strip, texts))


def long_table_html(frame: pd.DataFrame, rows_are: str, full_table: str) -> str:
    """table_html, or for a table of more than MAX_ROWS rows its first and last MAX_ROWS / 2 rows
    and a note naming the file with the whole table (tens of thousands of HTML rows would make the
    page slow to write and to open)."""
    if len(frame) <= MAX_ROWS:
        return table_html(frame)
    half = MAX_ROWS // 2
    note = (f'<p class="note">{len(frame):,} {html.escape(rows_are)}: the first {half} and the last {half} are '
            f"shown here; the full table is in <code>{html.escape(full_table)}</code> beside this report.</p>")
    return note + table_html(pd.concat([frame.iloc[:half], frame.iloc[-half:]]))


def page(title: str, meta: Dict[str, object], sections: Iterable[Tuple[str, str]]) -> str:
    """The whole HTML document: a title, a key-value header, then (heading, html body) sections."""
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td><b>{html.escape(str(v))}</b></td></tr>"
                   for k, v in meta.items())
    body = "".join(f"<h2>{html.escape(heading)}</h2>\n{content}\n" for heading, content in sections)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<table class=\"meta\">{rows}</table>\n{body}</body></html>\n")


def images_html(figures: Dict[str, object]) -> str:
    return "\n".join(f'<img alt="{html.escape(name)}" src="{figure_data_uri(figure)}">' for name, figure in figures.items())


def config_html(config: Optional[dict], config_yaml: Optional[str] = None) -> str:
    """The config as YAML (``config_yaml``: already written, e.g. for config.yaml)."""
    if not config:
        return "<p>(not recorded)</p>"
    if config_yaml is None:
        config_yaml = yaml_text(config)
    return f"<pre>{html.escape(config_yaml)}</pre>"


def yaml_text(config: dict) -> str:
    """``yaml.safe_dump(config, sort_keys=False)``, by libyaml's emitter when PyYAML has it (the
    same text, a quarter of the time; tests/test_report_yaml.py compares them)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(config, Dumper=dumper, sort_keys=False)


def run_report(results, config: Optional[dict], figures: Dict[str, object], method: str,
               config_yaml: Optional[str] = None) -> str:
    """The report of one run, replicated or not (``config_yaml``: the config already as YAML)."""
    scenario = results.scenario
    meta = {"scenario": scenario.name, "description": scenario.description or "", "engine": results.engine_note,
            "seed": results.seed, "statistics": method, "calls simulated": f"{results.n_calls:,}",
            "written": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    sections: List[Tuple[str, str]] = [("Service by call type", table_html(results.summary)),
                                       ("Agent groups", table_html(results.groups))]
    from sim.reports.outbound_html import sections as outbound_sections  # (it imports this module)

    sections += outbound_sections(results)  # scenarios with campaigns
    from sim.reports.requirements import html_sections as staffing_sections  # (it imports this module)

    sections += staffing_sections(results)  # planned staffing (staffing=erlang)
    from sim.reports.plan_report import html_sections as plan_sections  # (it imports this module)

    sections += plan_sections(results)  # task=plan
    from sim.reports.journey_report import html_sections as journey_sections

    sections += journey_sections(results, table_html)  # IVR, callbacks, transfers, redials
    theory = getattr(results, "theory", None)
    if theory is not None:
        sections.append((f"Against {theory.attrs['model'].replace('_', ' ').title()}", table_html(theory)))
    if figures:
        sections.append(("Through the day", images_html(figures)))
    sections.append(("Per interval (total of all call types)",
                     long_table_html(results.intervals[results.intervals.call_type.to_numpy() == "total"], "intervals",
                                     INTERVALS_FILE)))
    sections.append(("Configuration", config_html(config, config_yaml)))
    return page(f"callsim report: {scenario.name}", meta, sections)


def sweep_report(title: str, meta: Dict[str, object], summary: pd.DataFrame, groups: pd.DataFrame,
                 figures: Dict[str, object], problems: List[str], config: Optional[dict],
                 campaigns: Optional[pd.DataFrame] = None) -> str:
    """The report of a sweep: one row per job (and call type, group or outbound campaign), with the plots."""
    sections: List[Tuple[str, str]] = []
    if problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        sections.append(("Jobs without results", f'<p class="warning">{len(problems)} job(s) are missing from '
                                                 f"the tables below:</p><ul>{items}</ul>"))
    if figures:
        sections.append(("KPIs against the swept parameters", images_html(figures)))
    sections.append(("Service by call type (totals)", table_html(summary[summary.call_type == "total"])))
    sections.append(("Agent groups", table_html(groups)))
    if campaigns is not None and not campaigns.empty:
        sections.append(("Outbound campaigns", table_html(campaigns)))
    sections.append(("Service by call type (all)", table_html(summary)))
    sections.append(("Configuration of the first job", config_html(config)))
    return page(title, meta, sections)
