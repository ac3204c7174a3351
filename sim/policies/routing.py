"""Routing: a call type's route lists the groups that may serve it, in preference order, each
with an overflow delay; a group becomes eligible for a call once the call has waited its delay.

The rules (twin: ``_routing.pxd``):
  * eligible: group step is eligible for a call that arrived at ``arrival`` from
    ``arrival + delay`` on (a delay of 0: at once);
  * an overflow timer (a timed event when the call becomes eligible for a later group) is set
    only if the group is not eligible yet and the caller will still be waiting then: a caller
    whose patience ends at the same instant or earlier has left (abandonments come before
    overflows at equal times).
Which eligible group's idle agent answers is the agent-selection policy's decision.
"""

from __future__ import annotations


def eligible(arrival: float, delay: float, now: float) -> bool:
    """Whether a route step with overflow ``delay`` is eligible at ``now`` for a call that
    arrived at ``arrival``."""
    return now >= arrival + delay


def needs_overflow_timer(arrival: float, delay: float, patience: float, now: float) -> bool:
    """Whether a waiting call needs a timer for the moment the route step becomes eligible."""
    return now < arrival + delay and delay < patience
