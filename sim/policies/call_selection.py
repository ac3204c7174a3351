"""Call selection: which waiting call an agent takes when it frees up (or logs on).

Only the head call of each call type's FIFO queue competes, and only for the types the agent's
group serves whose head is eligible for the group (see :mod:`sim.policies.routing`). The head
with the smallest key is taken (twin: ``_call_selection.pxd``):

  priority_fifo        (-priority, arrival, call id): the highest priority first; equal
                       priorities, the longest-waiting call; equal arrival times, the lowest id.
  priority_head_start  (-priority, arrival - head_start, call id): as priority_fifo, but each
                       call type has a head start in seconds (``call_types.<t>.head_start``), as
                       if its calls had waited that much longer: the way "service objective"
                       routing weights queues against each other without starving any.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple


def priority_fifo(priority: int, arrival: float, head_start: float, call_id: int) -> Tuple:
    return (-priority, arrival, call_id)


def priority_head_start(priority: int, arrival: float, head_start: float, call_id: int) -> Tuple:
    return (-priority, arrival - head_start, call_id)


RULES: Dict[str, Callable[[int, float, float, int], Tuple]] = {
    "priority_fifo": priority_fifo,
    "priority_head_start": priority_head_start,
}
