"""CSV fields of number columns in Python: the readable original of the compiled twin
``sim/reports/_csv_c.pyx`` (the same text)."""

from __future__ import annotations

import numpy as np


def general_fields(columns: list, precision: int) -> list:
    """Each of ``columns`` (float64 arrays) as a list of its fields: ``"%.<precision>g" % v``,
    NaN as the empty field."""
    form = f"%.{precision}g"
    return [[form % v if v == v else "" for v in np.asarray(column, np.float64).tolist()] for column in columns]


def decimal_fields(columns: list) -> list:
    """Each of ``columns`` (int64 arrays) as a list of its fields, ``str(v)``."""
    return [list(map(str, np.asarray(column, np.int64).tolist())) for column in columns]
