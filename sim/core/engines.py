"""The engines and the dispatcher that picks one by name.

Every engine takes a :class:`~sim.model.scenario.Scenario` and its calls (blocks of
:class:`~sim.model.random_inputs.CallBlock`) and returns an
:class:`~sim.core.records.EngineOutput`; KPIs and reports are computed once over that output.
"""

from __future__ import annotations

from typing import Tuple

from sim.agents.shrinkage import realised as realised_spells  # noqa: F401  (the callers' way to the agents' spells)
from sim.core import fast_engine
from sim.core.fast_engine import FastEngine
from sim.errors import ConfigError
from sim.model.scenario import Scenario


def simpy_engine():
    """The SimPy reference engine, imported when first asked for: a run on the fast engine does
    not load SimPy and the reference engine's modules (about 0.04 s of start-up)."""
    from sim.core.simpy_engine import SimpyEngine

    return SimpyEngine()


ENGINES = {"simpy": simpy_engine, **({"fast": FastEngine} if fast_engine.AVAILABLE else {})}  # name -> a new engine
ENGINE_CHOICES = ("simpy", "fast", "auto")


def select_engine(name: str, scenario: Scenario) -> Tuple[object, str]:
    """The engine to run and a one-line note on the choice.

    ``auto`` picks the fast engine (it supports every scenario feature of this build) and falls
    back to the SimPy engine, saying so, when the compiled extension is not installed.
    """
    if name not in ENGINE_CHOICES:
        raise ConfigError("engine", f"unknown engine {name!r}", allowed=ENGINE_CHOICES)
    if name == "fast" and not fast_engine.AVAILABLE:
        raise ConfigError("engine", "the fast engine is not built in this installation "
                                    f"({fast_engine.IMPORT_ERROR}); reinstall with a C compiler, or use engine=simpy")
    if name == "auto":
        if fast_engine.AVAILABLE:
            return FastEngine(), "engine=auto chose the fast engine"
        return simpy_engine(), f"engine=auto chose the SimPy engine: the fast engine is not built ({fast_engine.IMPORT_ERROR})"
    return ENGINES[name](), f"engine={name}"
