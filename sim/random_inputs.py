"""Random inputs: named streams and blocks of calls, the same for every engine.

Every random number comes from a stream keyed by what it is for, derived from one
``numpy.random.SeedSequence(seed)``:

    arrivals of type k, talk time of type k, wrap-up of type k, patience of type k, busyness

The i-th call of type k takes the i-th draw of each of its type's streams, whichever agent or
group ends up serving it, so a change of staffing or routing never changes the calls the center
receives (common random numbers), and every engine sees the same calls.

Calls are produced interval by interval (a :class:`CallBlock` per interval, all types merged and
sorted by arrival time, then type), so memory stays flat however long the run. Within an
interval of length L with rate r a type gets Poisson(r·L) arrivals placed uniformly at random:
an exact piecewise-constant non-homogeneous Poisson process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from sim.scenario import Scenario

# Stream purposes: part of every stream's key, so never renumber them.
ARRIVALS, TALK, WRAPUP, PATIENCE, BUSYNESS = range(5)


def stream(seed: int, purpose: int, type_index: int = 0) -> np.random.Generator:
    """The generator of one named stream."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, type_index))))


@dataclass(frozen=True)
class CallBlock:
    """The calls arriving in one interval, in the order the engines process them.

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


def call_blocks(scenario: Scenario, seed: int) -> Iterator[CallBlock]:
    """Yield the calls of the run, one block per interval, ids numbered in arrival order."""
    factor = busyness_factor(scenario, seed)
    types = scenario.call_types
    arrivals = [stream(seed, ARRIVALS, ct.index) for ct in types]
    talks = [stream(seed, TALK, ct.index) for ct in types]
    wraps = [stream(seed, WRAPUP, ct.index) for ct in types]
    patiences = [stream(seed, PATIENCE, ct.index) for ct in types]
    starts, ends = scenario.interval_starts(), scenario.interval_ends()
    next_id = 0
    for j in range(scenario.n_intervals):
        start, length = float(starts[j]), float(ends[j] - starts[j])
        parts = []
        for ct in types:
            k = ct.index
            count = int(arrivals[k].poisson(ct.rates[j] * factor * length))
            times = start + length * np.sort(arrivals[k].random(count))
            talk = ct.talk.sample(talks[k], count)
            wrap = ct.wrapup.sample(wraps[k], count) if ct.wrapup else np.zeros(count)
            patience = ct.patience.sample(patiences[k], count) if ct.patience else np.full(count, math.inf)
            parts.append((times, np.full(count, k, dtype=np.int32), talk, wrap, patience))
        arrival, call_type, talk, wrap, patience = (np.concatenate(col) for col in zip(*parts))
        order = np.lexsort((call_type, arrival))  # by time, then type
        block = CallBlock(next_id, arrival[order], call_type[order], talk[order], wrap[order], patience[order])
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
