"""Agent states and the transitions between them, written down once.

    OFF_DUTY --(spell starts)--> IDLE or TALKING (a call is waiting for the group)
    IDLE     --(a call is answered)--> TALKING
    IDLE     --(spell ends)--> OFF_DUTY
    TALKING  --(talk ends, wrap-up follows)--> WRAP_UP
    TALKING  --(talk ends, no wrap-up)--> IDLE, TALKING (next call) or OFF_DUTY (spell over)
    WRAP_UP  --(wrap-up ends)--> IDLE, TALKING (next call) or OFF_DUTY (spell over)

An agent whose spell ends while it is talking or wrapping up finishes the call in hand and then
goes off duty: the end of a spell never interrupts a call. Codes are in
:mod:`sim.core.protocol` (``AGENT_STATES``); the SimPy engine checks every transition it makes
against :data:`TRANSITIONS`. States to come (breaks, outbound, chats) are added here first.
"""

from __future__ import annotations

from enum import IntEnum

from sim.core.protocol import AGENT_STATES

AgentState = IntEnum("AgentState", {name: code for code, name in enumerate(AGENT_STATES)})
AgentState.__doc__ = "What an agent is doing (codes as in sim.core.protocol.AGENT_STATES)."
OFF_DUTY, IDLE, TALKING, WRAP_UP = AgentState.OFF_DUTY, AgentState.IDLE, AgentState.TALKING, AgentState.WRAP_UP

TRANSITIONS = frozenset({
    (OFF_DUTY, IDLE), (OFF_DUTY, TALKING),
    (IDLE, TALKING), (IDLE, OFF_DUTY),
    (TALKING, WRAP_UP), (TALKING, IDLE), (TALKING, TALKING), (TALKING, OFF_DUTY),
    (WRAP_UP, IDLE), (WRAP_UP, TALKING), (WRAP_UP, OFF_DUTY),
})


class IllegalTransition(RuntimeError):
    """An engine tried a transition the model does not allow (a bug in the engine)."""


def check(state: AgentState, new: AgentState) -> AgentState:
    """``new`` if the transition from ``state`` is allowed, else IllegalTransition."""
    if (state, new) not in TRANSITIONS:
        raise IllegalTransition(f"agent state {state.name} -> {new.name} is not allowed")
    return new
