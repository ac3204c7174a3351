"""How numbers are shown in the printed summary: percentages, numbers, counts (means of counts
over replications with one decimal), and a value with its `` ± half-width`` when the table has a
``<name>_ci`` column. ``missing`` is what a missing value shows as."""

from __future__ import annotations

import pandas as pd


def percent(x, missing: str = "") -> str:
    return missing if pd.isna(x) else f"{100 * x:.1f}%"


def number(x, digits: int = 1, missing: str = "") -> str:
    return missing if pd.isna(x) else f"{x:,.{digits}f}"


def count(x, missing: str = "") -> str:
    """Whole numbers, or means of counts over replications with one decimal."""
    return missing if pd.isna(x) else (f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}")


def with_ci(frame: pd.DataFrame, name: str, show) -> pd.Series:
    """``name`` formatted with ``show``, with `` ± half-width`` when the table has ``<name>_ci``
    (a missing half-width adds nothing)."""
    text = frame[name].map(show)
    if f"{name}_ci" in frame.columns:
        text = text + frame[f"{name}_ci"].map(lambda x: "" if pd.isna(x) else " ± " + show(x))
    return text
