"""The record types every engine returns: one row per call, one row per service leg, one row per
agent spell on duty; with an IVR, one row per call for its IVR stage; with callbacks, one row per
call for its callback and one row per dial.

Records hold the exact event times the engine used (no derived quantities), so two engines can
be compared bit for bit; waits, service levels and the rest are derived in :mod:`sim.kpi.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import List, Optional

import numpy as np

from sim.core.protocol import OUTCOMES, REDIAL_ID_BASE

# Outcome codes of the records (defined in sim.core.protocol; short abandons are a KPI
# classification of ABANDONED, see sim.kpi.definitions).
ANSWERED, ABANDONED, BLOCKED, UNFINISHED = (OUTCOMES[name] for name in ("ANSWERED", "ABANDONED", "BLOCKED", "UNFINISHED"))
SELF_SERVED, IVR_ABANDONED = OUTCOMES["SELF_SERVED"], OUTCOMES["IVR_ABANDONED"]


@dataclass
class CallRecords:
    """Column arrays indexed by call id (calls are numbered in arrival order; with redials, the
    redial attempts follow the input calls, in the order they were created: RedialRecords).

    answer_time: when an agent picked the call up (NaN if never);
    end_time: when the caller left: end of talk, moment of abandoning, arrival if blocked
              (NaN if still waiting when the run ended: UNFINISHED);
    talk, wrapup: the durations actually spent, after the serving group's speed factor (0 if
              not answered); group, agent: who answered (-1 if nobody).
    """

    call_type: np.ndarray  # int32
    arrival: np.ndarray  # float64
    outcome: np.ndarray  # int8
    group: np.ndarray  # int32
    agent: np.ndarray  # int32
    answer_time: np.ndarray  # float64
    end_time: np.ndarray  # float64
    talk: np.ndarray  # float64
    wrapup: np.ndarray  # float64

    @classmethod
    def empty(cls, n: int) -> "CallRecords":
        nan = np.full(n, np.nan)
        return cls(
            call_type=np.zeros(n, np.int32),
            arrival=np.zeros(n),
            outcome=np.full(n, UNFINISHED, np.int8),
            group=np.full(n, -1, np.int32),
            agent=np.full(n, -1, np.int32),
            answer_time=nan,
            end_time=nan.copy(),
            talk=np.zeros(n),
            wrapup=np.zeros(n),
        )

    @classmethod
    def concatenate(cls, parts: List["CallRecords"]) -> "CallRecords":
        if not parts:
            return cls.empty(0)
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def __len__(self) -> int:
        return len(self.arrival)


@dataclass
class IvrRecords:
    """The IVR stage of every call (scenarios with an IVR; indexed by call id, as CallRecords).

    ivr_end: when the caller left the menu (NaN: no menu, or blocked before it);
    ivr_outcome: protocol.IVR_OUTCOMES code (none, self_served, hung_up, zeroed_out);
    queue: the call type whose queue the call joined: a zero-out's target, or for a call of a type
    without an IVR its own type (as without an IVR, also when blocked); -1 for a call that never
    reached a queue after an IVR (blocked before it, self-served or hung up).
    Its wait in that queue counts from ivr_end (from its arrival without a menu).
    """

    ivr_end: np.ndarray  # float64
    ivr_outcome: np.ndarray  # int8
    queue: np.ndarray  # int32

    @classmethod
    def empty(cls, call_type: np.ndarray, has_ivr: np.ndarray) -> "IvrRecords":
        """Rows for calls of the given types, before anything happened to them."""
        call_type = np.asarray(call_type, np.int32)
        return cls(ivr_end=np.full(len(call_type), np.nan), ivr_outcome=np.zeros(len(call_type), np.int8),
                   queue=np.where(np.asarray(has_ivr, bool)[call_type], -1, call_type).astype(np.int32))

    @classmethod
    def concatenate(cls, parts: List["IvrRecords"]) -> "IvrRecords":
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def queue_entry(self, records: CallRecords) -> np.ndarray:
        """When each call joined its queue: the IVR's end, or its arrival if it had no menu."""
        return np.where(np.isnan(self.ivr_end), records.arrival, self.ivr_end)


@dataclass
class RedialRecords:
    """Which caller each call row belongs to (scenarios with redials; indexed by call id, as
    CallRecords): the input calls come first (their ids unchanged), then the redial attempts in
    the order they were created (sim.model.redials).

    first: the id of the caller's first attempt (its own id for a first attempt);
    attempt: 1 for a first attempt, 2 for the first redial, ...
    """

    first: np.ndarray  # int64
    attempt: np.ndarray  # int32

    @classmethod
    def of(cls, n_input: int, redial_first, redial_attempt) -> "RedialRecords":
        """The table of n_input input calls followed by the given redials."""
        return cls(first=np.concatenate((np.arange(n_input, dtype=np.int64), np.asarray(redial_first, np.int64))),
                   attempt=np.concatenate((np.ones(n_input, np.int32), np.asarray(redial_attempt, np.int32))))


@dataclass
class CallbackRecords:
    """The callback of every call (scenarios where a call type offers callbacks; indexed by call id).

    offered, accepted: whether a callback was offered when the call joined its queue, and taken;
    first_dial, last_dial: when the first and the last dial attempt began (NaN: never dialled);
    attempts: dial attempts made; connect_time: when the customer answered (NaN: never);
    outcome: protocol.CALLBACK_OUTCOMES code (none: not accepted, or still pending at the end;
    completed: connected; failed: its last attempt reached nobody).
    In the call records a completed callback is ANSWERED with answer_time = connect_time (its wait
    runs to the connection), a failed one ABANDONED with end_time the failed attempt's end.
    """

    offered: np.ndarray  # int8
    accepted: np.ndarray  # int8
    first_dial: np.ndarray  # float64
    last_dial: np.ndarray  # float64
    attempts: np.ndarray  # int32
    connect_time: np.ndarray  # float64
    outcome: np.ndarray  # int8

    @classmethod
    def empty(cls, n: int) -> "CallbackRecords":
        return cls(offered=np.zeros(n, np.int8), accepted=np.zeros(n, np.int8), first_dial=np.full(n, np.nan),
                   last_dial=np.full(n, np.nan), attempts=np.zeros(n, np.int32), connect_time=np.full(n, np.nan),
                   outcome=np.zeros(n, np.int8))

    @classmethod
    def concatenate(cls, parts: List["CallbackRecords"]) -> "CallbackRecords":
        if not parts:
            return cls.empty(0)
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


@dataclass
class ScheduledRecords:
    """When every call's accepted scheduled callback was due to rejoin its queue (scenarios where a
    call type schedules callbacks; indexed by call id, as CallbackRecords): NaN for the others.
    Kept apart from CallbackRecords so that the keep_place records keep their layout. A call is
    out of its queue from its acceptance (its queue entry) to its due time."""

    due_time: np.ndarray  # float64

    @classmethod
    def concatenate(cls, parts: List[np.ndarray]) -> "ScheduledRecords":
        return cls(due_time=np.concatenate(parts) if parts else np.zeros(0))


@dataclass
class DialRecords:
    """One row per dial of an accepted callback (scenarios offering callbacks, with records), sorted
    by call then attempt: the agent is busy dialling from ``start`` to ``end`` (the ring time),
    whether the customer is reached or not (a reached one's talk then starts at ``end``). Kept
    apart from CallbackRecords so that its layout (and the golden corpus) is unchanged.

    call: the call's record row; attempt: 0 for its first dial; group, agent: who dialled.
    """

    call: np.ndarray  # int64
    attempt: np.ndarray  # int32
    group: np.ndarray  # int32
    agent: np.ndarray  # int32
    start: np.ndarray  # float64
    end: np.ndarray  # float64

    DTYPES = {"call": np.int64, "attempt": np.int32, "group": np.int32, "agent": np.int32, "start": np.float64,
              "end": np.float64}

    @classmethod
    def of(cls, columns: dict) -> "DialRecords":
        """From columns in any row order: typed, sorted by call then attempt."""
        typed = {name: np.asarray(columns[name], dtype) for name, dtype in cls.DTYPES.items()}
        order = np.lexsort((typed["attempt"], typed["call"]))
        return cls(**{name: values[order] for name, values in typed.items()})

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class LegRecords:
    """One row per service leg: a stretch of one call with one agent (talk, then wrap-up).

    Today a call has at most one leg (answered once, never transferred), and an engine may leave
    its legs to :func:`legs_of`, which reads them off the call records; a feature that gives a
    call several legs (transfers, consults, escalations) has the engines record them here, and
    every busy-time KPI (occupancy, AHT per group) already reads legs, not calls.
    """

    call: np.ndarray  # int64: the call id (row of CallRecords)
    leg: np.ndarray  # int32: 0 for the first leg of a call, 1 for the next, ...
    group: np.ndarray  # int32
    agent: np.ndarray  # int32
    start: np.ndarray  # float64: when the agent took the call (answer time for the first leg; NaN: never)
    talk: np.ndarray  # float64: after the group's speed factor
    wrapup: np.ndarray  # float64
    # recorded with transfers (sim.model.transfers; None when read off the call records): every
    # leg, answered or not: the call type whose queue it joined, when, its outcome (ANSWERED,
    # ABANDONED or UNFINISHED; group and agent -1 but if answered) and when the caller left it
    # (end of talk or of the consult, or the abandon; NaN if unfinished); the consult of the first
    # agent before a transfer (0: none; busy time). Its wait: start (or end_time) - joined.
    queue: Optional[np.ndarray] = None  # int32
    joined: Optional[np.ndarray] = None  # float64
    outcome: Optional[np.ndarray] = None  # int8
    end_time: Optional[np.ndarray] = None  # float64
    consult: Optional[np.ndarray] = None  # float64

    @property
    def handle(self) -> np.ndarray:
        """The agent's time on the leg: talk + wrap-up (+ the consult, recorded with transfers)."""
        return self.talk + self.wrapup if self.consult is None else self.talk + (self.wrapup + self.consult)

    @property
    def end(self) -> np.ndarray:
        """When the agent was free again (end of wrap-up)."""
        return self.start + self.handle


TRANSFER_LEG_COLUMNS = ("call", "leg", "queue", "joined", "outcome", "group", "agent", "start", "end_time", "talk",
                        "wrapup")  # the engines' rows of transferred legs (legs 1, 2, ...), in this order


def all_legs(records: CallRecords, ivr: Optional["IvrRecords"], transferred: dict, consult: np.ndarray,
             slots: int, redials: Optional[RedialRecords] = None) -> LegRecords:
    """Every leg of a run with transfers, sorted by call then leg: each call's first leg (calls
    that joined a queue: not blocked, not gone in the IVR) read off the call records, and the
    transferred legs the engine recorded (``transferred``: TRANSFER_LEG_COLUMNS arrays, ``call``
    the run's call id); a transferred leg's consult from the calls' plans (``consult``: per input
    call x ``slots``). With ``redials``, a redial's run id (REDIAL_ID_BASE + its number) becomes
    its row (after the input calls), and its plan is its caller's first attempt's."""
    queued = ~np.isin(records.outcome, (BLOCKED, SELF_SERVED, IVR_ABANDONED))
    first = np.flatnonzero(queued)
    queue = records.call_type if ivr is None else np.where(ivr.queue >= 0, ivr.queue, records.call_type)
    joined = records.arrival if ivr is None else ivr.queue_entry(records)
    columns = {"call": first.astype(np.int64), "leg": np.zeros(len(first), np.int32),
               "queue": queue[first].astype(np.int32), "joined": joined[first], "outcome": records.outcome[first],
               "group": records.group[first], "agent": records.agent[first], "start": records.answer_time[first],
               "end_time": records.end_time[first], "talk": records.talk[first], "wrapup": records.wrapup[first]}
    transferred = dict(transferred, call=call_rows(np.asarray(transferred["call"], np.int64), len(records), redials))
    both = {name: np.concatenate((columns[name], np.asarray(transferred[name]).astype(columns[name].dtype)))
            for name in TRANSFER_LEG_COLUMNS}
    order = np.lexsort((both["leg"], both["call"]))
    legs = {name: values[order] for name, values in both.items()}
    moved = np.flatnonzero(legs["call"][1:] == legs["call"][:-1])  # (a leg followed by the next)
    plan = legs["call"][moved] if redials is None else redials.first[legs["call"][moved]]
    legs["consult"] = np.zeros(len(order))
    legs["consult"][moved] = np.asarray(consult, float)[plan * slots + legs["leg"][moved]]
    return LegRecords(**legs)


def call_rows(ids: np.ndarray, n_calls: int, redials: Optional[RedialRecords]) -> np.ndarray:
    """The record rows of run call ids: an input call's row is its id; with ``redials``, redial
    number n (id REDIAL_ID_BASE + n) has row n_input + n, after the n_input input calls."""
    if redials is None:
        return ids
    n_input = n_calls - int((redials.attempt > 1).sum())
    return np.where(ids >= REDIAL_ID_BASE, ids - REDIAL_ID_BASE + n_input, ids)


def legs_of(records: CallRecords) -> LegRecords:
    """The legs of calls that have one leg each: every answered call's service."""
    served = np.flatnonzero(records.outcome == ANSWERED)
    return LegRecords(call=served.astype(np.int64), leg=np.zeros(len(served), np.int32),
                      group=records.group[served], agent=records.agent[served], start=records.answer_time[served],
                      talk=records.talk[served], wrapup=records.wrapup[served])


@dataclass
class AttemptRecords:
    """One row per outbound dial attempt, indexed by attempt id (attempts are numbered in the
    order they are dialled, all campaigns together).

    record: the contact record's index in its campaign's list; attempt: 0 for its first dial;
    dial_time: when it was dialled; result: what it reached (protocol.DIAL_RESULTS code);
    resolve_time: when the ringing ended (dial + ring time); group, agent: who took the call
    (preview: the agent who dialled it; -1 if nobody); connect_time: when the agent started
    talking (NaN if never); end_time: when the customer's line was released: end of talk, the
    drop of a nuisance call, or resolve_time for an attempt that reached nobody; talk, wrapup:
    the durations spent (0 if not connected); nuisance: a live answer dropped because no agent
    was free within the nuisance wait.
    """

    campaign: np.ndarray  # int32
    record: np.ndarray  # int64
    attempt: np.ndarray  # int32
    dial_time: np.ndarray  # float64
    result: np.ndarray  # int8
    resolve_time: np.ndarray  # float64
    group: np.ndarray  # int32
    agent: np.ndarray  # int32
    connect_time: np.ndarray  # float64
    end_time: np.ndarray  # float64
    talk: np.ndarray  # float64
    wrapup: np.ndarray  # float64
    nuisance: np.ndarray  # bool

    DTYPES = {"campaign": np.int32, "record": np.int64, "attempt": np.int32, "dial_time": np.float64,
              "result": np.int8, "resolve_time": np.float64, "group": np.int32, "agent": np.int32,
              "connect_time": np.float64, "end_time": np.float64, "talk": np.float64, "wrapup": np.float64,
              "nuisance": np.bool_}

    @classmethod
    def from_rows(cls, rows: List[tuple]) -> "AttemptRecords":
        """From row tuples in field order (the SimPy engine's)."""
        columns = list(zip(*rows)) if rows else [()] * len(cls.DTYPES)
        return cls(**{name: np.array(values, dtype) for (name, dtype), values in zip(cls.DTYPES.items(), columns)})

    def __len__(self) -> int:
        return len(self.dial_time)


@dataclass
class AgentLog:
    """One row per agent spell on duty.

    start/scheduled_end: the spell as staffed (scheduled_end inf for the agents on duty at
    closing time); end: when the agent actually left: after finishing the call in hand at a
    shift end, or, for open spells, at the later of the horizon end and the agent's last
    completion (they clear the queue).
    """

    agent: np.ndarray  # int32
    group: np.ndarray  # int32
    start: np.ndarray
    scheduled_end: np.ndarray
    end: np.ndarray


def bucket_edges(scenario) -> np.ndarray:
    """Left edges of the time buckets the streaming tallies integrate queue lengths and busy
    agents over: the interval starts, split at the end of the warm-up, then the tail
    [horizon end, inf) where agents clear the queue. Every measured interval and the measured
    window are unions of buckets."""
    edges = np.concatenate((scenario.interval_starts(), [scenario.warmup, scenario.horizon_end]))
    return np.unique(edges[edges <= scenario.horizon_end]).astype(np.float64)


@dataclass
class EngineOutput:
    """What one engine run returns: per-call records, or (fast engine, ``records=False``) the
    streaming KPI tallies instead (arrays laid out as :mod:`sim.core.protocol` says, per
    :func:`bucket_edges` time bucket; read by :mod:`sim.kpi.streaming`); always the agent log."""

    engine: str
    records: Optional[CallRecords]
    agents: AgentLog
    tallies: Optional[dict] = None
    legs: Optional[LegRecords] = None  # None: one leg per answered call (legs_of(records)); with transfers: all_legs
    attempts: Optional[AttemptRecords] = None  # outbound dial attempts (scenarios with campaigns; kept in both modes)
    present: Optional[np.ndarray] = None  # bool per agent: who came (absenteeism); None: everyone
    ivr: Optional[IvrRecords] = None  # the IVR stage of every call (scenarios with an IVR, with records)
    redials: Optional[RedialRecords] = None  # each call row's caller (scenarios with redials, with records)
    callbacks: Optional[CallbackRecords] = None  # every call's callback (scenarios offering them, with records)
    scheduled: Optional[ScheduledRecords] = None  # scheduled callbacks' due times (scenarios with them, with records)
    dials: Optional[DialRecords] = None  # callbacks' dials, agents' busy time (scenarios offering them, with records)

    def service_legs(self) -> LegRecords:
        """The run's service legs (recorded, or read off the call records)."""
        return self.legs if self.legs is not None else legs_of(self.records)
