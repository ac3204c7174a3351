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


def awkward_numbers(n: int = 40) -> pd.DataFrame:
    """Numeric columns of every kind the report shows, with NaN, infinities, negative zero, large
    and small values, in fraction columns and not, with and without ``_ci`` half-widths."""
    rng = np.random.default_rng(5)
    values = rng.normal(size=n) * 10.0 ** rng.integers(-6, 9, size=n)
    values[:8] = [np.nan, np.inf, -np.inf, -0.0, 999.99995, 1000.0, -999.5, 1e300]
    return pd.DataFrame({
        "call_type": [f"type {i}" for i in range(n)],
        "asa": values, "asa_ci": np.abs(values[::-1]),
        "service_level": rng.uniform(0, 1, size=n), "service_level_ci": np.where(np.arange(n) % 4 == 0, np.nan, 0.01),
        "abandon_rate": rng.integers(0, 2, size=n),  # (a fraction column of integers)
        "offered": rng.integers(-10 ** 12, 10 ** 12, size=n), "offered_ci": rng.integers(0, 99, size=n),
        "narrow": values.clip(-1e30, 1e30).astype(np.float32), "small": rng.integers(0, 9, size=n).astype(np.int32),
        "unsigned": rng.integers(0, 2 ** 64 - 1, size=n, dtype=np.uint64, endpoint=True),
        "flag": rng.integers(0, 2, size=n).astype(bool),
        "mixed": np.array([None, 1, 2.5, "x", np.nan, True, np.int64(7), np.float64(0.5)] * (n // 8), dtype=object),
        "nullable": pd.array([1, None] * (n // 2), dtype="Int64"),
        "label": pd.array([None if i % 3 == 0 else f" padded {i} " for i in range(n)], dtype="str"),
        "when": pd.date_range("2026-01-01", periods=n, freq="37min"), "wait": pd.to_timedelta(np.arange(n), unit="s"),
        "category": pd.Categorical([f"c{i % 3}" for i in range(n)]),
    })


def test_awkward_numbers_are_displayed_as_before():
    frame = awkward_numbers()
    for table in (frame, frame.iloc[::3], frame.iloc[:0]):
        shown = display_the_old_way(table)
        pd.testing.assert_frame_equal(display_table(table), shown)
        assert table_html(table) == f'<div class="scroll">{pandas_html(shown)}</div>'


def test_reports_are_written_as_before(monkeypatch):
    """The whole report.html of a replicated and of a single run: the very text the report had with
    its tables displayed as before and written by pandas' to_html."""
    from sim.reports import html as report_html

    class Fixed(report_html.datetime):
        @classmethod
        def now(cls, tz=None):
            return report_html.datetime(2026, 1, 2, 3, 4, tzinfo=tz)

    monkeypatch.setattr(report_html, "datetime", Fixed)
    sc = build_scenario(load_scenario_file("default"))
    config = {"scenario": {"name": "default", "numbers": [1, 2.5]}}
    for results in (replicate(sc, 3, seed=2, progress=False, n_jobs=1), simulate(sc, 2, records=False)):
        long = pd.concat([results.intervals] * 3, ignore_index=True)  # (more than MAX_ROWS: its ends)
        new = [report_html.run_report(results, config, {}, "method"), report_html.long_table_html(long, "rows", "x")]
        with monkeypatch.context() as old:
            old.setattr(report_html, "table_html",
                        lambda frame: f'<div class="scroll">{pandas_html(display_the_old_way(frame))}</div>')
            assert new == [report_html.run_report(results, config, {}, "method"),
                           report_html.long_table_html(long, "rows", "x")]


@pytest.mark.parametrize("special", ["x&y", "x<y", "x>y", "x\ty", "x\ny", "x\ry", "x  y", " lead", "trail "])
def test_a_column_with_one_character_to_escape_as_pandas_writes_it(special):
    shown = pd.DataFrame({"plain": ["a", "b", "c"], "one": ["x", special, "w"]})
    assert html_table(shown.to_dict("list")) == pandas_html(shown)
