"""Typed configuration schema for callsim, registered with Hydra's ConfigStore.

These dataclasses describe what a user may write in YAML or on the command line. They only
type-check; the rules that span fields (a call type no group can serve, shifts outside the day,
a volume table of the wrong length, ...) are checked in :mod:`sim.model.scenario`, which turns a
config into a validated, frozen :class:`~sim.model.scenario.Scenario`.

Units: times are seconds unless a field name says otherwise (``*_minutes``, ``*_hours``);
clock times of day are ``"HH:MM"`` strings; arrival rates are calls per hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING


@dataclass
class DistributionConfig:
    """A duration distribution (talk time, wrap-up, patience).

    kind: exponential (mean) | lognormal (mean, cv) | gamma (mean, cv) | weibull (mean, cv)
          | deterministic (mean) | uniform (low, high)
          | empirical (values, or file + column of a CSV: resampled with equal weights)
    """

    kind: str = "exponential"
    mean: Optional[float] = None
    cv: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    values: Optional[List[float]] = None
    file: Optional[str] = None
    column: Optional[str] = None


@dataclass
class RouteStepConfig:
    """One group a call type may be served by, in preference order.

    delay: seconds the call must have waited before this group becomes eligible (overflow).
    """

    group: str = MISSING
    delay: float = 0.0


@dataclass
class CallTypeConfig:
    """A call type (a queue): its arrivals, durations, priority and routing.

    Give exactly one of ``arrival_rate`` (calls per hour, constant over the run) or ``volumes``
    (expected calls in each interval of the day: piecewise-constant Poisson arrivals).
    ``volume_scale`` multiplies either (what-if: ``...volume_scale=1.2`` is 20 % more calls).
    ``priority``: when an agent frees up, it takes the eligible call type with the highest
    priority number first; equal priorities go to the longest-waiting call.
    ``patience``: time a caller waits before hanging up; null means callers never abandon.
    ``head_start``: seconds added to this type's waiting time when a freed agent chooses among
    the call types it serves (only with ``routing.call_selection: priority_head_start``).
    """

    arrival_rate: Optional[float] = None
    volumes: Optional[List[float]] = None
    volume_scale: float = 1.0
    talk_time: DistributionConfig = field(default_factory=DistributionConfig)
    wrapup_time: Optional[DistributionConfig] = None
    patience: Optional[DistributionConfig] = None
    priority: int = 0
    head_start: float = 0.0
    route: List[RouteStepConfig] = field(default_factory=list)


@dataclass
class ShiftConfig:
    """``count`` agents on duty from ``start`` to ``end`` (clock times "HH:MM")."""

    start: str = MISSING
    end: str = MISSING
    count: int = MISSING


@dataclass
class GroupConfig:
    """An agent group. Staff it with exactly one of: ``headcount`` (fixed for the whole run),
    ``headcount_per_interval`` (one count per interval) or ``shifts`` (named shifts; empty: none).

    speed: per call type name, a factor dividing that type's talk and wrap-up time when served
    by this group (1.25 = 25 % faster; default 1). cost_per_hour: paid cost of one agent-hour.
    """

    headcount: Optional[int] = None
    headcount_per_interval: Optional[List[int]] = None
    shifts: Optional[Dict[str, ShiftConfig]] = field(default_factory=dict)  # empty: not staffed by shifts
    speed: Dict[str, float] = field(default_factory=dict)
    cost_per_hour: float = 0.0


@dataclass
class HorizonConfig:
    """What is simulated.

    kind: ``day`` (``intervals`` x ``interval_minutes`` starting at clock time ``day_start``)
    or ``steady_state`` (``warmup_hours`` then ``hours`` measured; reports per interval too).
    Calls arrive only inside the horizon; calls still in the system at its end are finished by
    the agents on duty at the end (they stay until the queue is empty).
    """

    kind: str = "day"
    interval_minutes: float = 30.0
    intervals: int = 48
    day_start: str = "00:00"
    hours: float = 100.0
    warmup_hours: float = 0.0


@dataclass
class KpiConfig:
    """How KPIs are computed and what they are compared with.

    sl_variant: ``offered`` (answered within T / offered), ``answered`` (answered within T /
    answered) or ``answered_and_late_abandoned`` (answered within T / (answered + abandoned
    after waiting more than T)).
    short_abandon: abandons after waiting less than this many seconds are counted apart and not
    offered.
    """

    sl_threshold: float = 20.0
    sl_variant: str = "offered"
    sl_target: float = 0.80
    abandon_target: float = 0.05
    short_abandon: float = 5.0


@dataclass
class RoutingConfig:
    """The routing policies (see sim/policies/).

    call_selection: which waiting call a freed agent takes: ``priority_fifo`` (highest priority,
    then longest waiting) or ``priority_head_start`` (the same, each call type's waiting time
    counted with its ``head_start`` added).
    agent_selection: which idle agent answers a call: ``route_order`` (the first group of the
    route with an idle agent) or ``least_skilled`` (the eligible group serving the fewest call
    types); within a group, its longest-idle agent.
    """

    call_selection: str = "priority_fifo"
    agent_selection: str = "route_order"


@dataclass
class ScenarioConfig:
    """A whole call center: horizon, call types, agent groups, trunks, routing policies, KPI settings."""

    name: str = MISSING
    description: str = ""
    horizon: HorizonConfig = field(default_factory=HorizonConfig)
    call_types: Dict[str, CallTypeConfig] = field(default_factory=dict)
    groups: Dict[str, GroupConfig] = field(default_factory=dict)
    trunks: Optional[int] = None
    busyness_cv: float = 0.0
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    kpi: KpiConfig = field(default_factory=KpiConfig)


@dataclass
class OutputConfig:
    """What a run writes to its directory."""

    calls: bool = True  # per-call records (calls.parquet); false: KPIs from streaming tallies, flat memory
    calls_format: str = "parquet"
    plots: bool = True


@dataclass
class PrecisionConfig:
    """Sequential stopping: with ``kpi`` and ``half_width`` set, replications are added one at a
    time (after the first ``replications``) until the KPI's confidence half-width on summary row
    ``call_type`` is at most ``half_width`` (a fraction for service_level / abandon_rate, seconds
    for asa), or ``max_replications`` have run."""

    kpi: Optional[str] = None
    half_width: Optional[float] = None
    call_type: str = "total"
    max_replications: int = 1000


@dataclass
class ExperimentConfig:
    """How confidence intervals are obtained.

    method: ``replications`` (independent replications, ``replications`` of them) or
    ``batch_means`` (steady-state scenarios: one run, its measured time cut into ``batches``).
    crn: common random numbers: alternatives in a sweep see the same calls (same seeds);
    false mixes a fingerprint of each alternative's scenario into its seeds.
    """

    method: str = "replications"
    crn: bool = True
    confidence: float = 0.95
    batches: int = 20
    precision: PrecisionConfig = field(default_factory=PrecisionConfig)


@dataclass
class AppConfig:
    """The ``callsim`` command: a scenario plus run settings.

    ``replications``: independent replications; KPIs are then means with confidence intervals
    (see ``experiment``). ``sweep``: a multirun (``-m``) writes to results/sweeps/<sweep>/, one
    directory per parameter combination; rerunning the same sweep skips the complete ones.

    The short keys ``rate`` (calls/hour), ``aht`` (mean talk time, s), ``patience`` (mean
    patience in s, or ``none`` for no abandonment), ``agents`` and ``trunks`` override a
    single-queue scenario (one call type, one group); null leaves the scenario as written.
    """

    scenario: ScenarioConfig = MISSING
    seed: int = 1
    engine: str = "auto"
    replications: int = 1
    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    progress: Optional[bool] = None  # progress bars; null: only when stderr is a terminal
    sweep: str = "sweep"  # name of a multirun's directory under results/sweeps/
    output: OutputConfig = field(default_factory=OutputConfig)
    rate: Optional[float] = None
    aht: Optional[float] = None
    patience: Optional[Any] = None
    agents: Optional[int] = None
    trunks: Optional[int] = None


def register_configs() -> None:
    """Register the schemas so YAML files are validated against them."""
    cs = ConfigStore.instance()
    cs.store(name="app_schema", node=AppConfig)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig)
