"""sim.reports.text_table.text_table gives exactly pd.DataFrame(columns).to_string(index=False):
random string tables (widths, headers longer and shorter than the cells, empty strings, "±" and
other non-ASCII, tabs and newlines, cells longer than 50 characters, which to_string does not cut), integer and float
columns, one row, one column, many rows; and the inputs it hands to pandas (the same text)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from sim.reports.text_table import text_table

ALPHABET = st.sampled_from(list("ab Z09.,%-±µé€中\t\n") + [" ± ", "x" * 7])
TEXT = st.lists(ALPHABET, max_size=12).map("".join)
LONG_TEXT = st.lists(st.sampled_from(["abcdefghij", "±", " "]), max_size=9).map("".join)  # up to 90 characters


def pandas_text(columns) -> str:
    return pd.DataFrame(columns).to_string(index=False)


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 8))
    n_columns = draw(st.integers(1, 6))
    headers = draw(st.lists(st.one_of(TEXT, LONG_TEXT).filter(bool), min_size=n_columns, max_size=n_columns,
                            unique=True))
    columns = {}
    for header in headers:
        kind = draw(st.sampled_from(["text", "long text", "int", "float", "series"]))
        if kind == "text":
            columns[header] = draw(st.lists(TEXT, min_size=rows, max_size=rows))
        elif kind == "long text":
            columns[header] = draw(st.lists(LONG_TEXT, min_size=rows, max_size=rows))
        elif kind == "int":
            columns[header] = np.array(draw(st.lists(st.integers(-10**12, 10**12), min_size=rows, max_size=rows)))
        elif kind == "float":
            values = st.one_of(st.floats(-2e6, 2e6), st.sampled_from([0.0, 1e-7, 29.0, 10.5, -0.0, np.nan]))
            columns[header] = pd.Series(draw(st.lists(values, min_size=rows, max_size=rows)), dtype=float)
        else:
            columns[header] = pd.Series(draw(st.lists(TEXT, min_size=rows, max_size=rows)))
    return columns


@settings(max_examples=400, deadline=None)
@given(tables())
def test_random_tables_are_laid_out_as_pandas_does(columns):
    assert text_table(columns) == pandas_text(columns)


@pytest.mark.parametrize("columns", [
    {"a": ["x"]},  # one cell
    {"call type": ["retail", "total"], "SL 20s": ["85.3% ± 1.2%", "86.1% ± 1.0%"]},  # "±" counts as one
    {"h": ["", ""], "longer header": ["", "a"]},  # empty strings
    {"x": ["a" * 60, "b"], "y": ["c", "d" * 49]},  # not cut at display.max_colwidth (50)
    {"header of more than fifty characters, much wider than its cells": ["a" * 60], "z": ["q"]},
    {"agents": np.array([29, 10, 8]), "group": ["retail_team", "sales", "x"]},  # numeric: header's leading space
    {"agents": pd.Series([29.0, 10.0, 8.5]), "p": pd.Series([0.000001, 1e6, -3.25])},  # floats, trimmed evenly
    {" lead": ["a"], "  more": ["b"]},  # the headers' shared leading space removed
    {"tab\there": ["new\nline"], "cr": ["x\ry"]},  # tab, LF and CR escaped
    {"many": [str(i) for i in range(1000)], "rows": ["±" * (i % 13) for i in range(1000)]},
])
def test_hand_cases(columns):
    assert text_table(columns) == pandas_text(columns)


@pytest.mark.parametrize("columns", [
    {"a": ["x", None]},  # a missing value among strings
    {"a": [1, 2]},  # a list of numbers (pandas infers the type)
    {"a": np.array([True, False])},  # booleans
    {"a": pd.Series([1.0, np.nan]), "b": ["x", "y"]},  # a float column with NaN
    {"a": pd.Series([1e-9, 2.0])},  # small floats: pandas writes exponents
    {"a": pd.Series([1, 2], dtype="Int64")},  # nullable integers
    {"a": pd.Series(["x", "y"], index=[0, 1]), "b": pd.Series(["z", "w"], index=[1, 0])},  # aligned on the index
    {"a": [], "b": []},  # no rows
    {"a": pd.Series(["x", "y"], dtype="category")},
])
def test_what_it_hands_to_pandas_gives_pandas_text(columns):
    assert text_table(columns) == pandas_text(columns)
