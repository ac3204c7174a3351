"""Run a scenario and get its KPI tables: the library's front door, free of Hydra.

    >>> from sim import simulate
    >>> results = simulate("configs/scenario/single_queue.yaml", seed=7)   # or a dict / Scenario
    >>> results.summary
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from sim.kpi import callers as caller_kpi
from sim.kpi import callbacks as callback_kpi
from sim.kpi import outbound as outbound_kpi
from sim.kpi import record_tables as record_kpi
from sim.kpi import streaming as stream_kpi
from sim.kpi import theory
from sim.kpi import transfers as transfer_kpi
from sim.core.engines import realised_spells, select_engine
from sim.kpi.frames import frame, strings
from sim.model import run_size
from sim.core.records import AttemptRecords
from sim.model.bounds import check_seed
from sim.model.contact_draws import contact_draws
from sim.model.cache import per_scenario
from sim.progress import progress_bar, wanted
from sim.model.random_inputs import busyness_factor, call_blocks
from sim.model.scenario import Scenario, build_scenario
from sim.model.scenario_files import load_scenario


@dataclass
class Results:
    """Everything one run produced, as pandas tables (see :mod:`sim.kpi.tables` for the definitions)."""

    scenario: Scenario
    seed: int
    engine: str
    engine_note: str
    busyness: float  # the day's arrival-rate multiplier drawn for this seed (1 for given calls)
    n_calls: int  # calls simulated (arrivals in the horizon, warm-up included)
    calls: Optional[pd.DataFrame]  # one row per call; None when records were not kept
    agents: pd.DataFrame  # one row per agent spell on duty
    summary: pd.DataFrame  # per call type + total
    intervals: pd.DataFrame  # per interval x call type (+ total)
    groups: pd.DataFrame  # per agent group
    group_intervals: pd.DataFrame  # per interval x agent group
    theory: Optional[pd.DataFrame] = None  # simulated vs Erlang, for textbook single queues
    attempts: Optional[AttemptRecords] = None  # outbound dial attempts as the engine recorded them (campaigns)
    # outbound (sim.kpi.outbound; None without campaigns): per campaign, per interval x campaign,
    # time split per group and per interval x group
    campaigns: Optional[pd.DataFrame] = None
    campaign_intervals: Optional[pd.DataFrame] = None
    group_time: Optional[pd.DataFrame] = None
    group_time_intervals: Optional[pd.DataFrame] = None
    # caller-level KPIs of a scenario with redials (sim.kpi.callers; None without): per call type,
    # per interval x call type
    callers: Optional[pd.DataFrame] = None
    caller_intervals: Optional[pd.DataFrame] = None
    callbacks: Optional[pd.DataFrame] = None  # per call type: offers, acceptances, outcomes (sim.kpi.callbacks)
    callback_intervals: Optional[pd.DataFrame] = None  # the same per measured interval x call type
    legs: Optional[pd.DataFrame] = None  # one row per leg, with transfers and records (sim.kpi.transfers.legs_frame)
    dials: Optional[pd.DataFrame] = None  # one row per callback dial, with callbacks and records (sim.kpi.callbacks)


def simulate(scenario, seed: int = 1, engine: str = "auto", inputs=None, records: bool = True,
             progress: Optional[bool] = False, contacts=None) -> Results:
    """Simulate ``scenario`` (a Scenario, a config node, a dict, or a path to a scenario YAML).

    ``inputs``: optional calls to replay instead of the random ones (see
    :func:`sim.model.random_inputs.given_calls`), for exact traces and trace-driven runs.
    ``records=False``: keep no per-call records (``calls`` is None); the fast engine then
    computes the KPIs from streaming tallies (see :mod:`sim.kpi.streaming`), so memory does not
    grow with the number of calls. The SimPy engine always keeps records.
    ``contacts``: the campaigns' dial-attempt draws (None: drawn for ``seed``, see
    :mod:`sim.model.contact_draws`; :func:`~sim.model.contact_draws.given_contacts` for exact traces).
    ``progress``: a bar of simulated hours on stderr for runs that last more than a few seconds
    (None: only when stderr is a terminal).
    """
    check_seed(seed)
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario_file(scenario)
    scenario = build_scenario(scenario)
    runner, note = select_engine(engine, scenario)
    kept = records
    if inputs is None:  # refuse a run that cannot fit in memory before starting it
        run_size.check(scenario, kept, runner.name)
    calls_in = call_blocks(scenario, int(seed)) if inputs is None else inputs
    if scenario.campaigns and contacts is None:
        contacts = contact_draws(scenario, int(seed))
    spells = realised_spells(scenario, int(seed))  # absences and adherence of this seed (none: the plan)
    if not wanted(progress):  # no bar to move: skip building a silent one (replications run many)
        output = runner.run(scenario, calls_in, records=kept, contacts=contacts, spells=spells)
    else:
        with progress_bar(total=round(scenario.horizon_end / 3600, 2), desc=f"{scenario.name}: simulated hours",
                          unit="h", enabled=progress, delay=2.0) as bar:
            output = runner.run(scenario, _reporting(calls_in, bar), records=kept, contacts=contacts, spells=spells)
    agents = agents_frame(scenario, output.agents)
    if output.records is None:
        summary, intervals, groups, group_intervals, window_end = stream_kpi.tables(
            scenario, output.tallies, output.agents, output.attempts, output.present)
        calls, n_calls = None, int(output.tallies["calls"])
    else:
        calls, summary, intervals, groups, group_intervals = record_kpi.tables(scenario, output, keep_calls=records)
        n_calls = len(output.records)
        window_end = record_kpi.measurement_end(scenario, output) if scenario.campaigns else None
    results = Results(
        scenario=scenario, seed=int(seed), engine=output.engine, engine_note=note,
        busyness=busyness_factor(scenario, int(seed)) if inputs is None else 1.0, n_calls=n_calls,
        calls=calls, agents=agents, summary=summary, intervals=intervals, groups=groups,
        group_intervals=group_intervals, attempts=output.attempts,
        **outbound_kpi.tables(scenario, output.attempts, window_end, groups, group_intervals),
    )
    results.callbacks, results.callback_intervals = callback_kpi.tables(scenario, output)
    results.callers, results.caller_intervals = caller_kpi.tables(scenario, output)
    if calls is not None and output.legs is not None and output.legs.queue is not None:  # (transfers)
        results.legs = transfer_kpi.legs_frame(scenario, output.legs)
    if calls is not None and output.dials is not None:
        results.dials = callback_kpi.dials_frame(scenario, output.dials)
    results.theory = theory.compare(results)
    return results


def run_streamed(scenario: Scenario, seed: int = 1, engine: str = "auto"):
    """One run without per-call records, as the engine returns it: (EngineOutput, engine note).

    The lean core of ``simulate(records=False)`` for callers that make the tables themselves
    (replications, :mod:`sim.experiments.runs`). ``scenario`` must be built already. None when
    the engine keeps no streaming tallies (the SimPy engine keeps records): use :func:`simulate`.
    """
    runner, note = select_engine(engine, scenario)
    if runner.name != "fast":
        return None
    return runner.run(scenario, call_blocks(scenario, int(seed)), records=False,
                      contacts=contact_draws(scenario, int(seed)) if scenario.campaigns else None,
                      spells=realised_spells(scenario, int(seed))), note


def _reporting(blocks, bar):
    """The call blocks unchanged, moving the bar to each block's first arrival as it is taken."""
    for block in blocks:
        if len(block):
            bar.update(round(block.arrival[0] / 3600, 2) - bar.n)
        yield block
    bar.update(bar.total - bar.n)


def agents_frame(scenario: Scenario, log) -> pd.DataFrame:
    """The agent log as a table: one row per spell on duty, with the group's name."""
    columns = per_scenario(scenario, "simulate.group_name_columns", lambda s: {})
    key = np.asarray(log.group).tobytes()  # most runs of a scenario log the same spells
    names = columns.get(key)
    if names is None:
        if len(columns) >= 4:
            columns.clear()
        names = columns[key] = strings([scenario.groups[g].name for g in log.group])
    return frame({"agent": log.agent, "group_name": names, "group": log.group,
                  "start": log.start, "scheduled_end": log.scheduled_end, "end": log.end})


load_scenario_file = load_scenario  # the older name (a path or a shipped scenario's name -> dict)
