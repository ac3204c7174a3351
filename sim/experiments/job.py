"""One job of the ``callsim`` command, from its settings to its results: a single run, independent
replications (optionally until a precision target is met) or batch means of one steady-state run.

Kept apart from Hydra: the settings arrive as plain values, so the same code serves the command
line, a sweep's jobs and Python callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple

from sim.kpi import theory
from sim.errors import ConfigError
from sim.model import bounds, run_size
from sim.model.scenario import Scenario
from sim.simulate import simulate

if TYPE_CHECKING:  # (imported where used: a single run needs neither replications nor batch means)
    from sim.experiments.replications import Precision, Replicated

METHODS = ("replications", "batch_means")


@dataclass(frozen=True)
class ExperimentSettings:
    """What ``callsim`` reads from ``replications`` and ``experiment.*``."""

    replications: int = 1
    method: str = "replications"
    crn: bool = True
    confidence: float = 0.95
    batches: int = 20
    precision: Optional[Precision] = None
    n_jobs: Optional[int] = None  # processes for the replications (None: sim.experiments.parallel.default_jobs)

    @classmethod
    def from_config(cls, replications, experiment) -> "ExperimentSettings":
        """From the app config's ``replications`` and ``experiment`` nodes, checked."""
        if experiment.method not in METHODS:
            raise ConfigError("experiment.method", f"unknown method {experiment.method!r}", allowed=METHODS)
        replications = bounds.whole_in_range(replications, "replications", 1, bounds.MAX_REPLICATIONS)
        check_confidence(experiment.confidence)
        bounds.whole_in_range(experiment.batches, "experiment.batches", 2, bounds.MAX_INTERVALS)
        p = experiment.precision
        if (p.kpi is None) != (p.half_width is None):
            raise ConfigError("experiment.precision", "give both kpi and half_width for sequential stopping, "
                                                      "or neither")
        precision = None
        if p.kpi is not None:
            from sim.experiments.replications import Precision

            bounds.in_range(p.half_width, "experiment.precision.half_width", 0.0, bounds.MAX_DURATION)
            bounds.whole_in_range(p.max_replications, "experiment.precision.max_replications", 2,
                                  bounds.MAX_REPLICATIONS)
            precision = Precision(kpi=p.kpi, half_width=p.half_width, call_type=p.call_type,
                                  max_replications=p.max_replications)
        if experiment.method == "batch_means" and (replications != 1 or precision is not None):
            raise ConfigError("replications", "batch means come from one run: set replications=1 and no "
                                              "experiment.precision, or use experiment.method=replications")
        return cls(replications=replications, method=experiment.method, crn=experiment.crn,
                   confidence=experiment.confidence, batches=experiment.batches, precision=precision)

    def describe(self, done: int) -> str:
        """How the confidence intervals were obtained, for reports."""
        if self.method == "batch_means":
            return f"batch means ({self.batches} batches of one run)"
        if done == 1:
            return "single run"
        crn = "common random numbers" if self.crn else "independent random numbers"
        target = "" if self.precision is None else (
            f", sequential until {self.precision.kpi} half-width <= {self.precision.half_width:g}")
        return f"{done} independent replications, {100 * self.confidence:g}% t confidence intervals, {crn}{target}"


def uses_special_functions(scenario: Scenario, settings: ExperimentSettings) -> bool:
    """Whether the job calls SciPy's special functions (:mod:`sim.analytic_special`): for the
    comparison with a textbook queue, or for confidence intervals (replications, batch means)."""
    return theory.textbook_model(scenario) is not None or settings.replications > 1 or \
        settings.precision is not None or settings.method != "replications"


def check_confidence(confidence) -> float:
    """A confidence level of the intervals: a fraction strictly between 0 and 1."""
    if not (bounds.is_number(confidence) and 0 < confidence < 1):
        raise ConfigError("experiment.confidence", f"must be between 0 and 1 (exclusive), got {confidence!r}")
    return float(confidence)


def announce_run_size(scenario: Scenario, engine: str, settings: ExperimentSettings, records: bool) -> run_size.RunSize:
    """Refuse a job whose runs cannot fit in memory; announce (on stdout) one expected to take long."""
    runs = settings.replications if settings.precision is None else max(settings.replications, 2)
    single = settings.method == "batch_means" or (settings.replications == 1 and settings.precision is None)
    size = run_size.check(scenario, records and single, "simpy" if engine == "simpy" else "fast", runs)
    if size.seconds > run_size.LONG_RUN_SECONDS:
        print(f"callsim: a long run: {size.describe()} (estimated)", flush=True)  # beside the run's other notes
    return size


def run_experiment(scenario: Scenario, seed: int, engine: str, settings: ExperimentSettings, records: bool,
                   progress: Optional[bool] = None) -> Tuple[object, str]:
    """Run the job; returns its results (Results or Replicated) and the statistics used."""
    bounds.check_seed(seed)
    announce_run_size(scenario, engine, settings, records)
    if settings.method == "batch_means":
        from sim.experiments.batch_means import batch_means

        results = simulate(scenario, seed, engine=engine, records=records, progress=progress)
        estimates = batch_means(results, settings.batches, settings.confidence)
        results.summary, results.groups = estimates.summary, estimates.groups
        return results, settings.describe(1)
    if settings.replications == 1 and settings.precision is None:
        if not settings.crn:
            from sim.experiments.replications import replication_seeds, scenario_fingerprint

            seed = replication_seeds(seed, 1, key=scenario_fingerprint(scenario))[0]
        return simulate(scenario, seed, engine=engine, records=records, progress=progress), settings.describe(1)
    from sim.experiments.replications import replicate

    replicated: Replicated = replicate(scenario, settings.replications, seed=seed, engine=engine,
                                       confidence=settings.confidence, crn=settings.crn,
                                       precision=settings.precision, progress=progress, n_jobs=settings.n_jobs)
    replicated.theory = theory.compare_replications(replicated.runs.theories())  # textbook queues
    return replicated, settings.describe(replicated.replications)
