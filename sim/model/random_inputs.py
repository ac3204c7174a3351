"""Random inputs: named streams and blocks of calls, the same for every engine.

Every random number comes from a stream keyed by what it is for, derived from one
``numpy.random.SeedSequence(seed)``:

    arrival counts of type k, arrival times of type k, talk time of type k,
    wrap-up of type k, patience of type k, busyness,
    and each per-call random decision a feature adds (a Decision: its own purpose, per type k)

The i-th call of type k takes the i-th draw of each of its type's streams, whichever agent or
group ends up serving it, so a change of staffing or routing never changes the calls the center
receives (common random numbers), and every engine sees the same calls.

Arrivals: in an interval of length L with rate r a type gets Poisson(r·L) calls placed uniformly
at random (an exact piecewise-constant non-homogeneous Poisson process). The sorted uniform
positions come straight from normalised exponential spacings, so no sort is needed
(:func:`sim.model._inputs_py.arrival_times`).

Calls are drawn in blocks of consecutive intervals holding about ``BLOCK_CALLS`` expected calls
(all types merged, sorted by arrival time, then type), so memory stays flat however long the run
and numpy's per-call overhead is paid once per block, not once per interval. Every stream is
consumed in sequence, so block boundaries change no count and no duration; arrival times agree
to rounding (1e-9 s) whatever the blocks. Blocks depend only on the arrival rates, never on
staffing or routing, so alternatives still see the very same calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np

from numpy.random.bit_generator import ISeedSequence

from sim.model import _inputs_py, callbacks, input_kernels, ivr, redials, transfers
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario

# Stream purposes: part of every stream's key, so never renumber them.
ARRIVAL_COUNTS, TALK, WRAPUP, PATIENCE, BUSYNESS, ARRIVAL_TIMES = range(6)
# per agent group (keyed by the group index): absences and out-of-adherence stretches
# (sim.agents.shrinkage); outbound campaigns use 8-13 (sim.model.contact_draws)
ABSENCE, ADHERENCE = 6, 7
BLOCK_CALLS = 1 << 16


@dataclass(frozen=True)
class Decision:
    """A random decision pre-drawn for every call (a transfer, an IVR outcome, a callback
    acceptance, ...): ``draw(call_type, generator, n)`` gives the next n values of the type's
    stream (``purpose``, type index). The i-th call of a type takes the i-th value, whichever
    engine runs and whatever happens in the run, so adding a decision never shifts another draw
    and both engines read the very same values (``CallBlock.decisions[name]``)."""

    name: str
    purpose: int  # a stream purpose of its own (>= FIRST_DECISION_PURPOSE), never renumbered
    draw: Callable[[object, np.random.Generator, int], np.ndarray]


FIRST_DECISION_PURPOSE = 16


IVR_DECISIONS = (Decision("ivr_time", ivr.DURATION_PURPOSE, ivr.draw_ivr_time),
                 Decision("ivr_choice", ivr.CHOICE_PURPOSE, ivr.draw_ivr_choice))


def decisions(scenario: Scenario) -> Tuple[Decision, ...]:
    """The per-call decisions the scenario's features need (each feature that adds a random
    choice returns its Decisions here when the scenario uses it): the IVR's time and way out, the
    redials' draws (sim.model.redials), the transfers' uniforms (sim.model.transfers), the
    callbacks' acceptance and per-attempt ring, reach and delay (sim.model.callbacks)."""
    chosen = (IVR_DECISIONS if ivr.has_ivr(scenario) else ()) + callback_decisions(scenario)
    if redials.has_redials(scenario):
        chosen += tuple(Decision(name, purpose, draw) for name, purpose, draw in redials.draw_functions(scenario))
    return chosen + (transfers.decision(scenario),) if transfers.has_transfers(scenario) else chosen


def callback_decisions(scenario: Scenario) -> Tuple[Decision, ...]:
    """The callbacks' decisions (sim.model.callbacks), if a call type offers callbacks."""
    if not callbacks.has_callbacks(scenario):
        return ()
    w = callbacks.width(scenario)
    return (Decision("callback_accept", callbacks.ACCEPT_PURPOSE, callbacks.draw_accept),
            Decision("callback_ring", callbacks.RING_PURPOSE, callbacks.per_attempt(w, callbacks._ring)),
            Decision("callback_reach", callbacks.REACH_PURPOSE, callbacks.per_attempt(w, callbacks._reach)),
            Decision("callback_delay", callbacks.DELAY_PURPOSE, callbacks.per_attempt(w, callbacks._delay))) + (
        (Decision("callback_schedule", callbacks.SCHEDULE_PURPOSE, callbacks.draw_schedule),)
        if callbacks.has_scheduled(scenario) else ())


def stream(seed: int, purpose: int, type_index: int = 0) -> np.random.Generator:
    """The generator of one named stream."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, type_index))))


class _SeedWords(ISeedSequence):
    """What a SeedSequence would hand PCG64 (its state words), computed beforehand."""

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.uint64:  # PCG64 asks for exactly this
            raise ValueError("_SeedWords only holds the 4 uint64 words that seed a PCG64")
        return self.words


def streams(seed: int, keys) -> List[np.random.Generator]:
    """``[stream(seed, purpose, type_index) for purpose, type_index in keys]``: the same
    generators, drawing the same numbers, but seeded in one go by the compiled core when it is
    built (a SeedSequence per stream costs more than a short run's draws)."""
    keys = [(int(purpose), int(type_index)) for purpose, type_index in keys]
    if (not input_kernels.COMPILED or not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0
            or any(not 0 <= x < 2**32 for key in keys for x in key)):
        return [stream(seed, purpose, type_index) for purpose, type_index in keys]
    words = input_kernels.seed_words(_uint32_words(int(seed)), np.array(keys, np.uint32).reshape(len(keys), 2))
    return [np.random.Generator(np.random.PCG64(_SeedWords(row))) for row in words]


class _Reused:
    """The generators of one earlier run, kept for the next run of the same scenario."""

    def __init__(self, generators: List[np.random.Generator]):
        self.generators = generators
        self.bit_generators = [g.bit_generator for g in generators]
        self.addresses = [bg.ctypes.state_address for bg in self.bit_generators]


_RESEED_CHECKED: List[bool] = []  # [whether re-seeding in place gives fresh generators' states]


def _reseeding_works() -> bool:
    """Re-seeding in place is used only after it gave, once in this process, the very state a
    freshly built PCG64 has (it writes numpy's generator state directly)."""
    if not _RESEED_CHECKED:
        keys = np.array([[ARRIVAL_TIMES, 3], [TALK, 0]], np.uint32)
        words = input_kernels.seed_words(_uint32_words(2**40 + 7), keys)
        reused = [np.random.PCG64(11), np.random.PCG64(12)]
        reused[0].random_raw(3)
        np.random.Generator(reused[1]).integers(0, 7, dtype=np.uint32)  # leaves a buffered 32-bit word
        ok = bool(input_kernels.reseed_pcg64(reused, words))
        ok = ok and all(r.state == np.random.PCG64(_SeedWords(w)).state for r, w in zip(reused, words))
        _RESEED_CHECKED.append(ok)
    return _RESEED_CHECKED[0]


def reseeded_streams(seed: int, keys, reused: Optional[_Reused]) -> _Reused:
    """:func:`streams` (the same generators, drawing the same numbers), re-seeding the generators
    of an earlier run (``reused``, for the same keys) in place instead of building new ones when
    the compiled core is built."""
    if reused is None or not input_kernels.COMPILED or not _reseeding_works():
        return _Reused(streams(seed, keys))
    keys = [(int(purpose), int(type_index)) for purpose, type_index in keys]
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        return _Reused(streams(seed, keys))
    words = input_kernels.seed_words(_uint32_words(int(seed)), np.array(keys, np.uint32).reshape(len(keys), 2))
    input_kernels.reseed_pcg64(reused.bit_generators, words, reused.addresses)
    return reused


def _uint32_words(n: int) -> np.ndarray:
    """A non-negative int as 32-bit words, lowest first (as SeedSequence reads its entropy)."""
    words = [n & 0xFFFFFFFF]
    n >>= 32
    while n > 0:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return np.array(words, np.uint32)


@dataclass(frozen=True)
class CallBlock:
    """Calls arriving in a block of intervals, in the order the engines process them.

    ``talk`` and ``wrapup`` are before any group speed factor; ``wrapup`` is 0 when the type
    has no wrap-up and ``patience`` is inf when its callers never abandon.
    """

    first_id: int
    arrival: np.ndarray
    call_type: np.ndarray
    talk: np.ndarray
    wrapup: np.ndarray
    patience: np.ndarray
    decisions: Mapping[str, np.ndarray] = field(default_factory=dict)  # pre-drawn, by Decision name

    def __len__(self) -> int:
        return len(self.arrival)


def busyness_factor(scenario: Scenario, seed: int) -> float:
    """Day-level multiplier of all arrival rates: gamma with mean 1 and the scenario's CV."""
    cv = scenario.busyness_cv
    if cv == 0:
        return 1.0
    shape = 1.0 / cv**2
    return float(stream(seed, BUSYNESS).gamma(shape, 1.0 / shape))


def _intervals(scenario: Scenario) -> dict:
    """Interval starts and lengths, and the rates as a (types, intervals) array (kept per scenario)."""
    starts, ends = scenario.interval_starts(), scenario.interval_ends()
    rates = np.array([ct.rates for ct in scenario.call_types], dtype=float).reshape(len(scenario.call_types), -1)
    return {"starts": starts, "ends": ends, "lengths": ends - starts, "rates": rates,
            "total_rate": np.sum([ct.rates for ct in scenario.call_types], axis=0), "blocks": {}}


def blocks_of_intervals(scenario: Scenario, factor: float) -> List[Tuple[int, int]]:
    """Consecutive intervals [first, last) grouped so each block expects about BLOCK_CALLS calls."""
    cached = per_scenario(scenario, "random_inputs.intervals", _intervals)
    if (factor, BLOCK_CALLS) in cached["blocks"]:
        return list(cached["blocks"][factor, BLOCK_CALLS])
    expected = factor * cached["lengths"] * cached["total_rate"]
    blocks, first, total = [], 0, 0.0
    for j, calls in enumerate(expected):
        total += calls
        if total >= BLOCK_CALLS:
            blocks.append((first, j + 1))
            first, total = j + 1, 0.0
    if first < scenario.n_intervals:
        blocks.append((first, scenario.n_intervals))
    if factor == 1.0:  # no day-to-day busyness: the same blocks every run
        cached["blocks"][factor, BLOCK_CALLS] = tuple(blocks)
    return blocks


def call_blocks(scenario: Scenario, seed: int) -> Iterator[CallBlock]:
    """Yield the calls of the run in blocks of intervals, ids numbered in arrival order."""
    factor = busyness_factor(scenario, seed)
    types = scenario.call_types
    extra = decisions(scenario)
    purposes = (ARRIVAL_COUNTS, ARRIVAL_TIMES, TALK, WRAPUP, PATIENCE) + tuple(d.purpose for d in extra)
    # generators of an earlier run of this scenario with the same streams, re-seeded (each run takes
    # its own set: two runs drawing at the same time never share one; a set goes back when its run
    # is done)
    keys = tuple((purpose, ct.index) for purpose in purposes for ct in types)
    free = per_scenario(scenario, "random_inputs.free_generators", lambda s: {}).setdefault(keys, [])
    reused = reseeded_streams(seed, keys, free.pop() if free else None)
    try:
        yield from _drawn_blocks(scenario, factor, extra, reused.generators)
    finally:
        if len(free) < 2:
            free.append(reused)


def _drawn_blocks(scenario: Scenario, factor: float, extra: tuple, generators: list) -> Iterator[CallBlock]:
    """The call blocks of a run from its generators (in the order of call_blocks' keys)."""
    types = scenario.call_types
    n_types = len(types)
    n_purposes = len(generators) // n_types
    counts_streams, times_streams, talks, wraps, patiences, *decision_streams = (
        generators[i * n_types:(i + 1) * n_types] for i in range(n_purposes))
    cached = per_scenario(scenario, "random_inputs.intervals", _intervals)
    starts, lengths, rates = cached["starts"], cached["lengths"], cached["rates"]
    next_id = 0
    for first, last in blocks_of_intervals(scenario, factor):
        start, length = starts[first:last], lengths[first:last]
        columns = ([], [], [], [])  # arrival times, talk, wrap-up, patience: one array per type
        drawn = {d.name: [] for d in extra}
        for ct in types:
            k = ct.index
            counts = counts_streams[k].poisson(rates[k, first:last] * factor * length)
            n = int(counts.sum())
            times = input_kernels.arrival_times(times_streams[k].standard_exponential(n + len(counts)), counts, start,
                                                length)
            columns[0].append(times)
            columns[1].append(ct.talk.sample(talks[k], n))
            columns[2].append(ct.wrapup.sample(wraps[k], n) if ct.wrapup else np.zeros(n))
            columns[3].append(ct.patience.sample(patiences[k], n) if ct.patience else np.full(n, math.inf))
            for d, gens in zip(extra, decision_streams):
                drawn[d.name].append(np.asarray(d.draw(ct, gens[k], n)))
        block = _merged(next_id, columns, drawn)
        next_id += len(block)
        yield transfers.with_plan(scenario, block) if scenario.transfer_max_legs is not None else block


def _merged(first_id: int, columns: tuple, drawn: Optional[Dict[str, list]] = None) -> CallBlock:
    """One block from per-type columns (arrival, talk, wrap-up, patience, and the decisions):
    the types' sorted runs merged by arrival time, ties in type order (a stable sort, or one
    k-way merge pass)."""
    drawn = drawn or {}
    if len(columns[0]) == 1:
        return CallBlock(first_id, columns[0][0], np.zeros(len(columns[0][0]), np.int32),
                         *(column[0] for column in columns[1:]), decisions={k: v[0] for k, v in drawn.items()})
    merged = input_kernels.merge_calls(*columns)
    if merged is None:  # (the compiled merge declines runs out of order; the sort takes any)
        merged = _inputs_py.merge_calls(*columns)
    if drawn:  # the decisions in the same order: the stable sort that the merge equals
        order = np.argsort(np.concatenate(columns[0]), kind="stable")
        drawn = {name: np.concatenate(parts)[order] for name, parts in drawn.items()}
    return CallBlock(first_id, *merged, decisions=drawn)


def given_calls(scenario: Scenario, arrival, call_type, talk, wrapup=None, patience=None, decisions=None) -> list:
    """Calls given explicitly (times in seconds; call types by name or index), as engine inputs.

    Calls are put in engine order (by time, then type) and numbered in that order; wrap-up
    defaults to 0 and patience to inf (never abandons); ``decisions`` maps a Decision name to a
    value per call.
    """
    names = [ct.name for ct in scenario.call_types]
    kinds = np.array([names.index(k) if isinstance(k, str) else int(k) for k in call_type], dtype=np.int32)
    n = len(kinds)
    arrival = np.asarray(arrival, dtype=float)
    talk = np.asarray(talk, dtype=float)
    wrapup = np.zeros(n) if wrapup is None else np.asarray(wrapup, dtype=float)
    patience = np.full(n, math.inf) if patience is None else np.asarray(patience, dtype=float)
    order = np.lexsort((kinds, arrival))
    chosen = {name: np.asarray(values)[order] for name, values in (decisions or {}).items()}
    return [CallBlock(0, arrival[order], kinds[order], talk[order], wrapup[order], patience[order], chosen)]
