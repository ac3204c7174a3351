"""Turn a scenario config into a validated, frozen :class:`Scenario`.

Accepts a Hydra/OmegaConf node, a :class:`~sim.model.config.ScenarioConfig` or a plain dict. Every
problem raises :class:`~sim.errors.ConfigError` naming the field (``call_types.sales.volumes``)
and, where it helps, the allowed values. Nothing downstream of this module knows about Hydra.

Time in a Scenario is seconds from the start of the horizon. Staffing of every kind (fixed
headcount, per-interval table, shifts) becomes one list of on-duty spells per agent; a spell that
reaches the end of the horizon is open-ended, so the agents on duty at closing time clear the
queue before going home.
"""

from __future__ import annotations

import math
import dataclasses
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np

from sim.core import protocol
from sim.model import bounds
from sim.model.bounds import DAY, in_range, whole_in_range
from sim.model.campaigns import Blending, Campaign, build_blending, build_campaigns
from sim.model.costs import Costs, build_costs
from sim.model.config import ScenarioConfig
from sim.model.schema import conform_node
from sim.model import shrinkage
from sim.model.callbacks import Callback, build_callback
from sim.model.ivr import Ivr, build_ivr, build_ports
from sim.model.redials import Redial, build_redial
from sim.model.transfers import Transfer, build_max_legs, with_transfers
from sim.model.distributions import Distribution, parse_distribution
from sim.policies import staffing as staffing_policy
from sim.policies.registry import policy_code
from sim.errors import ConfigError

HORIZON_KINDS = ("day", "steady_state")
SL_VARIANTS = ("offered", "answered", "answered_and_late_abandoned")
MAX_ROUTE_STEPS = protocol.MAX_ROUTE_STEPS  # an overflow timer encodes the route step in ROUTE_BITS bits
INFINITY = math.inf


@dataclass(frozen=True)
class CallType:
    index: int
    name: str
    rates: Tuple[float, ...]  # arrival rate (calls per second) in each interval
    talk: Distribution
    wrapup: Optional[Distribution]
    patience: Optional[Distribution]
    priority: int
    route: Tuple[Tuple[int, float], ...]  # (group index, overflow delay in s), preference order
    head_start: float = 0.0  # s added to the waiting time in call selection (priority_head_start)
    ivr: Optional[Ivr] = None  # a self-service menu before the queue (sim.model.ivr)
    redial: Optional[Redial] = None  # its callers who do not get through call again (sim.model.redials)
    transfer: Optional[Transfer] = None  # transfers / escalation after talk (sim.model.transfers)
    callback: Optional[Callback] = None  # callbacks offered above a predicted wait (sim.model.callbacks)


@dataclass(frozen=True)
class Group:
    index: int
    name: str
    speed: Tuple[float, ...]  # per call type index; divides talk and wrap-up time
    cost_per_hour: float
    spells: Tuple[Tuple[Tuple[float, float], ...], ...]  # per agent: ((start, end), ...) on the phones
    # shrinkage (sim.model.shrinkage, sim.agents.shrinkage): per agent, the rest before each spell
    # (() : none) and its paid time as (start, end) intervals (() : its spells); per replication,
    # the probability an agent is absent all day and the share of scheduled time in adherence
    rests: Tuple[Tuple[float, ...], ...] = ()
    paid: Tuple[Tuple[Tuple[float, float], ...], ...] = ()
    absenteeism: float = 0.0
    adherence: float = 1.0

    def agent_rests(self, a: int) -> Tuple[float, ...]:
        """The rest before each of agent a's spells (0: none)."""
        return self.rests[a] if self.rests else (0.0,) * len(self.spells[a])

    def agent_paid(self, a: int):
        """Agent a's paid time as rostered, (start, end) intervals (end inf: until it leaves)."""
        return self.paid[a] if self.paid else self.spells[a]


@dataclass(frozen=True)
class KpiSettings:
    sl_threshold: float
    sl_variant: str
    sl_target: float
    abandon_target: float
    short_abandon: float


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    horizon_kind: str
    interval_length: float  # seconds
    n_intervals: int
    horizon_end: float  # arrivals stop here
    warmup: float  # KPIs count calls arriving at or after this time
    day_start: float  # clock time (s after midnight) of time 0, for labels
    call_types: Tuple[CallType, ...]
    groups: Tuple[Group, ...]
    trunks: Optional[int]
    busyness_cv: float
    kpi: KpiSettings
    call_selection: str = "priority_fifo"  # policy names (sim.policies)
    agent_selection: str = "route_order"
    campaigns: Tuple[Campaign, ...] = ()  # outbound campaigns (sim.model.campaigns)
    blending: Blending = Blending()
    costs: Costs = Costs()  # telephony, abandonment penalty, revenue (sim.model.costs)
    ivr_ports: Optional[int] = None  # calls in IVR menus at once (None: unlimited; sim.model.ivr)
    transfer_max_legs: Optional[int] = None  # most legs a caller may have (None: no transfers; sim.model.transfers)

    @property
    def n_agents(self) -> int:
        return sum(len(g.spells) for g in self.groups)

    def interval_starts(self) -> np.ndarray:
        return np.arange(self.n_intervals) * self.interval_length

    def interval_ends(self) -> np.ndarray:
        return np.minimum(self.interval_starts() + self.interval_length, self.horizon_end)

    def arrival_interval(self, arrival: np.ndarray) -> np.ndarray:
        """Interval of each arrival time: floor(arrival / length), the last one taking the end.

        The fast engine's tallies use the very same arithmetic (IEEE division, truncation)."""
        return np.minimum((np.asarray(arrival, float) / self.interval_length).astype(np.int64), self.n_intervals - 1)


def build_scenario(cfg) -> Scenario:
    """Validate ``cfg`` and return the frozen Scenario (a Scenario passes through unchanged)."""
    if isinstance(cfg, Scenario):
        return cfg
    node = _typed(cfg)
    _check_name(node.name)
    horizon = _horizon(node.horizon)
    kind, length, n, end, warmup, day_start = horizon
    if not node.call_types:
        raise ConfigError("call_types", "a scenario needs at least one call type")
    if not node.groups:
        raise ConfigError("groups", "a scenario needs at least one agent group")
    type_names = list(node.call_types.keys())
    group_names = list(node.groups.keys())
    groups = tuple(
        _group(i, name, node.groups[name], type_names, horizon) for i, name in enumerate(group_names)
    )
    call_types = tuple(
        dataclasses.replace(_call_type(i, name, node.call_types[name], group_names, horizon),
                            ivr=build_ivr(node.call_types[name].ivr, f"call_types.{name}", i, type_names),
                            redial=build_redial(node.call_types[name].redial, f"call_types.{name}"),
                            callback=build_callback(node.call_types[name].callback, f"call_types.{name}"))
        for i, name in enumerate(type_names)
    )
    call_types = with_transfers(call_types, node.call_types, type_names, groups)
    _check_servable(call_types, groups)
    inbound = [False] * len(groups)
    for ct in call_types:
        for g, _ in ct.route:
            inbound[g] = True
    campaigns = build_campaigns(node.campaigns, group_names, inbound, horizon, parse_clock)
    _check_staffed(campaigns, groups)
    n_agents = sum(len(g.spells) for g in groups)
    if n_agents > bounds.MAX_AGENTS:
        raise ConfigError("groups", f"{n_agents:,} agents in all: must be between 0 and {bounds.MAX_AGENTS:,}")
    trunks = node.trunks
    if trunks is not None:  # null: no limit
        trunks = whole_in_range(trunks, "trunks", 1, bounds.MAX_TRUNKS)
    in_range(node.busyness_cv, "busyness_cv", 0.0, bounds.MAX_BUSYNESS_CV)
    return Scenario(
        name=node.name,
        description=node.description,
        horizon_kind=kind,
        interval_length=length,
        n_intervals=n,
        horizon_end=end,
        warmup=warmup,
        day_start=day_start,
        call_types=call_types,
        groups=groups,
        trunks=trunks,
        busyness_cv=float(node.busyness_cv),
        kpi=_kpi(node.kpi),
        **_routing(node.routing, call_types),
        campaigns=campaigns,
        blending=build_blending(node.blending, campaigns),
        costs=build_costs(node.costs, node.call_types),
        ivr_ports=build_ports(node.ivr_ports, call_types),
        transfer_max_legs=build_max_legs(node.transfer_max_legs, call_types),
    )


def _plain(value):
    """Numpy numbers and arrays in a dict scenario as plain Python values (the schema check takes plain values)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def _typed(cfg) -> ScenarioConfig:
    """The config as the schema's dataclasses: wrong keys and wrong types fail with the key named."""
    return conform_node(_plain(cfg) if isinstance(cfg, dict) else cfg, ScenarioConfig)


def parse_clock(text, where: str) -> float:
    """'HH:MM' or 'HH:MM:SS' (hours may exceed 23 for a night past midnight) to seconds."""
    parts = str(text).split(":")
    valid = 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts)
    if valid and all(int(p) < 60 for p in parts[1:]) and int(parts[0]) < 1000:
        return sum(int(p) * unit for p, unit in zip(parts, (3600.0, 60.0, 1.0)))
    if str(text).isdigit() and not isinstance(text, bool):
        # YAML 1.1 reads an unquoted 13:00 as the base-60 number 780: say exactly what to write.
        minutes = int(text)
        raise ConfigError(where, f"not a clock time: {text!r}; YAML reads an unquoted {minutes // 60}:{minutes % 60:02d} "
                                 f"as the number {minutes}: quote it, \"{minutes // 60:02d}:{minutes % 60:02d}\"")
    raise ConfigError(where, f"not a clock time: {text!r} (write it as 'HH:MM', e.g. '07:30')")


def _check_name(name) -> None:
    """The scenario's name names its results directory."""
    if not name or "/" in name or "\\" in name or "\0" in name or name in (".", ".."):
        raise ConfigError("name", f"must be a non-empty name without '/', got {name!r} (it names the results directory)")


def _horizon(h) -> tuple:
    if h.kind not in HORIZON_KINDS:
        raise ConfigError("horizon.kind", f"unknown horizon kind {h.kind!r}", allowed=HORIZON_KINDS)
    minutes = in_range(h.interval_minutes, "horizon.interval_minutes", bounds.MIN_INTERVAL_MINUTES,
                       bounds.MAX_HOURS * 60, " minutes", low_text="1/60 (one second)")
    length = minutes * 60.0
    day_start = parse_clock(h.day_start, "horizon.day_start")
    n = whole_in_range(h.intervals, "horizon.intervals", 1, bounds.MAX_INTERVALS)
    if h.kind == "day" and n * minutes > bounds.MAX_HOURS * 60:
        raise ConfigError("horizon.intervals", f"{n:,} intervals of {minutes:g} minutes last {n * minutes / 60:g} hours: "
                                               f"the horizon must be between 0 and {bounds.MAX_HOURS:g} hours")
    hours = in_range(h.hours, "horizon.hours", bounds.MIN_HOURS, bounds.MAX_HOURS, " hours")  # checked in a day too
    warmup = in_range(h.warmup_hours, "horizon.warmup_hours", 0.0, bounds.MAX_HOURS, " hours") * 3600.0
    if h.kind == "day":
        return "day", length, n, length * n, 0.0, day_start
    end = warmup + hours * 3600.0
    n = int(math.ceil(end / length - 1e-9))
    if n > bounds.MAX_INTERVALS:
        raise ConfigError("horizon.interval_minutes", f"{end / 3600:g} hours in intervals of {minutes:g} minutes make "
                                                      f"{n:,} intervals: the run must have between 1 and "
                                                      f"{bounds.MAX_INTERVALS:,}; lengthen the interval")
    return "steady_state", length, n, end, warmup, day_start


def _call_type(index, name, c, group_names, horizon) -> CallType:
    kind, length, n, end, _, _ = horizon
    where = f"call_types.{name}"
    if (c.arrival_rate is None) == (c.volumes is None):
        raise ConfigError(where, "give exactly one of arrival_rate (calls per hour) or volumes (calls per interval)")
    scale = in_range(c.volume_scale, f"{where}.volume_scale", 0.0, bounds.MAX_VOLUME_SCALE)
    top = bounds.MAX_RATE_PER_HOUR
    if c.arrival_rate is not None:
        rates = [in_range(c.arrival_rate, f"{where}.arrival_rate", 0.0, top, " calls per hour") / 3600.0] * n
    else:
        if kind != "day":
            raise ConfigError(f"{where}.volumes", "per-interval volumes need horizon.kind=day; use arrival_rate in a steady-state run")
        if len(c.volumes) != n:
            raise ConfigError(f"{where}.volumes", f"has {len(c.volumes)} values but the day has {n} intervals (horizon.intervals)")
        most = top * length / 3600.0
        rates = [in_range(v, f"{where}.volumes[{j}]", 0.0, most, f" calls ({top:g} per hour)") / length
                 for j, v in enumerate(c.volumes)]
    rates = tuple(r * scale for r in rates)
    if rates and max(rates) * 3600.0 > top:
        raise ConfigError(f"{where}.volume_scale", f"scales the arrival rate to {max(rates) * 3600.0:g} calls per hour: "
                                                   f"it must be between 0 and {top:g}")
    if not c.route:
        raise ConfigError(f"{where}.route", "lists no group: no agent could serve this call type", allowed=group_names)
    if len(c.route) > MAX_ROUTE_STEPS:
        raise ConfigError(f"{where}.route", f"at most {MAX_ROUTE_STEPS} groups")
    route, seen, index_of = [], set(), {g: i for i, g in enumerate(group_names)}
    for j, step in enumerate(c.route):
        if step.group not in index_of:
            raise ConfigError(f"{where}.route[{j}].group", f"unknown group {step.group!r}", allowed=group_names)
        if step.group in seen:
            raise ConfigError(f"{where}.route[{j}].group", f"group {step.group!r} is listed twice")
        delay = bounds.duration(step.delay, f"{where}.route[{j}].delay")
        seen.add(step.group)
        route.append((index_of[step.group], delay))
    return CallType(
        index=index,
        name=name,
        rates=rates,
        talk=parse_distribution(_mapping(c.talk_time), f"{where}.talk_time"),
        wrapup=None if c.wrapup_time is None else parse_distribution(_mapping(c.wrapup_time), f"{where}.wrapup_time"),
        patience=None if c.patience is None else parse_distribution(_mapping(c.patience), f"{where}.patience"),
        priority=whole_in_range(c.priority, f"{where}.priority", -bounds.MAX_PRIORITY, bounds.MAX_PRIORITY),
        route=tuple(route),
        head_start=in_range(c.head_start, f"{where}.head_start", -DAY, DAY, " s (a day)"),
    )


def _mapping(distribution) -> dict:
    return dataclasses.asdict(distribution)


def _group(index, name, g, type_names, horizon) -> Group:
    where = f"groups.{name}"
    given = [k for k in ("headcount", "headcount_per_interval", "shifts") if getattr(g, k) is not None and
             not (k == "shifts" and len(g.shifts) == 0)]  # no shifts: {} (the default, so + can add some)
    if len(given) != 1:
        raise ConfigError(where, "staff it with exactly one of headcount, headcount_per_interval or shifts",
                          allowed=("headcount", "headcount_per_interval", "shifts"))
    for type_name, factor in g.speed.items():
        if type_name not in type_names:
            raise ConfigError(f"{where}.speed.{type_name}", "unknown call type", allowed=type_names)
        in_range(factor, f"{where}.speed.{type_name}", *bounds.SPEED)
    in_range(g.cost_per_hour, f"{where}.cost_per_hour", 0.0, bounds.MAX_COST_PER_HOUR)
    speed = tuple(float(g.speed.get(t, 1.0)) for t in type_names)
    absenteeism = in_range(g.absenteeism, f"{where}.absenteeism", 0.0, 1.0, " (a probability)")
    adherence = in_range(g.adherence, f"{where}.adherence", 0.0, 1.0, " (a share of scheduled time)",
                         low_text="0 (excluded)")
    if adherence <= 0:
        raise ConfigError(f"{where}.adherence", f"must be more than 0 and at most 1, got {g.adherence!r}")
    breaks = []
    spells = _spells(where, given[0], g, horizon, breaks)
    if not breaks and not g.activities:
        return Group(index, name, speed, float(g.cost_per_hour), spells, absenteeism=absenteeism, adherence=adherence)
    day_start, end = horizon[5], horizon[3]
    plan = shrinkage.plan(spells, breaks, g.activities, day_start, end, parse_clock, shift_times, where)
    return Group(index, name, speed, float(g.cost_per_hour), plan.spells, plan.rests, plan.paid, absenteeism, adherence)


def _spells(where, staffing, g, horizon, breaks: list):
    """On-duty spells per agent, from the group's staffing policy (see sim.policies.staffing);
    a shift's breaks are appended to ``breaks`` (one list of gaps per agent, when any shift has some)."""
    kind, length, n, end, _, day_start = horizon
    if staffing == "headcount":
        return staffing_policy.fixed(g.headcount, where)
    if staffing == "headcount_per_interval":
        if len(g.headcount_per_interval) != n:
            raise ConfigError(f"{where}.headcount_per_interval",
                              f"has {len(g.headcount_per_interval)} values but the run has {n} intervals")
        return staffing_policy.per_interval(g.headcount_per_interval, length, end, where)
    named, gaps = [], []
    for shift_name, s in g.shifts.items():
        at = f"{where}.shifts.{shift_name}"
        start, stop = shift_times(parse_clock(s.start, f"{at}.start"), parse_clock(s.end, f"{at}.end"), day_start, end)
        if not 0 <= start < stop <= end + 1e-9:
            read = f" (read as {_clock(day_start + start)}-{_clock(day_start + stop)})" if stop > start else ""
            raise ConfigError(at, f"shift {s.start}-{s.end}{read} must lie inside the horizon and end after it starts "
                                  f"(horizon: {_clock(day_start)} to {_clock(day_start + end)})")
        named.append((shift_name, start, stop, s.count))
        count = whole_in_range(s.count, f"{at}.count", 0, bounds.MAX_AGENTS)
        gaps.extend(shrinkage.shift_breaks(s.breaks, (start, stop), count, day_start, parse_clock, at))
    if any(gaps):
        breaks.extend(gaps)
    return staffing_policy.shifts(named, end, where)


def shift_times(start: float, stop: float, day_start: float, horizon_end: float) -> Tuple[float, float]:
    """A shift's clock times (s after midnight) as times from the horizon's start.

    Past midnight: an end at or before the start is on the next day (22:00-02:00 is 22:00-26:00),
    and when the horizon runs past midnight, a start before the day's start is on the next day
    (a horizon from 20:00: 01:00-05:00 is 25:00-29:00)."""
    if stop <= start:
        stop += DAY
    if start < day_start and day_start + horizon_end > DAY:
        start, stop = start + DAY, stop + DAY
    return start - day_start, stop - day_start


def _clock(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_servable(call_types, groups) -> None:
    for ct in call_types:
        if sum(ct.rates) > 0 and not any(groups[g].spells for g, _ in ct.route):
            names = [groups[g].name for g, _ in ct.route]
            raise ConfigError(f"call_types.{ct.name}.route", f"no agent of {names} is ever on duty, so no call of this type could be served")


def _check_staffed(campaigns, groups) -> None:
    for c in campaigns:
        if c.list_size != 0 and any(c.dial_open) and not any(groups[g].spells for g in c.groups):
            names = [groups[g].name for g in c.groups]
            raise ConfigError(f"campaigns.{c.name}.groups", f"no agent of {names} is ever on duty, so nobody "
                                                            "would work this campaign")


def _routing(r, call_types) -> dict:
    """The routing policies' names, checked (with the per-type settings they use)."""
    policy_code("call_selection", r.call_selection, "routing.call_selection")
    policy_code("agent_selection", r.agent_selection, "routing.agent_selection")
    if r.call_selection != "priority_head_start":
        for ct in call_types:
            if ct.head_start != 0:
                raise ConfigError(f"call_types.{ct.name}.head_start",
                                  "a head start is used only by routing.call_selection=priority_head_start "
                                  f"(the scenario's is {r.call_selection!r}): set that policy, or remove the head start")
    return {"call_selection": r.call_selection, "agent_selection": r.agent_selection}


def _kpi(k) -> KpiSettings:
    if k.sl_variant not in SL_VARIANTS:
        raise ConfigError("kpi.sl_variant", f"unknown service-level variant {k.sl_variant!r}", allowed=SL_VARIANTS)
    for name in ("sl_threshold", "short_abandon"):
        bounds.duration(getattr(k, name), f"kpi.{name}")
    for name in ("sl_target", "abandon_target"):
        in_range(getattr(k, name), f"kpi.{name}", 0.0, 1.0, " (a fraction)")
    return KpiSettings(float(k.sl_threshold), k.sl_variant, float(k.sl_target), float(k.abandon_target), float(k.short_abandon))


def scenario_dict(scenario_cfg) -> Dict:
    """Plain-dict copy of a scenario config (for writing the resolved config next to results)."""
    return dataclasses.asdict(_typed(scenario_cfg))
