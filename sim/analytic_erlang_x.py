"""Erlang X: Erlang A with a finite number of lines and redials (Janssen, Koole & Pot 2011).

The queue is M/M/c/N+M: ``agents`` (c) agents, ``lines`` (N >= c) places for callers in service
plus waiting (an attempt finding all N lines busy is blocked), exponential handle time (mean
``mean_service``) and exponential patience (mean ``mean_patience``; None: nobody abandons), FIFO.
Fresh calls arrive as a Poisson stream of rate lambda (``arrival_rate``); an attempt that is
blocked or abandons is followed, some time later, by a redial with probability r
(``redial_probability``, 0 <= r < 1), else the caller gives up for good. ``lines`` None is
N = infinity (then nobody is blocked, and with no patience r plays no part).

Steady state. As in Erlang X, redials are assumed to join the fresh calls as one Poisson stream of
total rate lambda_t (exact in the limit of long redial delays), which solves
    lambda_t = lambda + r * lambda_t * (P_block(lambda_t) + P_abandon(lambda_t)).
Written with the served rate S(x) = x (1 - P_block(x) - P_abandon(x)) this is
h(x) = (1 - r) x + r S(x) - lambda = 0. S rises with the arrival rate (the birth-death chain is
stochastically larger, and the busy agents min(n, c) grow with n), so h is strictly increasing;
h(lambda) = r (S(lambda) - lambda) <= 0 and h(lambda / (1 - r)) = r S >= 0. So the root is unique
and lies in that bracket: it is found by Brent's method (scipy.optimize.brentq), to a relative
1e-13.

Per attempt (every arrival, fresh or redial, by PASTA sees the stationary law of the chain at
lambda_t): ``p_block``; ``p_wait`` = P(admitted and all agents busy); ``service_level`` =
P(answered and waited <= T) over all attempts; ``asa`` = mean wait of answered attempts;
``mean_wait`` = mean wait of all attempts (blocked ones count 0); ``p_abandon``; ``occupancy``;
``mean_queue``. An admitted attempt that finds k callers waiting is served with probability
a / (a + k + 1), a = c mu / theta, and its wait given served is the sum of Exp(c mu + i theta),
i = 1..k+1, as in sim.analytic.erlang_a_metrics (the formulas hold on the waiting positions
0..N-c-1); with no patience it is Erlang(k + 1, c mu).

Per fresh caller: each attempt fails with probability f = p_block + p_abandon and a failure is
redialled with probability r, so ``attempts_per_caller`` = 1 / (1 - r f) = lambda_t / lambda,
``p_served_eventually`` = (1 - f) / (1 - r f) and ``p_lost`` = f (1 - r) / (1 - r f), which sum
to 1 (fresh calls = served for good + lost for good).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy.optimize import brentq
from scipy.special import betainc, gammainc, logsumexp

from sim.analytic import (_MAX_STATES, _TAIL_LOG, _check_agents, _check_number,
                          erlang_c_metrics)


@dataclass(frozen=True)
class ErlangXMetrics:
    """Steady-state performance under Erlang X (see the module docstring for definitions)."""

    agents: int
    lines: Optional[int]          # None: unlimited
    redial_probability: float
    arrival_rate: float           # fresh calls per time unit (lambda)
    total_rate: float             # attempts per time unit, fresh + redials (lambda_t)
    offered_load: float           # erlangs of all attempts, total_rate * mean_service
    p_block: float                # per attempt
    p_wait: float                 # per attempt: admitted and all agents busy
    service_level: float          # per attempt: answered and wait <= T
    asa: float                    # mean wait of answered attempts
    mean_wait: float              # mean wait of all attempts (blocked: 0)
    p_abandon: float              # per attempt
    occupancy: float              # mean busy agents / agents
    mean_queue: float             # time-average number waiting
    p_served_eventually: float    # per fresh caller
    p_lost: float                 # per fresh caller: gives up for good
    attempts_per_caller: float    # mean attempts per fresh caller


@dataclass(frozen=True)
class _AttemptMetrics:
    p_block: float
    p_wait: float
    service_level: float
    asa: float
    mean_queue: float
    busy: float                   # mean busy agents


# ----------------------------------------------------------------------------- checks
def _is_infinite(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isinf(value) and value > 0)


def _check_lines(lines, agents: int) -> Optional[int]:
    if lines is None or _is_infinite(lines):
        return None
    if isinstance(lines, bool) or not isinstance(lines, numbers.Integral) or lines < agents:
        raise ValueError(f"lines must be an integer >= agents={agents} or None (unlimited), "
                         f"got {lines!r}")
    return int(lines)


def _check_redial(value) -> float:
    value = _check_number("redial_probability", value)
    if value >= 1:
        raise ValueError(f"redial_probability must be in [0, 1), got {value!r} (with 1 a "
                         "caller redials until served: no steady state to speak of)")
    return value


# ----------------------------------------------------------------------- the chain
def _chain_law(lam: float, mu: float, theta: float, c: int, lines: Optional[int]):
    """Stationary law of the M/M/c/N+M birth-death chain (N = lines, None: infinite).

    Returns (p_below, p_queue, p_block): p_below[n] = P(n in system), n < c; p_queue[k] =
    P(c + k in system) for the states an admitted arrival can find (k = 0..N-c-1); p_block =
    P(N in system). Log space; beyond the peak the chain is cut where terms fall below 1e-16
    of the largest (then the blocking state is in the neglected tail: p_block = 0).
    """
    n = np.arange(c + 1)
    log_low = n * math.log(lam / mu) - np.array([math.lgamma(i + 1) for i in n])
    room = math.inf if lines is None else lines - c
    if theta > 0:
        k_peak = max(0.0, (lam - c * mu) / theta)
    else:
        k_peak = 0.0 if lam < c * mu else math.inf
    size = int(min(k_peak, _MAX_STATES)) + 64
    while True:
        final = size >= room
        size = int(min(size, room))
        k = np.arange(1, size + 1)
        log_queue = log_low[-1] + np.cumsum(np.log(lam / (c * mu + k * theta)))
        log_all = np.concatenate([log_low, log_queue])
        if final or (log_all[-1] - log_all.max() < _TAIL_LOG and size > k_peak):
            break
        if size >= _MAX_STATES:
            raise ValueError(f"lines is too large for this overloaded system: the queue would "
                             f"exceed {_MAX_STATES} callers")
        size = min(2 * size, _MAX_STATES)
    p = np.exp(log_all - logsumexp(log_all))
    p /= p.sum()
    if final:
        return p[:c], p[c:-1], float(p[-1])
    return p[:c], p[c:], 0.0


def _attempt_metrics(lam: float, mu: float, theta: float, c: int, lines: Optional[int],
                     t: float) -> _AttemptMetrics:
    """The per-attempt metrics of the chain at arrival rate ``lam`` (> 0)."""
    p_below, p_queue, p_block = _chain_law(lam, mu, theta, c, lines)
    k = np.arange(len(p_queue), dtype=float)
    # callers waiting: k in the states an arrival can join, N - c = len(p_queue) when all lines are busy
    mean_queue = float(k @ p_queue) + len(p_queue) * p_block
    busy = float(np.arange(c) @ p_below) + c * (float(p_queue.sum()) + p_block)
    if theta > 0:
        a = c * mu / theta
        served_given_k = a / (a + k + 1.0)
        within_given_served = betainc(k + 1.0, a + 1.0, -math.expm1(-theta * t))
    else:
        served_given_k = np.ones_like(k)
        within_given_served = gammainc(k + 1.0, c * mu * t)
    wait_given_served = np.cumsum(1.0 / (c * mu + (k + 1.0) * theta))
    p_served = float(p_below.sum() + served_given_k @ p_queue)
    asa = float((served_given_k * wait_given_served) @ p_queue) / p_served
    return _AttemptMetrics(
        p_block=p_block,
        p_wait=min(1.0, float(p_queue.sum())),
        service_level=min(1.0, float(p_below.sum() + (served_given_k * within_given_served) @ p_queue)),
        asa=asa,
        mean_queue=mean_queue,
        busy=busy,
    )


# ------------------------------------------------------------------------ Erlang X
def erlang_x_metrics(arrival_rate: float, mean_service: float, agents: int,
                     lines: Optional[int], mean_patience: Optional[float],
                     redial_probability: float, threshold: float) -> ErlangXMetrics:
    """Erlang X metrics: M/M/c/N+M at the total rate lambda_t of fresh calls and redials.

    ``lines`` None (or inf) is unlimited, ``mean_patience`` None (or inf) is no abandonment;
    with both, the queue must be stable (offered load < agents). ``redial_probability`` is in
    [0, 1). Raises ValueError naming the argument on bad input.
    """
    lam = _check_number("arrival_rate", arrival_rate)
    s = _check_number("mean_service", mean_service, positive=True)
    c = _check_agents(agents)
    n_lines = _check_lines(lines, c)
    if mean_patience is None or _is_infinite(mean_patience):
        theta = 0.0
    else:
        theta = 1.0 / _check_number("mean_patience", mean_patience, positive=True)
    r = _check_redial(redial_probability)
    t = _check_number("threshold", threshold)
    if lam == 0:
        return ErlangXMetrics(c, n_lines, r, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 1.0, 0.0, 1.0)
    if n_lines is None and theta == 0 and lam * s >= c:
        raise ValueError(f"unstable queue: offered load {lam * s:.6g} erlangs >= agents={c} with "
                         "unlimited lines and no abandonment; give lines or mean_patience")
    mu = 1.0 / s

    def failure_rate(x: float) -> float:  # blocked + abandoned attempts per time unit
        m = _attempt_metrics(x, mu, theta, c, n_lines, t)
        return x * m.p_block + theta * m.mean_queue

    if r == 0 or (n_lines is None and theta == 0):  # no redials, or nobody ever fails
        total = lam
    else:  # h(x) = x - lambda - r * failures(x): increasing, bracketed (module docstring)
        total = brentq(lambda x: x - lam - r * failure_rate(x), lam, lam / (1.0 - r),
                       xtol=1e-14 * lam, rtol=1e-13)
    m = _attempt_metrics(total, mu, theta, c, n_lines, t)
    p_abandon = theta * m.mean_queue / total
    fail = m.p_block + p_abandon
    retried = 1.0 - r * fail
    return ErlangXMetrics(
        agents=c,
        lines=n_lines,
        redial_probability=r,
        arrival_rate=lam,
        total_rate=total,
        offered_load=total * s,
        p_block=m.p_block,
        p_wait=m.p_wait,
        service_level=m.service_level,
        asa=m.asa,
        mean_wait=m.mean_queue / total,
        p_abandon=p_abandon,
        occupancy=min(1.0, m.busy / c),
        mean_queue=m.mean_queue,
        p_served_eventually=(1.0 - fail) / retried,
        p_lost=fail * (1.0 - r) / retried,
        attempts_per_caller=1.0 / retried,
    )
