"""Piecewise-constant Poisson arrivals: counts per interval match the volumes statistically.

Each check compares against the Poisson model with a tolerance from its own standard error
(4.5 sigma, or a p-value floor of 1e-4), so a correct generator passes and a wrong rate, a
wrong interval, or non-Poisson dispersion fails.
"""

import numpy as np
import pytest
from scipy import stats

from sim import simulate
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario

VOLUMES = [0.0, 5.0, 40.0, 12.5]
SEEDS = range(400)
TALK = {"kind": "exponential", "mean": 60.0}


def scenario(volumes=VOLUMES, busyness_cv=0.0, interval_minutes=15):
    return build_scenario({
        "name": "arrivals",
        "horizon": {"kind": "day", "intervals": len(volumes), "interval_minutes": interval_minutes},
        "call_types": {"a": {"volumes": list(volumes), "talk_time": TALK, "route": [{"group": "g"}]},
                       "b": {"arrival_rate": 60.0, "talk_time": TALK, "route": [{"group": "g"}]}},
        "groups": {"g": {"headcount": 1}},
        "busyness_cv": busyness_cv,
    })


def arrivals(s, seed, call_type=None):
    """Arrival times of one call type (or all) over the whole run."""
    blocks = list(call_blocks(s, seed))
    times = np.concatenate([b.arrival for b in blocks])
    kinds = np.concatenate([b.call_type for b in blocks])
    return times if call_type is None else times[kinds == call_type]


def counts(s, seeds, call_type=0):
    """Calls of one type per interval, one row per seed."""
    edges = np.append(s.interval_starts(), s.horizon_end)
    return np.array([np.histogram(arrivals(s, seed, call_type), edges)[0] for seed in seeds])


def test_mean_counts_per_interval_match_volumes():
    observed = counts(scenario(), SEEDS)
    means = observed.mean(axis=0)
    assert observed[:, 0].max() == 0  # a zero-volume interval gets no calls at all
    for volume, mean in zip(VOLUMES[1:], means[1:]):
        assert abs(mean - volume) <= 4.5 * np.sqrt(volume / len(SEEDS)), (mean, volume)


def test_counts_are_poisson_distributed():
    observed = counts(scenario(), SEEDS)
    for j, volume in enumerate(VOLUMES):
        if volume == 0:
            continue
        x = observed[:, j]
        dispersion = (len(x) - 1) * x.var(ddof=1) / volume  # ~ chi2(n-1) under Poisson(volume)
        p = stats.chi2.sf(dispersion, len(x) - 1)
        assert 1e-4 < p < 1 - 1e-4, (j, x.var(ddof=1), volume)


def test_constant_rate_type_and_independent_streams():
    observed = counts(scenario(), SEEDS, call_type=1)  # 60 calls/hour = 15 per 15 minutes
    assert abs(observed.mean() - 15.0) <= 4.5 * np.sqrt(15.0 / observed.size)


def test_arrival_times_are_uniform_within_their_interval():
    s = scenario()
    start, length = 2 * 900.0, 900.0
    positions = []
    for seed in range(100):
        assert np.all(np.diff(arrivals(s, seed)) >= 0), "calls must come in time order"
        times = arrivals(s, seed, call_type=0)
        positions.extend((times[(times >= start) & (times < start + length)] - start) / length)
    assert stats.kstest(positions, "uniform").pvalue > 1e-4


def test_busyness_factor_inflates_day_to_day_variance():
    cv = 0.5
    totals = counts(scenario(volumes=[40.0], busyness_cv=cv, interval_minutes=60), range(1000))[:, 0]
    # mixed Poisson: Var N = v + (v cv)^2 = 40 + 400, mean 40; Poisson alone would give Var 40
    assert abs(totals.mean() - 40) <= 4.5 * np.sqrt(440 / len(totals))
    variance_ratio = totals.var(ddof=1) / 440
    assert 0.8 < variance_ratio < 1.25  # the sample variance of 1000 draws is within ~ +-20 %


@pytest.mark.parametrize("seed", [1, 2])
def test_engine_counts_calls_in_their_arrival_interval(engine, seed):
    s = scenario()
    expected = np.histogram(arrivals(s, seed), np.append(s.interval_starts(), s.horizon_end))[0].tolist()
    r = simulate(s, seed=seed, engine=engine)
    totals = r.intervals[r.intervals.call_type == "total"].sort_values("interval")
    assert totals.arrived.tolist() == expected


def test_block_size_does_not_change_the_calls(monkeypatch):
    """Blocks of one interval or of the whole day: the same calls (times to rounding of the spacings)."""
    import sim.model.random_inputs as inputs

    s = scenario(volumes=[30.0, 0.0, 55.0, 12.0, 40.0, 8.0])
    whole_day = list(call_blocks(s, 3))
    monkeypatch.setattr(inputs, "BLOCK_CALLS", 1)
    per_interval = list(call_blocks(s, 3))
    assert len(whole_day) == 1 and len(per_interval) == 6
    for column in ("call_type", "talk", "wrapup", "patience"):
        joined = np.concatenate([getattr(b, column) for b in per_interval])
        assert np.array_equal(getattr(whole_day[0], column), joined), column
    joined = np.concatenate([b.arrival for b in per_interval])
    assert np.allclose(whole_day[0].arrival, joined, rtol=0, atol=1e-9)



@pytest.mark.parametrize("seed", [0, 1, 7, 2**32 - 1, 2**32, 2**70 + 3, np.int64(12345)])
def test_streams_seeded_at_once_are_the_named_streams(seed):
    """streams() (seeded in one go by the compiled core when built) draws exactly what stream() does."""
    from sim.model.random_inputs import stream, streams

    keys = [(purpose, k) for purpose in range(6) for k in range(5)]
    for fast, (purpose, k) in zip(streams(seed, keys), keys):
        named = stream(seed, purpose, k)
        assert np.array_equal(fast.random(8), named.random(8))
        assert np.array_equal(fast.standard_exponential(5), named.standard_exponential(5))
