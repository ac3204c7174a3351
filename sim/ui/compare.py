"""Up to three runs side by side: each run's KPIs and its difference from the first kept run.

Without replications the values are those of the played day (the same calls in every run, so
the difference is the effect of the change on that day). With replications (the same number in
both runs) the values are means over the replications with their 95 % half-widths, and the
differences are paired replication by replication (:func:`sim.experiments.replications.difference`),
which common random numbers make narrow.
"""

from __future__ import annotations

import math
from typing import List, Optional, Tuple

from sim.experiments.replications import difference
from sim.kpi.tables import TOTAL
from sim.ui.day_view import KPI_LABELS, kpi_text
from sim.ui.running import Run, occupancy
from sim.ui.timeline import TILE_KPIS

MAX_RUNS = 3
PAIRED_KPIS = ("service_level", "asa", "abandon_rate")  # summary KPIs: difference() pairs them


def value(run: Run, kpi: str) -> Tuple[float, Optional[float]]:
    """(value, 95 % half-width or None) of a KPI of ``run`` over all calls / all agents."""
    if run.replicated is not None:
        if kpi == "occupancy":
            return occupancy(run.replicated.group_intervals), None
        total = run.replicated.summary.set_index("call_type").loc[TOTAL]
        return float(total[kpi]), float(total[f"{kpi}_ci"])
    return run.day_kpis()[kpi], None


def delta(first: Run, other: Run, kpi: str) -> Tuple[float, Optional[float]]:
    """``other`` minus ``first``, with the paired 95 % half-width when both were replicated alike."""
    a, b = first.replicated, other.replicated
    if kpi in PAIRED_KPIS and a is not None and b is not None and a.replications == b.replications:
        mean, half, _ = difference(a, b, kpi, TOTAL)
        return mean, half
    return value(other, kpi)[0] - value(first, kpi)[0], None


def _number(kpi: str, x: float, signed: bool = False) -> str:
    if math.isnan(x):
        return "–"
    sign = "+" if signed and x >= 0 else ""
    return f"{sign}{x:.1f} s" if kpi == "asa" else f"{sign}{100 * x:.1f}" + (" pts" if signed else " %")


def cell(kpi: str, pair: Tuple[float, Optional[float]], signed: bool = False) -> str:
    x, half = pair
    text = _number(kpi, x, signed)
    if half is not None and not math.isnan(half):
        text += f" ± {_number(kpi, half).lstrip('+')}"
    return text


def table_html(runs: List[Run]) -> str:
    """The kept runs as an HTML table (first run, then each other run with its difference)."""
    if not runs:
        return ""
    head = "".join(f"<th>{r.label}{' (' + str(r.replicated.replications) + ' days)' if r.replicated else ''}</th>"
                   + ("" if i == 0 else f"<th>{r.label} − {runs[0].label}</th>") for i, r in enumerate(runs))
    rows = []
    for kpi in TILE_KPIS:
        cells = []
        for i, r in enumerate(runs):
            cells.append(f"<td data-cell='{r.label}-{kpi}'>{cell(kpi, value(r, kpi))}</td>")
            if i:
                cells.append(f"<td data-cell='delta-{r.label}-{kpi}'>{cell(kpi, delta(runs[0], r, kpi), True)}</td>")
        rows.append(f"<tr><td>{KPI_LABELS[kpi]}</td>{''.join(cells)}</tr>")
    return ("<table class='callsim-compare-table' style='border-collapse:collapse' border='1' cellpadding='4'>"
            f"<tr><th>all calls</th>{head}</tr>{''.join(rows)}</table>")
