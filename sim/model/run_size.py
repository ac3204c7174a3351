"""How big a run will be, estimated from the scenario before it starts: calls, memory and time.

A run that cannot fit in the memory available is refused (ConfigError naming the sizes and the
setting to change) instead of dying of memory minutes later; a run expected to take long is
announced with its estimate. The constants were measured on the single-queue scenario
(tracemalloc peak and wall time of ``simulate``, 2-core machine under load; see
``experiments/benchmark/run_size_constants.py``) and rounded up: the estimate errs on the large side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from sim.errors import ConfigError

RECORD_BYTES = 150  # per call kept in memory: engine record arrays + the calls table (measured 111-114)
# Per outbound dial attempt, kept in either records mode: the engine's attempt rows and their copy
# (2 x 74 B), the record's contact draws (6 x 8 B per attempt slot) and the attempt tables; rounded up.
ATTEMPT_BYTES = 400
ROW_BYTES = 1_000  # per row of the per-interval tallies and tables (measured 800)
BASE_BYTES = 50e6  # the tables, plots and interpreter state of any run
# Calls per second, rounded down from those measured with the benchmark (fast engine without
# records 6.4e6, with records 2.3e6, SimPy 1.3e5 idle, 2.2e4 with the test suite running beside):
# on a busy machine a run is announced rather than left silent.
CALLS_PER_SECOND = {("fast", False): 2e6, ("fast", True): 8e5, ("simpy", True): 2e4}
ROW_SECONDS = 2e-5  # per row of the per-interval tables
LONG_RUN_SECONDS = 30.0  # announce runs expected to take longer


@dataclass(frozen=True)
class RunSize:
    """The estimate: ``calls`` and ``memory`` (bytes) at the peak of one run, ``seconds`` for all runs."""

    calls: float
    interval_rows: int
    runs: int
    memory: float
    seconds: float

    def describe(self) -> str:
        runs = f" x {self.runs:,} runs" if self.runs > 1 else ""
        return (f"about {self.calls:,.0f} calls{runs}, {_bytes(self.memory)} of memory, "
                f"{_duration(self.seconds)}")


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n / 1e3:.3g} kB"


def _duration(seconds: float) -> str:
    if seconds >= 7200:
        return f"{seconds / 3600:.3g} hours"
    if seconds >= 120:
        return f"{seconds / 60:.3g} minutes"
    return f"{seconds:.2g} s"


def expected_calls(scenario) -> float:
    """Expected arrivals of one run, raised for day-to-day busyness (its mean plus 3 CVs)."""
    lengths = scenario.interval_ends() - scenario.interval_starts()
    mean = float(sum((lengths * ct.rates).sum() for ct in scenario.call_types))
    return mean * (1 + 3 * scenario.busyness_cv)


def expected_attempts(scenario) -> float:
    """Outbound dial attempts of one run, on the large side: every line of every agent of a
    campaign's groups (``calls_per_agent`` / ``max_calls_per_agent`` lines; preview: one) busy
    with attempts back to back over the campaign's dialling intervals, an attempt lasting its
    mean ring time plus, for a live answer, the mean talk time; at most the list's records x
    max_attempts."""
    total = 0.0
    lengths = scenario.interval_ends() - scenario.interval_starts()
    for c in scenario.campaigns:
        seconds = float(sum(length for length, dials in zip(lengths, c.dial_open) if dials))
        agents = sum(len(scenario.groups[g].spells) for g in c.groups)
        lines = {"preview": 1, "progressive": c.calls_per_agent}.get(c.mode, c.max_calls_per_agent)
        p = [sum(column) / len(column) for column in zip(*c.probabilities)]  # mean over the intervals
        ring = 0.0 if c.ring is None else c.ring.mean
        live = p[0] + p[1]
        duration = (1 - p[3] - live) * ring + p[3] * c.no_answer.mean + live * (ring + min(c.talk.mean, c.wrong_party_talk.mean))
        attempts = agents * lines * seconds / max(duration, 1e-3)
        if c.list_size >= 0:
            attempts = min(attempts, float(c.list_size) * c.max_attempts)
        total += attempts
    return total


def estimate(scenario, records: bool, engine: str = "fast", runs: int = 1) -> RunSize:
    """The size of ``runs`` runs of ``scenario``; ``records``: per-call records kept in memory
    (always so on the SimPy engine). Outbound attempts count as calls for the time, and with
    their own size for the memory (their records are kept in either mode)."""
    records = records or engine != "fast"
    attempts = expected_attempts(scenario)
    calls = expected_calls(scenario) + attempts
    rows = scenario.n_intervals * (len(scenario.call_types) + 1 + len(scenario.groups) + len(scenario.campaigns))
    memory = BASE_BYTES + rows * ROW_BYTES + attempts * ATTEMPT_BYTES + (
        (calls - attempts) * RECORD_BYTES if records else 0.0)
    per_run = calls / CALLS_PER_SECOND[engine if engine in ("fast", "simpy") else "fast", records] + rows * ROW_SECONDS
    return RunSize(calls, rows, runs, memory, per_run * runs)


def available_memory() -> Optional[float]:
    """Bytes of memory available to a new run (MemAvailable of /proc/meminfo), None if unknown."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check(scenario, records: bool, engine: str = "fast", runs: int = 1, available: Optional[float] = None) -> RunSize:
    """The estimate, or a ConfigError when one run would not fit in the memory available."""
    size = estimate(scenario, records, engine, runs)
    available = available_memory() if available is None else available
    if available is None or size.memory <= available:
        return size
    lean = estimate(scenario, False, "fast", runs)
    have = f"the run would need {_bytes(size.memory)} of memory ({size.calls:,.0f} calls, " \
           f"{size.interval_rows:,} interval rows) but {_bytes(available)} is available"
    if (records or engine != "fast") and lean.memory <= available:
        setting = "output.calls=false (records=False in Python)" if engine == "fast" else \
            "engine=fast with output.calls=false (the SimPy engine keeps every call)"
        raise ConfigError("output.calls" if engine == "fast" else "engine", f"{have}: set {setting}")
    if expected_attempts(scenario) * ATTEMPT_BYTES > available / 2:
        raise ConfigError("scenario.campaigns", f"{have} (about {expected_attempts(scenario):,.0f} dial attempts): "
                                                "give the campaigns a list_size, fewer dialling hours, or shorten the horizon")
    raise ConfigError("scenario.horizon", f"{have}: shorten the horizon (horizon.hours or horizon.intervals), "
                                          "lengthen horizon.interval_minutes or lower the arrival rates")
