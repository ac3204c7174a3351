"""The fast engine: the compiled event loop of ``sim/core/_loop.pyx`` behind the engine interface.

It reads the same model tables (:mod:`sim.core.model_tables`) and the same call blocks as the
SimPy engine and returns the same records; or, with ``records=False``, streaming KPI tallies
instead, so that memory stays flat however many calls a run has. If the extension was not built
(no C compiler at install time), or was built from another version of :mod:`sim.core.protocol`,
``AVAILABLE`` is False and ``IMPORT_ERROR`` says why; the dispatcher then falls back to the
SimPy engine. Outbound campaigns run in the same loop (``sim/core/_outbound.pxi``), on the contact
draws passed in (``contacts``); their attempts are returned in both modes.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

import numpy as np

from sim._twins import load_compiled
from sim.core import protocol
from sim.agents.shrinkage import SpellTables
from sim.core.model_tables import model_tables
from sim.core.records import (AgentLog, AttemptRecords, CallbackRecords, CallRecords, DialRecords, EngineOutput,
                               IvrRecords, RedialRecords, ScheduledRecords, all_legs, bucket_edges)
from sim.model.callbacks import callback_tables, dial_delays, has_callbacks, has_scheduled
from sim.model.cache import per_scenario
from sim.model.contact_draws import BLOCK_RECORDS, ContactDraws
from sim.model import redials as redial_rule
from sim.model import transfers
from sim.model.random_inputs import CallBlock
from sim.model.scenario import Scenario

_loop, IMPORT_ERROR = load_compiled("sim.core._loop")
if _loop is not None and getattr(_loop, "PROTOCOL", None) != protocol.constants():
    _loop, IMPORT_ERROR = None, ("the compiled loop was built from another version of sim/core/protocol.py; "
                                 "rebuild it (pip install -e .)")
AVAILABLE = _loop is not None


def core_arguments(scenario: Scenario) -> dict:
    """The keyword arguments of the compiled core for a scenario (kept per scenario: the core
    copies what it needs)."""
    return per_scenario(scenario, "fast_engine.arguments", _core_arguments)


def _core_arguments(scenario: Scenario) -> dict:
    tables = model_tables(scenario)
    return dict(
        priority=tables.priority, route_start=tables.route_start, route_group=tables.route_group,
        route_delay=tables.route_delay, served_start=tables.served_start, served_type=tables.served_type,
        served_delay=tables.served_delay, speed=tables.speed, agent_group=tables.agent_group,
        **spell_arguments(tables.planned), trunks=tables.trunks, head_start=tables.head_start,
        group_skills=tables.group_skills, call_selection=tables.call_selection,
        agent_selection=tables.agent_selection, talk_end_event=tables.talk_end_event,
        horizon_end=float(scenario.horizon_end),
        n_intervals=int(scenario.n_intervals),
        interval_length=float(scenario.interval_length),
        warmup=float(scenario.warmup),
        sl_threshold=float(scenario.kpi.sl_threshold),
        short_abandon=float(scenario.kpi.short_abandon),
        bucket_edges=bucket_edges(scenario),
        ivr=tables.ivr, ivr_ports=tables.ivr_ports,
        **redial_rule.tables(scenario), redial_width=redial_rule.width(scenario),
        transfer_slots=0 if scenario.transfer_max_legs is None else scenario.transfer_max_legs - 1,
        **(_callback_arguments(scenario) if has_callbacks(scenario) else {}),
    )


def _features(scenario: Scenario) -> tuple:
    """Whether the scenario has IVR menus, callbacks, redials, transfers (kept per scenario)."""
    return per_scenario(scenario, "fast_engine.features", lambda s: (
        bool(model_tables(s).ivr.any()), has_callbacks(s), redial_rule.has_redials(s), s.transfer_max_legs is not None))


_MODELS: dict = {}  # id(arguments) -> (arguments, their CoreModel), the last few


def core_model(arguments: dict):
    """The compiled core's CoreModel of ``core_arguments`` (kept for the last few dicts: a
    replication's scenario is run hundreds of times; a run with its own spells has its own)."""
    kept = _MODELS.get(id(arguments))
    if kept is None or kept[0] is not arguments:
        while len(_MODELS) >= 8:
            _MODELS.pop(next(iter(_MODELS)))
        kept = _MODELS[id(arguments)] = (arguments, _loop.CoreModel(**arguments))
    return kept[1]


def _callback_arguments(scenario: Scenario) -> dict:
    t = callback_tables(scenario)
    return dict(callback_offers=t.offers, callback_offer_above=t.offer_above, callback_mean_handle=t.mean_handle,
                callback_first_group=t.first_group, callback_attempts=t.attempts, callback_width=t.width,
                callback_scheduled=t.scheduled)


def spell_arguments(spells: SpellTables) -> dict:
    """The compiled core's spell arguments."""
    return dict(spell_first=spells.first, spell_count=spells.count, spell_begin=spells.begin, spell_end=spells.end,
                spell_rest=spells.rest)


class FastEngine:
    """Runs a :class:`~sim.model.scenario.Scenario` with the compiled event loop."""

    name = "fast"

    def run(self, scenario: Scenario, inputs: Iterable[CallBlock], records: bool = True,
            contacts: Optional[Sequence[ContactDraws]] = None, spells: Optional[SpellTables] = None) -> EngineOutput:
        """Per-call records if ``records``, else streaming tallies (memory independent of the calls).
        ``contacts``: one ContactDraws per campaign, in index order (required with campaigns).
        ``spells``: the agents' spells of this replication (None: as planned, everyone present;
        :func:`sim.agents.shrinkage.realised` draws absences and adherence)."""
        if not AVAILABLE:
            raise RuntimeError(f"the fast engine is not built: {IMPORT_ERROR}")
        arguments = core_arguments(scenario)
        if spells is not None and spells is not model_tables(scenario).planned:
            arguments = {**arguments, **spell_arguments(spells)}
        core = _loop.FastCore(core_model(arguments), keep_records=records, tally=not records,
                              outbound=_outbound(scenario, contacts))
        ivr, callbacks, redials, transfers = _features(scenario)
        for block in inputs:
            core.load(np.ascontiguousarray(block.arrival, np.float64), np.ascontiguousarray(block.call_type, np.int32),
                      np.ascontiguousarray(block.talk, np.float64), np.ascontiguousarray(block.wrapup, np.float64),
                      np.ascontiguousarray(block.patience, np.float64), *(_ivr_columns(block) if ivr else (None, None)),
                      *(_redial_columns(block) if redials else (None, None, None)),
                      *(_transfer_columns(scenario, block) if transfers else ()),
                      **(_callback_columns(block) if callbacks else {}))
            core.run(False)
        core.run(True)
        log = core.agent_log()  # agent by agent, in time order
        agents = AgentLog(agent=log["agent"], group=log["group"], start=log["start"], scheduled_end=log["scheduled_end"],
                          end=log["end"])
        attempts = core.attempts()
        attempts = None if attempts is None else AttemptRecords(**attempts)
        present = (spells or model_tables(scenario).planned).present
        if records:
            ivr_records, redial_records, calls = core.ivr_records(), core.redial_records(), CallRecords(**core.records())
            ivr_records = None if ivr_records is None else IvrRecords(**ivr_records)
            if redial_records is not None:
                n_input = len(calls) - len(redial_records["first"])
                redial_records = RedialRecords.of(n_input, redial_records["first"], redial_records["attempt"])
            legs = None
            if transfers:
                rows = core.transfer_legs()
                legs = all_legs(calls, ivr_records, rows, rows.pop("consult"), scenario.transfer_max_legs - 1,
                                redial_records)
            callback_records, scheduled = core.callback_records(), None
            if callback_records is not None:
                due = callback_records.pop("due_time")
                scheduled = ScheduledRecords(due) if has_scheduled(scenario) else None
            dials = core.dial_records()
            return EngineOutput("fast", calls, agents, attempts=attempts, present=present, ivr=ivr_records,
                                redials=redial_records, legs=legs, scheduled=scheduled,
                                dials=None if dials is None else DialRecords.of(dials),
                                callbacks=None if callback_records is None else CallbackRecords(**callback_records))
        window_end = core.close(log["latest_end"])  # (the latest end in the log, -inf if none)
        tallies = dict(core.tallies(), window_end=window_end)
        return EngineOutput("fast", None, agents, tallies, attempts=attempts, present=present)


def _ivr_columns(block: CallBlock) -> tuple:
    """The IVR decisions of a block of calls, as the compiled core's load takes them."""
    if "ivr_time" not in block.decisions or "ivr_choice" not in block.decisions:
        raise ValueError("the scenario has an IVR: the call blocks need the decisions ivr_time and ivr_choice")
    return (np.ascontiguousarray(block.decisions["ivr_time"], np.float64),
            np.ascontiguousarray(block.decisions["ivr_choice"], np.int32))


def _redial_columns(block: CallBlock) -> tuple:
    """The redial draws of a block of calls (sim.model.redials), flattened as the core's load takes them."""
    if any(name not in block.decisions for name in redial_rule.DECISION_NAMES):
        raise ValueError("the scenario has redials: the call blocks need the decisions "
                         + ", ".join(redial_rule.DECISION_NAMES))
    return tuple(np.ascontiguousarray(block.decisions[name], np.float64).ravel() for name in redial_rule.DECISION_NAMES)


def _transfer_columns(scenario: Scenario, block: CallBlock) -> tuple:
    """A block's leg plans (sim.model.transfers.plan), flattened, as the compiled core's load takes them."""
    plan = transfers.plan(scenario, block)
    return (np.ascontiguousarray(plan.to.ravel(), np.int32), *(np.ascontiguousarray(getattr(plan, name).ravel(), np.float64)
                                                               for name in ("consult", "talk", "wrapup", "patience")))


def _callback_columns(block: CallBlock) -> dict:
    """The callback decisions of a block of calls, as the compiled core's load takes them (flat)."""
    names = ("callback_accept", "callback_ring", "callback_reach", "callback_delay")
    if any(name not in block.decisions for name in names):
        raise ValueError("the scenario offers callbacks: the call blocks need the decisions " + ", ".join(names))
    columns = {name: block.decisions[name] for name in names}
    columns["callback_delay"] = dial_delays(block.decisions)  # (with a scheduled delay in column 0)
    return {name: np.ascontiguousarray(values, np.int8 if name == "callback_accept" else np.float64).reshape(-1)
            for name, values in columns.items()}


def _outbound(scenario: Scenario, contacts: Optional[Sequence[ContactDraws]]):
    """The compiled loop's campaign state for a run (None without campaigns)."""
    if not scenario.campaigns:
        return None
    if contacts is None:
        raise ValueError("the scenario has outbound campaigns: pass their contact draws "
                         "(contacts=sim.model.contact_draws.contact_draws(scenario, seed))")
    return _loop.Outbound(model_tables(scenario).campaigns, contacts, n_intervals=int(scenario.n_intervals),
                          interval_length=float(scenario.interval_length),
                          horizon_end=float(scenario.horizon_end), n_agents=model_tables(scenario).n_agents,
                          block_records=BLOCK_RECORDS)
