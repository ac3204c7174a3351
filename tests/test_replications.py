"""Replications: independent seeds, means and t confidence intervals computed right, CIs that
cover the Erlang A value and shrink like 1/sqrt(n)."""

import math

import numpy as np
import pytest
from scipy import stats

from sim import ConfigError
from sim.analytic import erlang_a_metrics
from sim.experiments.replications import replicate, replication_seeds

QUEUE = {
    "name": "mmcm",
    "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": 10, "warmup_hours": 1},
    "call_types": {"calls": {"arrival_rate": 600, "talk_time": {"kind": "exponential", "mean": 240},
                             "patience": {"kind": "exponential", "mean": 180}, "route": [{"group": "agents"}]}},
    "groups": {"agents": {"headcount": 42}},
    "kpi": {"short_abandon": 0},
}


def test_seeds_are_distinct_and_reproducible():
    seeds = replication_seeds(7, 50)
    assert len(set(seeds)) == 50 and seeds == replication_seeds(7, 50) and seeds != replication_seeds(8, 50)


def test_mean_and_half_width_are_the_textbook_formulas(engine):
    rep = replicate(QUEUE, 5, seed=3, engine=engine)
    values = np.array([r.summary.set_index("call_type").loc["total", "service_level"] for r in rep.runs])
    row = rep.summary.set_index("call_type").loc["total"]
    assert row.replications == 5
    assert row.service_level == pytest.approx(values.mean(), rel=1e-12)
    half = stats.t.ppf(0.975, 4) * values.std(ddof=1) / math.sqrt(5)
    assert row.service_level_ci == pytest.approx(half, rel=1e-9)
    assert len({r.seed for r in rep.runs}) == 5


def test_confidence_interval_covers_erlang_a_and_shrinks_with_more_replications():
    theory = erlang_a_metrics(600 / 3600, 240, 42, 180, 20)
    few, many = (replicate(QUEUE, n, seed=11, engine="auto").summary.set_index("call_type").loc["total"]
                 for n in (4, 16))
    for row in (few, many):  # the textbook service level is inside each run's own interval
        assert abs(row.service_level - theory.service_level) <= row.service_level_ci
    ratio = few.service_level_ci / many.service_level_ci  # about sqrt(16 / 4) = 2 times t-quantile gain
    assert 1.3 < ratio < 5


def test_bad_replication_count_is_a_clear_error():
    with pytest.raises(ConfigError) as info:
        replicate(QUEUE, 0)
    assert info.value.field == "replications"
