"""A table written by sim.reports.csv_tables has the very bytes of pandas' ``to_csv(index=False,
float_format="%.6g")``: the KPI tables of a replicated run, and tables with every kind of awkward field."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments.replications import replicate
from sim.model.scenario import build_scenario
from sim.reports.csv_tables import write_csv
from sim.simulate import load_scenario_file


def assert_same_bytes(frame, tmp_path):
    mine, theirs = tmp_path / "mine.csv", tmp_path / "pandas.csv"
    write_csv(frame, mine)
    frame.to_csv(theirs, index=False, float_format="%.6g")
    assert mine.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("name", ["default", "support_desk"])
def test_replicated_tables_as_pandas_writes_them(name, tmp_path):
    sc = build_scenario(load_scenario_file(name))
    rep = replicate(sc, 3, seed=2, progress=False, n_jobs=1)
    for table in ("summary", "intervals", "groups", "group_intervals", "per_replication", "callers", "callbacks"):
        if getattr(rep, table) is not None:
            assert_same_bytes(getattr(rep, table), tmp_path)


def awkward():
    return pd.DataFrame({
        "label": ["plain", "with, comma", 'a "quote"', "line\nbreak", "", " padded "],
        "object": np.array(["x", None, 2, np.nan, "z,", 0.1], dtype=object),
        "float": [0.1, np.nan, np.inf, -np.inf, -0.0, 123456789.123],
        "small": [1e-12, 2.5e-7, 1 / 3, 2 / 3, 1e16, -7.0],
        "count": np.array([0, 1, -2, 10**12, 5, 6], dtype=np.int64),
        "flag": [True, False, True, True, False, False],
        "narrow": np.array([1.5, np.nan, 2.25, 0.0, 3.0, 4.0], dtype=np.float32),
    })


def test_awkward_fields_as_pandas_writes_them(tmp_path):
    frame = awkward()
    assert_same_bytes(frame, tmp_path)
    assert_same_bytes(frame.iloc[:0], tmp_path)  # no rows: the header alone
    assert_same_bytes(frame.astype({"label": "string"}), tmp_path)
    assert_same_bytes(pd.DataFrame({"label": ["a", "", "b"]}), tmp_path)  # one column: an empty field is written ""


@pytest.mark.parametrize("column", [pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
                                    pd.Categorical(["a", "b", "a", "c", "b", "a"]),
                                    pd.array([1.5, None, 3, 4, 5, 6], dtype="Float64"),
                                    pd.date_range("2026-01-01", periods=6, freq="D"),
                                    np.array([1, "two", 3.5, None, "x", 2], dtype=object)])
def test_other_kinds_of_columns_are_left_to_pandas(column, tmp_path):
    frame = awkward()
    frame["other"] = column
    assert_same_bytes(frame, tmp_path)
