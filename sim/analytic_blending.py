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
q >= 1 are matrix-geometric, pi_{q+1} = pi_q R (Latouche & Ramaswami, logarithmic reduction for
G); level 0 and pi_1 come from the boundary equations.

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
from scipy.special import gammaln

from sim.analytic import _check_agents, _check_number

_TAIL = 1e-15            # neglected probability mass (queue levels, Poisson steps)
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


def _g_matrix(up: float, local: np.ndarray, down: np.ndarray) -> np.ndarray:
    """G of the QBD (first-passage phase one level down) by logarithmic reduction.

    ``up`` = lambda (A0 = lambda I), ``local`` = the diagonal of A1, ``down`` = A2."""
    inv = 1.0 / -local
    h = inv[:, None] * (up * np.eye(len(local)))
    low = inv[:, None] * down
    g, t = low.copy(), h.copy()
    eye = np.eye(len(local))
    for _ in range(200):
        u = h @ low + low @ h
        h, low = np.linalg.solve(eye - u, h @ h), np.linalg.solve(eye - u, low @ low)
        g += t @ low
        t = t @ h
        if np.abs(1.0 - g.sum(axis=1)).max() < 1e-14:
            break
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
        down = np.diag(self.inbound_rates) + np.diag(self.outbound_rates[1:], -1)
        local = -(lam + self.inbound_rates + self.outbound_rates)
        g = _g_matrix(lam, local, down)
        n_matrix = np.linalg.inv(-(np.diag(local) + lam * g))
        self.rate_matrix = lam * n_matrix          # R
        self.level0, self.level1 = self._boundary(down, n_matrix)
        self._geometric = np.linalg.inv(np.eye(m + 1) - self.rate_matrix)  # sum of R^q, q >= 0
        self._uniform = float((self.inbound_rates + self.outbound_rates).max())  # uniformisation rate
        self._served = np.empty(0)

    def _boundary(self, down: np.ndarray, n_matrix: np.ndarray):
        """Solve the level-0 balance equations with level 1 censored out: pi_1 = pi_0 B01 N."""
        lam, c, k, m = self.arrival_rate, self.agents, self.reserve, self.max_outbound
        size = (m + 1) * (k + 1)
        index = np.arange(size).reshape(m + 1, k + 1)
        gen = np.zeros((size, size))
        for o in range(m + 1):
            for j in range(k + 1):
                here, i = index[o, j], m - o + j
                if j < k:
                    gen[here, index[o, j + 1]] += lam            # answered at once
                if i > 0:                                        # an inbound call ends
                    target = index[o + 1, 0] if j == 0 else index[o, j - 1]  # j = 0: the agent dials
                    gen[here, target] += i * self.mu_in
                if o > 0 and j > 0:                              # an outbound call ends (j = 0: redial)
                    gen[here, index[o - 1, j - 1]] += o * self.mu_out
        busy = index[:, k]                                       # all agents busy, none waiting
        # level 0 -> 1 at rate lambda from the busy states; back via pi_1 = pi_0[busy] lam N, then A2
        gen[np.ix_(busy, busy)] += lam * n_matrix @ down
        gen[np.arange(size), np.arange(size)] = 0.0
        gen[np.arange(size), np.arange(size)] = -gen.sum(axis=1)
        system = gen.T.copy()
        system[0, :] = 1.0
        weight = np.ones(size)
        weight[busy] += (lam * n_matrix @ np.linalg.inv(np.eye(m + 1) - self.rate_matrix)).sum(axis=1)
        system[0, :] = weight                                    # normalisation: all levels sum to 1
        rhs = np.zeros(size)
        rhs[0] = 1.0
        p0 = np.clip(np.linalg.solve(system, rhs), 0.0, None).reshape(m + 1, k + 1)
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
