"""The callbacks' KPI tables (scenarios where a call type offers callbacks, sim.model.callbacks):
per call type (the queue a call joined, as every KPI table counts it) and in total, over the
measured calls (arrived after the warm-up), and the same per measured interval of arrival (the
interval every KPI table counts a call in) x call type, with a total row per interval:

  offers           calls offered a callback (their predicted wait exceeded the threshold);
  accepted         offers accepted; acceptance_rate = accepted / offers;
  completed        callbacks that reached the customer; failed: their last attempt reached nobody
                   (still pending at the end: accepted - completed - failed);
  time_to_callback mean over completed callbacks of connection - queue entry (s).

In the other tables a completed callback is an answered call whose wait runs to the connection
(so it counts in the service level and ASA with its time to callback), and a failed one an
abandon (late if that wait exceeds T). Computed from the callback records, or (fast engine,
no records) from the loop's tallies of the same counts per interval and type: the two agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.protocol import CALLBACK_OUTCOMES
from sim.kpi.definitions import TOTAL, ratio
from sim.kpi.record_tables import kpi_view
from sim.kpi.tables import interval_labels, measured_intervals

COUNTS = ("offers", "accepted", "completed", "failed")
COMPLETED, FAILED = CALLBACK_OUTCOMES["CALLBACK_COMPLETED"], CALLBACK_OUTCOMES["CALLBACK_FAILED"]


def table(scenario, output):
    """The per-type table of a run (None if no call type offers callbacks)."""
    return tables(scenario, output)[0]


def tables(scenario, output) -> tuple:
    """(per call type, per interval x call type) tables of a run; (None, None) if no call type
    offers callbacks."""
    if not any(ct.callback is not None for ct in scenario.call_types):
        return None, None
    if output.records is None:
        counts, waits = output.tallies["callback_counts"], output.tallies["callback_waits"]
    else:
        counts, waits = _from_records(scenario, output)
    rows = measured_intervals(scenario)
    return _table(scenario, counts.sum(axis=0), waits.sum(axis=0)), _interval_table(scenario, counts[rows], waits[rows])


def _from_records(scenario, output) -> tuple:
    """(counts per interval, type and COUNTS column; the sums of the times to callback per
    interval and type) of the measured calls, from the records."""
    records, cb = output.records, output.callbacks
    call_type, entry = kpi_view(records, output.ivr)
    measured = records.arrival >= scenario.warmup
    n, n_intervals = len(scenario.call_types), scenario.n_intervals
    cell = scenario.arrival_interval(records.arrival).astype(np.int64) * n + call_type
    flags = (cb.offered.astype(bool), cb.accepted.astype(bool), cb.outcome == COMPLETED, cb.outcome == FAILED)
    counts = np.stack([np.bincount(cell[measured & flag], minlength=n_intervals * n) for flag in flags], axis=1)
    completed = measured & flags[2]
    waits = np.bincount(cell[completed], weights=(cb.connect_time - entry)[completed], minlength=n_intervals * n)
    return counts.reshape(n_intervals, n, len(COUNTS)), waits.reshape(n_intervals, n)


def _columns(counts: np.ndarray, waits: np.ndarray) -> dict:
    """The table's count and rate columns from rows of counts and summed waits."""
    columns = {name: counts[:, i] for i, name in enumerate(COUNTS)}
    columns["acceptance_rate"] = ratio(counts[:, 1], counts[:, 0])
    columns["time_to_callback"] = ratio(waits, counts[:, 2])
    return columns


def _table(scenario, counts: np.ndarray, waits: np.ndarray) -> pd.DataFrame:
    counts = np.vstack([counts, counts.sum(axis=0)]).astype(np.int64)
    waits = np.append(waits, waits.sum())
    return pd.DataFrame({"call_type": [ct.name for ct in scenario.call_types] + [TOTAL], **_columns(counts, waits)})


def _interval_table(scenario, counts: np.ndarray, waits: np.ndarray) -> pd.DataFrame:
    """Rows: each measured interval's call types, then its total."""
    counts = np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1).astype(np.int64)
    waits = np.concatenate([waits, waits.sum(axis=1, keepdims=True)], axis=1)
    n_rows = counts.shape[1]
    intervals = measured_intervals(scenario)
    labels = interval_labels(scenario)
    frame = pd.DataFrame({"interval": np.repeat(intervals, n_rows), "start": np.repeat(labels, n_rows),
                          "call_type": ([ct.name for ct in scenario.call_types] + [TOTAL]) * len(intervals)})
    for name, values in _columns(counts.reshape(-1, len(COUNTS)), waits.reshape(-1)).items():
        frame[name] = values
    return frame


def dials_frame(scenario, dials) -> pd.DataFrame:
    """One row per dial of an accepted callback (``Results.dials``, with records): the call id (the
    calls table's ``call_id``), the attempt (0: the first dial), the group and agent that dialled,
    and the dial's start and end (the ring time: the agent is busy throughout)."""
    return pd.DataFrame({
        "call_id": dials.call, "attempt": dials.attempt,
        "group": pd.Categorical.from_codes(dials.group, [g.name for g in scenario.groups]),
        "agent": dials.agent, "start": dials.start, "end": dials.end})
