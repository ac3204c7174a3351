"""The engines' protocol, defined once: event order, entity encoding, outcome and state codes,
and the layout of the streaming tallies.

Both engines read these numbers: the SimPy engine imports this module, and the compiled event
loop is built from it (``setup.py`` renders :func:`cython_source` into ``sim/core/_protocol.pxi``,
a generated file, before compiling). The loop also carries the values it was built with
(``_loop.PROTOCOL``), and the fast engine refuses to load a build whose values differ from
these (a stale build), so the two engines can never disagree on a code.

This module imports nothing but the standard library, so that the build can read it before
numpy or the package itself is installed.
"""

from __future__ import annotations

# -- events ---------------------------------------------------------------------------------
# Simultaneous timed events fire in order of (time, class, entity): at one instant shifts change
# first, then agents finish (a preview agent's ringing ends), then callers whose patience ran out
# leave, then waiting calls overflow, then outbound dial attempts resolve, then connected
# outbound calls that found no agent are dropped (nuisance), then records come due for a retry,
# then the dialling interval changes, then callers leave the IVR menu (entity: the call id), then
# callbacks' dial attempts end (CALLBACK_RING, entity: the call id), then callbacks not reached
# rejoin their queue (CALLBACK_RETRY, entity: the call id), then redials arrive (entity: the
# redial's number, in the order redials were created), then new calls arrive. The entity is the agent index
# (STAFFING, COMPLETION), the call id (ABANDON, ARRIVAL), the attempt id (DIAL_RESULT, NUISANCE,
# RETRY) or the interval index (DIAL_WINDOW); an overflow timer's entity is
# call id << ROUTE_BITS | route step. Only the relative order of the classes matters (ARRIVAL
# must stay last: the compiled loop reads arrivals outside its heap).
# Keys (class << ENTITY_BITS | entity) are unique among pending events. An event scheduled
# "sequenced" (for a feature that gives one agent or call several pending events of a class) has
# for entity the run's count of sequenced events so far: an insertion sequence in the key, so
# that such events fire in the order they were scheduled, in every engine.
EVENT_CLASSES = {"STAFFING": 1, "COMPLETION": 2, "ABANDON": 3, "OVERFLOW": 4, "DIAL_RESULT": 5, "NUISANCE": 6,
                 "RETRY": 7, "DIAL_WINDOW": 8, "IVR_END": 9, "CALLBACK_RING": 10, "CALLBACK_RETRY": 11, "REDIAL": 16,
                 "ARRIVAL": 20}
ENTITY_BITS = 48  # entities (agent indices, call ids << ROUTE_BITS | step) stay below 2**48
ROUTE_BITS = 6
MAX_ROUTE_STEPS = 1 << ROUTE_BITS  # groups in one call type's route

# What a timed event of the compiled loop does (its class orders it; its kind dispatches it).
EVENT_KINDS = {"EV_SHIFT_START": 1, "EV_SHIFT_END": 2, "EV_TALK_END": 3, "EV_WRAP_END": 4, "EV_ABANDON": 5,
               "EV_OVERFLOW": 6, "EV_ARRIVAL": 7, "EV_PREVIEW_END": 8, "EV_OUTBOUND_END": 9, "EV_DIAL_RESULT": 10,
               "EV_NUISANCE": 11, "EV_RETRY": 12, "EV_DIAL_WINDOW": 13, "EV_IVR_END": 14, "EV_REDIAL": 15,
               "EV_CALLBACK_RING": 17, "EV_CALLBACK_RETRY": 18, "EV_CALLBACK_DUE": 19,
               "EV_CONSULT_END": 20}  # (EV_CONSULT_END: a COMPLETION, transfers' consult)

# -- calls ----------------------------------------------------------------------------------
# Outcome of a call in the per-call records. Short abandons are a KPI classification of
# ABANDONED (see sim.kpi.definitions), not an engine outcome.
OUTCOMES = {"ANSWERED": 0, "ABANDONED": 1, "BLOCKED": 2, "UNFINISHED": 3, "SELF_SERVED": 4, "IVR_ABANDONED": 5}
# (SELF_SERVED: finished in the IVR menu; IVR_ABANDONED: hung up in it. Neither reached a queue.)
OUTCOME_NAMES = tuple(name.lower() for name in OUTCOMES)
# A call in the system: waiting in its queue, taken by an agent, or gone (abandoned; in the
# compiled loop also: a free slot).
CALL_STATES = {"CALL_WAITING": 0, "CALL_SERVED": 1, "CALL_GONE": 2, "CALL_IN_IVR": 3, "CALL_CALLBACK": 4}
# (CALL_CALLBACK: an accepted callback out of its queue: being dialled, waiting for a retry or its due time.)

# -- redials (sim.model.redials) --------------------------------------------------------------
# During a run a redial attempt's call id is REDIAL_ID_BASE + its number (redials numbered in the
# order they are created; input ids stay below it); the records renumber it n_input_calls + number,
# so ids order calls the same way during the run and in the records.
REDIAL_ID_BASE = 1 << 41  # call ids stay below 2**42 (ENTITY_BITS - ROUTE_BITS)

# -- transfers (sim.model.transfers) ----------------------------------------------------------
# A transferred leg (a caller in the queue of the type it was transferred to) is named in events
# by an entity of its own, so that no timer left behind by the caller's earlier leg can touch it:
# LEG_ID_TOP - n for the run's n-th transferred leg (counting down: call ids count up from 0).
# Entities at or above LEG_ID_FLOOR are legs (at most 2**40 of them in a run; redial ids stay
# below it: at most 2**40 redials).
LEG_ID_TOP = (1 << 42) - 1
LEG_ID_FLOOR = (1 << 42) - (1 << 40)

# -- IVR (sim.model.ivr) ----------------------------------------------------------------------
# A call of a type with an IVR first spends its pre-drawn IVR time in the menu (holding a port and
# a trunk), then its pre-drawn choice decides: the index of the call type whose queue it joins
# (zeroed out), or IVR_SELF_SERVED / IVR_HUNG_UP (it leaves). Its outcome in the IVR records:
IVR_OUTCOMES = {"IVR_NONE": 0, "IVR_FINISHED": 1, "IVR_HUNG": 2, "IVR_ZEROED": 3}
IVR_OUTCOME_NAMES = ("none", "self_served", "hung_up", "zeroed_out")
IVR_CHOICES = {"IVR_SELF_SERVED": -1, "IVR_HUNG_UP": -2}

# -- callbacks (sim.model.callbacks) ---------------------------------------------------------------
# A waiting call offered a callback that accepts stays in its queue (keep_place) with no patience;
# the agent who takes it dials (CALLBACK_RING: the ring ends, entity the call id; reached: it talks),
# and a callback not reached rejoins its queue at the head at CALLBACK_RETRY (entity the call id).
# A scheduled one leaves its queue at once and joins its back at its due time (event class
# CALLBACK_RETRY too, kind EV_CALLBACK_DUE: a call never has a retry and a due time pending at once).
# Its outcome in the callback records:
CALLBACK_OUTCOMES = {"CALLBACK_NONE": 0, "CALLBACK_COMPLETED": 1, "CALLBACK_FAILED": 2}
CALLBACK_OUTCOME_NAMES = ("none", "completed", "failed")
CALLBACK_MODES = ("keep_place", "scheduled")

# -- agents -----------------------------------------------------------------------------------
# Agent states (sim.agents.states names them and their allowed transitions).
AGENT_STATES = ("OFF_DUTY", "IDLE", "TALKING", "WRAP_UP", "DIALING", "OUTBOUND_TALKING", "OUTBOUND_WRAP_UP")

# -- outbound -------------------------------------------------------------------------------
# What a dial attempt reaches, in the order the outcome draw is inverted (a uniform u picks the
# first result whose cumulative probability in the dial's interval exceeds u). A live answer
# (RIGHT_PARTY, WRONG_PARTY) is connected to an agent, or dropped as a nuisance call when none
# is free within the campaign's nuisance wait.
DIAL_RESULTS = ("RIGHT_PARTY", "WRONG_PARTY", "BUSY", "NO_ANSWER", "MACHINE")
DIAL_RESULT_NAMES = tuple(name.lower() for name in DIAL_RESULTS)
LIVE_RESULTS = ("RIGHT_PARTY", "WRONG_PARTY")
# Retry delays are per result, plus one for a dropped (nuisance) call: index NUISANCE_RETRY.
NUISANCE_RETRY = len(DIAL_RESULTS)

# -- policies ---------------------------------------------------------------------------------
# Policy names in code order (sim.policies holds each rule and its Cython twin; the compiled loop
# receives the code of the scenario's choice). Append new names: codes are never renumbered.
CALL_SELECTION = ("priority_fifo", "priority_head_start")
AGENT_SELECTION = ("route_order", "least_skilled")
DIALLING_MODES = ("preview", "progressive", "predictive")
BLENDING = ("threshold", "threshold_no_queue", "threshold_sl_floor")

# -- streaming tallies ----------------------------------------------------------------------
# Per (interval, call type) of the measured calls: counts, then sums (sim.kpi.streaming reads them).
TALLY_COUNTS = ("arrived", "blocked", "short_abandoned", "answered", "abandoned", "unfinished",
                "answered_within_T", "late_abandoned", "self_served", "ivr_abandoned",
                "transferred", "first_answered", "first_resolved")
# (transfers: legs answered and then transferred, per the leg's queue and interval of entry; callers
# whose first leg was answered, and of them those never transferred: first-contact resolution)
TALLY_SUMS = ("wait_answered", "wait_left", "handle", "talk", "consult")
# (consult: with transfers, the consult before each transfer (s), in the transferred leg's cell:
# the caller is on hold, on the line: the telephony cost's input, sim.kpi.costs)
# Caller-level counts per (interval, call type dialled), kept apart (only with redials, so the
# layout above and its cost stay as they were without): first attempts, by the interval of their
# arrival; redial attempts, by theirs; by the interval of the caller's first attempt: its redials,
# first attempts that ended abandoned or blocked, callers whose last attempt did (sim.kpi.callers).
CALLER_COUNTS = ("callers", "redials", "caller_redials", "first_lost", "callers_lost")
# Wait histograms: bin 0 holds waits of exactly 0, bin 1 waits below 2**MIN_EXP s, then
# 2**LOG2 log-spaced bins per doubling up to 2**MAX_EXP s, then one bin for longer waits.
HISTOGRAM_MIN_EXP = -4
HISTOGRAM_MAX_EXP = 16
INTERVAL_HISTOGRAM_LOG2 = 4  # per (interval, call type): 16 bins per octave
SUMMARY_HISTOGRAM_LOG2 = 7  # per call type over the run: 128 bins per octave


def histogram_bins(log2_per_octave: int) -> int:
    """Number of bins of a wait histogram with 2**log2_per_octave bins per octave."""
    return 3 + (HISTOGRAM_MAX_EXP - HISTOGRAM_MIN_EXP) * (1 << log2_per_octave)


def constants() -> dict:
    """Every integer constant the compiled loop is built with, by its name there."""
    values = dict(EVENT_CLASSES)
    values.update(ENTITY_BITS=ENTITY_BITS, ROUTE_BITS=ROUTE_BITS, REDIAL_ID_BASE=REDIAL_ID_BASE)
    values.update(EVENT_KINDS)
    values.update(OUTCOMES)
    values.update(CALL_STATES)
    values.update(IVR_OUTCOMES)
    values.update(IVR_CHOICES)
    values.update(LEG_ID_TOP=LEG_ID_TOP, LEG_ID_FLOOR=LEG_ID_FLOOR)
    values.update(CALLBACK_OUTCOMES)
    values.update({f"AGENT_{name}": i for i, name in enumerate(AGENT_STATES)})
    values.update({f"CALL_SELECTION_{name.upper()}": i for i, name in enumerate(CALL_SELECTION)})
    values.update({f"AGENT_SELECTION_{name.upper()}": i for i, name in enumerate(AGENT_SELECTION)})
    values.update({f"DIAL_{name.upper()}": i for i, name in enumerate(DIALLING_MODES)})
    values.update({f"BLENDING_{name.upper()}": i for i, name in enumerate(BLENDING)})
    values.update({f"RESULT_{name}": i for i, name in enumerate(DIAL_RESULTS)})
    values.update(NUISANCE_RETRY=NUISANCE_RETRY)
    values.update(N_COUNTS=len(TALLY_COUNTS), N_SUMS=len(TALLY_SUMS))
    values.update({f"C_{name.upper()}": i for i, name in enumerate(TALLY_COUNTS)})
    values.update({f"S_{name.upper()}": i for i, name in enumerate(TALLY_SUMS)})
    values.update(N_CALLER_COUNTS=len(CALLER_COUNTS))
    values.update({f"CC_{name.upper()}": i for i, name in enumerate(CALLER_COUNTS)})
    values.update(MIN_EXP=HISTOGRAM_MIN_EXP, MAX_EXP=HISTOGRAM_MAX_EXP,
                  INTERVAL_LOG2=INTERVAL_HISTOGRAM_LOG2, SUMMARY_LOG2=SUMMARY_HISTOGRAM_LOG2,
                  INTERVAL_BINS=histogram_bins(INTERVAL_HISTOGRAM_LOG2),
                  SUMMARY_BINS=histogram_bins(SUMMARY_HISTOGRAM_LOG2))
    return values


def cython_source() -> str:
    """The protocol as C constants for Cython (the text of ``sim/core/_protocol.pxi``): C macros
    with a CALLSIM_ prefix (a plain name such as OVERFLOW may be a macro of the C library),
    declared to Cython under their names here."""
    values = constants()
    lines = ["# Generated from sim/core/protocol.py by setup.py: do not edit, do not commit.", "",
             "cdef extern from *:", '    """']
    lines += [f"    #define CALLSIM_{name} ({value})" for name, value in values.items()]
    lines += ['    """', "    enum:"]
    lines += [f'        {name} "CALLSIM_{name}"' for name in values]
    lines += ["", f"PROTOCOL = {values!r}", ""]
    return "\n".join(lines)
