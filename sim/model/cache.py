"""Values derived from a scenario alone, computed once and shared by the runs of that scenario.

A replicated experiment runs one Scenario hundreds of times; its flattened arrays, interval
edges and labels are the same every time. :func:`per_scenario` keeps them for the last few
Scenario objects, keyed by identity (a Scenario is frozen, so identity is enough). Every numpy
array in a kept value is made read-only, so no run can change what the next one reads.
"""

from __future__ import annotations

from typing import Callable, Dict

import numpy as np

_SCENARIOS: Dict[int, tuple] = {}
_KEEP = 8


def per_scenario(scenario, name: str, compute: Callable):
    """``compute(scenario)``, remembered for this very Scenario object under ``name``.

    Only for values that depend on the scenario alone. Arrays in the value (also inside dicts,
    lists and tuples) are frozen read-only; dicts stay mutable for callers that keep their own
    memo in them.
    """
    entry = _SCENARIOS.get(id(scenario))
    if entry is None or entry[0] is not scenario:
        while len(_SCENARIOS) >= _KEEP:
            _SCENARIOS.pop(next(iter(_SCENARIOS)))
        entry = _SCENARIOS[id(scenario)] = (scenario, {})
    values = entry[1]
    if name not in values:
        values[name] = _frozen(compute(scenario))
    return values[name]


def _frozen(value):
    """``value`` with every numpy array in it made read-only (in place)."""
    if hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _frozen(getattr(value, name))
    elif isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            _frozen(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _frozen(item)
    return value
