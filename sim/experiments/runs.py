"""The runs of a replicated experiment, kept as numbers and made into tables only when asked.

A replication of the default day simulates in well under a millisecond, while making its five
pandas tables costs more than that. So a replication keeps its engine's agent log and the
numeric columns of its four KPI tables (:mod:`sim.kpi.arrays`); the aggregation stacks the
columns of all runs into one table per KPI table, and a run's own :class:`~sim.simulate.Results`
(``Replicated.runs[i]``) is made the first time it is read: the very tables ``simulate(seed,
records=False)`` gives. Runs of the SimPy engine, or with per-call records, are simulated by
:func:`~sim.simulate.simulate` and their tables read back into columns.

The KPI numbers themselves are a few hundred small numpy operations per run, which cost per call,
not per value: a replication keeps its tallies (the wait histograms read at once, as p90 waits:
``sim.kpi.streaming.kept_tallies``) pending, and the numbers of up to :data:`BATCH` pending runs
are made together (:func:`numbered`: ``sim.kpi.streaming.batch_inputs`` and
``sim.kpi.arrays.batch_columns``, the same operations on arrays with a leading axis of runs, so
the same floats as one run alone), when the batch is full or anything reads the runs (sequential
stopping reads each run's numbers as it comes), and in a worker before its share is sent.

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
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from sim.experiments import journey
from sim.kpi import arrays, streaming, theory
from sim.kpi.tables import type_names
from sim.model.random_inputs import busyness_factor
from sim.model.scenario import Scenario
from sim.simulate import Results, agents_frame, run_streamed, simulate


BATCH = 64  # runs whose KPI numbers are made together (numpy calls cost per call, not per run)
BATCH_BYTES = 32 << 20  # and at most about this much of their tallies (long runs: a few at a time)


@dataclass(frozen=True)
class Run:
    """What one replication keeps: its seed, size, engine, agent log and table columns."""

    seed: int
    n_calls: int
    engine: str
    engine_note: str
    agents: object  # the engine's AgentLog (arrays)
    columns: Optional[Dict[str, np.ndarray]]  # by table name (sim.kpi.arrays.TABLES); None until numbered
    outbound: Dict[str, pd.DataFrame] = field(default_factory=dict)  # sim.kpi.outbound.tables ({}: no campaigns)
    attempts: object = None  # the engine's AttemptRecords, kept only for the theory comparison (see above)
    journey: Dict[str, object] = field(default_factory=dict)  # sim.experiments.journey ({}: no journey features)
    pending: object = None  # until numbered: the engine output, its tallies as streaming.kept_tallies


Made = Tuple[Run, Optional[Results]]  # what run_replication returns


def run_replication(scenario: Scenario, seed: int, engine: str = "auto", records: bool = False,
                    numbers: bool = True):
    """(Run, its Results if they were made on the way, else None) of one replication.
    ``numbers=False``: a run of the fast engine without records is returned pending, its KPI
    numbers to be made with other runs' (:func:`numbered`)."""
    streamed = None if records else run_streamed(scenario, seed, engine)
    if streamed is not None:
        made = (pending_run(scenario, seed, *streamed), None)
        return numbered(scenario, [made])[0] if numbers else made
    results = simulate(scenario, seed, engine=engine, records=records)
    tables = {name: getattr(results, name) for name in arrays.TABLES}
    outbound = {name: getattr(results, name) for name in arrays.OUTBOUND_TABLES if getattr(results, name) is not None}
    return Run(int(seed), results.n_calls, results.engine, results.engine_note, None,
               arrays.table_columns(tables), outbound, journey=journey.from_results(scenario, results)), results


def pending_run(scenario: Scenario, seed: int, output, note: str) -> Run:
    """A run of the fast engine without records (``output``), its KPI numbers still to be made."""
    output = dataclasses.replace(output, tallies=streaming.kept_tallies(scenario, output.tallies))
    return Run(int(seed), int(output.tallies["calls"]), output.engine, note, output.agents, None, pending=output)


def numbered(scenario: Scenario, made: List[Made]) -> List[Made]:
    """The replications with the KPI numbers of the pending runs made, up to :func:`batch_size`
    runs at a time: the numbers each would have alone."""
    out = list(made)
    pending = [i for i, (run, _) in enumerate(made) if run.columns is None]
    size = batch_size(made[pending[0]][0]) if pending else 1
    for first in range(0, len(pending), size):
        batch = pending[first:first + size]
        for i, done in zip(batch, _with_numbers(scenario, [made[i][0] for i in batch])):
            out[i] = (done, None)
    return out


def batch_size(run: Run) -> int:
    """How many pending runs of a scenario have their numbers made together: :data:`BATCH`, or
    fewer when their tallies would exceed :data:`BATCH_BYTES` (all runs of a scenario have
    tallies of the same size)."""
    tally_bytes = sum(values.nbytes for values in run.pending.tallies.values() if isinstance(values, np.ndarray))
    return max(1, min(BATCH, BATCH_BYTES // max(tally_bytes, 1)))


def _theory_reads_attempts(scenario: Scenario) -> bool:
    """Whether the run's theory comparison needs its dial attempts (sim.kpi.theory_blending)."""
    return bool(scenario.campaigns) and theory.textbook_model(scenario) is not None


def _with_numbers(scenario: Scenario, runs: List[Run]) -> List[Run]:
    """The pending runs with their KPI numbers (sim.kpi.arrays.batch_columns, all at once), their
    outbound tables and journey."""
    outputs = [run.pending for run in runs]
    inputs = streaming.batch_inputs(scenario, [output.tallies for output in outputs])
    columns = arrays.batch_columns(scenario, inputs, [output.agents for output in outputs],
                                   [output.attempts for output in outputs], [output.present for output in outputs])
    keeps_attempts = _theory_reads_attempts(scenario)
    done = []
    for i, (run, output) in enumerate(zip(runs, outputs)):
        mine = {table: block[i] for table, block in columns.items()}
        outbound = arrays.outbound_tables(scenario, mine, output.attempts, float(inputs["window_end"][i]))
        kept = journey.streamed(scenario, output, _RunInputs(inputs, i))
        done.append(Run(run.seed, run.n_calls, run.engine, run.engine_note, run.agents, mine, outbound,
                        output.attempts if keeps_attempts else None, kept))
    return done


def message_bytes(scenario: Scenario, runs: int) -> int:
    """Shared memory for a worker's message of ``runs`` runs (:func:`packed`): their KPI numbers
    twice over, for the agent logs and the rest (what would not fit comes through the pipe)."""
    per_run = sum(len(arrays.numeric_columns(name)) * len(next(iter(arrays.labels(scenario, name).values())))
                  for name in arrays.TABLES)
    return 2 * 8 * per_run * runs + (1 << 20)


def packed(scenario: Scenario, made: List[Made]):
    """Replications made in a worker process (sim.experiments.parallel), as few picklable objects
    as can carry them: runs without Results (the fast engine's) as one array per table and per
    agent-log column, the others pickled whole, the scenario by reference (:func:`unpacked`)."""
    made = numbered(scenario, made)  # (a worker's share: its numbers made here, batched)
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


class _RunInputs(Mapping):
    """Run i's ``sim.kpi.streaming.run_inputs`` of a batch, made only if read (the journey reads
    them with transfers only)."""

    def __init__(self, batch: dict, i: int):
        self.batch, self.i, self._made = batch, i, None

    def _inputs(self) -> dict:
        if self._made is None:
            self._made = streaming.run_inputs(self.batch, self.i)
        return self._made

    def __getitem__(self, key):
        return self._inputs()[key]

    def __iter__(self):
        return iter(self._inputs())

    def __len__(self) -> int:
        return len(self._inputs())


class Runs(Sequence):
    """The replications' runs in order; ``runs[i]`` is run i's Results (made when first read).
    Runs added pending (``run_replication(numbers=False)``) get their KPI numbers a batch at a time
    (:func:`numbered`): when :data:`BATCH` of them wait, or when anything reads the runs."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self._kept: List[Run] = []
        self._pending: List[int] = []  # indices of the runs still without their numbers
        self._batch = BATCH
        self._results: Dict[int, Results] = {}

    def add(self, run: Run, results: Optional[Results] = None) -> None:
        if results is not None:
            self._results[len(self._kept)] = results
        if run.columns is None:
            if not self._pending:
                self._batch = batch_size(run)
            self._pending.append(len(self._kept))
        self._kept.append(run)
        if len(self._pending) >= self._batch:
            self.number_pending()

    def number_pending(self) -> None:
        """Make the KPI numbers of the pending runs (all at once; else done when :data:`BATCH`
        of them wait or the runs are read)."""
        if self._pending:
            done = numbered(self.scenario, [(self._kept[i], None) for i in self._pending])
            for i, (run, _) in zip(self._pending, done):
                self._kept[i] = run
            self._pending = []

    @property
    def kept(self) -> List[Run]:
        """Every run, with its KPI numbers."""
        self.number_pending()
        return self._kept

    def __len__(self) -> int:
        return len(self._kept)

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
        return [run.seed for run in self._kept]

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
