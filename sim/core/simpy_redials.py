"""The SimPy engine's redials (sim.model.redials has the rule): a caller of a type with redials
carries its state (a :class:`Caller`: the first attempt's id, talk, wrap-up and IVR decisions, its
attempts so far, its pre-drawn rows); when an attempt ends abandoned or blocked and its draw says
so, a redial is created at once (numbered in creation order, its record row appended after the
input calls') and arrives at the REDIAL event (class after IVR_END, before ARRIVAL: at one instant
redials arrive after every other event and before fresh calls; among themselves in creation
order; a redial that would come at or after the horizon's end is not made, as no fresh call
arrives then), as a new call of the caller's type: through its IVR menu if it has one, else routed as
any arrival (blocked if every trunk is taken). With transfers, a transferred leg is a Call of
its own with no caller (so its abandon makes no redial), and a redial's legs follow the plan of
its caller's first attempt (sim.core.simpy_transfers).
"""

from __future__ import annotations

from typing import List

import numpy as np

from sim.core import protocol
from sim.core.records import CallRecords, IvrRecords, RedialRecords
from sim.model import redials as rule

REDIAL = protocol.EVENT_CLASSES["REDIAL"]


class Caller:
    __slots__ = ("first", "type", "talk", "wrapup", "ivr_time", "ivr_choice", "attempt", "u", "delay", "patience",
                 "callback_draws", "row")

    def __init__(self, call, ivr_time, ivr_choice, u, delay, patience):
        self.first, self.type, self.talk, self.wrapup = call.id, call.type, call.talk, call.wrapup
        self.ivr_time, self.ivr_choice, self.attempt = ivr_time, ivr_choice, 1
        self.u, self.delay, self.patience = u, delay, patience
        self.callback_draws, self.row = call.draws, call.row  # (with callbacks: its redials' draws are these)


class Redials:
    """The redials of one run of the SimPy engine's _CallCenter: the callers' state, the redial
    rows (records, link to the first attempt)."""

    def __init__(self, center, scenario):
        self.center = center
        tables = rule.tables(scenario)
        self.p_abandoned = tables["redial_abandoned"].tolist()
        self.p_blocked = tables["redial_blocked"].tolist()
        self.max = tables["redial_max"].tolist()
        self.horizon_end = scenario.horizon_end
        self.parts: List[CallRecords] = []  # one row per redial, in creation order
        self.first: List[int] = []
        self.attempt: List[int] = []

    def block(self, block) -> tuple:
        """A block's redial draws: per call its (u, delay, patience) rows, as lists."""
        if any(name not in block.decisions for name in rule.DECISION_NAMES):
            raise ValueError("the scenario has redials: the call blocks need the decisions " + ", ".join(rule.DECISION_NAMES))
        return tuple(np.asarray(block.decisions[name], float).tolist() for name in rule.DECISION_NAMES)

    def attach(self, call, draws: tuple, row: int, ivr_time=None, ivr_choice=None) -> None:
        """An input call arrives: the first attempt of its caller."""
        if self.max[call.type] > 1:
            call.caller = Caller(call, ivr_time, ivr_choice, draws[0][row], draws[1][row], draws[2][row])

    def failed(self, call, blocked: bool) -> None:
        """The call's attempt ended now, blocked or abandoned: its caller may call again."""
        caller = call.caller
        if caller is None:
            return
        a, k = caller.attempt, caller.type
        if a >= self.max[k] or not caller.u[a - 1] < (self.p_blocked if blocked else self.p_abandoned)[k]:
            return
        center, number = self.center, len(self.parts)
        when = center.env.now + caller.delay[a - 1]
        if not when < self.horizon_end:  # the center takes no new call after the horizon: none made
            return
        records = CallRecords.empty(1)
        records.call_type[0], records.arrival[0] = k, when
        self.parts.append(records)
        self.first.append(caller.first)
        self.attempt.append(a + 1)
        caller.attempt = a + 1
        callbacks = center.callbacks
        draws = None if callbacks is None else callbacks.redial_draws(caller.callback_draws, caller.row)
        redial = type(call)(protocol.REDIAL_ID_BASE + number, k, when, caller.talk, caller.wrapup,
                            caller.patience[a - 1], records, 0, draws)
        redial.caller = caller
        if center.ivr is not None:
            center.ivr.redial_parts.append(IvrRecords.empty(np.array([k]), center.ivr.has_ivr))
        center.env.at(when, REDIAL, number, lambda _: self.arrive(redial))

    def arrive(self, call) -> None:
        center, caller = self.center, call.caller
        if center.ivr is None or not center.ivr.arrive(call, caller.ivr_time, caller.ivr_choice):
            center.arrive(call)

    def records(self, n_input: int) -> RedialRecords:
        return RedialRecords.of(n_input, self.first, self.attempt)
