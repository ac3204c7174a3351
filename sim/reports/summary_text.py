"""The printed summary of a run (what ``callsim`` prints at the end): call types, intervals off
target, the caller's journey, agent groups, costs, outbound, staffing, the theory check, where the
files are. A run is one replication (:class:`sim.simulate.Results`) or several
(:class:`sim.experiments.replications.Replicated`, whose tables carry ``<kpi>_ci`` half-widths,
shown as ``mean ± half-width``).

The cells are formatted with plain Python over each column's values and the tables laid out by
:func:`sim.reports.text_table.text_table` (pandas' ``to_string`` text, a few times faster): the
summary is printed once per job, but a job of 200 short replications takes about 200 ms in all.
"""

from __future__ import annotations

from typing import List, Tuple

import pandas as pd

from sim.kpi.definitions import TOTAL
from sim.kpi.tables import interval_label
from sim.reports import (cost_text, journey_report, outbound_text, plan_report,
                         requirements as staffing_requirements)
from sim.reports.formats import cells, count, number, percent, with_ci
from sim.reports.text_table import text_table

MAX_RANGES = 8  # interval ranges listed per line of the summary; the rest are counted


def format_summary(results, out_dir=None) -> str:
    """A readable text summary: call types, groups, the theory check, where the files are."""
    s, k = results.scenario, results.scenario.kpi
    busyness = getattr(results, "busyness", None)
    lines = [f"callsim: scenario '{s.name}', seed {results.seed}, {results.engine_note}",
             f"{results.n_calls:,} calls simulated" + _statistics_line(results)
             + (f"; busyness factor {busyness:.3f}" if s.busyness_cv and busyness is not None else "")]
    summary = results.summary
    view = text_table({
        "call type": summary.call_type,
        "offered": cells(summary.offered, count),
        "answered": cells(summary.answered, count),
        f"SL {k.sl_threshold:g}s": with_ci(summary, "service_level", percent),
        "ASA s": with_ci(summary, "asa", number),
        "p90 wait s": with_ci(summary, "p90_wait", number),
        "abandon %": with_ci(summary, "abandon_rate", percent),
        "AHT s": with_ci(summary, "aht", number),
        "avg queue": with_ci(summary, "avg_queue", lambda x: number(x, 2)),
        "blocked": cells(summary.blocked, count),
    })
    lines += ["", f"Service (target {percent(k.sl_target)} in {k.sl_threshold:g}s, SL variant '{k.sl_variant}'; "
                  f"abandon target {percent(k.abandon_target)}):", view]
    lines += _off_target_lines(results)
    lines += journey_report.summary_lines(results)  # IVR, callbacks, transfers, redials
    groups = results.groups
    gview = text_table({
        "group": groups.group, "agents": groups.agents,
        "answered": cells(groups.answered, count),
        "occupancy": with_ci(groups, "occupancy", percent),
        "paid h": cells(groups.paid_hours, number), "available h": cells(groups.available_hours, number),
        "utilisation": with_ci(groups, "utilisation", percent), "cost": cells(groups.cost, lambda x: number(x, 0)),
    })
    lines += ["", "Agent groups:", gview]
    lines += cost_text.summary_lines(results)  # scenarios that price their day
    lines += outbound_text.summary_lines(results)  # scenarios with campaigns
    lines += staffing_requirements.summary_lines(results)  # planned staffing (staffing=erlang)
    lines += plan_report.summary_lines(results)  # task=plan
    lines += _theory_lines(getattr(results, "theory", None))
    if out_dir is not None:
        lines += ["", f"Reports written to {out_dir}"]
    return "\n".join(lines)


def _statistics_line(results) -> str:
    replications = getattr(results, "replications", 1)
    if replications == 1 and "batches" in results.summary.columns:
        confidence = results.summary.attrs.get("confidence", 0.95)
        return f"; {100 * confidence:g}% CIs from {int(results.summary.batches.iloc[0])} batch means"
    if replications == 1:
        return ""
    line = f"; {replications} replications (mean ± {100 * results.confidence:g}% CI, "
    line += "common random numbers)" if results.crn else "independent random numbers)"
    if results.precision is not None:
        p = results.precision
        line += (f"; {p.kpi} ({p.call_type}) half-width target {p.half_width:g} "
                 + ("met" if results.precision_met else f"NOT met after the cap of {p.max_replications} replications"))
    return line


def _off_target_lines(results) -> List[str]:
    """The intervals (all calls together) whose service level is below its target and whose
    abandonment is above its target, as clock-time ranges (replicated runs: the means)."""
    s, k = results.scenario, results.scenario.kpi
    intervals = results.intervals
    totals = intervals.call_type.to_numpy() == TOTAL
    numbers = intervals.interval.to_numpy()[totals]
    lines = []
    for kpi, target, missed in (("service_level", k.sl_target, "below the service-level target"),
                                ("abandon_rate", k.abandon_target, "above the abandonment target")):
        values = intervals[kpi].to_numpy()[totals]
        off = numbers[values < target if kpi == "service_level" else values > target].tolist()
        ranges = [f"{interval_label(s, first)}-{_interval_end(s, last)}" for first, last in _runs(off)]
        if len(ranges) > MAX_RANGES:
            ranges = ranges[:MAX_RANGES] + [f"... {len(ranges) - MAX_RANGES} more"]
        listed = ", ".join(ranges) + f" ({len(off)} of {int(pd.notna(values).sum())})" if off else "none"
        lines.append(f"Intervals {missed} ({percent(target)}), all calls: {listed}")
    return lines


def _runs(intervals: List[int]) -> List[Tuple[int, int]]:
    """Consecutive interval numbers as (first, last) pairs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: List[Tuple[int, int]] = []
    for j in intervals:
        if runs and j == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((j, j))
    return runs


def _interval_end(scenario, j: int) -> str:
    """Clock time of the end of interval j (a day's last interval ends at 24:00, not 00:00)."""
    label = interval_label(scenario, j + 1)
    return "24:00" if scenario.horizon_kind == "day" and label == "00:00" else label


def _verdict(within) -> str:
    return "n/a" if pd.isna(within) else ("yes" if within else "no")


def _theory_lines(comparison) -> List[str]:
    """The simulation against its textbook model (scenarios that have one), else []."""
    if comparison is None:
        return []
    model = comparison.attrs["model"].replace("_", " ").title()
    four = lambda x: f"{x:.4f}"  # noqa: E731
    cview = text_table({
        "metric": comparison.metric,
        "simulated": cells(comparison.simulated, four),
        "±95% CI": cells(comparison.ci95, four),
        model: cells(comparison.theory, four),
        "theory in CI": cells(comparison.within_ci, _verdict),
    })
    source = (f"{comparison.attrs['replications']} replications" if "replications" in comparison.attrs
              else f"{comparison.attrs['batches']} batch means")
    lines = ["", f"Against {model} (fractions of all arrivals; CI from {source}):", cview]
    if comparison.within_ci.isna().all():
        lines.append("(no confidence interval from fewer than 2 batches or replications: run longer, "
                     "or more replications, to check the simulation against the theory)")
    return lines
