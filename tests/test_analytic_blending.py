"""The threshold blending model (sim.analytic_blending) against independent constructions.

* k = c (no outbound ever) is Erlang C; lambda -> 0 puts c - k agents on outbound.
* mu_in == mu_out has a closed form (derived below) from Erlang C alone.
* A dense generator built state by state from the blending rule, with a dense matrix exponential
  for the tagged caller's wait, for unequal handle times.
* A small Gillespie simulation of the rule with FIFO waits, within its own 99.9 % batch-means CI.
* Monotone in k; Little's law (mean of the waiting-time law = mean queue / lambda; agents busy on
  inbound = offered load).
"""

import math
from collections import deque

import numpy as np
import pytest
from scipy.integrate import simpson
from scipy.linalg import expm
from scipy.special import stdtrit

from sim.analytic import BlendingChain, BlendingMetrics, blending_metrics, erlang_c_metrics


@pytest.mark.parametrize("rate, mean_in, agents, T", [(100 / 3600, 180, 8, 20), (0.9, 4.0, 5, 1.5), (3.0, 0.3, 1, 0.2)])
def test_all_agents_reserved_is_erlang_c(rate, mean_in, agents, T):
    blended = blending_metrics(rate, mean_in, 99.0, agents, agents, T)
    erlang = erlang_c_metrics(rate, mean_in, agents, T)
    for name in ("p_wait", "service_level", "asa", "mean_queue", "occupancy"):
        assert getattr(blended, name) == pytest.approx(getattr(erlang, name), rel=1e-10, abs=1e-13), name
    assert blended.outbound_rate == 0 and blended.outbound_occupancy == 0


@pytest.mark.parametrize("agents, reserve", [(6, 0), (6, 2), (10, 9)])
def test_no_inbound_puts_every_unreserved_agent_on_outbound(agents, reserve):
    mean_out = 150.0
    for rate in (0.0, 1e-9):
        m = blending_metrics(rate, 200.0, mean_out, agents, reserve, 20.0)
        assert m.outbound_rate == pytest.approx((agents - reserve) / mean_out, rel=1e-6)
        assert m.outbound_occupancy == pytest.approx((agents - reserve) / agents, rel=1e-6)
        if reserve:  # an arrival finds an idle agent
            assert m.service_level == pytest.approx(1.0, abs=1e-6) and m.asa == pytest.approx(0.0, abs=1e-6)
        else:  # it waits for the first of c outbound calls to end
            assert m.service_level == pytest.approx(1 - math.exp(-agents * 20.0 / mean_out), rel=1e-6)
            assert m.asa == pytest.approx(mean_out / agents, rel=1e-6)


def equal_handle_times(rate, mean, agents, reserve, T):
    """Closed form for mu_in == mu_out == mu. N = busy agents + waiting calls moves +1 at each
    arrival and -1 at a completion only when the freed agent does not redial (N > c - k); else it
    stays. So N is the M/M/c birth-death chain restricted to N >= c - k, whose law is the M/M/c
    law conditioned on N >= c - k. While calls wait, completions come at c*mu whatever the mix, so
    a waiting caller's wait is as in M/M/c: SL = 1 - P(wait) e^{-(c mu - lambda) T},
    ASA = P(wait) / (c mu - lambda). Outbound completions = mu E[min(N, c)] - lambda."""
    mu, a, c = 1.0 / mean, rate * mean, agents
    erlang = erlang_c_metrics(rate, mean, c, T)
    # M/M/c law for N < c: p_n proportional to a^n / n!; P(N >= c) = Erlang C
    below = np.array([math.exp(n * math.log(a) - math.lgamma(n + 1)) for n in range(c)]) if a > 0 else np.eye(c)[0]
    below *= (1 - erlang.p_wait) / below.sum()
    kept = below[c - reserve:].sum() + erlang.p_wait
    p_wait = erlang.p_wait / kept
    busy = (np.arange(c)[c - reserve:] @ below[c - reserve:] + c * erlang.p_wait) / kept
    return {"p_wait": p_wait, "service_level": 1 - p_wait * math.exp(-(c * mu - rate) * T),
            "asa": p_wait / (c * mu - rate), "outbound_rate": mu * busy - rate, "occupancy": busy / c}


@pytest.mark.parametrize("rate, mean, agents, reserve, T", [
    (0.02, 240.0, 10, 3, 20.0), (0.035, 240.0, 10, 1, 20.0), (0.035, 240.0, 10, 0, 20.0),
    (1.5, 1.0, 2, 1, 0.5), (0.5, 1.0, 12, 6, 0.1), (0.2, 240.0, 60, 20, 20.0), (0.24, 240.0, 60, 0, 20.0)])
def test_equal_handle_times_match_the_closed_form(rate, mean, agents, reserve, T):
    m = blending_metrics(rate, mean, mean, agents, reserve, T)
    for name, expected in equal_handle_times(rate, mean, agents, reserve, T).items():
        assert getattr(m, name) == pytest.approx(expected, rel=1e-9, abs=1e-12), name


# ------------------------------------------------------------------ a dense generator, built by rule
def rule_chain(rate, mu_in, mu_out, c, k, max_queue):
    """States (i inbound in service, o outbound, q waiting) reached from (0, c - k, 0) by applying
    the rule event by event; arrivals beyond max_queue are dropped (negligible mass)."""
    def freed(i, o, q):  # an agent has just finished: queue first, else redial above k idle
        if q > 0:
            return (i + 1, o, q - 1)
        return (i, o + 1, q) if c - i - o > k else (i, o, q)

    def moves(i, o, q):
        if q < max_queue:
            yield ((i + 1, o, q) if i + o < c else (i, o, q + 1)), rate
        if i:
            yield freed(i - 1, o, q), i * mu_in
        if o:
            yield freed(i, o - 1, q), o * mu_out

    index, todo, edges = {(0, c - k, 0): 0}, [(0, c - k, 0)], []
    while todo:
        state = todo.pop()
        for target, r in moves(*state):
            if target not in index:
                index[target] = len(index)
                todo.append(target)
            if target != state:
                edges.append((index[state], index[target], r))
    gen = np.zeros((len(index), len(index)))
    for a, b, r in edges:
        gen[a, b] += r
    gen -= np.diag(gen.sum(axis=1))
    system = np.vstack([gen.T, np.ones(len(index))])
    p = np.linalg.lstsq(system, np.r_[np.zeros(len(index)), 1.0], rcond=None)[0]
    return {state: p[n] for state, n in index.items()}


def tagged_wait_tail(law, mu_in, mu_out, c, T):
    """P(wait > T) from the dense exponential of the tagged caller's chain (position in queue,
    outbound in service): each completion moves it up one place; an outbound one turns the agent
    to inbound."""
    starts = {(q + 1, o): p for (i, o, q), p in law.items() if i + o == c}
    top = max(n for n, _ in starts)
    states = [(n, o) for n in range(1, top + 1) for o in range(c + 1)]
    where = {s: j for j, s in enumerate(states)}
    gen = np.zeros((len(states), len(states)))
    for (n, o), j in where.items():
        gen[j, j] = -((c - o) * mu_in + o * mu_out)
        if n > 1:
            gen[j, where[(n - 1, o)]] += (c - o) * mu_in
            if o:
                gen[j, where[(n - 1, o - 1)]] += o * mu_out
    alpha = np.zeros(len(states))
    for s, p in starts.items():
        alpha[where[s]] += p
    return float(alpha @ expm(gen * T) @ np.ones(len(states)))


@pytest.mark.parametrize("rate, mean_in, mean_out, c, k, T", [
    (2.0, 1.0, 2.0, 3, 1, 0.5), (2.4, 1.0, 0.4, 3, 0, 0.3), (1.0, 1.0, 5.0, 4, 2, 1.0), (3.0, 1.0, 3.0, 4, 3, 0.2)])
def test_matches_a_dense_generator_built_from_the_rule(rate, mean_in, mean_out, c, k, T):
    mu_in, mu_out = 1 / mean_in, 1 / mean_out
    law = rule_chain(rate, mu_in, mu_out, c, k, max_queue=150)
    chain = BlendingChain(rate, mean_in, mean_out, c, k)
    m = chain.metrics(T)
    m_out = c - k
    for (i, o, q), p in law.items():
        mine = chain.level(q)[o] if q else chain.level0[o, i - (m_out - o)]
        assert mine == pytest.approx(p, rel=1e-8, abs=1e-12), (i, o, q)
    assert sum(p for (i, o, q), p in law.items() if q == 0) == pytest.approx(chain.level0.sum(), rel=1e-10)
    assert m.mean_queue == pytest.approx(sum(q * p for (_, _, q), p in law.items()), rel=1e-8)
    assert m.outbound_rate == pytest.approx(mu_out * sum(o * p for (_, o, _), p in law.items()), rel=1e-9)
    assert 1 - m.service_level == pytest.approx(tagged_wait_tail(law, mu_in, mu_out, c, T), rel=1e-8)


# ---------------------------------------------------------------------- a Gillespie simulation
def gillespie(rate, mu_in, mu_out, c, k, T, arrivals, batches, seed):
    """The rule run as a CTMC with FIFO callers; per batch of arrivals: P(wait <= T), mean wait,
    outbound completions per unit time."""
    rng = np.random.default_rng(seed)
    i, o, now, queue = 0, c - k, 0.0, deque()
    per_batch = arrivals // batches
    waits, sl, asa, out_rate, out_done, start, n = [], [], [], [], 0, 0.0, 0
    while n < arrivals:
        total = rate + i * mu_in + o * mu_out
        now += rng.exponential(1 / total)
        u = rng.random() * total
        if u < rate:
            n += 1
            if i + o < c:
                i += 1
                waits.append(0.0)
            else:
                queue.append(now)
            if n % per_batch == 0:  # close a batch at its last arrival (callers still queued count later)
                sl.append(np.mean(np.array(waits) <= T)), asa.append(np.mean(waits))
                out_rate.append(out_done / (now - start))
                waits, out_done, start = [], 0, now
            continue
        if u < rate + i * mu_in:
            i -= 1
        else:
            o -= 1
            out_done += 1
        if queue:
            i += 1
            waits.append(now - queue.popleft())
        elif c - i - o > k:
            o += 1
    return {"service_level": sl, "asa": asa, "outbound_rate": out_rate}


def test_agrees_with_a_gillespie_simulation_within_its_own_ci():
    rate, mean_in, mean_out, c, k, T = 2.2, 1.0, 2.5, 3, 1, 0.3
    runs = gillespie(rate, 1 / mean_in, 1 / mean_out, c, k, T, arrivals=120_000, batches=30, seed=7)
    m = blending_metrics(rate, mean_in, mean_out, c, k, T)
    wrong = blending_metrics(rate, mean_in, mean_out, c, k + 1, T)  # the threshold off by one
    rejected = False
    for name, values in runs.items():
        values = np.asarray(values)
        half = stdtrit(len(values) - 1, 0.9995) * values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - getattr(m, name)) <= half, (name, values.mean(), half, getattr(m, name))
        rejected |= abs(values.mean() - getattr(wrong, name)) > half
    assert rejected, "the simulation's CI cannot tell k from k + 1"


# --------------------------------------------------------------------------- structure and laws
def test_a_higher_threshold_protects_inbound_and_costs_outbound():
    rows = [blending_metrics(0.03, 240.0, 300.0, 10, k, 20.0) for k in range(11)]
    for low, high in zip(rows, rows[1:]):
        assert high.asa < low.asa and high.p_wait < low.p_wait and high.service_level > low.service_level
        assert high.outbound_rate < low.outbound_rate and high.occupancy < low.occupancy
    assert rows[-1].outbound_rate == 0


@pytest.mark.parametrize("rate, mean_in, mean_out, c, k", [(0.03, 240.0, 300.0, 10, 2), (2.5, 1.0, 0.5, 3, 0),
                                                           (0.9, 1.0, 3.0, 1, 0)])
def test_littles_law(rate, mean_in, mean_out, c, k):
    chain = BlendingChain(rate, mean_in, mean_out, c, k)
    m = chain.metrics(0.0)
    assert m.inbound_occupancy * c == pytest.approx(rate * mean_in, rel=1e-10)  # servers: L = lambda W
    end = mean_in
    while 1.0 - chain.wait_cdf(end) > 1e-13:
        end *= 2
    grid = np.linspace(0.0, end, 4001)
    mean_wait = simpson(1.0 - chain.wait_cdf(grid), x=grid)  # E[W] = integral of P(W > t)
    grid = np.linspace(0.0, 5 * mean_in, 11)
    assert np.allclose(chain.wait_cdf(grid), [chain.wait_cdf(t) for t in grid], rtol=0, atol=1e-14)  # arrays as numbers
    assert np.all(np.diff(chain.wait_cdf(grid)) > 0)
    assert mean_wait == pytest.approx(m.asa, rel=1e-7)  # queue: ASA = E[Q] / lambda
    assert m.service_level == pytest.approx(1 - m.p_wait, abs=1e-14)
    assert m.occupancy == pytest.approx(m.inbound_occupancy + m.outbound_occupancy, abs=1e-14)


def test_bad_input_names_the_argument():
    for args, name in [((-1, 1, 1, 2, 0, 1), "arrival_rate"), ((1, 0, 1, 2, 0, 1), "mean_inbound"),
                       ((1, 1, float("nan"), 2, 0, 1), "mean_outbound"), ((1, 1, 1, 0, 0, 1), "agents"),
                       ((1, 1, 1, 2, 3, 1), "reserve"), ((1, 1, 1, 2, -1, 1), "reserve"),
                       ((1, 1, 1, 2, 1.5, 1), "reserve"), ((1, 1, 1, 2, 0, -2), "threshold")]:
        with pytest.raises(ValueError, match=name):
            blending_metrics(*args)
    with pytest.raises(ValueError, match="unstable blended queue: inbound offered load 2 erlangs >= agents=2"):
        blending_metrics(1.0, 2.0, 1.0, 2, 0, 1.0)
    assert isinstance(blending_metrics(1.0, 1.0, 1.0, 2, 0, 1.0), BlendingMetrics)
