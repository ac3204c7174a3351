"""The SimPy engine's IVR menus (sim.model.ivr has the rule): a call of a type with an IVR takes a
trunk (if limited) and a port (if limited; none free: blocked), stays in the menu for its
pre-drawn ``ivr_time``, and at the IVR_END event (class after DIAL_WINDOW, before ARRIVAL: at
one instant callers leave the menu after every other event and before new calls arrive) leaves
self-served, hangs up, or joins the queue of its ``ivr_choice`` as if it arrived then (that
type's route and priority; its own talk time, wrap-up and patience).
"""

from __future__ import annotations

import math
from typing import List

import numpy as np

from sim.core import protocol
from sim.core.records import BLOCKED, IVR_ABANDONED, SELF_SERVED, IvrRecords

IVR_END = protocol.EVENT_CLASSES["IVR_END"]
FINISHED, HUNG, ZEROED = (protocol.IVR_OUTCOMES[name] for name in ("IVR_FINISHED", "IVR_HUNG", "IVR_ZEROED"))
SELF_SERVED_CHOICE = protocol.IVR_CHOICES["IVR_SELF_SERVED"]


class IvrMenus:
    """The menus' state (ports in use) and records, for one run of the SimPy engine's _CallCenter."""

    def __init__(self, center, has_ivr: np.ndarray, ports: int):
        self.center = center
        self.has_ivr = has_ivr.astype(bool)
        self.ports = math.inf if ports < 0 else ports
        self.in_menu = 0
        self.blocks: List[IvrRecords] = []
        self.redial_parts: List[IvrRecords] = []  # one row per redial (sim.core.simpy_redials)

    def block(self, block) -> tuple:
        """Start the IVR records of a block of calls; its IVR times and choices as lists."""
        if "ivr_time" not in block.decisions or "ivr_choice" not in block.decisions:
            raise ValueError("the scenario has an IVR: the call blocks need the decisions ivr_time and ivr_choice")
        self.blocks.append(IvrRecords.empty(block.call_type, self.has_ivr))
        return block.decisions["ivr_time"].tolist(), block.decisions["ivr_choice"].tolist()

    def arrive(self, call, ivr_time: float, choice: int) -> bool:
        """A call arrives (now): False if its type has no IVR (the engine routes it as usual);
        else it is blocked or enters the menu."""
        if not self.has_ivr[call.type]:
            return False
        center, now = self.center, self.center.env.now
        if center.in_system >= center.trunks or self.in_menu >= self.ports:
            call.records.outcome[call.row] = BLOCKED
            call.records.end_time[call.row] = now
            if center.redials is not None:
                center.redials.failed(call, True)
            return True
        center.in_system += 1
        self.in_menu += 1
        rows = self.blocks[-1] if call.id < protocol.REDIAL_ID_BASE else self.redial_parts[call.id - protocol.REDIAL_ID_BASE]
        center.env.at(now + ivr_time, IVR_END, call.id, lambda _, c=call: self.leave(c, rows, choice))
        return True

    def leave(self, call, ivr: IvrRecords, choice: int) -> None:
        """The call leaves the menu (now) by its choice (``ivr``: the records holding its row)."""
        center, now = self.center, self.center.env.now
        self.in_menu -= 1
        ivr.ivr_end[call.row] = now
        if choice >= 0:  # zeroed out: it joins that type's queue now
            ivr.ivr_outcome[call.row], ivr.queue[call.row] = ZEROED, choice
            call.type, call.arrival = choice, now
            center.route(call)
            return
        center.in_system -= 1
        finished = choice == SELF_SERVED_CHOICE
        ivr.ivr_outcome[call.row] = FINISHED if finished else HUNG
        call.records.outcome[call.row] = SELF_SERVED if finished else IVR_ABANDONED
        call.records.end_time[call.row] = now

    def records(self) -> IvrRecords:
        parts = self.blocks + self.redial_parts
        return IvrRecords.concatenate(parts) if parts else IvrRecords.empty(np.zeros(0, np.int32),
                                                                                          self.has_ivr)
