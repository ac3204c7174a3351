"""The shift patterns a schedule may use, and how much of each interval they cover.

A pattern is a shift start, a shift length and one start for each break the length gets: an
agent on that pattern is on the phones for the whole shift except its breaks (paid or not).
Rules, all times in minutes from the horizon's start:

- starts: ``start_earliest``, then every ``start_step_minutes`` up to ``start_latest``; a shift
  must end inside the horizon (a start that leaves no room for a length skips that length);
- breaks: a rule applies to the shifts of at least ``min_shift_hours``; its start is
  ``earliest_after``, then every ``break_step_minutes`` up to ``latest_after`` minutes after the
  shift's start (the grid counts from ``earliest_after``); the breaks of one pattern do not
  overlap (one may start where another ends);
- coverage ``a[j, p]``: the share of interval j the pattern's agent is on the phones (a 15-min
  break inside a 30-min interval leaves 0.5);
- paid hours: the length minus the unpaid breaks.

Break placements that cover every interval alike (two starts of a 15-min break inside the same
30-min interval) are one pattern to the scheduler: the earliest is kept.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np
from omegaconf import DictConfig, OmegaConf
from scipy import sparse

from sim.errors import ConfigError
from sim.model.bounds import DAY, MAX_DURATION, in_range
from sim.model.shift_rules import ShiftRulesConfig
from sim.model.schema import conform
from sim.model.scenario import parse_clock

MAX_PATTERNS = 200_000  # starts x lengths x break placements: beyond, the MILP's size (and time) is not sensible
_EPS = 1e-9  # minutes: grid arithmetic in floating point


@dataclass(frozen=True)
class BreakRule:
    name: str
    minutes: float
    earliest_after: float  # minutes after the shift's start
    latest_after: float
    paid: bool
    min_shift_hours: float


@dataclass(frozen=True)
class ShiftRules:
    """Validated shift rules in minutes from the horizon's start (``rules_from``)."""

    starts: Tuple[float, ...]  # allowed shift starts (a length may still not fit at the latest ones)
    lengths: Tuple[float, ...]  # minutes
    breaks: Tuple[BreakRule, ...]
    break_step: float  # minutes
    under_cover_penalty: Optional[float]
    time_limit_seconds: float
    mip_gap: float  # relative


@dataclass(frozen=True)
class PatternSet:
    """The patterns: pattern p starts at ``start[p]`` (minutes from the horizon's start) with length
    ``lengths[length[p]]`` and the break starts ``placements[length[p]][placement[p]]`` (minutes
    after the shift's start, one per rule in ``applicable[length[p]]``)."""

    rules: ShiftRules
    start: np.ndarray
    length: np.ndarray  # index into rules.lengths
    placement: np.ndarray  # index into placements[length]
    applicable: Tuple[Tuple[int, ...], ...]  # per length: the indices of the break rules it gets
    placements: Tuple[Tuple[Tuple[float, ...], ...], ...]  # per length: the break start tuples
    paid_hours: np.ndarray  # per pattern
    coverage: sparse.csc_matrix  # intervals x patterns
    enumerated: int  # patterns before merging placements that cover alike

    def breaks_of(self, p: int) -> List[Tuple[BreakRule, float]]:
        """(rule, start in minutes after the shift's start) of pattern p's breaks, earliest first."""
        k = self.length[p]
        pairs = zip((self.rules.breaks[b] for b in self.applicable[k]), self.placements[k][self.placement[p]])
        return sorted(pairs, key=lambda pair: pair[1])


def rules_from(cfg, interval_minutes: float, day_start_seconds: float, intervals: int,
               where: str = "shift_rules") -> ShiftRules:
    """Validated rules from a ``ShiftRulesConfig`` (or a mapping / Hydra node with its fields)."""
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True)
    cfg = conform(cfg, ShiftRulesConfig, where)
    horizon = intervals * interval_minutes
    lengths = _lengths(cfg.lengths_hours, horizon, f"{where}.lengths_hours")
    step = interval_minutes if cfg.start_step_minutes is None else cfg.start_step_minutes
    step = _positive(step, f"{where}.start_step_minutes")
    earliest = 0.0 if cfg.start_earliest is None else _offset(cfg.start_earliest, day_start_seconds, horizon,
                                                                  f"{where}.start_earliest")
    latest = horizon - min(lengths) if cfg.start_latest is None else _offset(
        cfg.start_latest, day_start_seconds, horizon, f"{where}.start_latest")
    if earliest > latest + _EPS:
        field = f"{where}.start_latest" if cfg.start_latest is not None else f"{where}.start_earliest"
        raise ConfigError(field, f"the latest start ({_minutes_text(latest)} after the horizon's start) is before "
                                 f"the earliest ({_minutes_text(earliest)}): no shift of {min(lengths) / 60:g} h fits")
    starts = _grid(earliest, latest, step)
    breaks = tuple(_break(b, lengths, f"{where}.breaks[{i}]") for i, b in enumerate(cfg.breaks))
    penalty = cfg.under_cover_penalty
    if penalty is not None:
        penalty = in_range(penalty, f"{where}.under_cover_penalty", 0.0, 1e12)
    time_limit = in_range(cfg.time_limit_seconds, f"{where}.time_limit_seconds", 1e-3, MAX_DURATION, " s")
    mip_gap = in_range(cfg.mip_gap, f"{where}.mip_gap", 0.0, 0.5)
    return ShiftRules(starts, lengths, breaks, _positive(cfg.break_step_minutes, f"{where}.break_step_minutes"),
                      penalty, time_limit, mip_gap)


def enumerate_patterns(rules: ShiftRules, interval_minutes: float, intervals: int,
                       where: str = "shift_rules") -> PatternSet:
    """Every pattern the rules allow and its coverage; more than MAX_PATTERNS is refused."""
    horizon = intervals * interval_minutes
    applicable, placements, fitting = [], [], []
    for k, length in enumerate(rules.lengths):
        rule_ids = tuple(i for i, b in enumerate(rules.breaks) if length >= b.min_shift_hours * 60 - _EPS)
        applicable.append(rule_ids)
        placements.append(_placements([rules.breaks[i] for i in rule_ids], rules.break_step, length, where))
        fitting.append([s for s in rules.starts if s + length <= horizon + _EPS])
    total = sum(len(f) * len(p) for f, p in zip(fitting, placements))
    if total > MAX_PATTERNS:
        raise ConfigError(where, f"{total:,} shift patterns (starts x lengths x break placements) exceed the limit of "
                                 f"{MAX_PATTERNS:,}: make start_step_minutes or break_step_minutes larger, or the "
                                 "start range or break windows narrower")
    if total == 0:
        raise ConfigError(f"{where}.lengths_hours", "no shift fits between the allowed starts and the horizon's end")
    edges = np.arange(intervals + 1) * interval_minutes
    columns = [[], [], [], []]  # start, length index, placement index, (rows, values)
    for k, length in enumerate(rules.lengths):
        on_from, on_to = _on_phone_segments(placements[k], [rules.breaks[i] for i in applicable[k]], length)
        for start in fitting[k]:
            first = int(math.floor(start / interval_minutes + _EPS))
            last = min(intervals, int(math.ceil((start + length) / interval_minutes - _EPS)))
            local = edges[first:last + 1] - start  # the interval edges the shift touches, from its start
            on_before = np.clip(local[None, None, :] - on_from[:, :, None], 0.0, (on_to - on_from)[:, :, None]).sum(axis=1)
            cover = np.diff(on_before, axis=1) / interval_minutes  # placements x touched intervals
            _, keep = np.unique(np.round(cover, 9), axis=0, return_index=True)
            for q in np.sort(keep):
                columns[0].append(start)
                columns[1].append(k)
                columns[2].append(q)
                columns[3].append((np.arange(first, last), cover[q]))
    unpaid = np.array([sum(rules.breaks[i].minutes for i in ids if not rules.breaks[i].paid) for ids in applicable])
    length_index = np.array(columns[1], dtype=np.int64)
    paid_hours = (np.array(rules.lengths) - unpaid)[length_index] / 60.0
    rows = np.concatenate([r for r, _ in columns[3]])
    values = np.concatenate([v for _, v in columns[3]])
    cols = np.repeat(np.arange(len(columns[3])), [len(r) for r, _ in columns[3]])
    coverage = sparse.csc_matrix((values, (rows, cols)), shape=(intervals, len(columns[3])))
    coverage.eliminate_zeros()
    return PatternSet(rules, np.array(columns[0], float), length_index, np.array(columns[2], dtype=np.int64),
                      tuple(applicable), tuple(placements), paid_hours, coverage, total)


def _placements(rules: List[BreakRule], step: float, length: float, where: str) -> Tuple[Tuple[float, ...], ...]:
    """Every tuple of break starts (one per rule, on the grid of its window) without overlap."""
    grids = [_grid(b.earliest_after, b.latest_after, step) for b in rules]
    if math.prod(len(g) for g in grids) > MAX_PATTERNS:
        raise ConfigError(where, f"the breaks of a {length / 60:g} h shift have over {MAX_PATTERNS:,} placements: "
                                 "make break_step_minutes larger or the break windows narrower")
    valid = tuple(starts for starts in itertools.product(*grids) if _apart(starts, [b.minutes for b in rules]))
    if not valid:
        names = ", ".join(b.name for b in rules)
        raise ConfigError(f"{where}.breaks", f"the breaks {names} of a {length / 60:g} h shift cannot be placed in "
                                             "their windows without overlapping")
    return valid


def _grid(first: float, last: float, step: float) -> Tuple[float, ...]:
    """first, first + step, ... up to last."""
    return tuple(first + k * step for k in range(int(math.floor((last - first) / step + _EPS)) + 1))


def _apart(starts, minutes) -> bool:
    spans = sorted(zip(starts, minutes))
    return all(s0 + m0 <= s1 + _EPS for (s0, m0), (s1, _) in zip(spans, spans[1:]))


def _on_phone_segments(placements, rules: List[BreakRule], length: float):
    """Per placement, the on-phone spans [from, to) after the shift's start: the shift cut at its
    breaks (arrays placements x (breaks + 1); empty spans have from == to)."""
    n = len(placements)
    starts = np.array(placements, float).reshape(n, len(rules))
    ends = starts + np.array([b.minutes for b in rules], float)
    order = np.argsort(starts, axis=1)
    starts, ends = np.take_along_axis(starts, order, 1), np.take_along_axis(ends, order, 1)
    on_from = np.concatenate([np.zeros((n, 1)), ends], axis=1)
    on_to = np.concatenate([starts, np.full((n, 1), length)], axis=1)
    return on_from, np.maximum(on_to, on_from)


def _lengths(values, horizon: float, where: str) -> Tuple[float, ...]:
    if not values:
        raise ConfigError(where, "is empty: give at least one shift length in hours, e.g. [8]")
    lengths = tuple(in_range(v, where, 0.0, horizon / 60, " h (the horizon's length)") * 60 for v in values)
    if min(lengths) <= 0:
        raise ConfigError(where, f"shift lengths must be above 0 h, got {list(values)}")
    return tuple(sorted(set(lengths)))


def _positive(value, where: str) -> float:
    value = in_range(value, where, 0.0, MAX_DURATION / 60, " minutes (a day)")
    if value <= 0:
        raise ConfigError(where, f"must be above 0 minutes, got {value:g}")
    return value


def _offset(clock, day_start_seconds: float, horizon: float, where: str) -> float:
    """A clock time as minutes from the horizon's start (a time before the day's start is on the
    next day); it must fall inside the horizon."""
    seconds = parse_clock(clock, where) - day_start_seconds
    offset = (seconds + DAY if seconds < 0 else seconds) / 60
    if offset > horizon + _EPS:
        raise ConfigError(where, f"{clock} is outside the horizon ({horizon / 60:g} h from its start)")
    return offset


def _break(cfg, lengths, where: str) -> BreakRule:
    minutes = _positive(cfg.minutes, f"{where}.minutes")
    earliest = in_range(cfg.earliest_after, f"{where}.earliest_after", 0.0, MAX_DURATION / 60, " minutes")
    latest = in_range(cfg.latest_after, f"{where}.latest_after", 0.0, MAX_DURATION / 60, " minutes")
    if earliest > latest:
        raise ConfigError(f"{where}.latest_after", f"the window ends ({latest:g} min) before it starts ({earliest:g} min)")
    min_hours = in_range(cfg.min_shift_hours, f"{where}.min_shift_hours", 0.0, MAX_DURATION / 3600, " h")
    applies = [length for length in lengths if length >= min_hours * 60 - _EPS]
    if applies and latest + minutes > min(applies) + _EPS:
        raise ConfigError(where, f"a {minutes:g}-min break starting up to {latest:g} min after the shift's start does "
                                 f"not fit inside the {min(applies) / 60:g} h shift it applies to (min_shift_hours "
                                 f"{min_hours:g}): latest_after + minutes must be at most {min(applies):g}")
    return BreakRule(str(cfg.name), minutes, earliest, latest, bool(cfg.paid), min_hours)


def _minutes_text(minutes: float) -> str:
    return f"{int(minutes // 60)}h{int(round(minutes % 60)):02d}"
