"""The report's tables are written without pandas' to_html (sim.reports.html.html_table): the very
text ``to_html(index=False, classes="kpi", border=0, escape=True)`` gives, for the tables of a
replicated and a single run and for awkward text."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments.replications import replicate
from sim.model.scenario import build_scenario
from sim.reports.html import _cell, display_table, html_table, table_html
from sim.simulate import load_scenario_file, simulate


def pandas_html(shown):
    return shown.to_html(index=False, classes="kpi", border=0, escape=True)


def display_the_old_way(frame: pd.DataFrame) -> pd.DataFrame:
    """The report's table as display_table made it before (a DataFrame of text, column by column)."""
    shown = {}
    for column in frame.columns:
        if column.endswith("_ci") and column[:-3] in frame.columns:
            continue
        values = [_cell(column, v) for v in frame[column]]
        if f"{column}_ci" in frame.columns:
            halves = [_cell(column, h) for h in frame[f"{column}_ci"]]
            values = [f"{v} ± {h}" if v and h else v for v, h in zip(values, halves)]
        shown[column.replace("_", " ")] = values
    return pd.DataFrame(shown)


@pytest.mark.parametrize("name", ["default", "support_desk"])
def test_run_tables_as_pandas_writes_them(name):
    sc = build_scenario(load_scenario_file(name))
    for results in (replicate(sc, 3, seed=2, progress=False, n_jobs=1), simulate(sc, 2, records=False)):
        for table in ("summary", "groups", "intervals", "callers", "callbacks"):
            frame = getattr(results, table)
            if frame is not None:
                shown = display_the_old_way(frame)
                pd.testing.assert_frame_equal(display_table(frame), shown)
                assert table_html(frame) == f'<div class="scroll">{pandas_html(shown)}</div>', table


def test_awkward_text_as_pandas_writes_it():
    shown = pd.DataFrame({"call type": ["a <b> & c", "  lead", "trail  ", "two  spaces", "tab\there", "new\nline",
                                        "", "ünï ☎", "3  4  5", "cr\rx"],
                          "x": ["1.0% ± 0.2%", "&amp;", "<", ">", "'q'", '"d"', " ", "a   b", "1,234", "-"]})
    assert html_table(shown.to_dict("list")) == pandas_html(shown)
    assert html_table(shown.iloc[:0].to_dict("list")) == pandas_html(shown.iloc[:0])  # no rows


@pytest.mark.parametrize("column", [[1, 2], [1.5, np.nan], [None, "x"]])
def test_tables_not_all_text_are_left_to_pandas(column):
    shown = pd.DataFrame({"a": ["x", "y"], "b": column})
    assert html_table({"a": ["x", "y"], "b": column}) == pandas_html(shown)


def test_a_heading_with_a_tab_as_pandas_writes_it():  # (pandas leaves a heading's tab as it is)
    assert html_table({"a\tb": ["x\ty"]}) == pandas_html(pd.DataFrame({"a\tb": ["x\ty"]}))
