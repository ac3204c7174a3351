"""The printed summary's tables laid out as text: exactly what
``pd.DataFrame(columns).to_string(index=False)`` gives (pandas' default display options), without
building a DataFrame and running pandas' formatter (about 1.5 ms for each small table; the summary
prints two to six).

A column is a list of strings, or a numpy array / pandas Series of integers, floats or strings.
Anything else (booleans, dates, missing values, floats pandas writes with an exponent, Series
on different indexes, a table without rows, columns of different lengths) is handed to pandas
itself, so the text is pandas' in every case.

pandas' rules, followed here (pandas/io/formats/format.py, printing.py, as of pandas 3.1;
tests/test_text_table.py holds the text to the installed pandas'):

* a cell is ``str(value)`` with tab, CR and LF shown as ``\\t``, ``\\r``, ``\\n``; without an index no
  leading space; an integer as ``f"{x:d}"``; floats as ``f"{x:.6f}"`` with the trailing zeros
  trimmed evenly over the column, one decimal kept (:func:`_floats`);
* no cell is cut (``to_string`` sets ``display.max_colwidth`` to None);
* a column is right-justified to the width of its longest cell or its header, whichever is wider;
  the header of a numeric column gets a leading space; the headers lose the leading spaces they
  all share;
* columns are joined with one space; every line but the last column's is padded to the same width.
  Widths count characters (``len``: "±" is one), as pandas does unless told to count East Asian
  wide characters as two.
"""

from __future__ import annotations

import math
from typing import List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

_ESCAPES = str.maketrans({"\t": r"\t", "\r": r"\r", "\n": r"\n"})


def text_table(columns: Mapping[str, Sequence]) -> str:
    """``pd.DataFrame(columns).to_string(index=False)``, byte for byte."""
    headers = list(columns)
    cells = [_cells(values) for values in columns.values()]
    lengths = {len(strings) for strings, _ in cells if strings is not None}
    if (not headers or any(strings is None for strings, _ in cells) or len(lengths) != 1 or 0 in lengths
            or not all(type(h) is str for h in headers) or not _one_index(columns.values())):
        return pd.DataFrame(dict(columns)).to_string(index=False)
    labels = _trim_front([" " + h.translate(_ESCAPES) for h in headers])
    blocks = []
    for label, (strings, numeric) in zip(labels, cells):
        label = " " + label if numeric else label
        width = max(len(label), max(len(s) for s in strings))
        blocks.append([label.rjust(width)] + [s.rjust(width) for s in strings])
    return _adjoin(blocks)


def _one_index(columns) -> bool:
    """Whether the Series among the columns share one index (else pandas aligns them: its text)."""
    indexes = [values.index for values in columns if isinstance(values, pd.Series)]
    return all(index is indexes[0] or index.equals(indexes[0]) for index in indexes[1:])


def _cells(values) -> Tuple[Optional[List[str]], bool]:
    """(the column's cells as pandas writes them, numeric?), or (None, False) for pandas to do it."""
    if isinstance(values, (pd.Series, np.ndarray)):
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else None
        if kind in ("i", "u"):
            return [f"{x:d}" for x in values.tolist()], True
        if kind == "f":
            return _floats(values.tolist()), True
        if kind != "O" and not pd.api.types.is_string_dtype(values.dtype):
            return None, False
        values = values.tolist()
    if not isinstance(values, (list, tuple)) or not all(type(v) is str for v in values):
        return None, False
    return [v.translate(_ESCAPES) for v in values], False


def _floats(values: List[float]) -> Optional[List[str]]:
    """A float column as pandas writes it, for the values it writes without exponents (finite,
    none above 1e6, none nonzero below 1e-6); None otherwise (then pandas writes the table)."""
    if not all(math.isfinite(x) and (x == 0.0 or 1e-6 <= abs(x) <= 1e6) for x in values):
        return None
    text = [f"{x:.6f}" for x in values]
    while all(t.endswith("0") for t in text):
        text = [t[:-1] for t in text]
    return [t + "0" if t.endswith(".") else t for t in text]


def _trim_front(strings: List[str]) -> List[str]:
    """The leading whitespace all the strings share, removed (pandas' ``trim_front``)."""
    shared = min(len(s) - len(s.lstrip()) for s in strings)
    return [s[shared:] for s in strings] if shared else strings


def _adjoin(blocks: List[List[str]]) -> str:
    """Columns side by side, one space apart (pandas' ``adjoin``)."""
    widths = [max(len(s) for s in block) + 1 for block in blocks[:-1]] + [max(len(s) for s in blocks[-1])]
    return "\n".join("".join(s.ljust(w) for s, w in zip(row, widths)) for row in zip(*blocks))
