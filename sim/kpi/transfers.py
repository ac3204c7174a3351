"""KPIs of scenarios with transfers (sim.model.transfers): every leg counts as a call of the queue
it joined, in the interval it joined it (a caller's first leg: as any call, in the interval of its
arrival; a transferred leg: of its transfer), so a transferred caller is offered once per leg;
beside the usual columns, per row:

  transferred     answered legs of the row that were then transferred (escalations included: an
                  escalation is a transfer to a call type routed to a second tier)
  first_answered  callers whose first leg was answered
  first_resolved  of them, those never transferred
  fcr             first-contact resolution: first_resolved / first_answered

:func:`queue_visits` gives the record route the legs as rows of call records; the streaming
tallies count the same three numbers as the engine runs (sim.core.protocol.TALLY_COUNTS).
:func:`legs_frame` is the legs file of a run with records.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sim.core.protocol import OUTCOME_NAMES
from sim.core.records import ABANDONED, ANSWERED, CallRecords, EngineOutput, IvrRecords
from sim.kpi import definitions

COUNTS = ("transferred", "first_answered", "first_resolved")
CONSULT = "consult_time"  # the consults' sum per row (s): an input of the telephony cost (sim.kpi.costs)


def has_transfers(scenario) -> bool:
    return scenario.transfer_max_legs is not None


def columns(scenario, given: dict) -> dict:
    """The transfer columns of a KPI table (none without transfers) from the three counts in
    ``given`` (arrays of any shape, flattened in C order)."""
    if not has_transfers(scenario):
        return {}
    counts = {name: np.nan_to_num(np.asarray(given[name], float).ravel()).astype(np.int64) for name in COUNTS}
    return {**counts, "fcr": definitions.ratio(counts["first_resolved"], counts["first_answered"])}


@dataclasses.dataclass(frozen=True)
class Visits:
    """The output's calls with the transferred legs appended as call rows (queue as call type,
    queue entry as arrival), the IVR records extended alike, and per row: first leg? transferred?"""

    output: EngineOutput
    first: np.ndarray  # bool
    transferred: np.ndarray  # bool


def queue_visits(output: EngineOutput) -> Visits:
    """Every leg as a row of call records (the calls' own rows first, in call order)."""
    records, legs, n = output.records, output.legs, len(output.records)
    has_next = np.zeros(len(legs.call), bool)
    has_next[:-1] = legs.call[1:] == legs.call[:-1]  # (legs are sorted by call, then leg)
    later = np.flatnonzero(legs.leg > 0)
    transferred = np.zeros(n + len(later), bool)
    transferred[legs.call[(legs.leg == 0) & has_next]] = True
    transferred[n:] = has_next[later]
    rows = CallRecords(
        call_type=np.concatenate((records.call_type, legs.queue[later])),
        arrival=np.concatenate((records.arrival, legs.joined[later])),
        outcome=np.concatenate((records.outcome, legs.outcome[later])),
        group=np.concatenate((records.group, legs.group[later])),
        agent=np.concatenate((records.agent, legs.agent[later])),
        answer_time=np.concatenate((records.answer_time, legs.start[later])),
        end_time=np.concatenate((records.end_time, legs.end_time[later])),
        talk=np.concatenate((records.talk, legs.talk[later])),
        # (the wrap-up column counts the consult too: the AHT's handle time is talk + (wrap-up + consult))
        wrapup=np.concatenate((records.wrapup, legs.wrapup[later])) + _consults(legs, n))
    ivr = output.ivr
    if ivr is not None:
        ivr = IvrRecords(ivr_end=np.concatenate((ivr.ivr_end, np.full(len(later), np.nan))),
                         ivr_outcome=np.concatenate((ivr.ivr_outcome, np.zeros(len(later), np.int8))),
                         queue=np.concatenate((ivr.queue, legs.queue[later])))
    first = np.zeros(n + len(later), bool)
    first[:n] = True
    return Visits(dataclasses.replace(output, records=rows, ivr=ivr), first, transferred)


def _consults(legs, n: int) -> np.ndarray:
    """Each visit's consult (its leg's), in visit order: the calls' first legs, then the later ones."""
    out = np.zeros(n + int(np.count_nonzero(legs.leg > 0)))
    first = legs.leg == 0
    out[legs.call[first]] = legs.consult[first]
    out[n:] = legs.consult[legs.leg > 0]
    return out


def record_counts(visits: Visits, outcome, call_type, row, n_rows: int, n_types: int) -> np.ndarray:
    """The COUNTS per (interval row, call type, then all types), shape (rows, types + 1, 3), of the
    measured visits (``row`` >= 0: sim.kpi._kernels_py.measured_rows)."""
    keep = row >= 0
    answered = (outcome == ANSWERED) & keep
    flags = (answered & visits.transferred, answered & visits.first, answered & visits.first & ~visits.transferred)
    cell = np.where(keep, row, 0) * (n_types + 1) + call_type
    counts = np.stack([np.bincount(cell[flag], minlength=n_rows * (n_types + 1)) for flag in flags], axis=-1)
    counts = counts.astype(np.int64).reshape(n_rows, n_types + 1, len(flags))
    counts[:, n_types] = counts[:, :n_types].sum(axis=1)
    return counts


def record_consults(visits: Visits, outcome, call_type, row, n_rows: int, n_types: int) -> np.ndarray:
    """The consult time (s) of the measured answered visits per (interval row, call type, then
    all types), shape (rows, types + 1): each consult in the row of the leg it transferred."""
    keep = (row >= 0) & (outcome == ANSWERED)
    consult = _consults(visits.output.legs, int(np.count_nonzero(visits.first)))
    cell = row[keep] * (n_types + 1) + call_type[keep]
    sums = np.bincount(cell, weights=consult[keep], minlength=n_rows * (n_types + 1)).reshape(n_rows, n_types + 1)
    sums[:, n_types] = sums[:, :n_types].sum(axis=1)
    return sums


def legs_frame(scenario, legs) -> pd.DataFrame:
    """One row per leg (``legs.csv`` / ``legs.parquet``, scenarios with transfers and records): the
    call id (the calls table's ``call_id``), the leg (0: the caller's first), the queue it joined
    and when, its outcome (answered, abandoned, unfinished), its wait (until answered or abandoned),
    the group ("": nobody answered) and agent, when the agent took it and when the caller left it,
    talk, wrap-up and the consult before a transfer (0: none). Sorted by call, then leg."""
    group = np.where(legs.group >= 0, legs.group, len(scenario.groups))
    left = np.where(legs.outcome == ANSWERED, legs.start, legs.end_time)
    wait = np.where(np.isin(legs.outcome, (ANSWERED, ABANDONED)), left - legs.joined, np.nan)
    return pd.DataFrame({
        "call_id": legs.call, "leg": legs.leg,
        "queue": pd.Categorical.from_codes(legs.queue, [t.name for t in scenario.call_types]),
        "joined": legs.joined,
        "outcome": pd.Categorical.from_codes(legs.outcome, list(OUTCOME_NAMES)),
        "wait": wait,
        "group": pd.Categorical.from_codes(group, [g.name for g in scenario.groups] + [""]),
        "agent": legs.agent, "start": legs.start, "end_time": legs.end_time,
        "talk": legs.talk, "wrapup": legs.wrapup, "consult": legs.consult,
    })
