"""Caller-level KPIs of a scenario with redials (:mod:`sim.model.redials`), beside the per-attempt
tables (where every attempt, first or redial, is a call: offered, answered, abandoned, blocked as
any other, in the interval of its own arrival).

Per interval x call type (the type the caller dials), after the warm-up:
  callers              unique callers: first attempts, in the interval of their arrival;
  redials              redial attempts, in the interval of their own arrival;
  attempts_per_caller  (callers + their redials) / callers, a caller's redials counted in the
                       interval of its first attempt;
  first_attempt_loss   first attempts that ended abandoned (short abandons included) or blocked
                       / callers: what a per-attempt view calls abandonment of fresh calls;
  caller_loss          callers whose last attempt ended abandoned or blocked (they never got
                       through, after all their attempts) / callers; a caller counts in the
                       interval of its first attempt, and only if that attempt arrived after the
                       warm-up. Callers self-served or hanging up in an IVR menu are not lost;
                       a caller still waiting at the end is not lost.
The same five counts come from the records (:func:`counts_from_records`) and from the fast
engine's streaming tallies (:func:`counts_from_tallies`), equal.
"""

from __future__ import annotations

import numpy as np

from sim.core import protocol
from sim.core.records import ABANDONED, BLOCKED, CallRecords, RedialRecords
from sim.kpi import definitions
from sim.kpi.frames import frame, strings
from sim.model.redials import has_redials
from sim.model.scenario import Scenario

COUNTS = protocol.CALLER_COUNTS  # callers, redials, caller_redials, first_lost, callers_lost


def counts_from_records(scenario: Scenario, records: CallRecords, redials: RedialRecords) -> dict:
    """The five counts per (interval, call type), from the records and their redial links."""
    shape = (scenario.n_intervals, len(scenario.call_types))
    interval = scenario.arrival_interval(records.arrival)
    first = redials.first
    first_interval, first_measured = interval[first], records.arrival[first] >= scenario.warmup
    k = records.call_type
    lost = np.isin(records.outcome, (ABANDONED, BLOCKED))
    is_first = redials.attempt == 1
    last = np.ones(len(records), bool)  # each caller's last attempt: no later row of the same caller
    last[first[~is_first]] = False  # a first attempt followed by a redial is not the last
    later = np.flatnonzero(~is_first)
    if len(later):  # among redials: the one with the highest attempt per caller
        order = np.lexsort((redials.attempt[later], first[later]))
        rows = later[order]
        final = np.r_[first[rows][1:] != first[rows][:-1], True]
        last[rows[~final]] = False

    def count(mask, at_interval):
        out = np.zeros(shape, np.int64)
        np.add.at(out, (at_interval[mask], k[mask]), 1)
        return out

    measured = records.arrival >= scenario.warmup
    return {"callers": count(is_first & measured, interval), "redials": count(~is_first & measured, interval),
            "caller_redials": count(~is_first & first_measured, first_interval),
            "first_lost": count(is_first & lost & measured, interval),
            "callers_lost": count(last & lost & first_measured, first_interval)}


def counts_from_tallies(tallies: dict) -> dict:
    """The five counts per (interval, call type), from the fast engine's streaming tallies."""
    return {name: tallies["caller_counts"][..., protocol.CALLER_COUNTS.index(name)] for name in COUNTS}


def caller_columns(counts: dict) -> dict:
    """The caller-level columns from the counts (any shape; ratios NaN without callers)."""
    callers = np.asarray(counts["callers"])
    return {"callers": callers, "redials": np.asarray(counts["redials"]),
            "attempts_per_caller": definitions.ratio(callers + counts["caller_redials"], callers),
            "first_attempt_loss": definitions.ratio(counts["first_lost"], callers),
            "caller_loss": definitions.ratio(counts["callers_lost"], callers)}


def caller_tables(scenario: Scenario, counts: dict) -> tuple:
    """(summary, intervals): per call type and total, and per measured interval x call type and
    total, the caller-level columns."""
    intervals = np.flatnonzero(scenario.interval_ends() > scenario.warmup)
    names = [t.name for t in scenario.call_types] + [definitions.TOTAL]
    per_interval = {name: np.asarray(values)[intervals] for name, values in counts.items()}
    per_interval = {name: np.concatenate((v, v.sum(axis=1, keepdims=True)), axis=1) for name, v in per_interval.items()}
    overall = {name: v.sum(axis=0) for name, v in per_interval.items()}
    summary = frame({"call_type": strings(names), **caller_columns(overall)})
    table = {name: v.ravel() for name, v in caller_columns(per_interval).items()}
    interval_table = frame({"interval": np.repeat(intervals, len(names)), "call_type": strings(names * len(intervals)),
                            **table})
    return summary, interval_table


def tables(scenario: Scenario, output) -> tuple:
    """(summary, intervals) caller-level tables of an engine run, from its records or its
    streaming tallies; (None, None) without redials."""
    if output.redials is not None:
        return caller_tables(scenario, counts_from_records(scenario, output.records, output.redials))
    if output.records is None and output.tallies is not None and has_redials(scenario):
        return caller_tables(scenario, counts_from_tallies(output.tallies))
    return None, None
