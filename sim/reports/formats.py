"""How numbers are shown in the printed summary: percentages, numbers, counts (means of counts
over replications with one decimal), and a value with its `` ± half-width`` when the table has a
``<name>_ci`` column. ``missing`` is what a missing value shows as. A column's cells are made
with plain Python over its values (``Series.map`` costs about 0.1 ms a column)."""

from __future__ import annotations

from typing import Callable, List

import pandas as pd


def percent(x, missing: str = "") -> str:
    return missing if pd.isna(x) else f"{100 * x:.1f}%"


def number(x, digits: int = 1, missing: str = "") -> str:
    return missing if pd.isna(x) else f"{x:,.{digits}f}"


def count(x, missing: str = "") -> str:
    """Whole numbers, or means of counts over replications with one decimal."""
    return missing if pd.isna(x) else (f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}")


def cells(column: pd.Series, show: Callable[[object], str]) -> List[str]:
    """Each value of ``column`` formatted with ``show`` (what ``column.map(show)`` holds)."""
    return [show(x) for x in column.tolist()]


def with_ci(frame: pd.DataFrame, name: str, show) -> List[str]:
    """``name`` formatted with ``show``, with `` ± half-width`` when the table has ``<name>_ci``
    (a missing half-width adds nothing)."""
    text = cells(frame[name], show)
    if f"{name}_ci" in frame.columns:
        text = [t if pd.isna(h) else f"{t} ± {show(h)}" for t, h in zip(text, frame[f"{name}_ci"].tolist())]
    return text
