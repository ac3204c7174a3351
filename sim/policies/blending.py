"""Blending: how many idle agents a campaign may use for outbound work now.

A campaign's groups are dedicated (no inbound call type lists them) or blended (they also serve
inbound). Inbound comes first: blended agents are lent to the campaign only while more than
``threshold`` of the campaign's blended agents are idle (the reservation threshold of Bhulai &
Koole, 2003), and only while the policy's condition holds:

  threshold           no further condition;
  threshold_no_queue  no inbound call of a type the blended groups serve is waiting;
  threshold_sl_floor  the service level of those types in the last interval (answered within
                      the SL threshold / answered + abandoned, among the calls that left their
                      queue in that interval; an interval without any counts as met) was at
                      least ``sl_floor``.

Twin: ``_blending.pxd``. The dialler (sim.policies.dialling) turns the capacity into attempts,
once every event of the instant has been handled (an inbound call arriving as an agent frees
takes it first).
"""

from __future__ import annotations

THRESHOLD, THRESHOLD_NO_QUEUE, THRESHOLD_SL_FLOOR = range(3)  # codes of protocol.BLENDING


def outbound_capacity(idle_dedicated: int, idle_blended: int, threshold: int, blended_allowed: bool) -> int:
    """Agents free for outbound work: every idle dedicated agent, and the idle blended agents
    above the reservation threshold when the policy's condition holds."""
    if blended_allowed and idle_blended > threshold:
        return idle_dedicated + idle_blended - threshold
    return idle_dedicated


def blended_allowed(policy: int, inbound_waiting: int, sl_met: bool) -> bool:
    """Whether the policy's condition lets blended agents dial now."""
    if policy == THRESHOLD_NO_QUEUE:
        return inbound_waiting == 0
    if policy == THRESHOLD_SL_FLOOR:
        return sl_met
    return True


def sl_met(answered_within: int, left: int, floor: float) -> bool:
    """Whether the last interval's service level (answered within T / left) met the floor."""
    return left == 0 or answered_within / left >= floor
