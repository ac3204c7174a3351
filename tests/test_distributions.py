"""Duration distributions have the configured mean and CV and the right shape; random inputs are
drawn from named streams so they do not depend on block sizes, staffing or routing."""

import copy
import math

import numpy as np
import pytest
from scipy import stats

from sim.model.distributions import _weibull_shape, parse_distribution
from sim.model.random_inputs import ARRIVAL_COUNTS, PATIENCE, TALK, busyness_factor, call_blocks, stream
from sim.model.scenario import build_scenario

N = 200_000
EMPIRICAL = [30.0, 60.0, 90.0, 600.0]
RAYLEIGH_CV = math.sqrt(4 / math.pi - 1)  # Weibull shape 2 (Rayleigh): sd/mean = sqrt(4/pi - 1)


def draw(cfg, n=N, seed=12345):
    return parse_distribution(cfg, "test").sample(np.random.default_rng(seed), n)


def sub(cfg, **changes):
    return {**cfg, **changes}


# -- mean and CV ---------------------------------------------------------------------------
# The CV tolerance: the relative standard error of a sample sd is about sqrt((kurtosis - 1)/(4 n))
# and that of a sample mean cv/sqrt(n). For every case with cv <= 1 the kurtosis is at most 41
# (lognormal cv=1; exponential 9), so at n = 200,000 the sample CV is off by at most
# sqrt(40/800000) + 1/447 = 0.93 % per standard error: 3 % is over 3 standard errors. Gamma and
# Weibull with cv = 2 have kurtosis 27 and 61 (SE 1.0 % and 1.3 %): 5 % is about 4 SE. The
# lognormal with cv = 2 has kurtosis 947 (SE 3.9 %), so its CV is checked on the logs instead.
EXP = {"kind": "exponential", "mean": 240.0}
LOGN, GAMMA, WEIB = ({"kind": k, "mean": 180.0} for k in ("lognormal", "gamma", "weibull"))
MEAN_CV_CASES = [
    pytest.param(EXP, 240.0, 1.0, 0.03, id="exponential"),
    *(pytest.param(sub(d, cv=cv), 180.0, cv, tol, id=f"{d['kind']}-cv{cv}")
      for d in (LOGN, GAMMA, WEIB) for cv, tol in ((0.3, 0.03), (1.0, 0.03), (2.0, 0.05))),
    pytest.param({"kind": "deterministic", "mean": 30.0}, 30.0, 0.0, 0.0, id="deterministic"),
    pytest.param({"kind": "uniform", "low": 60.0, "high": 300.0}, 180.0, 240 / math.sqrt(12) / 180, 0.03,
                 id="uniform"),
    # Equal-weight resampling: the population (ddof=0) moments of the values.
    pytest.param({"kind": "empirical", "values": EMPIRICAL}, np.mean(EMPIRICAL),
                 np.std(EMPIRICAL) / np.mean(EMPIRICAL), 0.03, id="empirical"),
]


@pytest.mark.parametrize("cfg, mean, cv, cv_tol", MEAN_CV_CASES)
def test_sample_mean_and_cv(cfg, mean, cv, cv_tol):
    x = draw(cfg)
    assert np.all(x >= 0)
    assert abs(x.mean() - mean) <= 5 * cv * mean / math.sqrt(N) + 1e-12  # 5 standard errors
    if cfg["kind"] == "lognormal" and cv > 1:
        return  # heavy tail: see test_lognormal_logs_are_normal
    assert x.std() / x.mean() == pytest.approx(cv, rel=cv_tol, abs=1e-12)


@pytest.mark.parametrize("cv", [0.3, 1.0, 2.0])
def test_lognormal_logs_are_normal(cv):
    """log X ~ Normal(mu, sigma) with sigma^2 = log(1 + cv^2), mu = log(mean) - sigma^2 / 2."""
    logs = np.log(draw(sub(LOGN, cv=cv)))
    sigma = math.sqrt(math.log(1 + cv**2))
    mu = math.log(180.0) - sigma**2 / 2
    assert abs(logs.mean() - mu) <= 5 * sigma / math.sqrt(N)
    assert abs(logs.std() - sigma) <= 5 * sigma / math.sqrt(2 * N)
    assert abs(np.median(logs) - mu) <= 5 * sigma * math.sqrt(math.pi / 2 / N)  # median = exp(mu)
    assert stats.kstest(logs, "norm", args=(mu, sigma)).pvalue > 1e-4


@pytest.mark.parametrize("kind", ["gamma", "weibull"])
def test_cv_one_is_exponential(kind):
    x = draw({"kind": kind, "mean": 200.0, "cv": 1.0})
    # 90th percentile of an exponential: -mean ln(0.1). SE of a sample p-quantile is
    # sqrt(p (1 - p) / n) / f(x_p), with f(x_0.9) = 0.1 / mean.
    se = math.sqrt(0.9 * 0.1 / N) / (0.1 / 200.0)
    assert abs(np.quantile(x, 0.9) - (-200.0 * math.log(0.1))) <= 5 * se
    assert stats.kstest(x, "expon", args=(0, 200.0)).pvalue > 1e-4


def test_weibull_shape_for_known_cvs():
    assert _weibull_shape(1.0) == pytest.approx(1.0, rel=1e-6)  # exponential
    assert _weibull_shape(RAYLEIGH_CV) == pytest.approx(2.0, rel=1e-6)  # Rayleigh
    # Smaller CV, larger shape (less variable).
    assert _weibull_shape(0.3) > _weibull_shape(RAYLEIGH_CV) > _weibull_shape(1.0) > _weibull_shape(2.0)


def test_weibull_rayleigh_cv_draws_a_rayleigh():
    x = draw({"kind": "weibull", "mean": 100.0, "cv": RAYLEIGH_CV})
    scale = 100.0 / math.sqrt(math.pi / 2)  # Rayleigh mean = scale * sqrt(pi / 2)
    assert stats.kstest(x, "rayleigh", args=(0, scale)).pvalue > 1e-4


def test_deterministic_is_constant():
    assert np.all(draw({"kind": "deterministic", "mean": 30.0}, n=1000) == 30.0)
    assert np.all(draw({"kind": "deterministic", "mean": 0.0}, n=10) == 0.0)


def test_uniform_stays_within_bounds_and_fills_them():
    x = draw({"kind": "uniform", "low": 60.0, "high": 300.0})
    assert 60.0 <= x.min() < 60.1 and 299.9 < x.max() <= 300.0  # P(miss by 0.1) ~ exp(-83)
    counts, _ = np.histogram(x, bins=12, range=(60, 300))
    assert stats.chisquare(counts).pvalue > 1e-4


def test_empirical_draws_only_the_values_equally_often():
    x = draw({"kind": "empirical", "values": EMPIRICAL}, n=40_000)
    assert set(np.unique(x)) == set(EMPIRICAL)
    counts = np.array([(x == v).sum() for v in EMPIRICAL])
    assert stats.chisquare(counts).pvalue > 1e-4


# -- block invariance ----------------------------------------------------------------------

ALL_KINDS = [EXP, sub(LOGN, cv=0.8), sub(GAMMA, cv=0.5), sub(GAMMA, cv=2.0), sub(WEIB, cv=1.5),
             {"kind": "deterministic", "mean": 30.0}, {"kind": "uniform", "low": 1.0, "high": 5.0},
             {"kind": "empirical", "values": EMPIRICAL}]


@pytest.mark.parametrize("cfg", ALL_KINDS, ids=lambda c: f"{c['kind']}-{c.get('cv')}")
@pytest.mark.parametrize("first", [300, 333, 1, 0])
def test_drawing_in_blocks_gives_the_same_numbers(cfg, first):
    dist = parse_distribution(cfg, "test")
    whole = dist.sample(np.random.default_rng(7), 1000)
    gen = np.random.default_rng(7)
    parts = np.concatenate([dist.sample(gen, first), dist.sample(gen, 1000 - first)])
    np.testing.assert_array_equal(whole, parts)


# -- named streams -------------------------------------------------------------------------

def test_named_streams():
    def numbers(*key):
        return stream(*key).random(50)

    np.testing.assert_array_equal(numbers(3, TALK, 1), numbers(3, TALK, 1))
    others = [numbers(3, PATIENCE, 1), numbers(3, TALK, 0), numbers(4, TALK, 1), numbers(3, ARRIVAL_COUNTS, 1)]
    for other in others:
        assert not np.array_equal(numbers(3, TALK, 1), other)
    assert not np.array_equal(numbers(3, 0, 1), numbers(3, 1, 0))  # key order matters


# -- common random numbers -----------------------------------------------------------------

CRN_BASE = {
    "name": "crn",
    "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 30, "day_start": "08:00"},
    "call_types": {
        "sales": {"volumes": [20, 40, 30, 10], "talk_time": {"kind": "lognormal", "mean": 180, "cv": 1.0},
                  "patience": {"kind": "exponential", "mean": 90},
                  "route": [{"group": "team"}, {"group": "pool", "delay": 20}]},
        "service": {"arrival_rate": 60, "talk_time": {"kind": "gamma", "mean": 240, "cv": 0.7},
                    "wrapup_time": {"kind": "uniform", "low": 10, "high": 30}, "route": [{"group": "pool"}]},
    },
    "groups": {"team": {"headcount": 3},
               "pool": {"shifts": {"a": {"start": "08:00", "end": "10:00", "count": 4}}}},
}


def blocks(seed=5, **edits):
    d = copy.deepcopy(CRN_BASE)
    for path, value in edits.items():
        *parents, last = [int(p) if p.isdigit() else p for p in path.split("__")]
        node = d
        for key in parents:
            node = node[key]
        node[last] = value
    return list(call_blocks(build_scenario(d), seed=seed))


def same_blocks(a, b):
    fields = ("first_id", "arrival", "call_type", "talk", "wrapup", "patience")
    return len(a) == len(b) and all(
        np.array_equal(getattr(x, f), getattr(y, f)) for x, y in zip(a, b) for f in fields)


@pytest.mark.parametrize("edits", [
    {"groups__team__headcount": 9},
    {"groups__pool__shifts__a__count": 1},
    {"call_types__sales__route__1__delay": 300},
], ids=["headcount", "shift-count", "overflow-delay"])
def test_staffing_and_routing_do_not_change_the_calls(edits):
    base = blocks()
    assert sum(len(b) for b in base) > 100
    assert same_blocks(base, blocks(**edits))


def test_another_seed_gives_other_calls():
    assert same_blocks(blocks(seed=5), blocks(seed=5))
    assert not same_blocks(blocks(seed=5), blocks(seed=6))


# -- busyness ------------------------------------------------------------------------------

def test_busyness_factor_has_mean_one_and_the_configured_cv():
    scenario = build_scenario(dict(copy.deepcopy(CRN_BASE), busyness_cv=0.3))
    f = np.array([busyness_factor(scenario, seed) for seed in range(400)])
    assert np.all(f > 0)
    n, cv = len(f), 0.3
    assert abs(f.mean() - 1.0) <= 4 * cv / math.sqrt(n)  # SE of the mean: 0.015
    # Gamma with cv 0.3: shape 1/cv^2 = 11.1, kurtosis 3 + 6 cv^2 = 3.54; relative SE of the
    # sample CV <= sqrt((kurtosis - 1)/(4 n)) + cv/sqrt(n) = 0.055.
    se = math.sqrt((3 + 6 * cv**2 - 1) / (4 * n)) + cv / math.sqrt(n)
    assert f.std() / f.mean() == pytest.approx(cv, rel=4 * se)
    assert busyness_factor(scenario, 7) == busyness_factor(scenario, 7)


def test_no_busyness_is_exactly_one():
    scenario = build_scenario(copy.deepcopy(CRN_BASE))
    assert all(busyness_factor(scenario, seed) == 1.0 for seed in range(20))
