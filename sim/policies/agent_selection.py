"""Agent selection: which idle agent answers a call that arrives (or becomes eligible for a group).

The candidates are the groups of the call's route that are eligible now and have an idle agent;
the group with the smallest key wins, and within the group its longest-idle agent (the one idle
since the earliest moment; agents that became idle at the same instant in the order their
events fired). Twin: ``_agent_selection.pxd``.

  route_order    (route step): the first such group of the route (the preference order).
  least_skilled  (call types the group serves, route step): the group serving the fewest call
                 types, so that flexible (multi-skilled) agents stay free for the calls only
                 they can take; ties in route order.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple


def route_order(step: int, skills: int) -> Tuple:
    return (step,)


def least_skilled(step: int, skills: int) -> Tuple:
    return (skills, step)


RULES: Dict[str, Callable[[int, int], Tuple]] = {
    "route_order": route_order,
    "least_skilled": least_skilled,
}
