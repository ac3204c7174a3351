"""Random inputs' arithmetic in numpy: the readable originals of the compiled twin
``sim/model/_inputs_c.pyx`` (same functions, same numbers to the last bit)."""

from __future__ import annotations

from typing import List

import numpy as np


def seed_words(run_entropy: np.ndarray, spawn_keys: np.ndarray) -> np.ndarray:
    """For each row of ``spawn_keys``, what ``SeedSequence(entropy, spawn_key=key)
    .generate_state(4, np.uint64)`` returns (rows of a (keys, 4) uint64 array); ``run_entropy``
    is the entropy as 32-bit words, lowest first."""
    entropy = sum(int(word) << (32 * i) for i, word in enumerate(np.asarray(run_entropy, np.uint32)))
    out = np.empty((len(spawn_keys), 4), np.uint64)
    for row, key in enumerate(np.asarray(spawn_keys, np.uint32)):
        out[row] = np.random.SeedSequence(entropy, spawn_key=tuple(int(x) for x in key)).generate_state(4, np.uint64)
    return out


_PCG_MULTIPLIER = (2549297995355413924 << 64) | 4865540595714422341
_MASK128 = (1 << 128) - 1


def reseed_pcg64(bit_generators: List[np.random.PCG64], words: np.ndarray, addresses=None) -> bool:
    """Give each PCG64 the state a PCG64 built from its row of ``words`` (4 uint64 seed words)
    starts in: numpy's pcg64_set_seed (initial state and increment from the words, two steps),
    through the generators' ``state``. ``addresses`` is for the compiled twin. Returns True."""
    words = np.asarray(words, np.uint64)
    if words.shape != (len(bit_generators), 4):
        raise ValueError("reseed_pcg64: need one row of 4 seed words per generator")
    for bit_generator, row in zip(bit_generators, words):
        initstate = (int(row[0]) << 64) | int(row[1])
        increment = ((((int(row[2]) << 64) | int(row[3])) << 1) | 1) & _MASK128
        state = increment  # 0 * multiplier + increment
        state = ((state + initstate) * _PCG_MULTIPLIER + increment) & _MASK128
        bit_generator.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": increment},
                               "has_uint32": 0, "uinteger": 0}
    return True


def arrival_times(spacings: np.ndarray, counts: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Arrival times of one call type in a block: interval j gets ``counts[j]`` calls at
    ``start[j] + length[j] * u``, u the sorted uniforms that ``counts[j] + 1`` exponential
    ``spacings`` give (n sorted uniforms are the normalised partial sums of n + 1 spacings)."""
    counts = np.asarray(counts, dtype=np.int64)
    if len(counts) == 0:
        return np.zeros(0)
    if np.any(counts < 0):
        raise ValueError("arrival_times: negative count")
    sizes = counts + 1  # drawn even for empty intervals, so block boundaries never shift the stream
    if len(spacings) != int(sizes.sum()):
        raise ValueError("arrival_times: need counts.sum() + len(counts) spacings")
    sums = np.cumsum(spacings)
    last = np.cumsum(sizes) - 1  # index of each segment's closing spacing
    before = np.concatenate(([0.0], sums[last[:-1]]))
    segment = np.repeat(np.arange(len(counts)), counts)
    inner = np.ones(len(sums), bool)
    inner[last] = False
    positions = (sums[inner] - before[segment]) / (sums[last] - before)[segment]
    return np.repeat(start[:len(counts)], counts) + np.repeat(length[:len(counts)], counts) * positions


def merge_calls(arrivals: List[np.ndarray], talks: List[np.ndarray], wrapups: List[np.ndarray],
                patiences: List[np.ndarray]):
    """The calls of all types in one block, merged by arrival time (ties in type order), as
    (arrival, call_type, talk, wrapup, patience): a stable sort of the concatenated times."""
    call_type = [np.full(len(times), k, dtype=np.int32) for k, times in enumerate(arrivals)]
    arrival, kind, talk, wrap, patience = (np.concatenate(col) if col else np.zeros(0)
                                           for col in (arrivals, call_type, talks, wrapups, patiences))
    order = np.argsort(arrival, kind="stable")
    return arrival[order], kind[order].astype(np.int32), talk[order], wrap[order], patience[order]
