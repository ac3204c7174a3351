"""Per-interval staffing requirements from Erlang C or Erlang A: the agents each group needs on
the phones, interval by interval, to meet the staffing targets, and the paid agents after shrinkage.

The rule for multi-skill centers (a queueing formula knows one queue and one pool of agents):

* each call type's load goes to its **first-choice group** (route step 0); overflow to later
  groups is not counted (it is the simulation's business, not the formula's);
* a group's queue pools the call types that choose it first: arrival rate = the sum of their
  rates; mean handle time = the arrival-weighted mean of (mean talk + mean wrap-up) / the group's
  speed for the type; abandonment rate (Erlang A) = the arrival-weighted mean of 1 / mean patience,
  a type without patience counting 0 (all zero: Erlang C). ``model: erlang_c`` ignores patience;
* the requirement is the smallest number of agents c meeting every set target (service level
  within T over offered calls, abandonment, ASA, maximum occupancy), found by doubling then
  bisection (each measure improves with c); Erlang C needs c above the offered load;
* an interval without calls needs 0 agents; a steady-state horizon has one requirement for the
  whole run (its rates are constant);
* paid agents = requirement / (1 - shrinkage), rounded up.

Ignored by the formulas: the day-level busyness factor (busyness_cv), trunks, priorities, the
queue carried over from one interval to the next, and non-exponential distributions (only the
means count). The simulation of the resulting staffing shows what these do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import pandas as pd

from sim.analytic import QueueMetrics, erlang_a_metrics
from sim.errors import ConfigError
from sim.kpi.tables import interval_label
from sim.model.bounds import MAX_AGENTS
from sim.model.scenario import Scenario
from sim.planning.policies import check_model, check_shrinkage
from sim.planning.targets import Targets

COLUMNS = ("interval", "start", "group", "calls", "load_erlangs", "aht", "patience", "erlang", "paid",
           "service_level", "abandon_rate", "asa", "occupancy")
TARGET_FIELDS = {"service_level": "service_level", "abandon_rate": "max_abandon", "asa": "max_asa",
                 "occupancy": "max_occupancy"}  # Targets.shortfalls' names -> staffing.targets.* fields
_ROUNDING = 1e-9  # 7 / (1 - 0.3) is 10.000000000000002 in floating point: still 10 paid agents


@dataclass(frozen=True)
class Queue:
    """One group's pooled queue in one interval (rates per second, times in seconds)."""

    rate: float  # calls per second
    handle: float  # mean handle time (talk + wrap-up, at the group's speed); NaN without calls
    abandonment: float  # 1 / mean patience, arrival-weighted; 0: nobody abandons (Erlang C)

    @property
    def load(self) -> float:
        return self.rate * self.handle if self.rate > 0 else 0.0

    @property
    def patience(self) -> Optional[float]:
        return 1.0 / self.abandonment if self.abandonment > 0 else None


@dataclass(frozen=True)
class Requirements:
    """The requirements of every inbound group: ``table`` has one row per interval x group
    (columns ``COLUMNS``); ``headcounts`` maps a group to its agents on the phones per interval."""

    table: pd.DataFrame
    headcounts: Dict[str, Tuple[int, ...]]
    model: str
    shrinkage: float


def paid_agents(on_the_phones: int, shrinkage: float) -> int:
    """Agents to pay so that ``on_the_phones`` remain after ``shrinkage``: n / (1 - s), rounded up."""
    return int(math.ceil(on_the_phones / (1.0 - shrinkage) - _ROUNDING))


def inbound_groups(scenario: Scenario) -> List[int]:
    """The groups some call type routes to (the others only dial out and keep their staffing)."""
    return sorted({g for ct in scenario.call_types for g, _ in ct.route})


def pooled_queue(scenario: Scenario, group: int, interval: int, model: str) -> Queue:
    """The queue of ``group`` in ``interval``: the call types choosing it first, pooled (module docstring)."""
    rate = handle = abandonment = 0.0
    for ct in scenario.call_types:
        if ct.route[0][0] != group or ct.rates[interval] <= 0:
            continue
        lam = ct.rates[interval]
        work = ct.talk.mean + (ct.wrapup.mean if ct.wrapup is not None else 0.0)
        rate += lam
        handle += lam * work / scenario.groups[group].speed[ct.index]
        if model == "erlang_a" and ct.patience is not None:
            abandonment += lam / ct.patience.mean
    if rate == 0:
        return Queue(0.0, math.nan, 0.0)
    return Queue(rate, handle / rate, abandonment / rate)


def metrics(queue: Queue, agents: int, threshold: float) -> Optional[QueueMetrics]:
    """Erlang A (or C without abandonment) metrics; None where the formula has no steady state
    (Erlang C at or above its load, or an Erlang A queue too long to compute: both fail any target)."""
    if queue.abandonment == 0 and agents <= queue.load:
        return None
    try:
        return erlang_a_metrics(queue.rate, queue.handle, agents, queue.patience, threshold)
    except ValueError:
        return None


def _shortfalls(queue: Queue, agents: int, targets: Targets) -> Tuple[Optional[QueueMetrics], dict]:
    m = metrics(queue, agents, targets.threshold)
    if m is None:
        return None, {"service_level": math.inf}
    return m, targets.shortfalls(m.service_level, m.p_abandon, m.asa, m.occupancy)


def smallest_agents(queue: Queue, targets: Targets, where: str = "") -> Tuple[int, Optional[QueueMetrics]]:
    """The fewest agents meeting every target for ``queue`` and the metrics they give (0, None
    without calls). ConfigError naming the target when even MAX_AGENTS do not meet it."""
    if queue.rate == 0:
        return 0, None
    failing = math.floor(queue.load) if queue.abandonment == 0 else 0  # known to miss (or no agent)
    trial = min(failing + 1, MAX_AGENTS)
    while _shortfalls(queue, trial, targets)[1]:
        if trial >= MAX_AGENTS:
            m, missed = _shortfalls(queue, MAX_AGENTS, targets)
            name = next(iter(missed))
            got = (f" (the offered load is {queue.load:,.0f} erlangs)" if m is None
                   else f" (the formula gives {_describe(name, m)} with them)")
            raise ConfigError(f"staffing.targets.{TARGET_FIELDS[name]}",
                              f"cannot be met{where} with up to {MAX_AGENTS:,} agents{got}: relax it")
        failing, trial = trial, min(2 * trial, MAX_AGENTS)
    while trial - failing > 1:
        middle = (failing + trial) // 2
        if _shortfalls(queue, middle, targets)[1]:
            failing = middle
        else:
            trial = middle
    return trial, metrics(queue, trial, targets.threshold)


def _describe(name: str, m: QueueMetrics) -> str:
    value = {"service_level": m.service_level, "abandon_rate": m.p_abandon, "asa": m.asa, "occupancy": m.occupancy}[name]
    return f"{name} {value:.4g}"


def requirements(scenario: Scenario, targets: Targets, model: str = "erlang_a", shrinkage: float = 0.0) -> Requirements:
    """The requirement of every inbound group in every interval (one for a steady-state run)."""
    model, shrinkage = check_model(model), check_shrinkage(shrinkage)
    steady = scenario.horizon_kind == "steady_state"
    intervals = range(1 if steady else scenario.n_intervals)
    length = scenario.horizon_end if steady else scenario.interval_length
    solved: Dict[Queue, Tuple[int, Optional[QueueMetrics]]] = {}  # flat stretches of the day solved once
    groups = inbound_groups(scenario)
    rows, counts = [], {g: [] for g in groups}
    for j in intervals:
        for g in groups:
            name = scenario.groups[g].name
            queue = pooled_queue(scenario, g, j, model)
            if queue not in solved:
                solved[queue] = smallest_agents(queue, targets, f" for group {name} in interval {j} "
                                                                f"({interval_label(scenario, j)})")
            agents, m = solved[queue]
            counts[g].append(agents)
            rows.append({
                "interval": "all" if steady else j, "start": interval_label(scenario, j), "group": name,
                "calls": queue.rate * length, "load_erlangs": queue.load, "aht": queue.handle,
                "patience": queue.patience if queue.patience is not None else math.nan,
                "erlang": agents, "paid": paid_agents(agents, shrinkage),
                "service_level": m.service_level if m else math.nan, "abandon_rate": m.p_abandon if m else math.nan,
                "asa": m.asa if m else math.nan, "occupancy": m.occupancy if m else math.nan,
            })
    repeat = scenario.n_intervals if steady else 1  # steady state: the one requirement in every interval
    headcounts = {scenario.groups[g].name: tuple(counts[g] * repeat) for g in groups}
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs.update({"policy": "erlang", "model": model, "shrinkage": shrinkage,
                        "interval_hours": length / 3600.0, "steady_state": steady})
    return Requirements(table, headcounts, model, shrinkage)
