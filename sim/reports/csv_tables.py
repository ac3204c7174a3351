"""A KPI table as a CSV file: the very bytes ``frame.to_csv(path, index=False, float_format="%.6g")``
writes, at a fraction of its cost.

pandas formats every float through several Python calls of its own (a NaN test, a formatter, the
format) and converts every column to an object array first; for the tables of a replicated run
(replications.csv has a row per replication and call type) that is most of the time spent
writing. Here every column becomes the list of its fields, with pandas' own rules: floats with
the format, NaN as an empty field, whole numbers and booleans as ``str`` gives them, labels (and
other objects) as they are (missing: empty). The columns are taken from the frame as arrays,
without a Series each; the float columns are formatted together, for a ``%.<n>g`` format by the
compiled twin ``_csv_c`` (Python's own float formatting, without a Python call per field;
``_csv_py`` when it is not built), and so are the integer columns. The
rows are joined directly when no field needs quotes, else go through the csv module's writer with
the dialect pandas uses (QUOTE_MINIMAL, ``os.linesep``). A column of any other kind (dates,
nullable or categorical dtypes) leaves the whole table to pandas. Tests compare the bytes with pandas' own.
"""

from __future__ import annotations

import csv
import os
import re
from typing import List, Optional

import numpy as np
import pandas as pd

from sim._twins import load_twin

_fields, COMPILED, IMPORT_ERROR = load_twin("sim.reports._csv_c", "sim.reports._csv_py")

FLOAT_FORMAT = "%.6g"
COLUMN_ACCESSOR = "_get_column_array"  # pandas' private accessor of a column's array (2.x and 3.x have it)
_GENERAL = re.compile(r"%\.(\d+)g")  # the formats the twins write ("%.<precision>g")


def write_csv(frame: pd.DataFrame, path, float_format: str = FLOAT_FORMAT) -> None:
    """Write ``frame`` (without its index) as ``frame.to_csv(path, index=False, float_format=...)`` does."""
    names = list(frame.columns)
    columns = _columns(frame, float_format) if names and all(isinstance(name, str) for name in names) else None
    if columns is None:
        frame.to_csv(path, index=False, float_format=float_format)
        return
    fields, labels = columns
    with open(path, "w", newline="", encoding="utf-8") as handle:
        if len(names) > 1 and not _need_quotes(names) and not any(_need_quotes(fields[j]) for j in labels):
            # no field to quote: joining the fields does the csv writer's work
            rows = [",".join(names), *map(",".join, zip(*fields)), ""]
            handle.write(os.linesep.join(rows))
            return
        writer = csv.writer(handle, lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(names)
        writer.writerows(zip(*fields))


def _need_quotes(fields: list) -> bool:
    """Whether the csv writer (QUOTE_MINIMAL) would quote one of the fields (or one is not plain
    text). (Numbers are never quoted.)"""
    if not {str}.issuperset(map(type, fields)):
        return True
    text = "".join(fields)  # (one search for all)
    return "," in text or '"' in text or not text.isprintable()  # (line breaks are not printable)


def column_arrays(frame: pd.DataFrame) -> list:
    """The frame's columns as arrays (numpy's, or pandas' extension arrays), by pandas' own
    accessor where it has one: a Series per column (``frame.iloc[:, j]``, ``frame.items()``) costs
    about 20 us, for tables of a few rows most of the time spent writing them."""
    get = getattr(frame, COLUMN_ACCESSOR, None)
    if get is None:
        return [column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array for _, column in frame.items()]
    return [get(j) for j in range(frame.shape[1])]


def _columns(frame: pd.DataFrame, float_format: str):
    """(every column's fields as pandas writes them, the positions of the label columns), or None
    if a column is of a kind left to pandas."""
    arrays = column_arrays(frame)
    dtypes = [array.dtype for array in arrays]
    fields: List[Optional[list]] = [None] * len(arrays)
    numbers = [j for j, dtype in enumerate(dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    wholes = [j for j, dtype in enumerate(dtypes) if isinstance(dtype, np.dtype) and
              (dtype.kind == "i" or dtype.kind == "u" and dtype.itemsize < 8)]  # (all within int64)
    for positions, to_fields, dtype in ((numbers, lambda columns: _float_fields(columns, float_format), np.float64),
                                        (wholes, _fields.decimal_fields, np.int64)):  # ("%d" % v is str(v))
        for j, column in zip(positions, to_fields([np.asarray(arrays[j], dtype) for j in positions])):
            fields[j] = column
    labels = []
    for j, dtype in enumerate(dtypes):
        if fields[j] is not None:
            continue
        if isinstance(dtype, np.dtype) and dtype.kind in "ub":  # (uint64, booleans)
            fields[j] = list(map(str, np.asarray(arrays[j]).tolist()))
        elif isinstance(dtype, pd.StringDtype) or isinstance(dtype, np.dtype) and dtype.kind == "O":
            # labels (and other objects, as pandas: the csv writer makes them text), missing ones empty
            fields[j] = ["" if v is None else v for v in _objects(arrays[j])]
            labels.append(j)
        else:
            return None
    return fields, labels


def _objects(array) -> list:
    """A column's values as objects, missing ones (None, NaN, NA) as None: ``Series.to_numpy(dtype=object,
    na_value=None)``."""
    if isinstance(array, np.ndarray):
        array = array.copy()
        array[pd.isna(array)] = None
        return array.tolist()
    return array.to_numpy(dtype=object, na_value=None).tolist()


def _float_fields(columns: List[np.ndarray], float_format: str) -> List[list]:
    """Each column of floats (float64 arrays) as its fields (NaN: an empty field)."""
    general = _GENERAL.fullmatch(float_format)
    if general is not None:
        return _fields.general_fields(columns, int(general.group(1)))
    return [[float_format % v if v == v else "" for v in column.tolist()] for column in columns]
