"""Agent states and the transitions between them, written down once.

    OFF_DUTY --(spell starts)--> IDLE or TALKING (a call is waiting for the group)
    IDLE     --(a call is answered)--> TALKING
    IDLE     --(spell ends)--> OFF_DUTY
    TALKING  --(talk ends, wrap-up follows)--> WRAP_UP
    TALKING  --(talk ends, no wrap-up)--> IDLE, TALKING (next call) or OFF_DUTY (spell over)
    WRAP_UP  --(wrap-up ends)--> IDLE, TALKING (next call) or OFF_DUTY (spell over)

Outbound work (campaigns, sim.core.simpy_outbound):

    IDLE     --(the dialler takes it for a preview dial)--> DIALING
    IDLE, OFF_DUTY (spell starts), TALKING, WRAP_UP --(a live outbound answer waits, or is
             answered now)--> OUTBOUND_TALKING
    DIALING  --(ringing ends: a live answer)--> OUTBOUND_TALKING
    DIALING  --(ringing ends: nobody)--> IDLE, TALKING, OUTBOUND_TALKING or OFF_DUTY
    OUTBOUND_TALKING --(talk ends, wrap-up follows)--> OUTBOUND_WRAP_UP
    OUTBOUND_TALKING, OUTBOUND_WRAP_UP --(done)--> IDLE, TALKING, OUTBOUND_TALKING or OFF_DUTY

Callbacks (sim.model.callbacks): an agent that takes an accepted callback dials it.

    any state an agent takes a call from (OFF_DUTY, IDLE, TALKING, WRAP_UP, DIALING, outbound
             work done) --(it takes a callback)--> DIALING
    DIALING  --(the customer answers)--> TALKING

A free agent is only ever taken for a preview dial from IDLE (by the dial pass once the events of
the instant that freed it are all handled), never straight from other work.

An agent whose spell ends while it is talking, wrapping up or dialling finishes the work in hand
and then goes off duty: the end of a spell never interrupts a call.

Shrinkage needs no state of its own: a break, lunch, activity, absence or out-of-adherence
stretch is OFF_DUTY time between two spells (sim.model.shrinkage, sim.agents.shrinkage). The
spell after a break carries the break's length as its ``rest`` and starts (OFF_DUTY -> IDLE or
TALKING) at max(its scheduled start, the time the agent went off + rest): a break due while the
agent is busy starts when the call in hand ends and lasts its full length, so it ends late by as
much. An activity gives rest 0: it ends on time whenever the agent joined it. Codes are in
:mod:`sim.core.protocol` (``AGENT_STATES``); the SimPy engine checks every transition it makes
against :data:`TRANSITIONS`. States to come (breaks, chats) are added here first.
"""

from __future__ import annotations

from enum import IntEnum

from sim.core.protocol import AGENT_STATES

AgentState = IntEnum("AgentState", {name: code for code, name in enumerate(AGENT_STATES)})
AgentState.__doc__ = "What an agent is doing (codes as in sim.core.protocol.AGENT_STATES)."
OFF_DUTY, IDLE, TALKING, WRAP_UP = AgentState.OFF_DUTY, AgentState.IDLE, AgentState.TALKING, AgentState.WRAP_UP
DIALING, OUTBOUND_TALKING, OUTBOUND_WRAP_UP = AgentState.DIALING, AgentState.OUTBOUND_TALKING, AgentState.OUTBOUND_WRAP_UP
FREE_NEXT = (IDLE, TALKING, OUTBOUND_TALKING, OFF_DUTY)  # where an agent goes when its work in hand is done

TRANSITIONS = frozenset({
    (OFF_DUTY, IDLE), (OFF_DUTY, TALKING),
    (IDLE, TALKING), (IDLE, OFF_DUTY),
    (TALKING, WRAP_UP), (TALKING, IDLE), (TALKING, TALKING), (TALKING, OFF_DUTY),
    (WRAP_UP, IDLE), (WRAP_UP, TALKING), (WRAP_UP, OFF_DUTY),
    # outbound
    (IDLE, DIALING), (DIALING, OUTBOUND_TALKING),
    (IDLE, OUTBOUND_TALKING), (OFF_DUTY, OUTBOUND_TALKING), (TALKING, OUTBOUND_TALKING), (WRAP_UP, OUTBOUND_TALKING),
    (OUTBOUND_TALKING, OUTBOUND_WRAP_UP),
    *((done, new) for done in (DIALING, OUTBOUND_TALKING, OUTBOUND_WRAP_UP) for new in FREE_NEXT),
    # callbacks
    *((state, DIALING) for state in (OFF_DUTY, IDLE, TALKING, WRAP_UP, DIALING, OUTBOUND_TALKING, OUTBOUND_WRAP_UP)),
    (DIALING, TALKING),
})


class IllegalTransition(RuntimeError):
    """An engine tried a transition the model does not allow (a bug in the engine)."""


def check(state: AgentState, new: AgentState) -> AgentState:
    """``new`` if the transition from ``state`` is allowed, else IllegalTransition."""
    if (state, new) not in TRANSITIONS:
        raise IllegalTransition(f"agent state {state.name} -> {new.name} is not allowed")
    return new
