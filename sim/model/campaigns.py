"""Outbound campaigns and the blending policy: validated from config into frozen objects.

A :class:`Campaign` holds what the engines need, in the Scenario's units (seconds, per-interval
tuples, group indices); :func:`build_campaigns` checks every field and raises
:class:`~sim.errors.ConfigError` naming it (``campaigns.renewals.outcomes.busy[3]``). What the
dialler and the blending rule do with these settings is in :mod:`sim.policies.dialling` and
:mod:`sim.policies.blending`; how the engines run them, in :mod:`sim.core.simpy_engine`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from sim.core import protocol
from sim.errors import ConfigError
from sim.model import bounds
from sim.model.bounds import DAY, in_range, whole_in_range
from sim.model.distributions import Distribution, parse_distribution

DIALLING_MODES = protocol.DIALLING_MODES
BLENDING_POLICIES = protocol.BLENDING
RESULTS = protocol.DIAL_RESULT_NAMES  # right_party, wrong_party, busy, no_answer, machine
MAX_LIST_SIZE = 10**9
MAX_ATTEMPTS = 100
MAX_WINDOW = 100_000  # rolling windows of the dialler (attempts, live answers)
MAX_CALLS_PER_AGENT = 100
INFINITY = math.inf


@dataclass(frozen=True)
class Campaign:
    index: int
    name: str
    groups: Tuple[int, ...]  # group indices, in the order agents are taken for outbound work
    blended: Tuple[bool, ...]  # per group of ``groups``: it also serves inbound call types
    list_size: int  # records in the contact list; -1: unlimited
    dial_open: Tuple[bool, ...]  # per interval: whether the campaign dials
    mode: str  # a name of DIALLING_MODES
    calls_per_agent: int
    target_connect: float
    max_calls_per_agent: int
    initial_contact_rate: float
    estimate_window: int
    nuisance_wait: float  # s
    nuisance_cap: float
    nuisance_window: int
    probabilities: Tuple[Tuple[float, ...], ...]  # per interval, per result (RESULTS order)
    ring: Optional[Distribution]  # None: 0 s
    no_answer: Distribution
    talk: Distribution
    wrong_party_talk: Distribution
    wrapup: Optional[Distribution]
    max_attempts: int
    retry_delay: Tuple[float, ...]  # s, per result then nuisance (protocol.NUISANCE_RETRY); inf: never


@dataclass(frozen=True)
class Blending:
    policy: str = "threshold"
    threshold: int = 0
    sl_floor: float = 0.0  # used by threshold_sl_floor only


def build_campaigns(node, group_names: Sequence[str], groups_serving_inbound: Sequence[bool], horizon,
                    clock) -> Tuple[Campaign, ...]:
    """The scenario's campaigns (``node``: name -> CampaignConfig), checked.

    ``groups_serving_inbound``: per group, whether some call type's route lists it;
    ``horizon``: the scenario's horizon tuple; ``clock``: the parser of "HH:MM" times."""
    campaigns, worked_by = [], {}
    for index, (name, c) in enumerate(node.items()):
        where = f"campaigns.{name}"
        campaign = _campaign(index, name, c, where, group_names, groups_serving_inbound, horizon, clock)
        for g in campaign.groups:
            if g in worked_by:
                raise ConfigError(f"{where}.groups", f"group {group_names[g]!r} already works campaign "
                                                     f"{worked_by[g]!r}: a group works at most one campaign")
            worked_by[g] = name
        campaigns.append(campaign)
    return tuple(campaigns)


def _campaign(index, name, c, where, group_names, inbound, horizon, clock) -> Campaign:
    kind, length, n, end, _, day_start = horizon
    groups = _groups(c.groups, f"{where}.groups", group_names)
    list_size = -1 if c.list_size is None else whole_in_range(c.list_size, f"{where}.list_size", 0, MAX_LIST_SIZE)
    d = c.dialler
    at = f"{where}.dialler"
    if d.mode not in DIALLING_MODES:
        raise ConfigError(f"{at}.mode", f"unknown dialling mode {d.mode!r}", allowed=DIALLING_MODES)
    r = c.retry
    campaign = Campaign(
        index=index, name=name, groups=groups, blended=tuple(bool(inbound[g]) for g in groups), list_size=list_size,
        dial_open=_dial_open(c, where, horizon, clock),
        mode=d.mode,
        calls_per_agent=whole_in_range(d.calls_per_agent, f"{at}.calls_per_agent", 1, MAX_CALLS_PER_AGENT),
        target_connect=in_range(d.target_connect, f"{at}.target_connect", 0.0, 1.0, " (a fraction)"),
        max_calls_per_agent=whole_in_range(d.max_calls_per_agent, f"{at}.max_calls_per_agent", 1, MAX_CALLS_PER_AGENT),
        initial_contact_rate=in_range(d.initial_contact_rate, f"{at}.initial_contact_rate", 0.0, 1.0, " (a fraction)"),
        estimate_window=whole_in_range(d.estimate_window, f"{at}.estimate_window", 1, MAX_WINDOW),
        nuisance_wait=in_range(d.nuisance_wait, f"{at}.nuisance_wait", 0.0, DAY, " s (a day)"),
        nuisance_cap=in_range(d.nuisance_cap, f"{at}.nuisance_cap", 0.0, 1.0, " (a fraction)"),
        nuisance_window=whole_in_range(d.nuisance_window, f"{at}.nuisance_window", 1, MAX_WINDOW),
        probabilities=_probabilities(c.outcomes, f"{where}.outcomes", n, length, day_start),
        ring=_distribution(c.ring_time, f"{where}.ring_time"),
        no_answer=_distribution(c.no_answer_time, f"{where}.no_answer_time"),
        talk=_distribution(c.talk_time, f"{where}.talk_time"),
        wrong_party_talk=_distribution(c.wrong_party_time, f"{where}.wrong_party_time"),
        wrapup=_distribution(c.wrapup_time, f"{where}.wrapup_time"),
        max_attempts=whole_in_range(r.max_attempts, f"{where}.retry.max_attempts", 1, MAX_ATTEMPTS),
        retry_delay=_retry_delays(r, f"{where}.retry"),
    )
    _check_attempts_take_time(campaign, where)
    return campaign


def _check_attempts_take_time(c: Campaign, where: str) -> None:
    """With an unlimited list, an attempt that can end at the instant it was dialled (a result of
    probability > 0 whose ring, talk and wrap-up are all null or 0 s) would let the dialler place
    endless attempts in that instant: refused, naming the duration to give."""
    if c.list_size != -1:
        return
    zero = [d is None or d.mean == 0 for d in (c.ring, c.no_answer, c.talk, c.wrong_party_talk, c.wrapup)]
    ring, no_answer, talk, wrong_talk, wrapup = zero
    takes_no_time = {"right_party": ring and talk and wrapup, "wrong_party": ring and wrong_talk and wrapup,
                     "busy": ring, "no_answer": no_answer, "machine": ring}
    for k, name in enumerate(RESULTS):
        if takes_no_time[name] and any(row[k] > 0 for row in c.probabilities):
            field = {"no_answer": "no_answer_time", "right_party": "talk_time", "wrong_party": "wrong_party_time"}
            raise ConfigError(f"{where}.{field.get(name, 'ring_time')}",
                              f"an attempt that ends {name} takes 0 s here, and the list is unlimited (list_size: "
                              "null): the dialler would place endless attempts in an instant; give this duration "
                              "a positive mean, or give the list a size")


def _groups(names, where, group_names) -> Tuple[int, ...]:
    if not names:
        raise ConfigError(where, "lists no group: nobody would work this campaign", allowed=group_names)
    indices = []
    for j, name in enumerate(names):
        if name not in group_names:
            raise ConfigError(f"{where}[{j}]", f"unknown group {name!r}", allowed=group_names)
        g = list(group_names).index(name)
        if g in indices:
            raise ConfigError(f"{where}[{j}]", f"group {name!r} is listed twice")
        indices.append(g)
    return tuple(indices)


def _dial_open(c, where, horizon, clock) -> Tuple[bool, ...]:
    """Per interval, whether the campaign dials: inside [dial_from, dial_until) and switched on."""
    kind, length, n, end, _, day_start = horizon
    start, stop = _dial_window(c, where, horizon, clock)
    if c.dial_intervals is None:
        switched = [1] * n
    else:
        if len(c.dial_intervals) != n:
            raise ConfigError(f"{where}.dial_intervals", f"has {len(c.dial_intervals)} values but the run has {n} "
                                                         "intervals (one 0 or 1 per interval)")
        switched = [whole_in_range(v, f"{where}.dial_intervals[{j}]", 0, 1) for j, v in enumerate(c.dial_intervals)]
    return tuple(bool(switched[j]) and start <= j * length < stop for j in range(n))


def _dial_window(c, where, horizon, clock) -> Tuple[float, float]:
    """[start, stop) of the dialling hours in s from the horizon's start (null: the horizon's own).

    Clock times are read as shifts' are: an end at or before the start is on the next day, and
    when the horizon runs past midnight a time before the day's start is on the next day. The
    window lies inside the horizon, on its interval grid (the dialler works whole intervals)."""
    kind, length, n, end, _, day_start = horizon
    crosses_midnight = day_start + end > DAY
    start, stop = 0.0, end
    if c.dial_from is not None:
        start = clock(c.dial_from, f"{where}.dial_from") - day_start
        if start < 0 and crosses_midnight:
            start += DAY
    if c.dial_until is not None:
        stop = clock(c.dial_until, f"{where}.dial_until") - day_start
        if stop < 0 and crosses_midnight:
            stop += DAY
        if stop <= start:
            stop += DAY  # a window past midnight
    for name, t, limit in (("dial_from", start, 0.0), ("dial_until", stop, end)):
        if getattr(c, name) is None:
            continue
        at = f"{where}.{name}"
        if not (0.0 <= t <= end + 1e-9) or (name == "dial_from" and t >= end):
            typed = f"{c.dial_from or _when(day_start)}-{c.dial_until or _when(day_start + end)}"
            read = f"{_when(day_start + start)} to {_when(day_start + stop)}"
            raise ConfigError(at, f"the dialling hours {typed} (read as {read}) must lie inside the horizon "
                                  f"({_when(day_start)} to {_when(day_start + end)}); null: the horizon's own")
        steps = t / length
        if abs(steps - round(steps)) > 1e-6 and abs(t - end) > 1e-6:
            below, above = day_start + math.floor(steps) * length, day_start + math.ceil(steps) * length
            raise ConfigError(at, f"{getattr(c, name)} is not on the interval grid: dialling hours switch at interval "
                                  f"starts ({_hhmm(day_start)}, then every {length / 60:g} minutes), e.g. "
                                  f"{_hhmm(below)} or {_hhmm(above)}")
    return start, stop


def _hhmm(seconds: float) -> str:
    minutes = int(round(seconds / 60)) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _when(seconds: float) -> str:
    """A time after midnight of the horizon's first day: 'HH:MM', then the day it falls on."""
    days = int((seconds + 30) // DAY)
    return _hhmm(seconds) + ("" if days <= 0 else " the next day" if days == 1 else f" on day {days + 1}")


def _probabilities(o, where, n, length, day_start) -> Tuple[Tuple[float, ...], ...]:
    """Per interval, the probability of each result; each row must sum to 1."""
    columns = []
    for name in RESULTS:
        value = getattr(o, name)
        if isinstance(value, (list, tuple)):
            if len(value) != n:
                raise ConfigError(f"{where}.{name}", f"has {len(value)} values but the run has {n} intervals "
                                                     "(give one number, or one per interval)")
            columns.append([in_range(v, f"{where}.{name}[{j}]", 0.0, 1.0, " (a probability)") for j, v in enumerate(value)])
        elif bounds.is_number(value):
            columns.append([in_range(value, f"{where}.{name}", 0.0, 1.0, " (a probability)")] * n)
        else:
            raise ConfigError(f"{where}.{name}", f"expected a probability (a number between 0 and 1) or a list of "
                                                 f"one per interval, got {value!r}")
    rows = tuple(tuple(float(col[j]) for col in columns) for j in range(n))
    for j, row in enumerate(rows):
        if abs(sum(row) - 1.0) > 1e-9:
            per_interval = any(isinstance(getattr(o, k), (list, tuple)) for k in RESULTS)
            when = f"in interval {j} ({_hhmm(day_start + j * length)}) " if per_interval else ""
            raise ConfigError(where, f"{when}the probabilities of {', '.join(RESULTS)} sum to {sum(row):.6g}: "
                                     "they must sum to 1")
    return rows


def _distribution(cfg, where) -> Optional[Distribution]:
    return None if cfg is None else parse_distribution(dataclasses.asdict(cfg), where)


def _retry_delays(r, where) -> Tuple[float, ...]:
    """Per result (RESULTS order) then nuisance: the delay before a retry, in s (inf: never).
    A live answer that was put through finishes the record: never retried."""
    def minutes(name):
        value = getattr(r, name)
        if value is None:
            return INFINITY
        return in_range(value, f"{where}.{name}", 0.0, bounds.MAX_HOURS * 60, " minutes") * 60.0

    return (INFINITY, INFINITY, minutes("busy_minutes"), minutes("no_answer_minutes"), minutes("machine_minutes"),
            minutes("nuisance_minutes"))


def build_blending(b, campaigns: Sequence[Campaign]) -> Blending:
    if b.policy not in BLENDING_POLICIES:
        raise ConfigError("blending.policy", f"unknown blending policy {b.policy!r}", allowed=BLENDING_POLICIES)
    threshold = whole_in_range(b.threshold, "blending.threshold", 0, bounds.MAX_AGENTS)
    if b.policy == "threshold_sl_floor":
        if b.sl_floor is None:
            raise ConfigError("blending.sl_floor", "the policy threshold_sl_floor needs a service-level floor "
                                                   "(a fraction, e.g. 0.8)")
        floor = in_range(b.sl_floor, "blending.sl_floor", 0.0, 1.0, " (a fraction)")
    else:
        if b.sl_floor is not None:
            raise ConfigError("blending.sl_floor", f"is used only by blending.policy=threshold_sl_floor (the "
                                                   f"scenario's is {b.policy!r}): set that policy, or remove the floor")
        floor = 0.0
    return Blending(b.policy, threshold, float(floor))
