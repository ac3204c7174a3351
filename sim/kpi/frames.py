"""Quick construction of the small KPI tables, and constants kept per scenario.

A run's KPI tables are small (tens to thousands of rows), so building them is mostly pandas'
per-column overhead: ``pd.DataFrame(dict)`` infers, checks and converts every column, and
turning a list of labels into a string column costs more than the numbers. For replicated runs
(hundreds of short runs of one scenario) that overhead is a large part of the run time. Here:

  * :func:`frame` hands pandas ready-made blocks, one 2-D array per numeric dtype and one string
    array per label column (``pandas.api.internals.create_dataframe_from_blocks``, pandas >= 2.3;
    with an older pandas it falls back to the plain constructor). The table is the very one
    ``pd.DataFrame(dict)`` gives: same columns, dtypes and values.
  * :func:`strings` makes a label column of the dtype pandas itself gives a list of str.

Numeric columns are copied into the blocks and label columns are shallow copies of immutable
(Arrow) arrays, so a table never shares memory with a value kept per scenario
(:func:`sim.model.cache.per_scenario`): changing one in place cannot change the next run's tables.
"""

from __future__ import annotations

from typing import Dict

import numpy as np
import pandas as pd

try:
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # pandas < 2.3
    create_dataframe_from_blocks = None

STRING_DTYPE = pd.Series(["x"]).dtype  # str (pandas >= 3) or object
_EXTENSION_STRINGS = isinstance(STRING_DTYPE, pd.api.extensions.ExtensionDtype)
_COLUMNS: Dict[tuple, pd.Index] = {}


def strings(values):
    """A label column of the dtype pandas gives a list of str (kept in caches: see frame)."""
    values = [str(v) for v in values]
    if _EXTENSION_STRINGS:
        return pd.array(values, dtype=STRING_DTYPE)
    return np.array(values, dtype=object)


def frame(columns: dict) -> pd.DataFrame:
    """The DataFrame ``pd.DataFrame(columns)`` gives (RangeIndex), built block by block.

    Each value is a 1-D numpy array (its dtype is kept) or a label column from :func:`strings`;
    all have the same length. The table owns copies of them.
    """
    if create_dataframe_from_blocks is None or not len(next(iter(columns.values()), ())):
        # (no rows: pandas gives an empty list of labels a dtype of its own choosing)
        return pd.DataFrame({name: values.copy() if isinstance(values, np.ndarray) and values.dtype != object
                             else list(values) for name, values in columns.items()})
    names = tuple(columns)
    by_dtype: Dict[np.dtype, list] = {}
    blocks = []
    n = 0
    for position, values in enumerate(columns.values()):
        n = len(values)
        if isinstance(values, np.ndarray) and values.dtype != object:
            by_dtype.setdefault(values.dtype, []).append(position)
        elif isinstance(values, np.ndarray):
            blocks.append((values.reshape(1, -1).copy(), np.array([position], np.intp)))
        else:
            blocks.append((values.copy(), np.array([position], np.intp)))
    values = list(columns.values())
    for dtype, positions in by_dtype.items():
        blocks.append((_stacked(values, positions, dtype, n), np.array(positions, np.intp)))
    index = _COLUMNS.get(names)
    if index is None:
        index = _COLUMNS[names] = pd.Index(list(names))
    return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(n), columns=index)


def _stacked(values: list, positions: list, dtype: np.dtype, n: int) -> np.ndarray:
    """The columns ``values[p]`` (p in positions) as the rows of one new 2-D block (as np.vstack,
    without its per-column overhead)."""
    block = np.empty((len(positions), n), dtype)
    for row, p in enumerate(positions):
        block[row] = values[p]
    return block
