"""The SimPy reference engine: the readable specification of the call-center model.

Processes: one ``arrivals`` process feeds the calls of :mod:`sim.model.random_inputs` in order; one
``agent`` process per agent works its spells on duty (log on, serve, wrap up, take the next call,
go off at the end of the spell after finishing the call in hand). Between two spells the agent is
off duty (a break, lunch, activity, absence or out-of-adherence stretch, sim.agents.shrinkage): a
spell starts at max(its start, the time the agent went off + its rest), so a break taken late
still lasts its full length and an activity ends on time. A waiting caller is a plain
object in its call type's FIFO queue, with timers for its patience and for each overflow delay.

Routing (the rules are the policies of sim/policies/, called here by name):
  * An arriving call goes to an idle agent of one of its route's groups that are eligible now
    (overflow delay 0), chosen by the agent-selection policy (default route_order: the first
    such group; within a group its longest-idle agent); otherwise it waits.
  * A call becomes eligible for a route group once it has waited that group's delay
    (sim.policies.routing); at that moment it goes to the group's longest-idle agent if any.
  * An agent that frees up takes, among the head calls of the call types its group serves that
    are eligible for the group, the one the call-selection policy puts first (default
    priority_fifo: highest priority, then longest waiting, then lowest call id). If none, the
    agent becomes idle.
  * Trunks limit calls in the system (waiting or talking); an arrival beyond the limit is blocked.
  * IVR menus (sim.core.simpy_ivr): a call of a type with an IVR is in the menu (holding a trunk)
    before it leaves or joins a queue, then routed as above from the moment it left the menu.
  * Redials (sim.core.simpy_redials): an abandoned or blocked attempt may be followed by another.
  * Transfers (sim.core.simpy_transfers): at the end of an answered leg's talk the caller may
    join another type's queue as a new leg (keeping its trunk), routed as above from then.
Outbound campaigns (sim.core.simpy_outbound, where the dialler's rules are spelled out):
  * Once all the events of an instant have been handled (the environment's after-event hook),
    each campaign's dialler places attempts for its free agents: idle dedicated agents,
    and idle blended agents above the blending threshold while the blending policy allows.
    Preview: the agent dials and is busy (DIALING) while it rings; progressive and predictive:
    lines ring with no agent, and a live answer takes an idle agent of the campaign or waits
    ``nuisance_wait`` for one before it is dropped (a nuisance call). Failed attempts are
    retried after their result's delay, up to ``max_attempts``.
  * A free agent takes, in order: the oldest live answer waiting for its campaign, the waiting
    inbound call the call-selection policy picks, else it becomes idle (and the dial pass may
    then take it). Outbound talk and wrap-up do not use group speed factors or trunks.
Agents move between the states of sim.agents.states, and only along its transitions.

Callbacks (sim.core.simpy_callbacks): a call joining its queue may be offered one; accepted, it
keeps its place with no patience, and the agent that takes it dials it first.

Deterministic order: timed events fire in order of (time, class, entity), the classes and entities
of sim.core.protocol (which says what happens first at one instant; new calls arrive last). Event times are
absolute sums of the inputs (arrival + patience, answer + talk, ...), computed the same way in
every engine so records agree to the last bit. Idle agents queue in the order they became idle.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Iterable, List, Optional, Sequence

import numpy as np
import simpy

from sim.agents import states
from sim.agents.shrinkage import SpellTables
from sim.agents.roster import open_spell_end
from sim.core import protocol
from sim.core.model_tables import model_tables
from sim.core.records import ABANDONED, ANSWERED, BLOCKED, AgentLog, CallRecords, EngineOutput
from sim.core.simpy_callbacks import Callbacks
from sim.core.simpy_ivr import IvrMenus
from sim.core.simpy_outbound import Outbound
from sim.core.simpy_redials import Redials
from sim.core.simpy_time import SUPPORTED_SIMPY, TimedEnvironment  # noqa: F401 (re-exported)
from sim.core.simpy_transfers import Transfers
from sim.model.callbacks import has_callbacks, has_scheduled
from sim.model.redials import has_redials
from sim.model.random_inputs import CallBlock
from sim.model.scenario import Scenario
from sim.policies import agent_selection, call_selection, routing

# Event classes, in the order they fire at equal times, and call states (sim.core.protocol).
STAFFING, COMPLETION, ABANDON, OVERFLOW, ARRIVAL = (protocol.EVENT_CLASSES[name] for name in
                                                    ("STAFFING", "COMPLETION", "ABANDON", "OVERFLOW", "ARRIVAL"))
WAITING, SERVED, GONE = (protocol.CALL_STATES[name] for name in ("CALL_WAITING", "CALL_SERVED", "CALL_GONE"))


class Call:  # (type and arrival: the queue it joins and when; after an IVR menu, not the dialled type and arrival)
    __slots__ = ("id", "type", "arrival", "talk", "wrapup", "patience", "state", "records", "row", "caller", "draws",
                 "accepted")

    def __init__(self, call_id, call_type, arrival, talk, wrapup, patience, records, row, draws=None):
        self.id, self.type, self.arrival = call_id, call_type, arrival
        self.talk, self.wrapup, self.patience = talk, wrapup, patience
        self.state = WAITING
        self.records, self.row, self.caller = records, row, None  # caller: its redial state (simpy_redials)
        self.draws, self.accepted = draws, False  # (callbacks: its block's records and decisions; accepted one)


class Agent:
    __slots__ = ("index", "group", "speed", "spells", "state", "wake", "leaving", "last_done", "on_duty_since", "log")

    def __init__(self, index, group, speed, spells):
        self.index, self.group, self.speed, self.spells = index, group, speed, spells
        self.state = states.OFF_DUTY
        self.wake: Optional[simpy.Event] = None
        self.leaving = False
        self.last_done = -math.inf
        self.on_duty_since: Optional[float] = None  # start of the spell in progress
        self.log: List[tuple] = []  # (start, scheduled_end, end) per finished spell

    def become(self, state) -> None:
        """Change state (only along the transitions sim.agents.states allows)."""
        self.state = states.check(self.state, state)


class SimpyEngine:
    """Runs a :class:`~sim.model.scenario.Scenario` with SimPy."""

    name = "simpy"

    def run(self, scenario: Scenario, inputs: Iterable[CallBlock], records: bool = True,
            contacts: Optional[Sequence] = None, spells: Optional[SpellTables] = None) -> EngineOutput:
        """Simulate the calls of ``inputs`` (blocks in arrival order: random ones from
        :func:`sim.model.random_inputs.call_blocks`, or given ones for exact traces and replays)
        and the campaigns' dial attempts, whose draws are ``contacts`` (one
        :class:`~sim.model.contact_draws.ContactDraws` per campaign; required with campaigns).

        ``spells``: the agents' spells of this replication (None: as planned, everyone present;
        :func:`sim.agents.shrinkage.realised` draws absences and adherence).

        Always returns per-call records (``records`` is accepted for the common engine interface).
        """
        return _CallCenter(scenario, inputs, contacts, spells).run()


class _CallCenter:
    """The model state and its processes for one run."""

    def __init__(self, scenario: Scenario, inputs: Iterable[CallBlock], contacts=None, spells=None):
        self.scenario, self.inputs = scenario, inputs
        self.env = TimedEnvironment()
        tables = model_tables(scenario)
        self.queues = [deque() for _ in range(tables.n_types)]
        self.idle = [dict() for _ in range(tables.n_groups)]  # insertion-ordered: longest idle first
        self.priority = tables.priority.tolist()
        self.routes = [tables.route(k) for k in range(tables.n_types)]  # type -> [(group, delay)]
        self.served_by = [tables.served(g) for g in range(tables.n_groups)]  # group -> [(type, delay)]
        self.trunks = tables.trunks if tables.trunks >= 0 else math.inf
        self.head_start = tables.head_start.tolist()
        self.skills = tables.group_skills.tolist()
        self.call_key = call_selection.RULES[protocol.CALL_SELECTION[tables.call_selection]]
        self.group_key = agent_selection.RULES[protocol.AGENT_SELECTION[tables.agent_selection]]
        self.in_system = 0
        self.blocks: List[CallRecords] = []
        speeds = tables.speed.reshape(tables.n_groups, tables.n_types).tolist()
        spells = tables.planned if spells is None else spells
        self.present = spells.present
        self.agents = [Agent(a, int(g), speeds[g], spells.of(a)) for a, g in enumerate(tables.agent_group)]
        # inbound counters the blending policies read: calls in each queue now; for each type, calls
        # that left their queue this interval (answered or abandoned) and those answered within T
        self.waiting = [0] * tables.n_types
        self.within, self.left = [0] * tables.n_types, [0] * tables.n_types
        self.sl_threshold = scenario.kpi.sl_threshold
        self.outbound = Outbound(self, contacts) if scenario.campaigns else None
        self.ivr = IvrMenus(self, tables.ivr, tables.ivr_ports) if tables.ivr.any() else None
        self.redials = Redials(self, scenario) if has_redials(scenario) else None
        self.transfers = Transfers(self, scenario) if scenario.transfer_max_legs is not None else None
        self.callbacks = Callbacks(self, scenario) if has_callbacks(scenario) else None
        self.scheduled = has_scheduled(scenario)
        self.on_duty = [0] * tables.n_groups  # agents whose spell has begun and who have not gone off

    def run(self) -> EngineOutput:
        env = self.env
        env.process(self.arrivals())
        for agent in self.agents:
            env.process(self.agent(agent))
        if self.outbound is not None:
            self.outbound.start()
        env.run()
        attempts = None if self.outbound is None else self.outbound.records()
        n, redials = sum(len(b) for b in self.blocks), self.redials
        records = CallRecords.concatenate(self.blocks + (redials.parts if redials else []))
        ivr = None if self.ivr is None else self.ivr.records()
        callers = None if redials is None else redials.records(n)
        return EngineOutput("simpy", records, self.agent_log(), attempts=attempts, present=self.present, ivr=ivr,
                            redials=callers,
                            legs=None if self.transfers is None else self.transfers.legs(records, ivr, callers),
                            callbacks=None if self.callbacks is None else self.callbacks.records(),
                            scheduled=self.callbacks.scheduled_records() if self.scheduled else None,
                            dials=None if self.callbacks is None else self.callbacks.dial_records())

    # -- processes -------------------------------------------------------------------------

    def arrivals(self):
        env = self.env
        for block in self.inputs:
            records = CallRecords.empty(len(block))
            records.call_type[:] = block.call_type
            records.arrival[:] = block.arrival
            self.blocks.append(records)
            columns = zip(block.arrival.tolist(), block.call_type.tolist(), block.talk.tolist(),
                          block.wrapup.tolist(), block.patience.tolist())
            ivr_time, ivr_choice = self.ivr.block(block) if self.ivr is not None else ([None] * len(block),) * 2
            draws = self.redials.block(block) if self.redials is not None else None
            if self.transfers is not None:
                self.transfers.block(block)
            callback_draws = self.callbacks.block(block) if self.callbacks is not None else None
            for row, (t, k, talk, wrapup, patience) in enumerate(columns):
                call_id = block.first_id + row
                yield env.at(t, ARRIVAL, call_id)
                call = Call(call_id, k, t, talk, wrapup, patience, records, row, callback_draws)
                if draws is not None:
                    self.redials.attach(call, draws, row, ivr_time[row], ivr_choice[row])
                if self.ivr is None or not self.ivr.arrive(call, ivr_time[row], ivr_choice[row]):
                    self.arrive(call)

    def agent(self, agent: Agent):
        """An agent's working day: each spell on duty, working until the spell ends.

        A spell begins at its scheduled start, or later if the agent went off late (it was
        finishing work from the previous spell): then its rest (the break before it) still runs
        in full from the moment it went off. A spell that would begin at or after its scheduled
        end is skipped.
        """
        env = self.env
        went_off = -math.inf
        for start, scheduled_end, rest in agent.spells:
            begin = max(start, went_off + rest)
            if begin >= scheduled_end:
                continue
            yield env.at(begin, STAFFING, agent.index)
            self.on_duty[agent.group] += 1
            agent.leaving = False
            agent.on_duty_since = begin
            if scheduled_end < math.inf:
                env.at(scheduled_end, STAFFING, agent.index, lambda _, a=agent: self.shift_end(a))
            work = self.next_work(agent)
            while True:
                if work is None:
                    agent.become(states.IDLE)
                    agent.wake = env.event()
                    self.idle[agent.group][agent] = None
                    work = yield agent.wake  # a call, an outbound attempt, or None when the spell ends
                    if work is None:
                        break
                if isinstance(work, Call):
                    yield from self.serve(agent, work)
                else:
                    yield from self.outbound.work(agent, work)
                agent.last_done = env.now
                if agent.leaving:
                    break
                work = self.next_work(agent)
            agent.become(states.OFF_DUTY)
            self.on_duty[agent.group] -= 1
            agent.log.append((begin, scheduled_end, env.now))
            agent.on_duty_since = None
            went_off = env.now

    def serve(self, agent: Agent, call: Call):
        """The agent talks to an inbound call, then wraps up (an accepted callback: dials it first)."""
        if call.accepted:
            yield from self.callbacks.dial(agent, call)
        else:
            yield from self.talk(agent, call)

    def talk(self, agent: Agent, call: Call):
        """The agent talks to the caller (a transferred caller may stay for a consult), then wraps up."""
        env = self.env
        agent.become(states.TALKING)
        speed = agent.speed[call.type]
        talk, wrapup = call.talk / speed, call.wrapup / speed
        talk_end = env.now + talk
        yield env.at(talk_end, COMPLETION, agent.index)
        if self.transfers is None or not (yield from self.transfers.after_talk(agent, call, Call)):
            self.in_system -= 1  # (a transferred caller keeps its trunk)
        rec, row = call.records, call.row
        rec.end_time[row], rec.talk[row], rec.wrapup[row] = env.now, talk, wrapup  # (now: the talk's or consult's end)
        if wrapup > 0:
            agent.become(states.WRAP_UP)
            yield env.at(env.now + wrapup, COMPLETION, agent.index)

    # -- events ----------------------------------------------------------------------------

    def arrive(self, call: Call) -> None:
        now = self.env.now
        if self.in_system >= self.trunks:
            call.records.outcome[call.row] = BLOCKED
            call.records.end_time[call.row] = now
            if self.redials is not None:
                self.redials.failed(call, True)
            return
        self.in_system += 1
        self.route(call)

    def route(self, call: Call) -> None:
        """A call joins its type's queue now (on arrival, or leaving an IVR menu): an idle agent
        answers it, or it waits, with timers for its patience and overflows."""
        now = self.env.now
        route = self.routes[call.type]
        group = self.select_group(call, route)
        if group is not None:
            self.answer(call, self.take_idle(group))
            return
        # (an accepted callback has no patience; keep_place: it keeps its place in line; scheduled:
        # it leaves the queue until due, its timers then ignored while it is out)
        if self.callbacks is None or not self.callbacks.offer(call):
            self.queues[call.type].append(call)
            self.waiting[call.type] += 1
        env = self.env
        if call.patience < math.inf:
            env.at(call.arrival + call.patience, ABANDON, call.id, lambda _, c=call: self.abandon(c))
        for step, (g, delay) in enumerate(route):
            if routing.needs_overflow_timer(call.arrival, delay, call.patience, now):
                env.at(call.arrival + delay, OVERFLOW, (call.id << protocol.ROUTE_BITS) | step,
                       lambda _, c=call, g=g: self.overflow(c, g))

    def abandon(self, call: Call) -> None:
        if call.state != WAITING:
            return
        call.state = GONE  # left in its queue; skipped when it reaches the head
        self.waiting[call.type] -= 1
        self.left[call.type] += 1
        self.in_system -= 1
        call.records.outcome[call.row], call.records.end_time[call.row] = ABANDONED, self.env.now
        if self.redials is not None:
            self.redials.failed(call, False)

    def overflow(self, call: Call, group: int) -> None:
        if call.state == WAITING and self.idle[group]:
            self.waiting[call.type] -= 1
            self.answer(call, self.take_idle(group))

    def shift_end(self, agent: Agent) -> None:
        agent.leaving = True
        if agent in self.idle[agent.group]:
            del self.idle[agent.group][agent]
            agent.wake.succeed(None)

    # -- routing ---------------------------------------------------------------------------

    def select_group(self, call: Call, route) -> Optional[int]:
        """The group whose longest-idle agent answers an arriving call (agent selection among
        the route's eligible groups with an idle agent), or None."""
        now, best, best_key = self.env.now, None, None
        for step, (g, delay) in enumerate(route):
            if self.idle[g] and routing.eligible(call.arrival, delay, now):
                key = self.group_key(step, self.skills[g])
                if best_key is None or key < best_key:
                    best, best_key = g, key
        return best

    def take_idle(self, group: int) -> Agent:
        idle = self.idle[group]
        agent = next(iter(idle))
        del idle[agent]
        return agent

    def answer(self, call: Call, agent: Agent, wake: bool = True) -> None:
        """The agent takes the call now (an accepted callback: answered when the dial reaches it)."""
        call.state = SERVED
        if not call.accepted:
            self.answered(call, agent)
        if wake:
            agent.wake.succeed(call)

    def answered(self, call: Call, agent: Agent) -> None:
        now = self.env.now
        self.left[call.type] += 1
        self.within[call.type] += now - call.arrival <= self.sl_threshold
        rec, row = call.records, call.row
        rec.outcome[row], rec.answer_time[row], rec.group[row], rec.agent[row] = ANSWERED, now, agent.group, agent.index

    def next_work(self, agent: Agent):
        """What a free agent takes now: the oldest live outbound answer waiting for its campaign,
        else the waiting inbound call it picks, else nothing (None: it becomes idle)."""
        if self.outbound is not None:
            attempt = self.outbound.waiting_connect(agent)
            if attempt is not None:
                return attempt
        return self.next_call(agent)

    def next_call(self, agent: Agent) -> Optional[Call]:
        """The waiting call a free agent takes now, or None."""
        now = self.env.now
        best, best_key = None, None
        for k, delay in self.served_by[agent.group]:
            queue = self.queues[k]
            while queue and queue[0].state != WAITING:
                queue.popleft()
            if not queue:
                continue
            head = queue[0]
            if not routing.eligible(head.arrival, delay, now):
                continue
            key = self.call_key(self.priority[k], head.arrival, self.head_start[k], head.id)
            if best_key is None or key < best_key:
                best, best_key = head, key
        if best is not None:
            self.queues[best.type].popleft()
            self.waiting[best.type] -= 1
            self.answer(best, agent, wake=False)
        return best

    # -- output ----------------------------------------------------------------------------

    def agent_log(self) -> AgentLog:
        """Finished spells, plus the open spells of the agents still on duty at the end."""
        horizon_end = self.scenario.horizon_end
        rows = []
        for agent in self.agents:
            rows.extend((agent.index, agent.group, *spell) for spell in agent.log)
            if agent.on_duty_since is not None:
                rows.append((agent.index, agent.group, agent.on_duty_since, math.inf,
                             open_spell_end(horizon_end, agent.last_done)))
        columns = list(zip(*rows)) if rows else [()] * 5
        return AgentLog(
            agent=np.array(columns[0], np.int32), group=np.array(columns[1], np.int32),
            start=np.array(columns[2], float), scheduled_end=np.array(columns[3], float),
            end=np.array(columns[4], float),
        )
