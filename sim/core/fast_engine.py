"""The fast engine: the compiled event loop of ``sim/core/_fast.pyx`` behind the engine interface.

It takes the same Scenario and the same call blocks as the SimPy engine and returns the same
records. If the extension was not built (no C compiler at install time), ``AVAILABLE`` is False
and ``IMPORT_ERROR`` says why; the dispatcher then falls back to the SimPy engine.
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from sim.core.records import AgentLog, CallRecords, EngineOutput
from sim.random_inputs import CallBlock, call_blocks
from sim.scenario import Scenario

try:
    from sim.core import _fast
except ImportError as error:  # built without a compiler, or not built yet
    _fast, AVAILABLE, IMPORT_ERROR = None, False, str(error)
else:
    AVAILABLE, IMPORT_ERROR = True, None


def scenario_arrays(scenario: Scenario) -> dict:
    """The scenario flattened into the typed arrays the compiled core takes."""
    types, groups = scenario.call_types, scenario.groups
    route_start = np.cumsum([0] + [len(t.route) for t in types]).astype(np.int32)
    served = [[] for _ in groups]  # same order as the SimPy engine: by call type, then route
    for t in types:
        for g, delay in t.route:
            served[g].append((t.index, delay))
    spells = [spell for g in groups for spell in g.spells]
    flat = [interval for agent in spells for interval in agent]
    return dict(
        priority=np.array([t.priority for t in types], np.int32),
        route_start=route_start,
        route_group=np.array([g for t in types for g, _ in t.route], np.int32),
        route_delay=np.array([d for t in types for _, d in t.route], np.float64),
        served_start=np.cumsum([0] + [len(s) for s in served]).astype(np.int32),
        served_type=np.array([k for s in served for k, _ in s], np.int32),
        served_delay=np.array([d for s in served for _, d in s], np.float64),
        speed=np.array([g.speed for g in groups], np.float64).ravel(),
        agent_group=scenario.agent_groups().astype(np.int32),
        spell_first=np.cumsum([0] + [len(a) for a in spells])[:-1].astype(np.int32),
        spell_count=np.array([len(a) for a in spells], np.int32),
        spell_begin=np.array([s for s, _ in flat], np.float64),
        spell_end=np.array([e for _, e in flat], np.float64),
        trunks=-1 if scenario.trunks is None else int(scenario.trunks),
        horizon_end=float(scenario.horizon_end),
    )


class FastEngine:
    """Runs a :class:`~sim.scenario.Scenario` with the compiled event loop."""

    name = "fast"

    def run(self, scenario: Scenario, seed: int, inputs: Optional[Iterable[CallBlock]] = None) -> EngineOutput:
        if not AVAILABLE:
            raise RuntimeError(f"the fast engine is not built: {IMPORT_ERROR}")
        core = _fast.FastCore(**scenario_arrays(scenario))
        for block in call_blocks(scenario, seed) if inputs is None else inputs:
            core.load(np.ascontiguousarray(block.arrival, np.float64), np.ascontiguousarray(block.call_type, np.int32),
                      np.ascontiguousarray(block.talk, np.float64), np.ascontiguousarray(block.wrapup, np.float64),
                      np.ascontiguousarray(block.patience, np.float64))
            core.run(False)
        core.run(True)
        log = core.agent_log()
        order = np.lexsort((log["start"], log["agent"]))  # agent by agent, in time order
        agents = AgentLog(agent=log["agent"][order], group=scenario.agent_groups()[log["agent"][order]].astype(np.int32),
                          start=log["start"][order], scheduled_end=log["scheduled_end"][order], end=log["end"][order])
        return EngineOutput("fast", CallRecords(**core.records()), agents)
