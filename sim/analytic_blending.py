"""The Markov threshold model of call blending, solved exactly (Bhulai & Koole 2003; Gans & Zhou 2003).

``agents`` (c) agents serve inbound calls (Poisson, ``arrival_rate``; exponential handle time with
mean ``mean_inbound``) and work an outbound campaign with an endless backlog: every outbound call
reaches a customer at once and lasts an exponential time with mean ``mean_outbound``. Nobody
abandons; inbound calls wait in one FIFO queue. The reservation rule with ``reserve`` (k):

* whenever more than k agents are idle, the idle agents beyond k start outbound calls at once;
* a freed agent takes a waiting inbound call first (so while calls queue, outbound calls only end).

Hence at most m = c - k agents are ever on outbound, and when no call waits, c - k to c agents
are busy. Units: any time unit, the same for every argument (``outbound_rate`` is then outbound
calls per that unit; with seconds, x 3600 gives calls per hour). Stable iff arrival_rate *
mean_inbound < agents: at a long queue every agent ends up on inbound.

The chain is a quasi-birth-death process. Level q >= 1 (calls waiting; all c agents busy) has
phases o = 0..m (outbound calls in service, c - o inbound); level 0 (no call waiting) has the
states (o, j), j = k - idle agents = 0..k, i.e. i = m - o + j inbound calls in service. Levels
q >= 1 are matrix-geometric, pi_{q+1} = pi_q R, R = lambda (-(A1 + lambda G))^{-1}, with G (and
so R) lower triangular because phases only fall while calls wait; level 0 and pi_1 come from the
boundary equations (a sparse linear system).

The wait of a FIFO arrival that finds q >= 1 calls waiting (q = 0 and all busy: one completion
needed) ends at the (q + 1)-th completion; in phase o completions come at rate (c - o) mu_in +
o mu_out and an outbound one moves the phase to o - 1. P(wait <= T) is computed exactly (to
1e-14) by uniformisation of that absorbing chain, started from the law an arrival sees (PASTA).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import solve_triangular
from scipy.sparse.linalg import spsolve
from scipy.special import gammaln

from sim.analytic import _check_agents, _check_number

_TAIL = 1e-15            # neglected probability mass of the queue levels (waiting-time law)
_MAX_WORK = 2_000_000_000  # cap on uniformisation work (levels x phases x steps)


@dataclass(frozen=True)
class BlendingMetrics:
    """Steady-state performance of the blended pool (see the module docstring)."""

    agents: int
    reserve: int
    offered_load: float        # inbound erlangs, arrival_rate * mean_inbound
    p_wait: float              # P(an inbound call waits > 0)
    service_level: float       # P(wait <= threshold)
    asa: float                 # mean inbound wait (everybody is answered)
    mean_queue: float          # time-average number of inbound calls waiting
    occupancy: float           # mean busy agents / agents (inbound + outbound)
    inbound_occupancy: float   # mean agents on inbound calls / agents
    outbound_occupancy: float  # mean agents on outbound calls / agents
    outbound_rate: float       # outbound calls completed (= started) per time unit


def _check_reserve(reserve, agents: int) -> int:
    if isinstance(reserve, bool) or not isinstance(reserve, numbers.Integral) or not 0 <= reserve <= agents:
        raise ValueError(f"reserve must be an integer from 0 to agents={agents}, got {reserve!r}")
    return int(reserve)


def _g_matrix(lam: float, same: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """G[o, o'] = P(the first passage one level down, from phase o, ends in phase o').

    The minimal solution of A2 + A1 G + lambda G^2 = 0 with A0 = lambda I, A1 = -diag(d),
    A2 = diag(same) + subdiagonal(lower). Phases only fall within the levels >= 1, so G is lower
    triangular: its diagonal is the smaller root of lambda g^2 - d g + same = 0, and each column
    below the diagonal, given the columns to its right, solves a triangular system (no iteration):
    g[o, p] (d_o - lambda g_o - lambda g_p) - lambda sum_{p < l < o} g[o, l] g[l, p] = A2[o, p]."""
    d = lam + same + lower
    size = len(d)
    diag = 2.0 * same / (d + np.sqrt(d * d - 4.0 * lam * same))  # the smaller root, in a stable form
    g = np.diag(diag)
    for p in range(size - 2, -1, -1):
        matrix = -lam * g[p + 1:, p + 1:]                          # lower triangular already
        matrix[np.diag_indices(size - p - 1)] = d[p + 1:] - lam * (diag[p + 1:] + diag[p])
        rhs = np.zeros(size - p - 1)
        rhs[0] = lower[p + 1]
        g[p + 1:, p] = solve_triangular(matrix, rhs, lower=True)
    return g


class BlendingChain:
    """The stationary law of the threshold model (see the module docstring).

    ``level0[o, j]`` = P(no call waiting, o outbound and m - o + j inbound in service);
    ``level1[o]`` = P(one call waiting, o outbound in service); level q: ``level(q)``.
    """

    def __init__(self, arrival_rate: float, mean_inbound: float, mean_outbound: float, agents: int, reserve: int):
        self.arrival_rate = lam = _check_number("arrival_rate", arrival_rate)
        mean_in = _check_number("mean_inbound", mean_inbound, positive=True)
        mean_out = _check_number("mean_outbound", mean_outbound, positive=True)
        self.agents = c = _check_agents(agents)
        self.reserve = k = _check_reserve(reserve, c)
        if lam * mean_in >= c:
            raise ValueError(f"unstable blended queue: inbound offered load {lam * mean_in:.6g} erlangs >= "
                             f"agents={c} (while calls wait every freed agent turns to inbound, so the "
                             "inbound load alone must be below the agents)")
        self.mu_in, self.mu_out = mu_in, mu_out = 1.0 / mean_in, 1.0 / mean_out
        self.max_outbound = m = c - k
        o = np.arange(m + 1)
        self.inbound_rates = (c - o) * mu_in      # completions of inbound calls in phase o
        self.outbound_rates = o * mu_out          # completions of outbound calls in phase o
        g = _g_matrix(lam, self.inbound_rates, self.outbound_rates)
        eye = np.eye(m + 1)
        leave = np.diag(lam + self.inbound_rates + self.outbound_rates) - lam * g  # -(A1 + A0 G), triangular
        n_matrix = solve_triangular(leave, eye, lower=True)
        self.rate_matrix = lam * n_matrix          # R
        self._geometric = solve_triangular(eye - self.rate_matrix, eye, lower=True)  # sum of R^q, q >= 0
        self.level0, self.level1 = self._boundary(g, n_matrix)
        self._uniform = float((self.inbound_rates + self.outbound_rates).max())  # uniformisation rate
        self._served = np.empty(0)

    def _boundary(self, g: np.ndarray, n_matrix: np.ndarray):
        """Solve the level-0 balance equations with level 1 censored out (a sparse system).

        Level 0 -> 1 at rate lambda from the states with all agents busy; the chain comes back
        in phase distribution G, so the censored rate busy(o) -> busy(o') is lambda G[o, o']."""
        lam, k, m = self.arrival_rate, self.reserve, self.max_outbound
        size = (m + 1) * (k + 1)
        index = np.arange(size).reshape(m + 1, k + 1)
        o, j = np.meshgrid(np.arange(m + 1), np.arange(k + 1), indexing="ij")
        i = m - o + j                                            # inbound calls in service
        ends_in = i > 0                                          # j = 0: the freed agent dials (o + 1)
        after_in = np.where(j == 0, index[np.minimum(o + 1, m), 0], index[o, np.maximum(j - 1, 0)])
        ends_out = (o > 0) & (j > 0)                             # j = 0: the agent redials (no change)
        busy = index[:, k]
        back = lam * g
        rows = [index[j < k], index[ends_in], index[ends_out], np.repeat(busy, m + 1)]
        cols = [index[j < k] + 1, after_in[ends_in], index[np.maximum(o - 1, 0), np.maximum(j - 1, 0)][ends_out],
                np.tile(busy, m + 1)]
        rates = [np.full((j < k).sum(), lam), (i * self.mu_in)[ends_in], (o * self.mu_out)[ends_out], back.ravel()]
        rows, cols, rates = np.concatenate(rows), np.concatenate(cols), np.concatenate(rates)
        moves = rows != cols
        gen = sparse.coo_matrix((rates[moves], (rows[moves], cols[moves])), shape=(size, size)).tocsr()
        gen = gen - sparse.diags(np.asarray(gen.sum(axis=1)).ravel())
        weight = np.ones(size)                                   # normalisation: all levels sum to 1
        weight[busy] += (lam * n_matrix @ self._geometric).sum(axis=1)
        system = sparse.vstack([sparse.csr_matrix(weight), gen.T.tocsr()[1:]]).tocsc()
        rhs = np.zeros(size)
        rhs[0] = 1.0
        p0 = np.clip(spsolve(system, rhs), 0.0, None).reshape(m + 1, k + 1)
        return p0, lam * p0[:, k] @ n_matrix

    def level(self, q: int) -> np.ndarray:
        """P(q calls waiting, o outbound in service) for o = 0..m (q >= 1)."""
        return self.level1 @ np.linalg.matrix_power(self.rate_matrix, q - 1)

    def wait_cdf(self, t):
        """P(an arriving inbound call waits <= t), exact to about 1e-14; ``t`` a number or an array."""
        times = np.asarray(t, float)
        if times.size == 0 or not np.all(np.isfinite(times)) or times.min() < 0:
            raise ValueError(f"t must be finite and >= 0, got {t!r}")
        p_wait = float(self.level0[:, self.reserve].sum() + self.level1 @ self._geometric.sum(axis=1))
        x = self._uniform * times
        steps = int(x.max() + 10.0 * math.sqrt(x.max()) + 40)     # Poisson(x) tail beyond: < 1e-15
        served = self._served_by_step(steps)
        s = np.arange(steps + 1)
        log_x = np.log(np.where(x > 0, x, 1.0))[..., None]         # Poisson(x) weights of s steps
        weights = np.where(x[..., None] > 0, np.exp(s * log_x - x[..., None] - gammaln(s + 1)), s == 0)
        cdf = np.minimum(1.0, 1.0 - p_wait + weights @ served)
        return float(cdf) if cdf.ndim == 0 else cdf

    def _served_by_step(self, steps: int) -> np.ndarray:
        """P(the arrival has been answered within s steps of the uniformised chain), s = 0..steps.

        The chain: (completions still needed n, outbound in service o); an arrival brings n = 1 if
        it finds all busy and none waiting, n = q + 1 if q wait. Mass needing more than ``steps``
        completions cannot be served within them, so levels beyond are left out."""
        if len(self._served) > steps:
            return self._served[:steps + 1]
        busy0 = self.level0[:, self.reserve]
        start, level = [busy0], self.level1
        remaining = float(self.level1 @ self._geometric.sum(axis=1))
        while len(start) < steps and remaining > _TAIL:
            start.append(level)
            remaining -= level.sum()
            level = level @ self.rate_matrix
        mass = np.vstack([np.zeros(len(busy0))] + start)         # mass[n, o]; row 0: served
        if mass.size * steps > _MAX_WORK:
            raise ValueError(f"t needs too many uniformisation steps ({steps}) for this queue")
        rates = self.inbound_rates + self.outbound_rates
        stay, same, lower = 1.0 - rates / self._uniform, self.inbound_rates / self._uniform, \
            self.outbound_rates / self._uniform
        served = np.empty(steps + 1)
        for s in range(steps + 1):
            served[s] = mass[0].sum()
            moved = np.zeros_like(mass)
            moved[0] = mass[0]
            moved[1:] += mass[1:] * stay
            moved[:-1] += mass[1:] * same                         # an inbound call ends
            moved[:-1, :-1] += (mass[1:] * lower)[:, 1:]          # an outbound call ends
            mass = moved
        self._served = served
        return served

    def metrics(self, threshold: float) -> BlendingMetrics:
        """Every KPI of the pool, with the service level at ``threshold`` (the SL time T)."""
        threshold = _check_number("threshold", threshold)
        c, k, m, lam = self.agents, self.reserve, self.max_outbound, self.arrival_rate
        o = np.arange(m + 1)
        j = np.arange(k + 1)
        inbound0 = (m - o)[:, None] + j[None, :]
        queued = self.level1 @ self._geometric                   # sum over levels q >= 1
        busy_in = float((self.level0 * inbound0).sum() + queued @ (c - o))
        busy_out = float(self.level0.sum(axis=1) @ o + queued @ o)
        mean_queue = float(self.level1 @ self._geometric @ self._geometric @ np.ones(m + 1))
        p_wait = float(self.level0[:, k].sum() + queued.sum())
        if lam > 0:
            asa = mean_queue / lam                               # Little's law
        else:  # no queue: a (hypothetical) arrival finding all busy waits for the next completion
            asa = float(self.level0[:, k] @ (1.0 / (self.inbound_rates + self.outbound_rates)))
        return BlendingMetrics(
            agents=c, reserve=k, offered_load=lam / self.mu_in, p_wait=min(1.0, p_wait),
            service_level=float(self.wait_cdf(threshold)), asa=asa, mean_queue=mean_queue,
            occupancy=min(1.0, (busy_in + busy_out) / c), inbound_occupancy=busy_in / c,
            outbound_occupancy=busy_out / c, outbound_rate=busy_out * self.mu_out)


def blending_metrics(arrival_rate: float, mean_inbound: float, mean_outbound: float, agents: int,
                     reserve: int, threshold: float) -> BlendingMetrics:
    """Exact steady-state KPIs of the threshold blending model (module docstring); raises
    ValueError naming the argument for bad input, or when the inbound load is >= agents."""
    threshold = _check_number("threshold", threshold)
    return BlendingChain(arrival_rate, mean_inbound, mean_outbound, agents, reserve).metrics(threshold)
