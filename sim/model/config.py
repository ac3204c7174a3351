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

from sim.model.distribution_config import DistributionConfig  # noqa: F401 (re-exported)
from sim.model.callback_config import CallbackConfig
from sim.model.ivr_config import IvrConfig
from sim.model.redial_config import RedialConfig
from sim.model.transfer_config import TransferConfig
from sim.model.staffing_config import PlanConfig, StaffingConfig, StaffingTargetsConfig  # noqa: F401 (re-exported)


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
    revenue: float = 0.0  # earned per answered call of this type (sales); see CostsConfig
    ivr: Optional[IvrConfig] = None  # a self-service menu before the queue (sim.model.ivr_config)
    redial: Optional[RedialConfig] = None  # callers who do not get through call again (sim.model.redial_config)
    transfer: Optional[TransferConfig] = None  # transfers / escalation after talk (sim.model.transfer_config)
    callback: Optional[CallbackConfig] = None  # callbacks / virtual hold (sim.model.callback_config)


@dataclass
class BreakConfig:
    """A break (or lunch) each agent of a shift takes: exactly one of ``start`` (a clock time) or
    ``window`` ([earliest, latest] clock start times: agent k of n starts at earliest + (latest -
    earliest) k / (n - 1), to the nearest minute). Taken in full after the call in hand."""

    name: str = "break"
    minutes: float = MISSING
    start: Optional[str] = None
    window: Optional[List[str]] = None
    paid: bool = True


@dataclass
class ShiftConfig:
    """``count`` agents on duty from ``start`` to ``end`` (clock times "HH:MM"), off the phones
    during their ``breaks`` (inside the shift, not overlapping each other)."""

    start: str = MISSING
    end: str = MISSING
    count: int = MISSING
    breaks: List[BreakConfig] = field(default_factory=list)


@dataclass
class ActivityConfig:
    """``agents`` of the group (on the phones for the whole block, lowest numbers first) in a
    ``kind`` (meeting | training | coaching) from ``start`` to ``end``; it ends on time."""

    kind: str = "meeting"
    start: str = MISSING
    end: str = MISSING
    agents: int = MISSING
    paid: bool = True


@dataclass
class GroupConfig:
    """An agent group. Staff it with exactly one of: ``headcount`` (fixed for the whole run),
    ``headcount_per_interval`` (one count per interval) or ``shifts`` (named shifts; empty: none).

    speed: per call type name, a factor dividing that type's talk and wrap-up time when served
    by this group (1.25 = 25 % faster; default 1). cost_per_hour: paid cost of one agent-hour.
    Shrinkage (sim.model.shrinkage, sim.agents.shrinkage): ``activities`` (named off-phone
    blocks), ``absenteeism`` (probability an agent does not come that day, drawn per
    replication) and ``adherence`` (share of its scheduled time an agent is where the plan says).
    """

    headcount: Optional[int] = None
    headcount_per_interval: Optional[List[int]] = None
    shifts: Optional[Dict[str, ShiftConfig]] = field(default_factory=dict)  # empty: not staffed by shifts
    speed: Dict[str, float] = field(default_factory=dict)
    cost_per_hour: float = 0.0
    activities: Dict[str, ActivityConfig] = field(default_factory=dict)
    absenteeism: float = 0.0
    adherence: float = 1.0


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


def _seconds(kind: str, mean: float):
    return field(default_factory=lambda: DistributionConfig(kind=kind, mean=mean))


@dataclass
class DialOutcomesConfig:
    """What a dial attempt reaches: probabilities summing to 1, each a number or one value per
    interval of the day (the interval of the dial). A live answer (right party, wrong party) is
    put through to an agent; busy, no answer and answering machine are retried (see retry)."""

    right_party: Any = 0.30
    wrong_party: Any = 0.05
    busy: Any = 0.10
    no_answer: Any = 0.40
    machine: Any = 0.15


@dataclass
class RetryConfig:
    """When a record is dialled again: at most ``max_attempts`` attempts in all; a record whose
    attempt was busy / not answered / reached a machine comes due again after the delay of that
    result (minutes; null: never again). ``nuisance_minutes``: after a live answer dropped
    because no agent was free (null: never re-dial a record whose call was abandoned)."""

    max_attempts: int = 3
    busy_minutes: Optional[float] = 15.0
    no_answer_minutes: Optional[float] = 60.0
    machine_minutes: Optional[float] = 120.0
    nuisance_minutes: Optional[float] = None


@dataclass
class DiallerConfig:
    """How the campaign dials (sim/policies/dialling.py).

    mode: ``preview`` (a free agent takes a record and dials it, busy while it rings),
    ``progressive`` (``calls_per_agent`` lines per free agent) or ``predictive`` (dials ahead on
    the rolling contact-rate estimate so that a share ``target_connect`` of live answers finds a
    free agent, at most ``max_calls_per_agent`` lines per free agent; while the rolling nuisance
    rate is above ``nuisance_cap`` it dials one line per free agent).
    A live answer that finds no free agent waits ``nuisance_wait`` seconds (the "2-second
    rule"), then is dropped: a nuisance call. The nuisance rate (dropped / live answers) is
    reported against ``nuisance_cap``; the rolling rates and estimate use the last
    ``nuisance_window`` live answers and the last ``estimate_window`` resolved attempts (before
    that, the estimate is completed with ``initial_contact_rate``).
    """

    mode: str = "progressive"
    calls_per_agent: int = 1
    target_connect: float = 0.97
    max_calls_per_agent: int = 4
    initial_contact_rate: float = 0.35
    estimate_window: int = 100
    nuisance_wait: float = 2.0
    nuisance_cap: float = 0.03
    nuisance_window: int = 100


@dataclass
class CampaignConfig:
    """An outbound campaign: a contact list dialled for the ``groups`` that work it.

    list_size: records in the list (null: unlimited). Dialling happens in the intervals that are
    on: from ``dial_from`` to ``dial_until`` (clock times on the interval grid, inside the
    horizon, read past midnight as shifts' are; null: the horizon's start / end) and, if given,
    where ``dial_intervals`` (one 0/1 per interval) is 1; never after the horizon.
    ring_time: from the dial to a live answer, busy signal or machine (null: 0 s);
    no_answer_time: ringing until the dialler gives up on an unanswered call.
    talk_time / wrong_party_time: conversation of a right-party contact / a wrong party;
    wrapup_time: after either (null: none).
    A group works at most one campaign; a campaign's group that also serves inbound call types
    is *blended* (see ``blending``), one that serves none is a dedicated outbound group.
    """

    groups: List[str] = field(default_factory=list)
    list_size: Optional[int] = None
    dial_from: Optional[str] = None
    dial_until: Optional[str] = None
    dial_intervals: Optional[List[int]] = None
    dialler: DiallerConfig = field(default_factory=DiallerConfig)
    outcomes: DialOutcomesConfig = field(default_factory=DialOutcomesConfig)
    ring_time: Optional[DistributionConfig] = _seconds("deterministic", 12.0)
    no_answer_time: DistributionConfig = _seconds("deterministic", 25.0)
    talk_time: DistributionConfig = _seconds("exponential", 240.0)
    wrong_party_time: DistributionConfig = _seconds("deterministic", 20.0)
    wrapup_time: Optional[DistributionConfig] = None
    retry: RetryConfig = field(default_factory=RetryConfig)


@dataclass
class BlendingConfig:
    """How blended agents (a campaign's groups that also serve inbound call types) share their
    time (sim/policies/blending.py). Inbound always comes first: an idle blended agent is lent
    to a campaign only while more than ``threshold`` agents of the campaign's blended groups are
    idle (the reservation threshold), and, by ``policy``:
    ``threshold`` (no more), ``threshold_no_queue`` (also only while no inbound call of a type
    they serve is waiting), ``threshold_sl_floor`` (also only while the service level of those
    call types in the last interval was at least ``sl_floor``)."""

    policy: str = "threshold"
    threshold: int = 0
    sl_floor: Optional[float] = None


@dataclass
class CostsConfig:
    """What a day costs beside the agents' wages (``groups.<g>.cost_per_hour`` on paid hours).

    telephony_per_minute: per minute a caller is on the line (waiting in queue, then talking; the
    wrap-up comes after the call). abandon_penalty: per abandoned call (goodwill, lost business).
    Revenue per answered call is set per call type (``call_types.<t>.revenue``).
    """

    telephony_per_minute: float = 0.0
    abandon_penalty: float = 0.0


@dataclass
class ScenarioConfig:
    """A whole call center: horizon, call types, agent groups, trunks, routing policies, KPI settings,
    outbound campaigns and the blending policy."""

    name: str = MISSING
    description: str = ""
    horizon: HorizonConfig = field(default_factory=HorizonConfig)
    call_types: Dict[str, CallTypeConfig] = field(default_factory=dict)
    groups: Dict[str, GroupConfig] = field(default_factory=dict)
    trunks: Optional[int] = None
    ivr_ports: Optional[int] = None  # calls in the IVR menus at once (null: no limit); beyond: blocked
    transfer_max_legs: Optional[int] = None  # most legs a caller may have (sim.model.transfers)
    busyness_cv: float = 0.0
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    kpi: KpiConfig = field(default_factory=KpiConfig)
    campaigns: Dict[str, CampaignConfig] = field(default_factory=dict)
    blending: BlendingConfig = field(default_factory=BlendingConfig)
    costs: CostsConfig = field(default_factory=CostsConfig)


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
    ``threshold`` (the blending reservation threshold) and ``outbound_aht`` (mean outbound talk
    time, s) add to it the outbound campaign of the Markov blending model
    (:mod:`sim.model.short_overrides`; defaults when one is given: 0, the inbound mean talk time).
    """

    scenario: ScenarioConfig = MISSING
    seed: int = 1
    engine: str = "auto"
    replications: int = 1
    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    progress: Optional[bool] = None  # progress bars; null: only when stderr is a terminal
    sweep: str = "sweep"  # name of a multirun's directory under results/sweeps/
    output: OutputConfig = field(default_factory=OutputConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    task: str = "run"  # run (simulate the scenario) | plan (requirements, a roster, its verification)
    plan: PlanConfig = field(default_factory=PlanConfig)
    rate: Optional[float] = None
    aht: Optional[float] = None
    patience: Optional[Any] = None
    agents: Optional[int] = None
    trunks: Optional[int] = None
    threshold: Optional[int] = None
    outbound_aht: Optional[float] = None


def register_configs() -> None:
    """Register the schemas so YAML files are validated against them."""
    cs = ConfigStore.instance()
    cs.store(name="app_schema", node=AppConfig)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig)
