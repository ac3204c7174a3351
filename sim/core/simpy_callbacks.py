"""The SimPy engine's callbacks (sim.model.callbacks has the rule): the offer when a call joins its
queue, the agent's dial (ringing until the CALLBACK_RING event, entity the call id), the talk of
a reached callback, and the retry of one not reached: at its CALLBACK_RETRY event (entity the call
id) it rejoins its queue at the head, or an idle agent of an eligible group takes it at once. A
scheduled callback leaves its queue at its acceptance and rejoins it at the back at its due time
(a CALLBACK_RETRY event too), unless that is at or after the horizon's end.
Event classes order them at one instant: after IVR_END, before ARRIVAL (sim.core.protocol).
With redials, a failed callback is an abandon of the attempt (sim.core.simpy_redials may make a
redial), and a redial carries its caller's first attempt's draws and a callback record row of its
own (appended with its call row). A transferred leg (sim.core.simpy_transfers) is never offered one.
"""

from __future__ import annotations

import math
from typing import Dict, List

import numpy as np

from sim.agents import states
from sim.core import protocol
from sim.core.records import ABANDONED, CallbackRecords, DialRecords, ScheduledRecords
from sim.model.callbacks import callback_tables, dial_delays, predicted_wait

RING, RETRY = protocol.EVENT_CLASSES["CALLBACK_RING"], protocol.EVENT_CLASSES["CALLBACK_RETRY"]
WAITING = protocol.CALL_STATES["CALL_WAITING"]
CALLBACK = protocol.CALL_STATES["CALL_CALLBACK"]
COMPLETED, FAILED = protocol.CALLBACK_OUTCOMES["CALLBACK_COMPLETED"], protocol.CALLBACK_OUTCOMES["CALLBACK_FAILED"]
DECISIONS = ("callback_accept", "callback_ring", "callback_reach", "callback_delay")


class Callbacks:
    """The callbacks' records and rules, for one run of the SimPy engine's _CallCenter."""

    def __init__(self, center, scenario):
        self.center = center
        tables = callback_tables(scenario)
        self.offers, self.offer_above = tables.offers.tolist(), tables.offer_above.tolist()
        self.mean_handle, self.first_group = tables.mean_handle.tolist(), tables.first_group.tolist()
        self.attempts, self.scheduled = tables.attempts.tolist(), tables.scheduled.tolist()
        self.horizon_end = scenario.horizon_end
        self.blocks: List[CallbackRecords] = []
        self.redial_parts: List[CallbackRecords] = []  # one row per redial, in creation order
        self.due: Dict[int, np.ndarray] = {}  # id of a records part: its scheduled callbacks' due times
        self.dials: List[tuple] = []  # (records part, row in it, attempt, group, agent, start, end) per dial

    def block(self, block) -> tuple:
        """Start the callback records of a block of calls: what its calls carry (``call.draws``)."""
        missing = [name for name in DECISIONS if name not in block.decisions]
        if missing:
            raise ValueError(f"the scenario offers callbacks: the call blocks need the decisions {', '.join(missing)}")
        self.blocks.append(CallbackRecords.empty(len(block)))
        self.due[id(self.blocks[-1])] = np.full(len(block), np.nan)
        decisions = block.decisions
        return (self.blocks[-1], decisions["callback_accept"], decisions["callback_ring"], decisions["callback_reach"],
                dial_delays(decisions))

    def offer(self, call) -> bool:
        """The call joins its queue now (no agent free): offered a callback if its predicted wait
        exceeds its type's threshold; it accepts or not by its draw. Returns whether it left the
        queue (an accepted scheduled callback: due ``delay`` later)."""
        k, center = call.type, self.center
        if not self.offers[k] or call.accepted or call.id >= protocol.LEG_ID_FLOOR:  # (a transferred leg: never)
            return False
        wait = predicted_wait(center.waiting[k], self.mean_handle[k], center.on_duty[self.first_group[k]])
        if not wait > self.offer_above[k]:
            return False
        records, accept = call.draws[0], call.draws[1]
        records.offered[call.row] = 1
        if not accept[call.row]:
            return False
        records.accepted[call.row] = 1
        call.accepted, call.patience = True, math.inf
        if not self.scheduled[k]:
            return False
        call.state = CALLBACK  # out of its queue until due (never, if due at or after the horizon's end)
        due = center.env.now + float(call.draws[4][call.row, 0])
        self.due[id(records)][call.row] = due
        if due < self.horizon_end:
            center.env.at(due, RETRY, call.id, lambda _, c=call: self.rejoin(c, at_head=False))
        return True

    def dial(self, agent, call):
        """The agent dials the accepted callback it took (a process step of the agent)."""
        center, env = self.center, self.center.env
        records, _, ring, reach, delay = call.draws
        row, now = call.row, env.now
        agent.become(states.DIALING)
        attempt = int(records.attempts[row])
        records.attempts[row] = attempt + 1
        if attempt == 0:
            records.first_dial[row] = now
        records.last_dial[row] = now
        self.dials.append((records, row, attempt, agent.group, agent.index, now, now + float(ring[row, attempt])))
        yield env.at(now + float(ring[row, attempt]), RING, call.id)
        now = env.now
        if reach[row, attempt]:
            records.connect_time[row], records.outcome[row] = now, COMPLETED
            center.answered(call, agent)
            yield from center.talk(agent, call)
        elif attempt + 1 < self.attempts[call.type]:
            call.state = CALLBACK
            env.at(now + float(delay[row, attempt + 1]), RETRY, call.id, lambda _, c=call: self.rejoin(c, at_head=True))
        else:
            call.state = CALLBACK
            center.in_system -= 1
            center.left[call.type] += 1
            records.outcome[row] = FAILED
            call.records.outcome[row], call.records.end_time[row] = ABANDONED, now
            if center.redials is not None:  # an abandon of the attempt: the caller may redial
                center.redials.failed(call, False)

    def rejoin(self, call, at_head: bool) -> None:
        """The callback's retry (``at_head``) or scheduled time is due: an idle agent of a group it
        is eligible for takes it, or it rejoins its queue, at the head (a retry: it had reached the
        head) or at the back (scheduled). No new timers: its overflow timers run from its queue entry."""
        center = self.center
        call.state = WAITING
        group = center.select_group(call, center.routes[call.type])
        if group is not None:
            center.answer(call, center.take_idle(group))
            return
        if at_head:
            center.queues[call.type].appendleft(call)
        else:
            center.queues[call.type].append(call)
        center.waiting[call.type] += 1

    def redial_draws(self, first_draws, first_row: int) -> tuple:
        """A redial's ``call.draws``: a callback record row of its own (row 0 of a part appended
        after the blocks', in creation order) and its caller's first attempt's decisions (row
        ``first_row`` of ``first_draws``, that call's), as one-row views."""
        self.redial_parts.append(CallbackRecords.empty(1))
        self.due[id(self.redial_parts[-1])] = np.full(1, np.nan)
        return (self.redial_parts[-1], *(d[first_row:first_row + 1] for d in first_draws[1:]))

    def records(self) -> CallbackRecords:
        return CallbackRecords.concatenate(self.blocks + self.redial_parts)

    def dial_records(self) -> DialRecords:
        """The dials, each with its call's record row (a part's offset in the records, + its row)."""
        offsets, offset = {}, 0
        for part in self.blocks + self.redial_parts:
            offsets[id(part)] = offset
            offset += len(part.offered)
        columns = list(zip(*self.dials)) if self.dials else [()] * 7
        return DialRecords.of({"call": [offsets[id(part)] + row for part, row in zip(columns[0], columns[1])],
                               "attempt": columns[2], "group": columns[3], "agent": columns[4],
                               "start": columns[5], "end": columns[6]})

    def scheduled_records(self) -> ScheduledRecords:
        return ScheduledRecords.concatenate([self.due[id(part)] for part in self.blocks + self.redial_parts])
