"""The runs of a replicated experiment, kept as numbers and made into tables only when asked.

A replication of the default day simulates in well under a millisecond, while making its five
pandas tables costs more than that. So a replication keeps its engine's agent log and the
numeric columns of its four KPI tables (:mod:`sim.kpi.arrays`); the aggregation stacks the
columns of all runs into one table per KPI table, and a run's own :class:`~sim.simulate.Results`
(``Replicated.runs[i]``) is made the first time it is read: the very tables ``simulate(seed,
records=False)`` gives. Runs of the SimPy engine, or with per-call records, are simulated by
:func:`~sim.simulate.simulate` and their tables read back into columns.

A scenario with campaigns: each run also keeps its outbound tables (:mod:`sim.kpi.outbound`:
campaigns, campaign_intervals, group_time, group_time_intervals, made from the engine's dial
attempts and the run's group numbers), and its dial attempts only when the theory comparison
reads them (a blended pool of the threshold model, :mod:`sim.kpi.theory_blending`): like the
per-call records, the attempts of hundreds of runs are not kept otherwise.

A scenario with journey features (transfers, redials, callbacks): each run also keeps its journey
(:mod:`sim.experiments.journey`: the transfer columns of its summary and interval tables, its
callers and callbacks tables), which its own Results get back and the aggregation averages.

Runs made in a worker process (:mod:`sim.experiments.parallel`) travel back :func:`packed`: the
runs of a share as one array per table and per agent-log column (pickling 100 runs one by one
costs about as much as simulating ten of them).
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from sim.experiments import journey
from sim.kpi import arrays, streaming, theory
from sim.kpi.tables import type_names
from sim.model.random_inputs import busyness_factor
from sim.model.scenario import Scenario
from sim.simulate import Results, agents_frame, run_streamed, simulate


@dataclass(frozen=True)
class Run:
    """What one replication keeps: its seed, size, engine, agent log and table columns."""

    seed: int
    n_calls: int
    engine: str
    engine_note: str
    agents: object  # the engine's AgentLog (arrays)
    columns: Dict[str, np.ndarray]  # by table name (sim.kpi.arrays.TABLES): see arrays.run_columns
    outbound: Dict[str, pd.DataFrame] = field(default_factory=dict)  # sim.kpi.outbound.tables ({}: no campaigns)
    attempts: object = None  # the engine's AttemptRecords, kept only for the theory comparison (see above)
    journey: Dict[str, object] = field(default_factory=dict)  # sim.experiments.journey ({}: no journey features)


def run_replication(scenario: Scenario, seed: int, engine: str = "auto", records: bool = False):
    """(Run, its Results if they were made on the way, else None) of one replication."""
    streamed = None if records else run_streamed(scenario, seed, engine)
    if streamed is not None:
        output, note = streamed
        inputs = streaming.table_inputs(scenario, output.tallies)
        columns = arrays.run_columns(scenario, inputs, output.agents, output.attempts, output.present)
        outbound = arrays.outbound_tables(scenario, columns, output.attempts, inputs["window_end"])
        return Run(int(seed), int(output.tallies["calls"]), output.engine, note, output.agents, columns, outbound,
                   output.attempts if _theory_reads_attempts(scenario) else None,
                   journey.streamed(scenario, output, inputs)), None
    results = simulate(scenario, seed, engine=engine, records=records)
    tables = {name: getattr(results, name) for name in arrays.TABLES}
    outbound = {name: getattr(results, name) for name in arrays.OUTBOUND_TABLES if getattr(results, name) is not None}
    return Run(int(seed), results.n_calls, results.engine, results.engine_note, None,
               arrays.table_columns(tables), outbound, journey=journey.from_results(scenario, results)), results


def _theory_reads_attempts(scenario: Scenario) -> bool:
    """Whether the run's theory comparison needs its dial attempts (sim.kpi.theory_blending)."""
    return bool(scenario.campaigns) and theory.textbook_model(scenario) is not None


Made = Tuple[Run, Optional[Results]]  # what run_replication returns


def packed(scenario: Scenario, made: List[Made]):
    """Replications made in a worker process (sim.experiments.parallel), as few picklable objects
    as can carry them: runs without Results (the fast engine's) as one array per table and per
    agent-log column, the others pickled whole, the scenario by reference (:func:`unpacked`)."""
    runs = [run for run, _ in made]
    if all(results is None and dataclasses.is_dataclass(run.agents) for run, results in made) and \
            len({type(run.agents) for run in runs}) == 1:
        log = type(runs[0].agents)
        fields = [f.name for f in dataclasses.fields(log)]
        return ("arrays", [run.seed for run in runs], [run.n_calls for run in runs], [run.engine for run in runs],
                [run.engine_note for run in runs], {t: np.stack([run.columns[t] for run in runs]) for t in arrays.TABLES},
                log, {f: np.concatenate([getattr(run.agents, f) for run in runs]) for f in fields},
                np.cumsum([len(getattr(run.agents, fields[0])) for run in runs])[:-1],
                [run.outbound for run in runs], [run.attempts for run in runs], [run.journey for run in runs])
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: "scenario" if obj is scenario else None
    pickler.dump(made)
    return ("pickled", buffer.getvalue())


def unpacked(scenario: Scenario, payload) -> List[Made]:
    """:func:`packed`'s replications again, the same numbers (every array a view of the arrays
    received), with this process's ``scenario`` wherever they referred to the worker's."""
    if payload[0] == "pickled":
        unpickler = pickle.Unpickler(io.BytesIO(payload[1]))
        unpickler.persistent_load = lambda key: scenario
        return unpickler.load()
    _, seeds, n_calls, engines, notes, columns, log, agent_columns, cuts, outbound, attempts, journeys = payload
    agents = {name: np.split(values, cuts) for name, values in agent_columns.items()}
    return [(Run(seed, n_calls[i], engines[i], notes[i], log(**{name: parts[i] for name, parts in agents.items()}),
                 {table: block[i] for table, block in columns.items()}, outbound[i], attempts[i], journeys[i]), None)
            for i, seed in enumerate(seeds)]


class Runs(Sequence):
    """The replications' runs in order; ``runs[i]`` is run i's Results (made when first read)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.kept: List[Run] = []
        self._results: Dict[int, Results] = {}

    def add(self, run: Run, results: Optional[Results] = None) -> None:
        if results is not None:
            self._results[len(self.kept)] = results
        self.kept.append(run)

    def __len__(self) -> int:
        return len(self.kept)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # (negative indices; IndexError past the end)
        if i not in self._results:
            self._results[i] = self._made(self.kept[i])
        return self._results[i]

    def _made(self, run: Run) -> Results:
        tables = arrays.run_tables(self.scenario, run.columns)
        journey_tables = journey.run_tables(run.journey, tables)
        results = Results(scenario=self.scenario, seed=run.seed, engine=run.engine, engine_note=run.engine_note,
                          busyness=busyness_factor(self.scenario, run.seed), n_calls=run.n_calls, calls=None,
                          agents=agents_frame(self.scenario, run.agents), attempts=run.attempts, **tables,
                          **run.outbound, **journey_tables)
        results.theory = theory.compare(results)
        return results

    def theories(self) -> list:
        """Every run's Erlang comparison (``Results.theory``): all None, without making any run's
        tables, when the scenario is not a textbook queue."""
        if theory.textbook_model(self.scenario) is None and all(i not in self._results for i in range(len(self))):
            return [None] * len(self)
        return [results.theory for results in self]

    @property
    def seeds(self) -> List[int]:
        return [run.seed for run in self.kept]

    def columns(self, table: str) -> List[np.ndarray]:
        """Every run's numbers of one table (sim.kpi.arrays.run_columns)."""
        return [run.columns[table] for run in self.kept]

    def outbound(self, table: str) -> List[pd.DataFrame]:
        """Every run's outbound table ``table`` (sim.kpi.arrays.OUTBOUND_TABLES; [] without campaigns)."""
        return [run.outbound[table] for run in self.kept if table in run.outbound]

    def journeys(self) -> List[dict]:
        """Every run's journey (sim.experiments.journey: {} without journey features)."""
        return [run.journey for run in self.kept]

    def summary_value(self, i: int, kpi: str, call_type: str) -> float:
        """Run i's summary KPI ``kpi`` for call type ``call_type`` (or total)."""
        column = arrays.numeric_columns("summary").index(kpi)
        return float(self.kept[i].columns["summary"][column, type_names(self.scenario).index(call_type)])

    def summary_values(self, kpi: str, call_type: str) -> np.ndarray:
        return np.array([self.summary_value(i, kpi, call_type) for i in range(len(self))])
