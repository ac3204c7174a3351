"""The fast engine: the compiled event loop of ``sim/core/_fast.pyx`` behind the engine interface.

It takes the same Scenario and the same call blocks as the SimPy engine and returns the same
records; or, with ``records=False``, streaming KPI tallies instead (see :mod:`sim.stream_kpi`),
so that memory stays flat however many calls a run has. If the extension was not built (no C compiler at install time), ``AVAILABLE`` is False
and ``IMPORT_ERROR`` says why; the dispatcher then falls back to the SimPy engine.
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from sim.core.compiled import CORE, IMPORT_ERROR
from sim.core.records import AgentLog, CallRecords, EngineOutput
from sim.frames import per_scenario
from sim.random_inputs import CallBlock, call_blocks
from sim.scenario import Scenario

_fast = CORE
AVAILABLE = CORE is not None


def tally_layout() -> dict:
    """Field names and histogram layout of the streaming tallies (defined in the compiled core)."""
    if not AVAILABLE:
        raise RuntimeError(f"the fast engine is not built: {IMPORT_ERROR}")
    return _fast.TALLY_LAYOUT


def bucket_edges(scenario: Scenario) -> np.ndarray:
    """Left edges of the time buckets the core integrates queue lengths and busy agents over.

    The interval starts, split at the end of the warm-up, then the tail [horizon end, inf) where
    agents clear the queue: every measured interval and the measured window are unions of buckets.
    """
    edges = np.concatenate((scenario.interval_starts(), [scenario.warmup, scenario.horizon_end]))
    return np.unique(edges[edges <= scenario.horizon_end]).astype(np.float64)


def scenario_arrays(scenario: Scenario, keep_records: bool = True) -> dict:
    """The scenario flattened into the typed arrays the compiled core takes (kept per scenario:
    the core copies what it needs)."""
    arrays = per_scenario(scenario, "fast_engine.arrays", _scenario_arrays)
    return dict(arrays, keep_records=keep_records, tally=not keep_records)


def _scenario_arrays(scenario: Scenario) -> dict:
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
        n_intervals=int(scenario.n_intervals),
        interval_length=float(scenario.interval_length),
        warmup=float(scenario.warmup),
        sl_threshold=float(scenario.kpi.sl_threshold),
        short_abandon=float(scenario.kpi.short_abandon),
        bucket_edges=bucket_edges(scenario),
    )


class FastEngine:
    """Runs a :class:`~sim.scenario.Scenario` with the compiled event loop."""

    name = "fast"

    def run(self, scenario: Scenario, seed: int, inputs: Optional[Iterable[CallBlock]] = None,
            records: bool = True) -> EngineOutput:
        """Per-call records if ``records``, else streaming tallies (memory independent of the calls)."""
        if not AVAILABLE:
            raise RuntimeError(f"the fast engine is not built: {IMPORT_ERROR}")
        core = _fast.FastCore(**scenario_arrays(scenario, keep_records=records))
        for block in call_blocks(scenario, seed) if inputs is None else inputs:
            core.load(np.ascontiguousarray(block.arrival, np.float64), np.ascontiguousarray(block.call_type, np.int32),
                      np.ascontiguousarray(block.talk, np.float64), np.ascontiguousarray(block.wrapup, np.float64),
                      np.ascontiguousarray(block.patience, np.float64))
            core.run(False)
        core.run(True)
        log = core.agent_log()
        order = np.lexsort((log["start"], log["agent"]))  # agent by agent, in time order
        agent = log["agent"][order]
        groups = per_scenario(scenario, "fast_engine.agent_groups", lambda s: s.agent_groups().astype(np.int32))
        agents = AgentLog(agent=agent, group=groups[agent], start=log["start"][order],
                          scheduled_end=log["scheduled_end"][order], end=log["end"][order])
        if records:
            return EngineOutput("fast", CallRecords(**core.records()), agents)
        window_end = core.close(float(agents.end.max()) if len(agents.end) else -np.inf)
        tallies = dict(core.tallies(), window_end=window_end)
        return EngineOutput("fast", None, agents, tallies)
