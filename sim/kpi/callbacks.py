"""The callbacks' KPI table (scenarios where a call type offers callbacks, sim.model.callbacks):
per call type (the queue a call joined, as every KPI table counts it) and in total, over the
measured calls (arrived after the warm-up):

  offers           calls offered a callback (their predicted wait exceeded the threshold);
  accepted         offers accepted; acceptance_rate = accepted / offers;
  completed        callbacks that reached the customer; failed: their last attempt reached nobody
                   (still pending at the end: accepted - completed - failed);
  time_to_callback mean over completed callbacks of connection - queue entry (s).

In the other tables a completed callback is an answered call whose wait runs to the connection
(so it counts in the service level and ASA with its time to callback), and a failed one an
abandon (late if that wait exceeds T). Computed from the callback records, or (fast engine,
no records) from the loop's tallies of the same counts: the two agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.protocol import CALLBACK_OUTCOMES
from sim.kpi.definitions import TOTAL, ratio
from sim.kpi.record_tables import kpi_view

COUNTS = ("offers", "accepted", "completed", "failed")
COMPLETED, FAILED = CALLBACK_OUTCOMES["CALLBACK_COMPLETED"], CALLBACK_OUTCOMES["CALLBACK_FAILED"]


def table(scenario, output):
    """The table of a run (None if no call type offers callbacks)."""
    if not any(ct.callback is not None for ct in scenario.call_types):
        return None
    if output.records is None:
        return _table(scenario, output.tallies["callback_counts"], output.tallies["callback_waits"])
    records, cb = output.records, output.callbacks
    call_type, entry = kpi_view(records, output.ivr)
    measured = records.arrival >= scenario.warmup
    n = len(scenario.call_types)
    flags = (cb.offered.astype(bool), cb.accepted.astype(bool), cb.outcome == COMPLETED, cb.outcome == FAILED)
    counts = np.stack([np.bincount(call_type[measured & flag], minlength=n) for flag in flags], axis=1)
    completed = measured & flags[2]
    waits = np.bincount(call_type[completed], weights=(cb.connect_time - entry)[completed], minlength=n)
    return _table(scenario, counts, waits)


def _table(scenario, counts: np.ndarray, waits: np.ndarray) -> pd.DataFrame:
    counts = np.vstack([counts, counts.sum(axis=0)]).astype(np.int64)
    waits = np.append(waits, waits.sum())
    frame = pd.DataFrame({"call_type": [ct.name for ct in scenario.call_types] + [TOTAL],
                          **{name: counts[:, i] for i, name in enumerate(COUNTS)}})
    frame["acceptance_rate"] = ratio(counts[:, 1], counts[:, 0])
    frame["time_to_callback"] = ratio(waits, counts[:, 2])
    return frame
