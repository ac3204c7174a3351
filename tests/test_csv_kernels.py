"""The number fields of CSV tables (sim/reports/_csv_c.pyx and its Python twin _csv_py): the very
text of Python's ``"%.6g" % v`` (any precision) and ``str(n)``, on edge values and on random bit
patterns covering every exponent; and write_csv's bytes equal to pandas' on tables that take the
fast path (no field to quote) with such values, by either twin, with or without pandas' column accessor."""

import numpy as np
import pandas as pd
import pytest

from sim.reports import _csv_py, csv_tables
from sim.reports.csv_tables import write_csv

try:
    from sim.reports import _csv_c
except ImportError:
    _csv_c = None
TWINS = [pytest.param(_csv_py, id="python"),
         pytest.param(_csv_c, id="compiled",
                      marks=pytest.mark.skipif(_csv_c is None, reason="the CSV twin is not built"))]

EDGES = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
         1.7976931348623157e308, -1.7976931348623157e308, 1e16, 1e-12, 2.5e-7, 1 / 3, 2 / 3, 0.1, 0.5, 1.5, 2.5,
         9.9999995, 9.999995, 9.9999949, 99999.95, 999999.5, 999999.4, 9999995.0, 0.000099999995, 0.0001, 0.00009999995,
         123456.5, 1234565.0, 0.1234565, 1e-5, 1e5, 1e6, 123456789.123, 4.35, 0.15, 1e100, 1e-100, 1e21, 1e22, 2 ** 53,
         2 ** 53 + 2, 0.30000000000000004, 100.0, 1e-4 * (1 - 2 ** -52)]
EDGES += [np.nextafter(10.0 ** e, side) for e in range(-6, 18) for side in (0, np.inf)]  # (just below and above)


def random_floats(n: int, seed: int) -> np.ndarray:
    """Floats of every exponent and sign (random bit patterns, NaN among them) and short decimals."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2 ** 64, size=n, dtype=np.uint64).view(np.float64)
    decimals = rng.integers(-10 ** 8, 10 ** 8, size=n) / 10.0 ** rng.integers(0, 9, size=n)
    return np.concatenate([bits, decimals, decimals / 1e6, np.array(EDGES), -np.array(EDGES), [np.nan]])


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("precision", [6, 1, 0, 3, 12, 17])
def test_float_fields_are_python_percent_g(twin, precision):
    values = random_floats(20_000 if precision == 6 else 2_000, seed=precision)
    expected = [f"%.{precision}g" % v if v == v else "" for v in values.tolist()]
    columns = [values, values[::-1], values[::7]]  # (strided views too)
    got = twin.general_fields(columns, precision)
    assert got[0] == expected
    assert got[1] == expected[::-1]
    assert got[2] == expected[::7]


def fixed_notation_floats(precision: int, n: int, seed: int) -> np.ndarray:
    """Floats written without an exponent (and just beyond): spread over the magnitudes, and next
    to the ties between two roundings to ``precision`` digits (the neighbours of d.5 at the digit
    after the last, and of the roundings up to the next power of ten, such as 9.9999995)."""
    rng = np.random.default_rng(seed)
    spread = 10.0 ** rng.uniform(-6, precision + 1, size=n) * rng.choice([-1, 1], size=n)
    scale = 10.0 ** rng.integers(-4 - precision, 2, size=n)
    ties = (rng.integers(10 ** (precision - 1), 10 ** precision, size=n) + 0.5) * scale
    nines = (10.0 ** precision - 0.5) * scale
    near = np.concatenate([ties, nines])
    return np.concatenate([spread, near, np.nextafter(near, np.inf), np.nextafter(near, -np.inf), -near])


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("precision", list(range(1, 18)))
def test_fixed_notation_and_ties_are_python_percent_g(twin, precision):
    values = fixed_notation_floats(precision, 20_000 if precision == 6 else 3_000, seed=100 + precision)
    assert twin.general_fields([values], precision)[0] == [f"%.{precision}g" % v for v in values.tolist()]


@pytest.mark.parametrize("twin", TWINS)
def test_decimal_fields_are_str(twin):
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.integers(-2 ** 63, 2 ** 63 - 1, size=5_000, dtype=np.int64, endpoint=True),
                             rng.integers(-1000, 1000, size=1_000),
                             np.array([0, -1, 1, 9, 10, -10, 99, 100, 2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1], np.int64)])
    got = twin.decimal_fields([values, values[::-3]])
    assert got[0] == [str(v) for v in values.tolist()]
    assert got[1] == [str(v) for v in values[::-3].tolist()]
    assert twin.general_fields([np.empty(0)], 6) == [[]] and twin.decimal_fields([np.empty(0, np.int64)]) == [[]]


def plain_table(n: int = 400) -> pd.DataFrame:
    """Every kind of column the fast path writes, with edge values, and labels needing no quotes."""
    values = random_floats(n, seed=11)[:n]
    values[:len(EDGES)] = EDGES[:n]
    rng = np.random.default_rng(12)
    return pd.DataFrame({
        "call_type": pd.array([f"type {i % 7}" for i in range(n)], dtype="str"),
        "label": np.array([None if i % 13 == 0 else f"t{i}" for i in range(n)], dtype=object),
        "value": values,
        "negated": -values,
        "tiny": values * 1e-300,
        "narrow": np.clip(values, -1e38, 1e38).astype(np.float32),
        "count": rng.integers(-2 ** 63, 2 ** 63 - 1, size=n, dtype=np.int64, endpoint=True),
        "small_count": rng.integers(-100, 100, size=n).astype(np.int32),
        "byte": rng.integers(0, 255, size=n).astype(np.uint8),
        "huge_unsigned": rng.integers(0, 2 ** 64 - 1, size=n, dtype=np.uint64, endpoint=True),
        "flag": rng.integers(0, 2, size=n).astype(bool),
        "fraction": np.where(np.arange(n) % 5 == 0, np.nan, rng.uniform(0, 1, size=n)),
    })


@pytest.fixture(params=["compiled", "python", "no column accessor"])
def writer(request, monkeypatch):
    """write_csv with the compiled twin, the Python twin, or a pandas without its column accessor."""
    if request.param == "compiled":
        if _csv_c is None:
            pytest.skip("the CSV twin is not built")
        monkeypatch.setattr(csv_tables, "_fields", _csv_c)
    elif request.param == "python":
        monkeypatch.setattr(csv_tables, "_fields", _csv_py)
    else:
        monkeypatch.setattr(csv_tables, "COLUMN_ACCESSOR", "_no_such_accessor")
    return write_csv


@pytest.mark.parametrize("float_format", ["%.6g", "%.3g", "%.4f", "%.2e"])
def test_tables_without_quotes_as_pandas_writes_them(writer, float_format, tmp_path, monkeypatch):
    frame = plain_table()
    for table in (frame, frame.iloc[::3], frame.iloc[:0], frame[["value", "count"]], frame[["value"]]):
        mine, theirs = tmp_path / "mine.csv", tmp_path / "pandas.csv"
        table.to_csv(theirs, index=False, float_format=float_format)
        with monkeypatch.context() as patched:  # (not left to pandas)
            patched.setattr(pd.DataFrame, "to_csv", None)
            writer(table, mine, float_format=float_format)
        assert mine.read_bytes() == theirs.read_bytes(), list(table.columns)


def test_labels_needing_quotes_as_pandas_writes_them(writer, tmp_path):
    frame = plain_table(60)
    for text in ("a,b", 'q"uote', "line\nbreak", "car\rriage", "tab\tbell\x07", "ünï ☎"):
        table = frame.copy()
        table.loc[7, "label"] = text
        for heading in ("label", f"head {text}"):
            mine, theirs = tmp_path / "mine.csv", tmp_path / "pandas.csv"
            writer(table.rename(columns={"label": heading}), mine)
            table.rename(columns={"label": heading}).to_csv(theirs, index=False, float_format="%.6g")
            assert mine.read_bytes() == theirs.read_bytes(), text
