"""Closed-form and numerically exact queueing formulas for call centres.

This module gives the steady-state benchmarks the simulator is checked against and
that staffing heuristics can use without running a simulation:

* Erlang B (M/M/c/c, blocked calls are lost),
* Erlang C (M/M/c, infinite patience),
* Erlang A (M/M/c+M, exponential patience, callers abandon),
* the threshold model of call blending (``blending_metrics``, ``BlendingChain``,
  ``BlendingMetrics``: kept in :mod:`sim.analytic_blending`, importable from here),
* Erlang X (M/M/c/N+M with redials: ``erlang_x_metrics``, ``ErlangXMetrics``: kept in
  :mod:`sim.analytic_erlang_x`, importable from here).

Units: any time unit will do as long as it is the same for every argument --
``arrival_rate`` is calls per unit time and ``mean_service``, ``mean_patience`` and
``threshold`` (the service-level time T) are in that unit. ``agents`` is an int.

Definitions used in :class:`QueueMetrics` (all "per arrival" quantities count every
offered call, by PASTA an arrival sees the stationary distribution):

* ``service_level`` = P(answered AND waited <= T), divided by all arrivals,
* ``asa`` = mean wait of answered calls, ``mean_wait`` = mean wait of all arrivals
  (abandoners contribute the time they waited before hanging up).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Optional

import numpy as np
from sim.analytic_special import betainc, logsumexp

_TAIL_LOG = math.log(1e-16)   # truncate the Erlang A chain once terms fall below this
_MAX_STATES = 2_000_000       # hard cap on the truncated Erlang A state space
_MAX_AGENTS = 1_000_000       # hard cap for required_agents


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one queue (see module docstring for definitions)."""

    agents: int
    offered_load: float   # erlangs, arrival_rate * mean_service
    p_wait: float         # P(an arrival waits > 0)
    service_level: float  # P(answered and wait <= T) over all arrivals
    asa: float            # mean wait of answered calls
    mean_wait: float      # mean wait of all arrivals
    p_abandon: float      # P(an arrival abandons)
    occupancy: float      # mean busy agents / agents
    mean_queue: float     # time-average number waiting
    p_block: float = 0.0  # P(an arrival is blocked), Erlang B only


# ----------------------------------------------------------------------------- checks
def _check_number(name: str, value, *, positive: bool = False, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return value


def _check_agents(agents, name: str = "agents") -> int:
    if isinstance(agents, bool) or not isinstance(agents, numbers.Integral) or agents < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {agents!r}")
    return int(agents)


def _check_probability(name: str, value) -> float:
    value = _check_number(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return value


# ----------------------------------------------------------------------- Erlang B / C
def erlang_b(agents: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c with ``agents`` servers and ``offered_load`` erlangs.

    Uses the stable recursion B(0) = 1, B(n) = A*B(n-1) / (n + A*B(n-1)), so it never
    forms A**c or c! and works for any number of agents.
    """
    c = _check_agents(agents)
    a = _check_number("offered_load", offered_load)
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return b


def erlang_c(agents: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c (1.0 when offered_load >= agents)."""
    c = _check_agents(agents)
    a = _check_number("offered_load", offered_load)
    if a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def _empty_system(agents: int) -> QueueMetrics:
    """Metrics of a queue that receives no calls."""
    return QueueMetrics(agents, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def erlang_b_metrics(arrival_rate: float, mean_service: float, agents: int) -> QueueMetrics:
    """M/M/c/c (trunks or agents, no queue): blocking and carried-load occupancy.

    Nobody waits, so ``service_level`` = 1 - p_block (answered at once) for any T.
    """
    lam = _check_number("arrival_rate", arrival_rate)
    s = _check_number("mean_service", mean_service, positive=True)
    c = _check_agents(agents)
    load = lam * s
    b = erlang_b(c, load)
    return QueueMetrics(c, load, 0.0, 1.0 - b, 0.0, 0.0, 0.0, load * (1.0 - b) / c, 0.0, b)


def erlang_c_metrics(arrival_rate: float, mean_service: float, agents: int,
                     threshold: float) -> QueueMetrics:
    """M/M/c metrics from the closed forms; raises ValueError if the load is >= agents.

    SL = 1 - C*exp(-(c*mu - lambda)*T), ASA = C / (c*mu - lambda) (= mean wait of all
    calls, since nobody abandons), mean queue = lambda * ASA (Little).
    """
    lam = _check_number("arrival_rate", arrival_rate)
    s = _check_number("mean_service", mean_service, positive=True)
    c = _check_agents(agents)
    t = _check_number("threshold", threshold)
    if lam == 0:
        return _empty_system(c)
    load = lam * s
    if load >= c:
        raise ValueError(f"unstable Erlang C queue: offered load {load:.6g} erlangs >= "
                         f"agents={c}; add agents or use erlang_a_metrics with mean_patience")
    drain = c / s - lam  # c*mu - lambda > 0
    p_wait = erlang_c(c, load)
    asa = p_wait / drain
    sl = 1.0 - p_wait * math.exp(-drain * t)
    return QueueMetrics(c, load, p_wait, sl, asa, asa, 0.0, load / c, lam * asa)


# --------------------------------------------------------------------------- Erlang A
def _erlang_a_distribution(lam: float, mu: float, theta: float, c: int):
    """Stationary law of the M/M/c+M birth-death chain, truncated where negligible.

    Returns (p_below, p_queue): p_below[n] = P(N = n) for n < c and p_queue[k] =
    P(N = c + k) for k >= 0. Computed in log space: log q_n = n log A - log n! up to c,
    then each extra waiting caller multiplies by lambda / (c*mu + k*theta).
    """
    n = np.arange(c + 1)
    log_low = n * math.log(lam / mu) - np.array([math.lgamma(i + 1) for i in n])
    # queue length at which the chain stops growing (terms increase while lam > c*mu + k*theta)
    k_peak = max(0.0, (lam - c * mu) / theta)
    size = int(min(k_peak, _MAX_STATES)) + 64
    while True:
        k = np.arange(1, size + 1)
        log_queue = log_low[-1] + np.cumsum(np.log(lam / (c * mu + k * theta)))
        log_all = np.concatenate([log_low, log_queue])
        top = log_all.max()
        if log_all[-1] - top < _TAIL_LOG and size > k_peak:
            break
        if size >= _MAX_STATES:
            raise ValueError("mean_patience is too long for this overloaded system: the "
                             f"queue would exceed {_MAX_STATES} callers")
        size = min(2 * size, _MAX_STATES)
    p = np.exp(log_all - logsumexp(log_all))
    p /= p.sum()
    return p[:c], p[c:]


def erlang_a_metrics(arrival_rate: float, mean_service: float, agents: int,
                     mean_patience: Optional[float], threshold: float) -> QueueMetrics:
    """Exact M/M/c+M (Erlang A / Palm) metrics; mean_patience None or inf -> Erlang C
    (which then needs offered load < agents).

    Stability is not required (callers abandon). For an arrival that finds k callers
    waiting, let a = c*mu/theta. Each step forward in the queue happens at rate
    c*mu + j*theta (j callers ahead) while the caller's own patience runs out at rate
    theta; competing exponentials give
        P(served | k)          = a / (a + k + 1)                 (telescoping product)
        wait | served, k       ~ sum_{i=1..k+1} Exp(c*mu + i*theta)
        P(wait <= t | served)  = I_{1-exp(-theta t)}(k + 1, a + 1)
    the last because the (k+1)-th smallest of a+k+1 i.i.d. Exp(theta) times is exactly
    that sum (regularised incomplete beta, valid for non-integer a).
    """
    if mean_patience is None or (isinstance(mean_patience, numbers.Real)
                                 and not isinstance(mean_patience, bool)
                                 and math.isinf(mean_patience) and mean_patience > 0):
        return erlang_c_metrics(arrival_rate, mean_service, agents, threshold)
    lam = _check_number("arrival_rate", arrival_rate)
    s = _check_number("mean_service", mean_service, positive=True)
    c = _check_agents(agents)
    patience = _check_number("mean_patience", mean_patience, positive=True)
    t = _check_number("threshold", threshold)
    if lam == 0:
        return _empty_system(c)
    mu, theta = 1.0 / s, 1.0 / patience
    p_below, p_queue = _erlang_a_distribution(lam, mu, theta, c)

    k = np.arange(len(p_queue))
    p_wait = min(1.0, float(p_queue.sum()))
    mean_queue = float(k @ p_queue)
    busy = float(np.arange(c) @ p_below) + c * p_wait

    a = c * mu / theta
    served_given_k = a / (a + k + 1.0)
    x = -math.expm1(-theta * t)
    within_given_k = served_given_k * betainc(k + 1.0, a + 1.0, x)
    wait_given_served = np.cumsum(1.0 / (c * mu + (k + 1.0) * theta))
    p_served = float(p_below.sum() + served_given_k @ p_queue)
    asa = float((served_given_k * wait_given_served) @ p_queue) / p_served

    return QueueMetrics(
        agents=c,
        offered_load=lam * s,
        p_wait=p_wait,
        service_level=min(1.0, float(p_below.sum() + within_given_k @ p_queue)),
        asa=asa,
        mean_wait=mean_queue / lam,
        p_abandon=theta * mean_queue / lam,
        occupancy=min(1.0, busy / c),
        mean_queue=mean_queue,
    )


# --------------------------------------------------------------------------- staffing
def required_agents(arrival_rate: float, mean_service: float, threshold: float,
                    target_sl: float, mean_patience: Optional[float] = None,
                    max_occupancy: Optional[float] = None) -> int:
    """Smallest number of agents whose service level reaches ``target_sl``.

    Uses Erlang C when mean_patience is None (or inf), else Erlang A. If max_occupancy
    is given, the occupancy must also be <= max_occupancy. Erlang C searches upward from
    the smallest stable c; Erlang A brackets by doubling from 1 and then bisects (service
    level rises and occupancy falls with c).
    """
    lam = _check_number("arrival_rate", arrival_rate)
    s = _check_number("mean_service", mean_service, positive=True)
    t = _check_number("threshold", threshold)
    target = _check_probability("target_sl", target_sl)
    if target == 1.0:
        raise ValueError("target_sl must be < 1: a service level of 1 is never reached")
    max_occ = 1.0 if max_occupancy is None else _check_probability("max_occupancy",
                                                                   max_occupancy)
    erlang_a = mean_patience is not None and not (
        isinstance(mean_patience, numbers.Real) and math.isinf(mean_patience)
        and mean_patience > 0)
    if erlang_a:
        _check_number("mean_patience", mean_patience, positive=True)

    def ok(c: int) -> bool:
        if erlang_a:
            m = erlang_a_metrics(lam, s, c, mean_patience, t)
        else:
            m = erlang_c_metrics(lam, s, c, t)
        return m.service_level >= target and m.occupancy <= max_occ

    if not erlang_a:
        c = math.floor(lam * s) + 1
        while not ok(c):
            c += 1
            if c > _MAX_AGENTS:
                raise ValueError(f"target_sl={target} needs more than {_MAX_AGENTS} agents")
        return c

    lo, hi = 0, 1  # invariant: ok(hi) is the question, lo is known to fail (or 0)
    while not ok(hi):
        lo, hi = hi, 2 * hi
        if hi > _MAX_AGENTS:
            raise ValueError(f"target_sl={target} needs more than {_MAX_AGENTS} agents")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


# ------------------------------------------------------------ call blending, Erlang X
_BLENDING = ("BlendingChain", "BlendingMetrics", "blending_metrics")
_ERLANG_X = ("ErlangXMetrics", "erlang_x_metrics")


def __getattr__(name: str):
    """The blending and Erlang X models' names, imported on first use (their modules build on
    the checks above, so a top-level import here would be a cycle)."""
    if name in _BLENDING:
        from sim import analytic_blending

        return getattr(analytic_blending, name)
    if name in _ERLANG_X:
        from sim import analytic_erlang_x

        return getattr(analytic_erlang_x, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
