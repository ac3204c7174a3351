"""Erlang X (sim.analytic_erlang_x) against independent constructions.

* Special cases: unlimited lines and no redials is Erlang A; no patience, lines = agents, no
  redials is Erlang B; no patience, many (or unlimited) lines, no redials is Erlang C.
* A dense generator of M/M/c/N+M built here state by state, solved by linear algebra, with the
  tagged caller's wait from a matrix exponential of its own absorbing chain.
* Redials: the fixed point satisfies its equation, and a truncated two-dimensional CTMC (callers
  in the system x callers in orbit, exponential redial delay with mean D) converges to Erlang X as
  D grows, with an error K / D (K measured below 0.25 in units of the mean handle time for these
  cases: the stated bound is 0.3 / D), and its Richardson extrapolation to D = infinity agrees to
  1e-5.
* Monotone in lines, redial probability and agents; flow conservation.
"""

import math

import numpy as np
import pytest
from scipy import sparse
from scipy.linalg import expm, solve
from scipy.sparse.linalg import spsolve

from sim.analytic import (ErlangXMetrics, erlang_a_metrics, erlang_b, erlang_c_metrics,
                          erlang_x_metrics)

PER_ATTEMPT = ("p_wait", "service_level", "asa", "mean_wait", "p_abandon", "occupancy", "mean_queue")


# ------------------------------------------------------------------- special cases
@pytest.mark.parametrize("rate, mean, agents, patience, T", [
    (100 / 3600, 180, 8, 300, 20), (3.0, 1.0, 3, 2.0, 0.5), (12.0, 1.0, 5, 0.7, 0.1),  # overloaded
    (0.5, 1.0, 1, 10.0, 2.0)])
def test_unlimited_lines_without_redials_is_erlang_a(rate, mean, agents, patience, T):
    erlang_a = erlang_a_metrics(rate, mean, agents, patience, T)
    for lines in (None, math.inf, agents + 4000):  # 4000 waiting places: blocking below 1e-16
        x = erlang_x_metrics(rate, mean, agents, lines, patience, 0.0, T)
        for name in PER_ATTEMPT:
            assert getattr(x, name) == pytest.approx(getattr(erlang_a, name), rel=1e-10, abs=1e-14), name
        assert x.p_block == pytest.approx(0.0, abs=1e-15)
        assert x.total_rate == rate and x.attempts_per_caller == 1.0
        assert x.p_lost == pytest.approx(erlang_a.p_abandon, rel=1e-10)


@pytest.mark.parametrize("agents, load", [(1, 0.3), (3, 2.0), (10, 12.0), (40, 30.0)])
def test_no_patience_and_no_waiting_place_is_erlang_b(agents, load):
    x = erlang_x_metrics(load / 180.0, 180.0, agents, agents, None, 0.0, 20.0)
    b = erlang_b(agents, load)
    assert x.p_block == pytest.approx(b, rel=1e-12)
    assert x.occupancy == pytest.approx(load * (1 - b) / agents, rel=1e-12)
    assert x.service_level == pytest.approx(1 - b, rel=1e-12)
    assert (x.p_wait, x.asa, x.mean_queue, x.p_abandon) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("rate, mean, agents, T", [(100 / 3600, 180, 6, 20), (2.0, 1.0, 3, 0.5), (0.95, 1.0, 1, 3.0)])
def test_no_patience_and_many_lines_is_erlang_c(rate, mean, agents, T):
    erlang = erlang_c_metrics(rate, mean, agents, T)
    for lines in (None, agents + 3000):  # the load is < 0.95 agents: P(block) ~ 0.95^3000
        x = erlang_x_metrics(rate, mean, agents, lines, None, 0.3, T)
        for name in PER_ATTEMPT:
            assert getattr(x, name) == pytest.approx(getattr(erlang, name), rel=1e-9, abs=1e-14), name
        assert x.total_rate == pytest.approx(rate, rel=1e-13)  # nobody fails, so nobody redials
        assert x.p_served_eventually == pytest.approx(1.0, abs=1e-13)


def test_no_calls():
    x = erlang_x_metrics(0.0, 1.0, 2, 3, 5.0, 0.5, 1.0)
    assert (x.total_rate, x.p_block, x.p_abandon, x.occupancy, x.service_level) == (0.0, 0.0, 0.0, 0.0, 1.0)


# ----------------------------------------------------------- dense generator, r = 0
def dense_chain(lam, mu, theta, c, lines, T):
    """Per-attempt metrics of M/M/c/N+M from a generator matrix and the tagged caller's own chain."""
    size = lines + 1
    q = np.zeros((size, size))
    for n in range(size):
        if n < lines:
            q[n, n + 1] = lam
        if n > 0:
            q[n, n - 1] = min(n, c) * mu + max(n - c, 0) * theta
    np.fill_diagonal(q, -q.sum(axis=1))
    a = np.vstack([q.T, np.ones(size)])
    pi = np.linalg.lstsq(a, np.r_[np.zeros(size), 1.0], rcond=None)[0]

    # the tagged caller finds k waiting: transient states j = 0..k callers ahead, then
    # absorbed as served (from j = 0 at rate c*mu) or abandoned (its own patience, rate theta)
    served, served_by_T, served_wait = [], [], []
    for k in range(lines - c):
        g = np.zeros((k + 3, k + 3))  # states 0..k, served = k+1, abandoned = k+2
        for j in range(k + 1):
            g[j, j - 1 if j else k + 1] = c * mu + j * theta
            g[j, k + 2] = theta
        np.fill_diagonal(g, -g.sum(axis=1))
        inner = -g[: k + 1, : k + 1]
        p_served = solve(inner, g[: k + 1, k + 1])        # P(served | j ahead)
        served.append(p_served[k])
        served_by_T.append(expm(g * T)[k, k + 1])
        served_wait.append(solve(inner, p_served)[k])     # E[wait; served | k ahead]
    n = np.arange(size)
    waiting = pi[c:lines]
    p_served = pi[:c].sum() + np.dot(served, waiting)
    mean_queue = float(np.maximum(n - c, 0) @ pi)
    return {
        "p_block": pi[lines],
        "p_wait": waiting.sum(),
        "service_level": pi[:c].sum() + np.dot(served_by_T, waiting),
        "asa": np.dot(served_wait, waiting) / p_served,
        "mean_queue": mean_queue,
        "mean_wait": mean_queue / lam,
        "p_abandon": theta * mean_queue / lam,
        "occupancy": float(np.minimum(n, c) @ pi) / c,
        "throughput": mu * float(np.minimum(n, c) @ pi) / lam,  # served per attempt
    }


@pytest.mark.parametrize("lam, mean, c, lines, patience, T", [
    (3.0, 1.0, 3, 5, 2.0, 0.5), (3.0, 1.0, 3, 3, 2.0, 0.5), (6.0, 1.0, 4, 12, 0.8, 0.25),
    (0.7, 1.0, 2, 9, None, 1.0), (5.0, 1.0, 2, 7, None, 0.4), (1.0, 1.0, 1, 2, 3.0, 0.0)])
def test_matches_a_dense_generator(lam, mean, c, lines, patience, T):
    theta = 0.0 if patience is None else 1.0 / patience
    want = dense_chain(lam, 1.0 / mean, theta, c, lines, T)
    x = erlang_x_metrics(lam, mean, c, lines, patience, 0.0, T)
    for name in PER_ATTEMPT + ("p_block",):
        assert getattr(x, name) == pytest.approx(want[name], rel=1e-9, abs=1e-13), name
    assert x.p_served_eventually == pytest.approx(want["throughput"], rel=1e-9)


# ------------------------------------------------------------------------- redials
REDIAL_CASES = [  # arrival rate, mean handle time, agents, lines, mean patience, r
    (3.0, 1.0, 3, 5, 2.0, 0.5), (5.0, 1.0, 4, 8, 1.0, 0.8), (2.0, 1.0, 2, 2, None, 0.6),
    (40 / 60, 4.0, 3, None, 3.0, 0.7)]


@pytest.mark.parametrize("lam, mean, c, lines, patience, r", REDIAL_CASES)
def test_fixed_point_and_per_attempt_metrics(lam, mean, c, lines, patience, r):
    x = erlang_x_metrics(lam, mean, c, lines, patience, r, 0.5)
    fail = x.p_block + x.p_abandon
    assert fail > 0.05  # the redials matter in these cases
    assert x.total_rate == pytest.approx(lam + r * x.total_rate * fail, rel=1e-12)
    assert x.total_rate > lam * (1 + 0.5 * r * fail)
    # per attempt, the queue is the r = 0 queue fed at the total rate
    plain = erlang_x_metrics(x.total_rate, mean, c, lines, patience, 0.0, 0.5)
    for name in PER_ATTEMPT + ("p_block",):
        assert getattr(x, name) == pytest.approx(getattr(plain, name), rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize("lam, mean, c, lines, patience, r", REDIAL_CASES)
def test_flow_conservation(lam, mean, c, lines, patience, r):
    x = erlang_x_metrics(lam, mean, c, lines, patience, r, 0.5)
    fail = x.p_block + x.p_abandon
    served_rate = x.occupancy * c / mean  # agents busy / handle time
    assert lam * x.p_served_eventually == pytest.approx(served_rate, rel=1e-10)
    assert lam * x.p_lost == pytest.approx((1 - r) * x.total_rate * fail, rel=1e-10)
    assert x.p_served_eventually + x.p_lost == pytest.approx(1.0, rel=1e-14)
    assert x.attempts_per_caller == pytest.approx(x.total_rate / lam, rel=1e-12)


def orbit_chain_figures(lam, mu, theta, c, lines, r, delay, redial_rate):
    """Erlang X's figures from the CTMC (n in system, m in orbit), orbit redials after Exp(delay).

    A blocked or abandoning caller joins the orbit with probability r; each orbit caller redials
    at rate 1/delay (blocked again: stays with probability r). The orbit is cut at M, its mean
    (redial_rate x delay, a guess) + 20 Poisson standard deviations; the mass there is checked to be nil."""
    big = int(redial_rate * delay + 20 * math.sqrt(redial_rate * delay) + 80)
    d, width = 1.0 / delay, lines + 1
    rows, cols, rates = [], [], []

    def add(m, n, m2, n2, rate):
        if rate > 0 and m2 <= big:
            rows.append(m * width + n), cols.append(m2 * width + n2), rates.append(rate)

    for m in range(big + 1):
        for n in range(width):
            if n < lines:
                add(m, n, m, n + 1, lam)
                add(m, n, m - 1, n + 1, m * d)
            else:  # blocked: fresh ones join the orbit, orbit ones give up
                add(m, n, m + 1, n, lam * r)
                add(m, n, m - 1, n, m * d * (1 - r))
            add(m, n, m, n - 1, min(n, c) * mu + max(n - c, 0) * theta * (1 - r))
            add(m, n, m + 1, n - 1, max(n - c, 0) * theta * r)
    size = width * (big + 1)
    q = sparse.csr_matrix((rates, (rows, cols)), shape=(size, size))
    q = (q - sparse.diags(np.asarray(q.sum(axis=1)).ravel())).T.tolil()
    q[0, :] = 1.0
    pi = spsolve(q.tocsr(), np.r_[1.0, np.zeros(size - 1)]).reshape(big + 1, width)
    assert pi[-1].sum() < 1e-12  # the cut orbit is never reached
    m, n = np.arange(big + 1)[:, None], np.arange(width)[None, :]
    total = lam + d * float((pi * m).sum())
    return {"total_rate": total,
            "p_block": (lam * pi[:, lines].sum() + d * pi[:, lines] @ m[:, 0]) / total,
            "p_abandon": theta * float((pi * np.maximum(n - c, 0)).sum()) / total,
            "p_served_eventually": mu * float((pi * np.minimum(n, c)).sum()) / lam}


@pytest.mark.parametrize("lam, mean, c, lines, patience, r", REDIAL_CASES[:3])
def test_long_redial_delays_converge_to_erlang_x(lam, mean, c, lines, patience, r):
    """The orbit's redial rate m/D fluctuates by sqrt(redials/D) around its mean, slowly, so the
    queue sees a slowly modulated Poisson stream: the error is second order, O(1/D)."""
    x = erlang_x_metrics(lam, mean, c, lines, patience, r, 0.5)
    theta = 0.0 if patience is None else 1.0 / patience
    short, long_ = (orbit_chain_figures(lam, 1.0 / mean, theta, c, lines, r, delay * mean,
                                        x.total_rate - lam)
                    for delay in (100.0, 400.0))
    for name in ("total_rate", "p_block", "p_abandon", "p_served_eventually"):
        want = getattr(x, name)
        if want == 0:
            continue
        for delay, got in ((100.0, short[name]), (400.0, long_[name])):
            assert abs(got / want - 1) < 0.3 / delay, (name, delay)
        extrapolated = (4 * long_[name] - short[name]) / 3  # Richardson: removes the K/D term
        assert extrapolated == pytest.approx(want, rel=1e-5), name


# ----------------------------------------------------------------------- monotone
def test_more_lines_serve_more_callers_with_fewer_attempts():
    runs = [erlang_x_metrics(3.0, 1.0, 3, lines, 2.0, 0.5, 0.5) for lines in range(3, 15)]
    for fewer, more in zip(runs, runs[1:]):
        assert more.p_block < fewer.p_block
        assert more.total_rate < fewer.total_rate
        assert more.p_served_eventually > fewer.p_served_eventually


def test_more_redials_add_attempts_and_serve_more_callers():
    runs = [erlang_x_metrics(3.0, 1.0, 3, 5, 2.0, r, 0.5) for r in np.linspace(0, 0.95, 12)]
    for fewer, more in zip(runs, runs[1:]):
        assert more.total_rate > fewer.total_rate
        assert more.attempts_per_caller > fewer.attempts_per_caller
        assert more.p_served_eventually > fewer.p_served_eventually
        assert more.p_block > fewer.p_block  # the redials crowd the lines


def test_more_agents_serve_more_callers_with_fewer_attempts():
    runs = [erlang_x_metrics(3.0, 1.0, c, 10, 2.0, 0.5, 0.5) for c in range(1, 10)]
    for fewer, more in zip(runs, runs[1:]):
        assert more.total_rate < fewer.total_rate
        assert more.p_served_eventually > fewer.p_served_eventually
        assert more.service_level > fewer.service_level


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, field", [
    ({"arrival_rate": -1.0}, "arrival_rate"), ({"mean_service": 0.0}, "mean_service"),
    ({"agents": 0}, "agents"), ({"lines": 2}, "lines"), ({"lines": 4.5}, "lines"),
    ({"mean_patience": 0.0}, "mean_patience"), ({"redial_probability": 1.0}, "redial_probability"),
    ({"redial_probability": -0.1}, "redial_probability"), ({"redial_probability": math.nan}, "redial_probability"),
    ({"threshold": -1.0}, "threshold"),
    ({"arrival_rate": 4.0, "lines": None, "mean_patience": None}, "agents"),  # unstable
    ({"arrival_rate": 5.0, "lines": 10**7, "mean_patience": None}, "lines"),  # 2e6+ callers queued
])
def test_bad_input_names_the_argument(kwargs, field):
    args = dict(arrival_rate=2.0, mean_service=1.0, agents=3, lines=5, mean_patience=2.0,
                redial_probability=0.5, threshold=0.5) | kwargs
    with pytest.raises(ValueError, match=field):
        erlang_x_metrics(**args)


def test_the_result_is_a_frozen_dataclass():
    x = erlang_x_metrics(2.0, 1.0, 3, 5, 2.0, 0.5, 0.5)
    assert isinstance(x, ErlangXMetrics)
    with pytest.raises(AttributeError):
        x.p_block = 0.0
