"""CSV fields of number columns in Python: the readable original of the compiled twin
``sim/reports/_csv_c.pyx`` (the same text)."""

from __future__ import annotations

import numpy as np


def general_fields(block: np.ndarray, precision: int) -> list:
    """Each column of ``block`` (rows x columns) as a list of its fields: ``"%.<precision>g" % v``,
    NaN as the empty field."""
    form = f"%.{precision}g"
    return [[form % v if v == v else "" for v in column] for column in np.asarray(block, np.float64).T.tolist()]


def decimal_fields(block: np.ndarray) -> list:
    """Each column of ``block`` (rows x columns) as a list of its fields, ``str(v)``."""
    return [list(map(str, column)) for column in np.asarray(block, np.int64).T.tolist()]
