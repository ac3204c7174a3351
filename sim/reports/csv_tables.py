"""A KPI table as a CSV file: the very bytes ``frame.to_csv(path, index=False, float_format="%.6g")``
writes, at a fraction of its cost.

pandas formats every float through several Python calls of its own (a NaN test, a formatter, the
format) and converts every column to an object array first; for the tables of a replicated run
(replications.csv has a row per replication and call type) that is most of the time spent
writing. Here each column becomes its text in one list comprehension, with pandas' own rules:
floats with the format, NaN as an empty field, whole numbers and booleans as ``str`` gives them,
labels (and other objects) as they are (missing: empty), and the rows go through the csv module's
writer with the dialect pandas uses (QUOTE_MINIMAL, ``os.linesep``). A column of any other kind
(dates, nullable or categorical dtypes) leaves the whole table to pandas. Tests compare the bytes with pandas' own.
"""

from __future__ import annotations

import csv
import os
from typing import NamedTuple, Optional

import numpy as np
import pandas as pd

FLOAT_FORMAT = "%.6g"


def write_csv(frame: pd.DataFrame, path, float_format: str = FLOAT_FORMAT) -> None:
    """Write ``frame`` (without its index) as ``frame.to_csv(path, index=False, float_format=...)`` does."""
    names = list(frame.columns)
    columns = [_column(column, float_format) for _, column in frame.items()]
    if not columns or any(column is None for column in columns) or not all(isinstance(name, str) for name in names):
        frame.to_csv(path, index=False, float_format=float_format)
        return
    with open(path, "w", newline="", encoding="utf-8") as handle:
        labels = {v for column in columns if column.labels for v in column.values}  # (numbers are never quoted)
        if len(names) > 1 and not any(map(_needs_quotes, names)) and not any(map(_needs_quotes, labels)):
            # no field to quote: one format per row does the csv writer's work
            row = ",".join(column.form for column in columns)
            handle.write(",".join(names) + os.linesep)
            handle.write("".join([row % fields + os.linesep for fields in zip(*(c.values for c in columns))]))
            return
        writer = csv.writer(handle, lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(names)
        writer.writerows(zip(*(c.values if c.form == "%s" else [c.form % v for v in c.values] for c in columns)))


class _Column(NamedTuple):
    form: str  # each field is form % value
    values: list
    labels: bool = False  # text that may need quotes (numbers never do)


def _needs_quotes(field) -> bool:
    """Whether the csv writer (QUOTE_MINIMAL) would quote a field (or the field is not plain text)."""
    return not isinstance(field, str) or any(c in field for c in ',"\r\n') or not field.isprintable()


def _column(column: pd.Series, float_format: str) -> Optional[_Column]:
    """A column's fields as pandas writes them, or None for a kind of column left to pandas."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind == "f":
            values = column.to_numpy().tolist()
            if np.isnan(column.to_numpy()).any():  # (NaN: an empty field)
                return _Column("%s", [float_format % v if v == v else "" for v in values])
            return _Column(float_format, values)
        if dtype.kind in "iu":
            return _Column("%d", column.to_numpy().tolist())
        if dtype.kind == "b":
            return _Column("%s", [str(v) for v in column.to_numpy().tolist()])
        if dtype.kind != "O":
            return None
    elif not isinstance(dtype, pd.StringDtype):
        return None
    # labels (and other objects, as pandas: the csv writer makes them text), missing ones empty
    return _Column("%s", ["" if v is None else v for v in column.to_numpy(dtype=object, na_value=None)], labels=True)
