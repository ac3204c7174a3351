"""The engines and the dispatcher that picks one by name.

Every engine takes a :class:`~sim.scenario.Scenario` and a seed and returns an
:class:`~sim.core.records.EngineOutput`; KPIs and reports are computed once over that output.
"""

from __future__ import annotations

from typing import Tuple

from sim.core.simpy_engine import SimpyEngine
from sim.errors import ConfigError
from sim.scenario import Scenario

ENGINES = {"simpy": SimpyEngine}
ENGINE_CHOICES = ("simpy", "auto")


def select_engine(name: str, scenario: Scenario) -> Tuple[object, str]:
    """The engine to run and a one-line note on the choice.

    ``auto`` picks the fastest engine that supports everything the scenario uses; until the
    compiled engine exists that is the SimPy engine.
    """
    if name not in ENGINE_CHOICES:
        raise ConfigError("engine", f"unknown engine {name!r}", allowed=ENGINE_CHOICES)
    if name == "auto":
        return SimpyEngine(), "engine=auto chose the SimPy engine (the only engine in this build)"
    return ENGINES[name](), f"engine={name}"
