"""Independent replications of a scenario: every KPI as a mean with its confidence interval.

Replication i runs with the i-th seed spawned from the run seed (numpy's SeedSequence), so the
replications are independent and the whole set is reproducible from one seed. Each KPI table
(summary, intervals, groups, group_intervals) is averaged cell by cell over the replications in
which the KPI is defined (a service level of an interval without calls is not); beside every
KPI column ``<kpi>`` come ``<kpi>_ci`` (the half-width of the Student t confidence interval,
NaN with fewer than two values) and, once per table, ``replications`` (how many ran). A scenario
with campaigns has its outbound tables (campaigns, campaign_intervals, group_time,
group_time_intervals) aggregated in the same way (:func:`aggregate`), and every run's campaigns
table in ``per_replication_campaigns``. The caller's journey (:mod:`sim.experiments.journey`): with
transfers, the summary and interval tables keep their transfer columns (fcr: the mean of the runs'
ratios, as the service level); with redials and callbacks, the callers, caller_intervals,
callbacks and callback_intervals tables are aggregated in the same way.

Common random numbers (``crn=True``, the default): the replication seeds depend only on the run
seed, and every random stream is keyed by call type and purpose (see :mod:`sim.model.random_inputs`),
so alternatives that differ in staffing, routing or priorities receive the very same calls in
replication i. Comparing them replication by replication (:func:`difference`) then cancels most
of the noise. ``crn=False`` mixes a fingerprint of the scenario into the seeds: each alternative
gets its own independent calls.

Sequential stopping (:class:`Precision`): after the first ``replications``, add one replication
at a time until the chosen KPI's half-width is at most the target (or a cap is reached).

Replications run on several processes when there is enough work (``n_jobs``,
:mod:`sim.experiments.parallel`): each computes a contiguous share of the seeds and the shares
are put together in seed order, so every number is the one of the serial run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.experiments import journey, parallel
from sim.experiments.aggregation import aggregate, aggregate_runs, aggregated_tables, half_width  # noqa: F401 (the API)
from sim.experiments.runs import Runs, message_bytes, numbered, packed, run_replication, unpacked
from sim.kpi import arrays, outbound
from sim.kpi.frames import frame, strings
from sim.kpi.tables import TOTAL, type_names
from sim.model import bounds
from sim.progress import progress_bar
from sim.model.scenario import Scenario, build_scenario
from sim.simulate import load_scenario_file
SUMMARY_KPIS = ("service_level", "abandon_rate", "asa", "mean_wait", "p90_wait", "aht", "avg_queue")


def scenario_fingerprint(scenario: Scenario) -> int:
    """A 64-bit number that changes whenever anything in the scenario does (it keys the seeds of
    ``crn=False`` runs).

    Computed from the scenario's values by field name, leaving out every field at its default:
    a field added to the model comes with a default that keeps today's behaviour, so existing
    scenarios keep their fingerprint (and their seeds) when the Scenario type grows.
    """
    text = json.dumps(_canonical(scenario), sort_keys=True, allow_nan=True)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _canonical(value):
    """A scenario (or part of one) as plain JSON values: dataclasses as dicts of their non-default
    fields, floats exactly (repr), tuples as lists."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
            if default is not dataclasses.MISSING and item == default:
                continue
            out[f.name] = _canonical(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if isinstance(value, float):
        return repr(value)
    return value


def replication_seeds(seed: int, replications: int, key: Optional[int] = None) -> List[int]:
    """The seeds of the replications, spawned from the run seed (and ``key``, if given).

    The list for n replications is the start of the list for more, so adding replications
    (sequential stopping) never changes the ones already run.
    """
    entropy = int(seed) if key is None else [int(seed), int(key)]
    return [int(s) for s in np.random.SeedSequence(entropy).generate_state(replications, np.uint32)]


@dataclass(frozen=True)
class Precision:
    """Sequential stopping rule: replicate until ``kpi`` of summary row ``call_type`` has a
    confidence half-width of at most ``half_width`` (in the KPI's own unit: a fraction for
    service level and abandon rate, seconds for ASA), or ``max_replications`` have run."""

    kpi: str
    half_width: float
    call_type: str = TOTAL
    max_replications: int = 1000

    def check(self, scenario: Scenario, first: int) -> None:
        if self.kpi not in SUMMARY_KPIS:
            raise ConfigError("experiment.precision.kpi", f"unknown KPI {self.kpi!r}", allowed=SUMMARY_KPIS)
        if not self.half_width > 0:
            raise ConfigError("experiment.precision.half_width", f"must be a positive number, got {self.half_width!r}")
        rows = [t.name for t in scenario.call_types] + [TOTAL]
        if self.call_type not in rows:
            raise ConfigError("experiment.precision.call_type", f"unknown call type {self.call_type!r}", allowed=rows)
        if not isinstance(self.max_replications, (int, np.integer)) or self.max_replications < max(first, 2):
            raise ConfigError("experiment.precision.max_replications",
                              f"must be a whole number of at least max(replications, 2) = {max(first, 2)}, "
                              f"got {self.max_replications!r}")


@dataclass
class Replicated:
    """Mean and confidence half-width of every KPI over independent replications."""

    scenario: Scenario
    seed: int
    crn: bool
    seeds: List[int]
    runs: Runs  # runs[i]: replication i's Results (sim.experiments.runs: made when first read)
    confidence: float
    summary: pd.DataFrame
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame
    precision: Optional[Precision] = None
    precision_met: Optional[bool] = None  # None without a precision target
    per_replication: pd.DataFrame = field(default_factory=pd.DataFrame)
    # outbound (scenarios with campaigns; else None): sim.kpi.outbound's tables, mean and CI per cell
    campaigns: Optional[pd.DataFrame] = None
    campaign_intervals: Optional[pd.DataFrame] = None
    group_time: Optional[pd.DataFrame] = None
    group_time_intervals: Optional[pd.DataFrame] = None
    per_replication_campaigns: Optional[pd.DataFrame] = None  # every run's campaigns table
    # the caller's journey (sim.experiments.journey; None without redials / callbacks): mean and CI per cell
    callers: Optional[pd.DataFrame] = None
    caller_intervals: Optional[pd.DataFrame] = None
    callbacks: Optional[pd.DataFrame] = None
    callback_intervals: Optional[pd.DataFrame] = None

    @property
    def replications(self) -> int:
        return len(self.runs)

    @property
    def n_calls(self) -> int:
        return sum(run.n_calls for run in self.runs.kept)

    @property
    def engine(self) -> str:
        return self.runs.kept[0].engine

    @property
    def engine_note(self) -> str:
        return self.runs.kept[0].engine_note


def per_replication_table(scenario: Scenario, runs: Runs) -> pd.DataFrame:
    """Every run's summary rows, headed by the replication number and seed (replications.csv)."""
    summaries = runs.columns("summary")
    rows = len(type_names(scenario))
    numbers = arrays.stacked("summary", summaries, typed=True)
    return frame({"replication": np.repeat(np.arange(len(runs), dtype=np.int64), rows),
                  "seed": np.repeat(np.array(runs.seeds, np.int64), rows),
                  "call_type": strings(type_names(scenario) * len(runs)),
                  **{column: numbers[column].to_numpy() for column in numbers.columns}})


def outbound_tables(scenario: Scenario, runs: Runs, confidence: float = 0.95) -> dict:
    """The outbound tables aggregated over the runs, and every run's campaigns table ({} without
    campaigns)."""
    if not scenario.campaigns:
        return {}
    tables = {name: aggregate(runs.outbound(name), arrays.OUTBOUND_KEYS[name], confidence)
              for name in arrays.OUTBOUND_TABLES}
    tables["per_replication_campaigns"] = outbound.per_replication_campaigns(scenario, runs.seeds,
                                                                             runs.outbound("campaigns"))
    return tables


def _reached(values: List[float], precision: Precision, confidence: float) -> bool:
    defined = np.asarray([v for v in values if not np.isnan(v)])
    if len(defined) < 2:
        return False
    return bool(half_width(defined.std(ddof=1), len(defined), confidence) <= precision.half_width)


def replicate(scenario, replications: int, seed: int = 1, engine: str = "auto", records: bool = False,
              confidence: float = 0.95, crn: bool = True, precision: Optional[Precision] = None,
              progress: Optional[bool] = None, n_jobs: Optional[int] = None) -> Replicated:
    """Run independent replications and aggregate their KPI tables.

    ``replications``: how many to run (with ``precision``: how many to run before checking).
    ``crn``: common random numbers across alternatives (see the module docstring).
    ``progress``: a progress bar on stderr; None shows it only when stderr is a terminal.
    ``n_jobs``: processes to run them on (None: the environment's CALLSIM_JOBS if set, else the
    usable CPUs that other programs leave idle, or 1 inside a worker of a process pool such as a
    sweep's), when the work is long enough to
    pay for forking them (:mod:`sim.experiments.parallel`); the results do not depend on it.
    """
    if not isinstance(replications, (int, np.integer)) or isinstance(replications, bool) or replications < 1:
        raise ConfigError("replications", f"must be a whole number of at least 1, got {replications!r}")
    if not 0 < confidence < 1:
        raise ConfigError("experiment.confidence", f"must be between 0 and 1, got {confidence!r}")
    bounds.check_seed(seed)
    requested = parallel.requested_jobs(n_jobs)
    jobs = parallel.check_jobs(requested)
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario_file(scenario)
    scenario = build_scenario(scenario)  # validated once, not once per replication
    if precision is not None:
        precision.check(scenario, replications)
    limit = replications if precision is None else precision.max_replications
    seeds = replication_seeds(seed, limit, key=None if crn else scenario_fingerprint(scenario))
    runs = Runs(scenario)
    watched: List[float] = []

    def made(first: int, stop: int):
        """Replications first, ..., stop - 1, in order (on several processes when it pays)."""
        return closing(parallel.ordered(lambda i: run_replication(scenario, seeds[first + i], engine=engine,
                                                                  records=records, numbers=False),
                                        stop - first, jobs, send=lambda items: packed(scenario, items),
                                        receive=lambda payload: unpacked(scenario, payload),
                                        digest=lambda items: numbered(scenario, items),
                                        idle=runs.number_pending, room=lambda k: message_bytes(scenario, k),
                                        spare_only=requested is None))

    with progress_bar(total=replications if precision is None else None, unit="replication",
                      desc=f"{scenario.name}: replications", enabled=progress) as bar:
        # Sequential stopping adds replications in rounds, each as many as the half-width so far
        # suggests; the rule is checked after every replication, in order, and a round's
        # replications past the stopping point are dropped: the same replications as one at a time.
        first, reached = 0, False
        while first < limit and not reached:
            stop = limit if precision is None else min(limit, first + _round_size(first, replications, watched,
                                                                                  precision, confidence, jobs))
            with made(first, stop) as items:
                for replication in items:
                    runs.add(*replication)
                    bar.update(1)
                    if precision is not None:
                        watched.append(runs.summary_value(len(runs) - 1, precision.kpi, precision.call_type))
                        if len(runs) >= max(replications, 2) and _reached(watched, precision, confidence):
                            reached = True
                            break
            first = stop
    tables = aggregated_tables(scenario, {name: runs.columns(name) for name in arrays.TABLES}, confidence)
    journey_tables = journey.aggregated(runs.journeys(), aggregate, confidence)
    for name, columns in journey_tables.pop("transfers", {}).items():
        tables[name] = journey.with_transfer_columns(tables[name], columns)
    return Replicated(scenario=scenario, seed=int(seed), crn=crn, seeds=runs.seeds, runs=runs,
                      confidence=confidence, precision=precision,
                      precision_met=None if precision is None else _reached(watched, precision, confidence),
                      per_replication=per_replication_table(scenario, runs), **tables,
                      **outbound_tables(scenario, runs, confidence), **journey_tables)


def _round_size(done: int, initial: int, watched: List[float], precision: Precision, confidence: float,
                jobs: int) -> int:
    """How many replications the next round of sequential stopping runs: first ``initial`` (at
    least 2), then about as many more as the half-width so far says are needed (n grows with
    (half-width / target)^2), with a margin, and at least one per process."""
    if done == 0:
        return max(initial, 2)
    defined = np.asarray([v for v in watched if not np.isnan(v)])
    if len(defined) < 2:
        return max(done, jobs)
    now = float(half_width(defined.std(ddof=1), len(defined), confidence))
    needed = len(defined) * (now / precision.half_width) ** 2 - len(defined) if np.isfinite(now) else done
    return max(jobs, int(np.ceil(1.1 * needed)) + 1)


def difference(a: Replicated, b: Replicated, kpi: str, call_type: str = TOTAL, confidence: float = 0.95):
    """Mean of ``b - a`` for a summary KPI, paired replication by replication, with its t half-width.

    Under common random numbers replication i of both saw the same calls, so the pairs are
    positively correlated and the interval is narrower than for independent alternatives.
    Returns (mean difference, half-width, number of pairs).
    """
    if a.replications != b.replications:
        raise ConfigError("replications", f"paired alternatives need as many replications each, got "
                                          f"{a.replications} and {b.replications}")
    pairs = np.array([x.runs.summary_values(kpi, call_type) for x in (a, b)])
    deltas = pairs[1] - pairs[0]
    deltas = deltas[~np.isnan(deltas)]
    spread = deltas.std(ddof=1) if len(deltas) > 1 else np.nan
    return float(deltas.mean()), float(half_width(spread, len(deltas), confidence)), len(deltas)
