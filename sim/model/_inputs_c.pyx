# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Random inputs' arithmetic in C (the twin of :mod:`sim.model._inputs_py`, which tests compare it
with bit for bit): the seed words of many named streams at once, arrival times from exponential
spacings, and the k-way merge of the call types' sorted arrivals. Loaded through
:mod:`sim.model.input_kernels`.
"""

from libc.stdlib cimport free
from libc.string cimport memcpy

import numpy as np

from sim._cmemory cimport grow, i64, zeros


# -- stream seeding ---------------------------------------------------------------------------
# numpy's SeedSequence (numpy/random/bit_generator.pyx, pool of 4 words), for many spawn keys
# at once: the words PCG64 is seeded with, without building a SeedSequence per stream.

DEF SS_POOL = 4
DEF SS_INIT_A = 0x43b0d7e5
DEF SS_MULT_A = 0x931e8875
DEF SS_INIT_B = 0x8b51f9dd
DEF SS_MULT_B = 0x58f38ded
DEF SS_MIX_MULT_L = 0xca01f9dd
DEF SS_MIX_MULT_R = 0x4973f715
DEF SS_XSHIFT = 16

ctypedef unsigned int u32


cdef inline u32 _hashmix(u32 value, u32 *hash_const) noexcept nogil:
    value ^= hash_const[0]
    hash_const[0] *= <u32>SS_MULT_A
    value *= hash_const[0]
    value ^= value >> SS_XSHIFT
    return value


cdef inline u32 _mix(u32 x, u32 y) noexcept nogil:
    cdef u32 result = <u32>SS_MIX_MULT_L * x - <u32>SS_MIX_MULT_R * y
    result ^= result >> SS_XSHIFT
    return result


def seed_words(u32[::1] run_entropy, u32[:, ::1] spawn_keys):
    """For each row of ``spawn_keys`` (a spawn key as 32-bit words), what
    ``SeedSequence(entropy, spawn_key=key).generate_state(4, np.uint64)`` returns, as rows of a
    (keys, 4) uint64 array; ``run_entropy`` is the entropy as 32-bit words (little end first)."""
    cdef Py_ssize_t n_keys = spawn_keys.shape[0], key_words = spawn_keys.shape[1]
    cdef Py_ssize_t n_run = run_entropy.shape[0], r, i, i_src, i_dst, n_entropy
    cdef u32 hash_const, value
    cdef u32 pool[SS_POOL]
    cdef u32 state[2 * SS_POOL]
    cdef u32 *entropy
    cdef Py_ssize_t padded = n_run if (key_words == 0 or n_run >= SS_POOL) else SS_POOL
    out = np.empty((n_keys, SS_POOL), np.uint64)
    cdef unsigned long long[:, ::1] words = out
    n_entropy = padded + key_words
    entropy = <u32 *>grow(NULL, n_entropy, sizeof(u32))
    try:
        for i in range(padded):
            entropy[i] = run_entropy[i] if i < n_run else 0
        for r in range(n_keys):
            for i in range(key_words):
                entropy[padded + i] = spawn_keys[r, i]
            hash_const = SS_INIT_A
            for i in range(SS_POOL):
                pool[i] = _hashmix(entropy[i] if i < n_entropy else 0, &hash_const)
            for i_src in range(SS_POOL):
                for i_dst in range(SS_POOL):
                    if i_src != i_dst:
                        pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], &hash_const))
            for i_src in range(SS_POOL, n_entropy):
                for i_dst in range(SS_POOL):
                    pool[i_dst] = _mix(pool[i_dst], _hashmix(entropy[i_src], &hash_const))
            hash_const = SS_INIT_B
            for i in range(2 * SS_POOL):
                value = pool[i % SS_POOL]
                value ^= hash_const
                hash_const *= <u32>SS_MULT_B
                value *= hash_const
                value ^= value >> SS_XSHIFT
                state[i] = value
            for i in range(SS_POOL):  # little-endian pairs of 32-bit words
                words[r, i] = <unsigned long long>state[2 * i] | (<unsigned long long>state[2 * i + 1] << 32)
    finally:
        free(entropy)
    return out



# -- random inputs ----------------------------------------------------------------------------
# The per-type arithmetic of sim.model.random_inputs.call_blocks in one pass each (same operations in
# the same order as the numpy code they replace, so the same floats).

# -- re-seeding PCG64 generators in place ------------------------------------------------------
# What PCG64(seed words) does when it is built (numpy/random/src/pcg64: pcg64_set_seed), written
# into existing generators' states (their ctypes.state_address), so that replications reuse their
# generators instead of building new ones. The layout is numpy's pcg64_state with a 128-bit
# integer; the caller checks the result against a freshly built generator once (random_inputs).

cdef extern from *:
    """
    #include <stdint.h>
    #if defined(__SIZEOF_INT128__)
    typedef __uint128_t callsim_u128;
    typedef struct { callsim_u128 state; callsim_u128 inc; } callsim_pcg128;
    typedef struct { callsim_pcg128 *pcg_state; int has_uint32; uint32_t uinteger; } callsim_pcg64_state;
    static int callsim_pcg64_seed(uintptr_t address, const uint64_t *words) {
        const callsim_u128 mult = (((callsim_u128)2549297995355413924ULL) << 64) | 4865540595714422341ULL;
        callsim_pcg64_state *s = (callsim_pcg64_state *)address;
        callsim_pcg128 *rng = s->pcg_state;
        callsim_u128 initstate = (((callsim_u128)words[0]) << 64) | words[1];
        callsim_u128 initseq = (((callsim_u128)words[2]) << 64) | words[3];
        rng->state = 0;
        rng->inc = (initseq << 1u) | 1u;
        rng->state = rng->state * mult + rng->inc;
        rng->state += initstate;
        rng->state = rng->state * mult + rng->inc;
        s->has_uint32 = 0;
        s->uinteger = 0;
        return 1;
    }
    #else
    static int callsim_pcg64_seed(uintptr_t address, const uint64_t *words) { return 0; }
    #endif
    """
    int callsim_pcg64_seed(size_t address, const unsigned long long *words) noexcept nogil


def reseed_pcg64(list bit_generators, const unsigned long long[:, ::1] words, addresses=None):
    """Give each PCG64 of ``bit_generators`` the state a PCG64 built from the row of ``words``
    (4 uint64 seed words, as :func:`seed_words` returns) starts in. ``addresses``: their
    ``ctypes.state_address`` values, if the caller kept them. Returns False if this build cannot
    (no 128-bit integers): nothing was changed then."""
    cdef Py_ssize_t i, n = len(bit_generators)
    if words.shape[0] != n or words.shape[1] != 4:
        raise ValueError("reseed_pcg64: need one row of 4 seed words per generator")
    if addresses is None:
        addresses = [bg.ctypes.state_address for bg in bit_generators]
    for i in range(n):
        if not callsim_pcg64_seed(<size_t>addresses[i], &words[i, 0]):
            return False
    return True


def arrival_times(const double[::1] spacings, const i64[::1] counts, const double[::1] start,
                  const double[::1] length):
    """Arrival times of one call type in a block: interval j gets ``counts[j]`` calls at
    ``start[j] + length[j] * u`` for the sorted uniforms u that ``counts[j] + 1`` exponential
    ``spacings`` give (normalised partial sums), as ``np.repeat(start, counts) + np.repeat(length,
    counts) * sim.model.random_inputs.sorted_positions(...)`` computes them."""
    cdef Py_ssize_t segments = counts.shape[0], j, i, read = 0, write = 0
    cdef i64 n = 0
    cdef double total = 0.0, before = 0.0, closing, span
    for j in range(segments):
        if counts[j] < 0:
            raise ValueError("arrival_times: negative count")
        n += counts[j]
    if spacings.shape[0] != n + segments or start.shape[0] < segments or length.shape[0] < segments:
        raise ValueError("arrival_times: need counts.sum() + len(counts) spacings and a start and length per interval")
    out = np.empty(n, np.float64)
    cdef double[::1] times = out
    cdef double *sums = <double *>grow(NULL, spacings.shape[0], sizeof(double))
    for i in range(spacings.shape[0]):  # np.cumsum: one running sum
        total += spacings[i]
        sums[i] = total
    for j in range(segments):
        closing = sums[read + counts[j]]  # the segment's closing partial sum
        span = closing - before
        for i in range(counts[j]):
            times[write] = start[j] + length[j] * ((sums[read + i] - before) / span)
            write += 1
        read += counts[j] + 1
        before = closing
    free(sums)
    return out


cdef const double *_column(object values, Py_ssize_t n) except? NULL:
    """Pointer to the data of a contiguous float64 array of length n (kept alive by the caller)."""
    cdef const double[::1] view = values
    if view.shape[0] != n:
        raise ValueError("merge_calls: the columns of a call type must have the same length")
    return &view[0] if n > 0 else NULL


cdef double *_new_column(object values, Py_ssize_t n) except? NULL:
    """Pointer to the data of a new (writable) float64 array of length n."""
    cdef double[::1] view = values
    return &view[0] if n > 0 else NULL


def merge_calls(list arrivals, list talks, list wrapups, list patiences):
    """The calls of all types in one block, merged by arrival time (ties in type order), as
    (arrival, call_type, talk, wrapup, patience); each type's arrival times must be sorted.

    The same order as a stable argsort of the concatenated arrival times; returns None if some
    type's times are not in order (the caller then sorts)."""
    cdef Py_ssize_t types = len(arrivals), k, i, n = 0
    cdef const double **a = <const double **>zeros(4 * types, sizeof(double *))
    cdef const double **t = a + types
    cdef const double **w = a + 2 * types
    cdef const double **p = a + 3 * types
    cdef Py_ssize_t *size = <Py_ssize_t *>zeros(2 * types, sizeof(Py_ssize_t))
    cdef Py_ssize_t *next_ = size + types
    try:
        for k in range(types):
            size[k] = len(arrivals[k])
            a[k], t[k] = _column(arrivals[k], size[k]), _column(talks[k], size[k])
            w[k], p[k] = _column(wrapups[k], size[k]), _column(patiences[k], size[k])
            n += size[k]
            for i in range(1, size[k]):
                if not a[k][i - 1] <= a[k][i]:
                    return None
        arrival_out, type_out = np.empty(n, np.float64), np.empty(n, np.int32)
        talk_out, wrapup_out, patience_out = np.empty(n, np.float64), np.empty(n, np.float64), np.empty(n, np.float64)
        _merge(a, t, w, p, size, next_, types, n, _new_column(arrival_out, n), _int_column(type_out, n),
               _new_column(talk_out, n), _new_column(wrapup_out, n), _new_column(patience_out, n))
    finally:
        free(a)
        free(size)
    return arrival_out, type_out, talk_out, wrapup_out, patience_out


cdef int *_int_column(object values, Py_ssize_t n) except? NULL:
    """Pointer to the data of a new (writable) int32 array of length n."""
    cdef int[::1] view = values
    return &view[0] if n > 0 else NULL


cdef void _merge(const double **a, const double **t, const double **w, const double **p, Py_ssize_t *size, Py_ssize_t *next_,
                 Py_ssize_t types, Py_ssize_t n, double *arrival, int *call_type, double *talk, double *wrapup,
                 double *patience) noexcept nogil:
    """k-way merge of sorted runs: repeatedly the earliest head, at equal times the first type."""
    cdef Py_ssize_t i, k, best, j
    cdef double when = 0.0
    for i in range(n):
        best = -1
        for k in range(types):
            if next_[k] < size[k] and (best < 0 or a[k][next_[k]] < when):
                best, when = k, a[k][next_[k]]
        j = next_[best]
        arrival[i], call_type[i] = when, <int>best
        talk[i], wrapup[i], patience[i] = t[best][j], w[best][j], p[best][j]
        next_[best] = j + 1
