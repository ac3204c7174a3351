"""Outbound campaigns in the SimPy reference engine: the dialler, its attempts and their events.

The rules (shared with the fast engine, see sim.core.simpy_engine for the model as a whole):
  * Once every event of an instant has been handled (all of them, with their immediate
    consequences: so an agent whose shift ends now has left, and a call arriving now has taken
    its agent), the dial pass runs each campaign's dialler in index order
    (:meth:`Outbound.dial_pass`, the environment's after-event hook); it runs again after any
    events it scheduled at the same instant (a zero ring time) have been handled. A
    campaign dials while its window is open (before the horizon end, in an interval it dials),
    for ``cap`` agents: its idle dedicated agents, plus its idle blended agents above the
    reservation threshold when the blending policy's condition holds (sim.policies.blending).
  * Preview: each of those agents takes the next record and dials it, busy (DIALING) while it
    rings. Progressive / predictive: the dialler places the number of lines
    sim.policies.dialling asks for, with no agent attached.
  * The next record is the oldest record due for a retry, else the first never-dialled one
    (while the list lasts).
  * A live answer goes to an idle agent of the campaign (its groups in listed order, longest
    idle first; the reservation does not apply to a live customer), else waits for the
    campaign's next free agent for ``nuisance_wait`` seconds and is then dropped: a nuisance call.
  * An attempt that reaches nobody, or is dropped, is retried after its result's delay unless the
    record has had ``max_attempts`` attempts or the delay is never (closed: exhausted); a retry
    that would come due at or after the horizon end is not scheduled (the record stays open).
"""

from __future__ import annotations

import math
from collections import deque

from sim.agents import states
from sim.core import protocol
from sim.core.records import AttemptRecords
from sim.policies import blending, dialling

DIAL_RESULT, NUISANCE, RETRY, DIAL_WINDOW, COMPLETION = (protocol.EVENT_CLASSES[name] for name in
                                                         ("DIAL_RESULT", "NUISANCE", "RETRY", "DIAL_WINDOW", "COMPLETION"))
RIGHT_PARTY, NO_ANSWER = protocol.DIAL_RESULTS.index("RIGHT_PARTY"), protocol.DIAL_RESULTS.index("NO_ANSWER")
LIVE = frozenset(protocol.DIAL_RESULTS.index(name) for name in protocol.LIVE_RESULTS)
# columns of an attempt's row (AttemptRecords field order)
(CAMPAIGN, RECORD, ATTEMPT, DIAL, RESULT, RESOLVE, GROUP, AGENT, CONNECT, END, TALK, WRAPUP,
 DROPPED) = range(len(AttemptRecords.DTYPES))


class CampaignState:
    """One campaign's dialler: its list position, retries, lines ringing, answers waiting."""

    def __init__(self, campaign, draws, served_by):
        self.campaign, self.draws = campaign, draws
        self.mode = protocol.DIALLING_MODES.index(campaign.mode)
        self.attempts_made = {}  # record -> attempts so far
        self.next_fresh = 0  # first never-dialled record
        self.ready = deque()  # records due for a retry, in the order they came due
        self.in_flight = 0  # progressive / predictive attempts ringing
        self.waiting_connects = {}  # live answers waiting for an agent, oldest first (dict as ordered set)
        self.estimate = dialling.RollingShare(campaign.estimate_window, campaign.initial_contact_rate)
        self.nuisance = dialling.RollingShare(campaign.nuisance_window, 0.0)
        self.sl_ok = True
        self.dedicated = [g for g, b in zip(campaign.groups, campaign.blended) if not b]
        self.blended = [g for g, b in zip(campaign.groups, campaign.blended) if b]
        self.inbound_types = sorted({k for g in self.blended for k, _ in served_by[g]})


class Attempt:
    """One dial attempt: its record row and what the agent who takes it will do."""

    __slots__ = ("id", "campaign", "record", "result", "live", "talk", "wrapup", "row", "connected")

    def __init__(self, attempt_id, campaign, record, result, talk, wrapup, row):
        self.id, self.campaign, self.record, self.result = attempt_id, campaign, record, result
        self.live = result in LIVE
        self.talk, self.wrapup, self.row = talk, wrapup, row
        self.connected = False


class Outbound:
    """The campaigns of one run, attached to the call center (its clock, idle lists and inbound
    counters)."""

    def __init__(self, center, contacts):
        scenario = center.scenario
        if contacts is None or len(contacts) != len(scenario.campaigns):
            raise ValueError(f"the scenario has {len(scenario.campaigns)} campaign(s): pass contacts=, one "
                             "ContactDraws per campaign (sim.model.contact_draws.contact_draws(scenario, seed))")
        self.center, self.env = center, center.env
        self.length, self.n, self.horizon_end = scenario.interval_length, scenario.n_intervals, scenario.horizon_end
        self.policy = protocol.BLENDING.index(scenario.blending.policy)
        self.threshold, self.sl_floor = scenario.blending.threshold, scenario.blending.sl_floor
        self.campaigns = [CampaignState(c, contacts[c.index], center.served_by) for c in scenario.campaigns]
        self.campaign_of_group = [None] * len(scenario.groups)
        for state in self.campaigns:
            for g in state.campaign.groups:
                self.campaign_of_group[g] = state
        self.rows = []  # per attempt id

    def start(self) -> None:
        """Schedule the interval starts and hook the dial pass at the end of each instant."""
        for j in range(self.n):
            self.env.at(j * self.length, DIAL_WINDOW, j, lambda _, j=j: self.window(j))
        self.env.after_event = self.dial_pass

    def records(self) -> AttemptRecords:
        return AttemptRecords.from_rows([tuple(row) for row in self.rows])

    def interval(self) -> int:
        return min(int(self.env.now / self.length), self.n - 1)

    # -- the dialler -----------------------------------------------------------------------

    def dial_pass(self) -> None:
        for state in self.campaigns:
            self.dial_campaign(state)

    def dial_campaign(self, state: CampaignState) -> None:
        c, idle = state.campaign, self.center.idle
        if not (self.env.now < self.horizon_end and c.dial_open[self.interval()]):
            return
        waiting = self.center.waiting
        allowed = blending.blended_allowed(self.policy, sum(waiting[k] for k in state.inbound_types), state.sl_ok)
        cap = blending.outbound_capacity(sum(len(idle[g]) for g in state.dedicated),
                                         sum(len(idle[g]) for g in state.blended), self.threshold, allowed)
        if cap == 0:
            return
        if state.mode == dialling.PREVIEW:
            lines = cap
        else:
            lines = dialling.attempts_to_place(state.mode, cap, state.in_flight, c.calls_per_agent,
                                               state.estimate.estimate(), c.target_connect, c.max_calls_per_agent,
                                               state.nuisance.above(c.nuisance_cap))
        for _ in range(lines):
            record = self.next_record(state)
            if record is None:
                break
            self.place(state, record, self.take_agent(state, allowed) if state.mode == dialling.PREVIEW else None)

    def next_record(self, state: CampaignState):
        if state.ready:
            return state.ready.popleft()
        size = state.campaign.list_size
        if size == -1 or state.next_fresh < size:
            state.next_fresh += 1
            return state.next_fresh - 1
        return None

    def take_agent(self, state: CampaignState, dialling_allowed=None):
        """The campaign's agent for outbound work, removed from its idle list, or None: its groups
        in listed order, the first with an idle agent, its longest-idle agent. For a dial
        (``dialling_allowed`` given: the blending condition now) a blended group is skipped unless
        the condition holds and more than ``threshold`` blended agents are idle; for a live
        answer (None) any idle agent of the campaign."""
        idle = self.center.idle
        for g, blended in zip(state.campaign.groups, state.campaign.blended):
            if not idle[g]:
                continue
            if dialling_allowed is not None and blended and not (
                    dialling_allowed and sum(len(idle[b]) for b in state.blended) > self.threshold):
                continue
            return self.center.take_idle(g)
        return None

    def place(self, state: CampaignState, record: int, agent) -> None:
        c, now = state.campaign, self.env.now
        attempt_id = len(self.rows)
        a = state.attempts_made.get(record, 0)
        state.attempts_made[record] = a + 1
        u, ring, no_answer, talk, wrong_talk, wrapup = state.draws.attempt(record, a)
        result = dialling.dial_result(u, c.probabilities[self.interval()])
        ring_time = no_answer if result == NO_ANSWER else ring
        row = [c.index, record, a, now, result, now + ring_time, -1, -1, math.nan, math.nan, 0.0, 0.0, False]
        self.rows.append(row)
        attempt = Attempt(attempt_id, state, record, result, talk if result == RIGHT_PARTY else wrong_talk, wrapup, row)
        if agent is not None:  # preview: the agent dials it (see work)
            row[GROUP], row[AGENT] = agent.group, agent.index
            agent.wake.succeed(attempt)
        else:
            state.in_flight += 1
            self.env.at(now + ring_time, DIAL_RESULT, attempt_id, lambda _, x=attempt: self.resolved(x))

    # -- events ----------------------------------------------------------------------------

    def resolved(self, attempt: Attempt) -> None:
        """A progressive / predictive attempt stops ringing."""
        state = attempt.campaign
        state.in_flight -= 1
        state.estimate.add(int(attempt.live))
        if not attempt.live:
            attempt.row[END] = self.env.now
            self.retry_or_close(attempt, attempt.result)
            return
        agent = self.take_agent(state)
        if agent is not None:
            self.connect(attempt, agent)
            agent.wake.succeed(attempt)
        else:
            state.waiting_connects[attempt] = None
            self.env.at(self.env.now + state.campaign.nuisance_wait, NUISANCE, attempt.id,
                        lambda _, x=attempt: self.drop(x))

    def drop(self, attempt: Attempt) -> None:
        """The nuisance wait of a live answer is over: dropped, unless an agent took it."""
        state = attempt.campaign
        if attempt not in state.waiting_connects:
            return
        del state.waiting_connects[attempt]
        attempt.row[DROPPED], attempt.row[END] = True, self.env.now
        state.nuisance.add(1)
        self.retry_or_close(attempt, protocol.NUISANCE_RETRY)

    def retry_or_close(self, attempt: Attempt, code: int) -> None:
        state, record = attempt.campaign, attempt.record
        delay = state.campaign.retry_delay[code]
        if state.attempts_made[record] >= state.campaign.max_attempts or delay == math.inf:
            return  # closed: exhausted
        due = self.env.now + delay
        if due < self.horizon_end:
            self.env.at(due, RETRY, attempt.id, lambda _: state.ready.append(record))
        # else: the record stays open (not retried in this run)

    def window(self, j: int) -> None:
        """Interval j starts: threshold_sl_floor judges the interval just ended; counts restart."""
        center = self.center
        if self.policy == blending.THRESHOLD_SL_FLOOR and j >= 1:
            for state in self.campaigns:
                state.sl_ok = blending.sl_met(sum(center.within[k] for k in state.inbound_types),
                                              sum(center.left[k] for k in state.inbound_types), self.sl_floor)
        for k in range(len(center.within)):
            center.within[k] = center.left[k] = 0

    # -- agents ----------------------------------------------------------------------------

    def connect(self, attempt: Attempt, agent) -> None:
        """Put a live answer through to ``agent`` now (the agent's process then talks, see work)."""
        row, now = attempt.row, self.env.now
        row[CONNECT], row[GROUP], row[AGENT] = now, agent.group, agent.index
        row[TALK], row[WRAPUP], row[END] = attempt.talk, attempt.wrapup, now + attempt.talk
        attempt.connected = True
        attempt.campaign.nuisance.add(0)

    def waiting_connect(self, agent):
        """The oldest live answer waiting for the free agent's campaign, put through to it, or None."""
        state = self.campaign_of_group[agent.group]
        if state is None or not state.waiting_connects:
            return None
        attempt = next(iter(state.waiting_connects))
        del state.waiting_connects[attempt]  # its nuisance event is now stale
        self.connect(attempt, agent)
        return attempt

    def work(self, agent, attempt: Attempt):
        """The agent's outbound work (a SimPy process step): dial a preview record and, if
        someone answers, talk; or talk on a connected call. Then wrap up."""
        env = self.env
        if not attempt.connected:  # preview: busy while it rings
            agent.become(states.DIALING)
            yield env.at(attempt.row[RESOLVE], COMPLETION, agent.index)
            attempt.campaign.estimate.add(int(attempt.live))
            if not attempt.live:
                attempt.row[END] = env.now
                self.retry_or_close(attempt, attempt.result)
                return
            self.connect(attempt, agent)
        agent.become(states.OUTBOUND_TALKING)
        talk_end = attempt.row[END]
        yield env.at(talk_end, COMPLETION, agent.index)
        if attempt.wrapup > 0:
            agent.become(states.OUTBOUND_WRAP_UP)
            yield env.at(talk_end + attempt.wrapup, COMPLETION, agent.index)
