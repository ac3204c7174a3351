"""Did the plan meet its targets? Target against achieved per interval and call type (and for the
total), from the KPI tables of a verification run.

Each target gets a verdict from the achieved value and its confidence half-width (``<kpi>_ci``,
present when the run was replicated or cut into batches):

* ``met``: the whole confidence interval meets the target;
* ``missed``: the whole interval misses it;
* ``unsure``: the interval straddles the target (more replications would tell);
* ``no calls``: nothing was offered, so there is nothing to meet.

Without a half-width (a single run) the point estimate decides: ``met`` or ``missed``. An
interval x call type is ``met`` overall only if every set target is met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.planning.targets import Targets

VERDICTS = ("met", "missed", "unsure", "no calls")
# (KPI column, Targets field, True when the target is a floor, False when it is a ceiling)
CHECKED = (("service_level", "service_level", True), ("abandon_rate", "max_abandon", False), ("asa", "max_asa", False))


def verdicts(value, half, target: float, floor: bool, offered) -> np.ndarray:
    """The verdict of each row for one target (see the module docstring)."""
    value = np.asarray(value, float)
    half = np.zeros_like(value) if half is None else np.nan_to_num(np.asarray(half, float), nan=0.0)
    low, high = value - half, value + half
    sure_met = low >= target if floor else high <= target
    sure_missed = high < target if floor else low > target
    out = np.where(sure_met, "met", np.where(sure_missed, "missed", "unsure")).astype(object)
    out[(np.asarray(offered, float) <= 0) | np.isnan(value)] = "no calls"
    return out


def target_vs_achieved(intervals: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Per interval x call type (the rows of a run's ``intervals`` table): each set target, the
    achieved value with its half-width, and the verdicts, plus ``met`` over every target."""
    out = intervals[["interval", "start", "call_type", "offered"]].copy()
    overall = np.full(len(out), "met", dtype=object)
    for kpi, field, floor in CHECKED:
        target = getattr(targets, field)
        if target is None:
            continue
        half = intervals[f"{kpi}_ci"] if f"{kpi}_ci" in intervals.columns else None
        out[f"{kpi}_target"] = target
        out[kpi] = intervals[kpi].to_numpy()
        out[f"{kpi}_ci"] = np.nan if half is None else half.to_numpy()
        verdict = verdicts(out[kpi], half, target, floor, out["offered"])
        out[f"{kpi}_verdict"] = verdict
        overall = _worst(overall, verdict)
    out["verdict"] = overall
    return out.reset_index(drop=True)


def _worst(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row by row, the worse of two verdicts (missed > unsure > met; no calls only if both say so)."""
    rank = {"no calls": 0, "met": 1, "unsure": 2, "missed": 3}
    first = np.array([rank[v] for v in a])
    second = np.array([rank[v] for v in b])
    names = np.array(["no calls", "met", "unsure", "missed"], dtype=object)
    both = np.maximum(first, second)
    # "no calls" against "met" from an earlier target: the row has no calls whatever the target
    both[(first == 0) | (second == 0)] = 0
    return names[both]
