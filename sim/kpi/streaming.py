"""KPI tables from the fast engine's streaming tallies, for runs that keep no per-call records.

With ``records=False`` the fast engine keeps, as it runs, per interval x call type counts and
sums over the measured calls, wait histograms, and the time integral and maximum of every queue
length and every group's busy agents per time bucket (see ``sim/core/_tallies.pxi``; the layout is in :mod:`sim.core.protocol`). Memory then
grows with the number of intervals, not of calls. This module turns the tallies into the very
tables of :mod:`sim.kpi.tables`: same definitions, same columns. Counts are exact; means, averages and
occupancies equal the record-based values up to floating-point summation order. The one
approximation is ``p90_wait``, read from log-spaced wait histograms and interpolated within a
bin: per interval within one bin (2**(1/16) - 1 = 4.4 %) of the exact quantile, in the summary
within 2**(1/128) - 1 = 0.54 % (waits under 1/16 s: within 1/16 s).

Replications make these numbers for many runs at once (:func:`batch_inputs`: the same numpy
operations on arrays with a leading axis of runs, so the same floats; one call costs about what
it costs for one run); one run is a batch of one (:func:`table_inputs`).
"""

from __future__ import annotations

import numpy as np

from sim.kpi import tables as kpi
from sim.kpi import transfers as transfer_kpi
from sim.core import protocol
from sim.core.records import bucket_edges
from sim.kpi import _kernels_py, definitions, kernels
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario

_BIN_BOUNDS: dict = {}


def bin_bounds(per_octave: int) -> tuple:
    """(low, high) of every histogram bin: exact zeros, waits under 2**min_exp, the log-spaced
    bins, and waits of 2**max_exp or more (nominally up to twice that)."""
    low, high = _bounds(per_octave)
    return low.copy(), high.copy()


def _bin_bounds(per_octave: int) -> tuple:
    octaves = 2.0 ** np.arange(protocol.HISTOGRAM_MIN_EXP, protocol.HISTOGRAM_MAX_EXP)
    steps = np.arange(per_octave + 1) / per_octave
    edges = octaves[:, None] * (1 + steps[None, :])
    top = 2.0 ** protocol.HISTOGRAM_MAX_EXP
    low = np.concatenate(([0.0, 0.0], edges[:, :-1].ravel(), [top]))
    high = np.concatenate(([0.0, 2.0 ** protocol.HISTOGRAM_MIN_EXP], edges[:, 1:].ravel(), [2 * top]))
    return low, high


def _bounds(per_octave: int) -> tuple:
    if per_octave not in _BIN_BOUNDS:
        _BIN_BOUNDS[per_octave] = _bin_bounds(per_octave)
    return _BIN_BOUNDS[per_octave]


def histogram_quantile(hist: np.ndarray, q: float, per_octave: int) -> np.ndarray:
    """The q-quantile of each row of histogram counts, as pandas' linear interpolation between
    order statistics would give it if the values in each bin were evenly spread over the bin
    (the readable numpy rule; the tables use its compiled twin when built)."""
    return _kernels_py.histogram_quantiles(hist, q, *_bounds(per_octave))


def _quantiles(hist: np.ndarray, q: float, per_octave: int) -> np.ndarray:
    """histogram_quantile, by the kernels (same arithmetic, same floats)."""
    return kernels.histogram_quantiles(np.ascontiguousarray(hist, np.int64), q, *_bounds(per_octave))


def _interval_quantiles(hist: np.ndarray, q: float, per_octave: int) -> np.ndarray:
    """q-quantile per (interval, call type or total) from per (interval, call type) histograms."""
    if hist.dtype != np.uint32 and hist.dtype != np.int64:
        hist = hist.astype(np.uint32)
    return kernels.interval_quantiles(np.ascontiguousarray(hist), q, *_bounds(per_octave))


def _means(counts: np.ndarray, sums: np.ndarray) -> dict:
    """The count columns and means of the AGGREGATES of sim.kpi.tables, from counts and sums arrays
    (last axis: the fields named in the tally layout)."""
    c = {name: counts[..., i] for i, name in enumerate(protocol.TALLY_COUNTS)}
    total = {name: sums[..., i] for i, name in enumerate(protocol.TALLY_SUMS)}
    answered, abandoned = c["answered"], c["abandoned"]

    ratio = definitions.ratio
    return {
        "arrived": c["arrived"], "blocked": c["blocked"], "short_abandoned": c["short_abandoned"],
        "self_served": c["self_served"], "ivr_abandoned": c["ivr_abandoned"],
        "offered": definitions.offered(answered, abandoned, c["unfinished"]), "answered": answered, "abandoned": abandoned,
        "answered_within_T": c["answered_within_T"], "late_abandoned": c["late_abandoned"],
        "asa": ratio(total["wait_answered"], answered), "mean_wait": ratio(total["wait_left"], answered + abandoned),
        "aht": ratio(total["handle"], answered), "att": ratio(total["talk"], answered),
        **{name: c[name] for name in transfer_kpi.COUNTS},
        transfer_kpi.CONSULT: total["consult"],  # (zeros without transfers)
    }


def _with_total(values: np.ndarray, axis: int) -> np.ndarray:
    """values with the sum over ``axis`` (the call types) appended along it."""
    return np.concatenate((values, values.sum(axis=axis, keepdims=True)), axis=axis)


def _table_rows(runs: list, name: str, measured: slice) -> np.ndarray:
    """The runs' per (interval, call type) tally ``name`` as the tables' rows: the measured
    intervals, then the sum over all intervals (the summary's row), each with the sum over the
    call types appended (the total): shape (runs, measured intervals + 1, call types + 1, fields)."""
    every = stacked([tallies[name] for tallies in runs])
    n_runs, n_intervals, n_types, n_fields = every.shape
    rows = len(range(n_intervals)[measured])
    out = np.empty((n_runs, rows + 1, n_types + 1, n_fields), every.dtype)
    out[:, :rows, :n_types] = every[:, measured]
    np.add.reduce(every, axis=1, out=out[:, rows, :n_types])
    np.add.reduce(out[:, :, :n_types], axis=2, out=out[:, :, n_types])
    return out


def _buckets(scenario: Scenario):
    """(interval of each time bucket or -1 for the tail, measured mask) for the level tallies."""
    edges = bucket_edges(scenario)
    interval = np.searchsorted(scenario.interval_starts(), edges, side="right") - 1
    interval = np.where(edges >= scenario.horizon_end, -1, interval)
    return interval, edges >= scenario.warmup


def _constants(scenario: Scenario) -> dict:
    """What the tables take from the scenario alone (kept per scenario)."""
    intervals = kpi.measured_intervals(scenario)
    bucket_interval, measured = _buckets(scenario)
    position = np.full(scenario.n_intervals, -1)
    position[intervals] = np.arange(len(intervals))
    row = np.where(measured & (bucket_interval >= 0), position[np.maximum(bucket_interval, 0)], -1)
    keep = row >= 0
    return {"intervals": intervals, "lengths": np.diff(kpi.interval_edges(scenario, intervals)),
            "measured": measured, "any_measured": bool(measured.any()), "row": row[keep], "keep": keep,
            "one_bucket_each": len(np.unique(row[keep])) == int(keep.sum()),
            "measured_rows": slice(intervals[0], intervals[-1] + 1) if len(intervals) else slice(0, 0)}


def tables(scenario: Scenario, tallies: dict, agents, attempts=None, present=None) -> tuple:
    """(summary, intervals, groups, group_intervals, window_end) from the fast engine's tallies and
    agent log (:class:`~sim.core.records.AgentLog`); ``attempts``: the dial attempts of a scenario
    with campaigns (the tallies' busy agents count inbound work; outbound work is added from them);
    ``present``: who came (bool per agent; None: everyone)."""
    raw = table_inputs(scenario, tallies)
    summary = kpi.assemble_summary(scenario, raw["summary"])
    interval_table = kpi.assemble_interval_table(scenario, raw["intervals"])
    busy_window, busy_intervals, answered, aht = raw["groups"]
    busy = kpi.with_outbound_busy(scenario, attempts, raw["window_end"], busy_window, busy_intervals)
    groups, group_intervals = kpi.assemble_group_tables(scenario, agents, raw["window_end"], *busy, answered, aht,
                                                        present)
    return summary, interval_table, groups, group_intervals, raw["window_end"]


HISTOGRAMS = ("interval_hist", "summary_hist")


def kept_tallies(scenario: Scenario, tallies: dict) -> dict:
    """What a run keeps of its tallies until its KPI numbers are made with other runs'
    (:func:`batch_inputs`): the tallies but the wait histograms (the largest arrays, read one run
    at a time by the kernels), and ``p90_wait`` read off them, per (measured interval, then the
    summary's row) x (call type or total)."""
    const = per_scenario(scenario, "stream_kpi.constants", _constants)
    p90 = _interval_quantiles(tallies["interval_hist"][const["measured_rows"]], 0.9,  # a view, no copy
                              1 << protocol.INTERVAL_HISTOGRAM_LOG2)
    # (as _quantiles(_with_total(summary_hist, axis=0)): the same counts, the same arithmetic)
    summary_p90 = _interval_quantiles(tallies["summary_hist"][None], 0.9, 1 << protocol.SUMMARY_HISTOGRAM_LOG2)
    kept = {name: values for name, values in tallies.items() if name not in HISTOGRAMS}
    kept["p90_wait"] = np.concatenate((p90, summary_p90))
    return kept


def table_inputs(scenario: Scenario, tallies: dict) -> dict:
    """What the ``assemble_*`` functions of :mod:`sim.kpi.tables` take, from the tallies, as arrays:
    ``summary`` and ``intervals`` (dicts of columns; ``both``: the same columns with the interval
    rows first, then the summary row), ``groups`` (busy time over the window and per interval,
    answered calls and AHT per group) and ``window_end``: :func:`batch_inputs` of this one run."""
    return run_inputs(batch_inputs(scenario, [kept_tallies(scenario, tallies)]), 0)


def run_inputs(batch: dict, run: int) -> dict:
    """Run ``run``'s :func:`table_inputs` out of :func:`batch_inputs` (views)."""
    return {"summary": {name: values[run] for name, values in batch["summary"].items()},
            "intervals": {name: values[run] for name, values in batch["intervals"].items()},
            "both": {name: values[run] for name, values in batch["both"].items()},
            "window_end": float(batch["window_end"][run]), "groups": tuple(part[run] for part in batch["groups"])}


def stacked(arrays: list) -> np.ndarray:
    """The runs' arrays along a new leading axis (one run: a view)."""
    return arrays[0][None] if len(arrays) == 1 else np.stack(arrays)


def batch_inputs(scenario: Scenario, runs: list) -> dict:
    """:func:`table_inputs` of several runs of the scenario at once, from each one's
    :func:`kept_tallies`: every array with a leading axis, the runs. Each number is computed by
    the same operations on the same values in the same order as for one run alone (reductions
    run over the same axis of each run's block), so it is the same float."""
    n_types = len(scenario.call_types)
    window_end = np.array([float(tallies["window_end"]) for tallies in runs])
    const = per_scenario(scenario, "stream_kpi.constants", _constants)
    intervals, lengths, measured = const["intervals"], const["lengths"], const["measured"]
    integral = stacked([tallies["level_integral"] for tallies in runs])
    maximum = stacked([tallies["level_max"] for tallies in runs]).astype(float)

    # per measured interval: sums of the level tallies over its measured buckets
    row, keep = const["row"], const["keep"]
    per_interval = np.zeros((len(runs), len(intervals), integral.shape[2]))
    per_interval_max = np.zeros_like(per_interval)
    if const["one_bucket_each"]:  # the same arithmetic (0 + value, max(0, value)) without ufunc.at
        per_interval[:, row] = np.add(per_interval[:, row], integral[:, keep])
        per_interval_max[:, row] = np.maximum(per_interval_max[:, row], maximum[:, keep])
    else:
        np.add.at(per_interval, (slice(None), row), integral[:, keep])
        np.maximum.at(per_interval_max, (slice(None), row), maximum[:, keep])
    window_integral = integral[:, measured].sum(axis=1)
    window_max = maximum[:, measured].max(axis=1) if const["any_measured"] else np.zeros(per_interval.shape[::2])

    # the interval table's rows, then the summary's as one more row: arrays of shape
    # (runs, measured intervals + 1, call types + total), so each KPI is one numpy operation
    columns = _means(_table_rows(runs, "counts", const["measured_rows"]), _table_rows(runs, "sums", const["measured_rows"]))
    levels = slice(0, n_types + 1)
    columns.update(p90_wait=stacked([tallies["p90_wait"] for tallies in runs]),
                   avg_queue=np.concatenate((per_interval[:, :, levels] / lengths[:, None],
                                             (window_integral[:, levels] / (window_end - scenario.warmup)[:, None])[
                                                 :, None]), axis=1),
                   max_queue=np.concatenate((per_interval_max[:, :, levels], window_max[:, None, levels]), axis=1))

    # groups
    busy = slice(n_types + 1, None)
    answered = stacked([tallies["group_answered"] for tallies in runs])
    aht = definitions.ratio(stacked([tallies["group_handle"] for tallies in runs]), answered)
    return {"summary": {name: values[:, -1] for name, values in columns.items()},
            "intervals": {name: values[:, :-1] for name, values in columns.items()},
            "both": columns, "window_end": window_end,
            "groups": (window_integral[:, busy], per_interval[:, :, busy].transpose(0, 2, 1), answered, aht)}
