"""The SimPy engine's transfers (sim.model.transfers has the rule): when an answered leg's talk
ends (its COMPLETION event) and the call's plan says so, the caller, keeping its trunk, joins the
queue of the target type as a new leg (entity LEG_ID_TOP - n for the run's n-th transferred
leg, so that no timer of its earlier leg can touch it), routed as an arriving call would be: at
once, or after a consult (a COMPLETION event of the first agent, busy through it); the first
agent then goes on to its wrap-up.

With redials: a redial attempt (run id REDIAL_ID_BASE + n) follows its caller's plan, the first
attempt's (plans are indexed by input call id); its legs name the attempt (its row in the
records, read at the end); a transferred leg has no caller, so its abandon makes no redial.
"""

from __future__ import annotations

import numpy as np

from sim.core import protocol
from sim.core.records import TRANSFER_LEG_COLUMNS, UNFINISHED, all_legs
from sim.model import transfers


class _LegRows:
    """The transferred legs' columns as lists, written as the engine writes a call's record row."""

    def __init__(self):
        for name in TRANSFER_LEG_COLUMNS:
            setattr(self, name, [])
        self.answer_time = self.start  # (the engine's names for two of the columns)

    def add(self, call: int, leg: int, queue: int, joined: float) -> int:
        row = len(self.call)
        for name, value in zip(TRANSFER_LEG_COLUMNS, (call, leg, queue, joined, UNFINISHED, -1, -1, np.nan, np.nan,
                                                      0.0, 0.0)):
            getattr(self, name).append(value)
        return row

    def arrays(self) -> dict:
        return {name: np.array(getattr(self, name)) for name in TRANSFER_LEG_COLUMNS}


class Transfers:
    """The calls' leg plans and the transferred legs' records, for one run of the SimPy engine."""

    def __init__(self, center, scenario):
        self.center, self.scenario = center, scenario
        self.slots = scenario.transfer_max_legs - 1
        self.to, self.consult, self.talk, self.wrapup, self.patience = [], [], [], [], []  # per call id * slots + j
        self.rows = _LegRows()
        self.origin = {}  # leg entity -> (the attempt's call id, its plan's input call id, leg number)

    def block(self, block) -> None:
        """Read the plans of the next block of calls (ids continue from the previous block)."""
        plan = transfers.plan(self.scenario, block)
        for name in ("to", "consult", "talk", "wrapup", "patience"):
            getattr(self, name).extend(getattr(plan, name).ravel().tolist())

    def after_talk(self, agent, call, call_factory):
        """(A process step of the agent's.) The talk of ``call`` (a leg) ended now: returns True
        if the caller is transferred (it joins its next queue after the consult, if any), False
        if it leaves."""
        origin, planned, leg = self.origin.get(call.id) or (call.id, self.plan_of(call), 0)
        if leg >= self.slots:
            return False
        index = planned * self.slots + leg
        target = self.to[index]
        if target < 0:
            return False
        env = self.center.env
        if self.consult[index] > 0:
            yield env.at(env.now + self.consult[index], protocol.EVENT_CLASSES["COMPLETION"], agent.index)
        now = env.now
        row = self.rows.add(origin, leg + 1, target, now)
        entity = protocol.LEG_ID_TOP - row
        self.origin[entity] = (origin, planned, leg + 1)
        self.center.route(call_factory(entity, target, now, self.talk[index], self.wrapup[index],
                                       self.patience[index], self.rows, row))
        return True

    @staticmethod
    def plan_of(call) -> int:
        """The input call id whose plan a call's first leg follows: its caller's first attempt's."""
        return call.id if call.caller is None else call.caller.first

    def legs(self, records, ivr, redials=None):
        """Every leg of the run (sim.core.records.all_legs; ``redials``: the RedialRecords, if any)."""
        return all_legs(records, ivr, self.rows.arrays(), np.array(self.consult, float), self.slots, redials)
