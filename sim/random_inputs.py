"""Random inputs: named streams and blocks of calls, the same for every engine.

Every random number comes from a stream keyed by what it is for, derived from one
``numpy.random.SeedSequence(seed)``:

    arrival counts of type k, arrival times of type k, talk time of type k,
    wrap-up of type k, patience of type k, busyness

The i-th call of type k takes the i-th draw of each of its type's streams, whichever agent or
group ends up serving it, so a change of staffing or routing never changes the calls the center
receives (common random numbers), and every engine sees the same calls.

Arrivals: in an interval of length L with rate r a type gets Poisson(r·L) calls placed uniformly
at random (an exact piecewise-constant non-homogeneous Poisson process). The sorted uniform
positions come straight from normalised exponential spacings, so no sort is needed.

Calls are drawn in blocks of consecutive intervals holding about ``BLOCK_CALLS`` expected calls
(all types merged, sorted by arrival time, then type), so memory stays flat however long the run
and numpy's per-call overhead is paid once per block, not once per interval. Every stream is
consumed in sequence, so block boundaries change no count and no duration; arrival times agree
to rounding (1e-9 s) whatever the blocks. Blocks depend only on the arrival rates, never on
staffing or routing, so alternatives still see the very same calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, List, Tuple

import numpy as np

from sim.scenario import Scenario

# Stream purposes: part of every stream's key, so never renumber them.
ARRIVAL_COUNTS, TALK, WRAPUP, PATIENCE, BUSYNESS, ARRIVAL_TIMES = range(6)
BLOCK_CALLS = 1 << 16


def stream(seed: int, purpose: int, type_index: int = 0) -> np.random.Generator:
    """The generator of one named stream."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, type_index))))


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

    def __len__(self) -> int:
        return len(self.arrival)


def busyness_factor(scenario: Scenario, seed: int) -> float:
    """Day-level multiplier of all arrival rates: gamma with mean 1 and the scenario's CV."""
    cv = scenario.busyness_cv
    if cv == 0:
        return 1.0
    shape = 1.0 / cv**2
    return float(stream(seed, BUSYNESS).gamma(shape, 1.0 / shape))


def blocks_of_intervals(scenario: Scenario, factor: float) -> List[Tuple[int, int]]:
    """Consecutive intervals [first, last) grouped so each block expects about BLOCK_CALLS calls."""
    lengths = scenario.interval_ends() - scenario.interval_starts()
    expected = factor * lengths * np.sum([ct.rates for ct in scenario.call_types], axis=0)
    blocks, first, total = [], 0, 0.0
    for j, calls in enumerate(expected):
        total += calls
        if total >= BLOCK_CALLS:
            blocks.append((first, j + 1))
            first, total = j + 1, 0.0
    if first < scenario.n_intervals:
        blocks.append((first, scenario.n_intervals))
    return blocks


def sorted_positions(gen: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """For each segment of counts[j] points, sorted uniform positions in [0, 1), concatenated.

    n sorted uniforms are the normalised partial sums of n + 1 exponential spacings.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(counts) == 0:
        return np.zeros(0)
    sizes = counts + 1  # drawn even for empty intervals, so block boundaries never shift the stream
    sums = np.cumsum(gen.standard_exponential(int(sizes.sum())))
    last = np.cumsum(sizes) - 1  # index of each segment's closing spacing
    before = np.concatenate(([0.0], sums[last[:-1]]))
    segment = np.repeat(np.arange(len(counts)), counts)
    inner = np.ones(len(sums), bool)
    inner[last] = False
    return (sums[inner] - before[segment]) / (sums[last] - before)[segment]


def call_blocks(scenario: Scenario, seed: int) -> Iterator[CallBlock]:
    """Yield the calls of the run in blocks of intervals, ids numbered in arrival order."""
    factor = busyness_factor(scenario, seed)
    types = scenario.call_types
    counts_streams = [stream(seed, ARRIVAL_COUNTS, ct.index) for ct in types]
    times_streams = [stream(seed, ARRIVAL_TIMES, ct.index) for ct in types]
    talks = [stream(seed, TALK, ct.index) for ct in types]
    wraps = [stream(seed, WRAPUP, ct.index) for ct in types]
    patiences = [stream(seed, PATIENCE, ct.index) for ct in types]
    starts, ends = scenario.interval_starts(), scenario.interval_ends()
    next_id = 0
    for first, last in blocks_of_intervals(scenario, factor):
        start, length = starts[first:last], ends[first:last] - starts[first:last]
        parts = []
        for ct in types:
            k = ct.index
            counts = counts_streams[k].poisson(np.asarray(ct.rates[first:last]) * factor * length)
            n = int(counts.sum())
            times = np.repeat(start, counts) + np.repeat(length, counts) * sorted_positions(times_streams[k], counts)
            talk = ct.talk.sample(talks[k], n)
            wrap = ct.wrapup.sample(wraps[k], n) if ct.wrapup else np.zeros(n)
            patience = ct.patience.sample(patiences[k], n) if ct.patience else np.full(n, math.inf)
            parts.append((times, np.full(n, k, dtype=np.int32), talk, wrap, patience))
        arrival, call_type, talk, wrap, patience = (np.concatenate(col) for col in zip(*parts))
        if len(types) > 1:  # merge the types' sorted runs; ties keep type order
            order = np.argsort(arrival, kind="stable")
            arrival, call_type, talk, wrap, patience = (a[order] for a in (arrival, call_type, talk, wrap, patience))
        block = CallBlock(next_id, arrival, call_type, talk, wrap, patience)
        next_id += len(block)
        yield block


def given_calls(scenario: Scenario, arrival, call_type, talk, wrapup=None, patience=None) -> list:
    """Calls given explicitly (times in seconds; call types by name or index), as engine inputs.

    Calls are put in engine order (by time, then type) and numbered in that order; wrap-up
    defaults to 0 and patience to inf (never abandons).
    """
    names = [ct.name for ct in scenario.call_types]
    kinds = np.array([names.index(k) if isinstance(k, str) else int(k) for k in call_type], dtype=np.int32)
    n = len(kinds)
    arrival = np.asarray(arrival, dtype=float)
    talk = np.asarray(talk, dtype=float)
    wrapup = np.zeros(n) if wrapup is None else np.asarray(wrapup, dtype=float)
    patience = np.full(n, math.inf) if patience is None else np.asarray(patience, dtype=float)
    order = np.lexsort((kinds, arrival))
    return [CallBlock(0, arrival[order], kinds[order], talk[order], wrapup[order], patience[order])]
