"""Replicated runs of a textbook single queue carry the Erlang comparison too: the replication
mean of each metric with its t interval, beside the analytic value (theory.csv, the summary)."""

import math

import pandas as pd
import pytest
from scipy import stats

from sim.analytic import erlang_a_metrics
from sim.cli import run
from sim.kpi.theory import compare_replications

from test_cli import composed


def run_table(values, theory=0.8):
    table = pd.DataFrame({"metric": ["service_level"], "simulated": [values], "ci95": [0.01], "theory": [theory],
                          "within_ci": [True]})
    table.attrs.update(model="erlang_a", batches=10)
    return table


def test_the_mean_and_t_interval_of_the_replications_estimates():
    table = compare_replications([run_table(v) for v in (0.80, 0.90, 0.85, 0.83)])
    values = [0.80, 0.90, 0.85, 0.83]
    mean, sd = sum(values) / 4, pd.Series(values).std()
    half = stats.t.ppf(0.975, 3) * sd / math.sqrt(4)
    row = table.iloc[0]
    assert (row.simulated, row.ci95, row.theory) == (pytest.approx(mean), pytest.approx(half), 0.8)
    assert bool(row.within_ci) == (abs(mean - 0.8) <= half)
    assert table.attrs == {"model": "erlang_a", "replications": 4}
    far = compare_replications([run_table(v, theory=0.5) for v in values]).iloc[0]
    assert not far.within_ci


def test_no_comparison_when_a_replication_has_none():
    assert compare_replications([run_table(0.8), None]) is None
    assert compare_replications([]) is None


def test_replicated_single_queue_writes_and_prints_the_erlang_comparison(tmp_path, capsys):
    cfg = composed("scenario=single_queue", "replications=10", "scenario.horizon.hours=10", "output.plots=false")
    assert run(cfg, str(tmp_path)) == 0
    table = pd.read_csv(tmp_path / "theory.csv").set_index("metric")
    expected = erlang_a_metrics(600.0 / 3600, 240.0, 44, 180.0, 20.0)  # rates per second
    for metric in ("service_level", "asa", "p_abandon", "occupancy", "mean_queue"):
        assert table.at[metric, "theory"] == pytest.approx(getattr(expected, metric), rel=1e-5)
        assert 0 < table.at[metric, "ci95"] < 0.2 * table.at[metric, "simulated"]
    assert table.within_ci.all()  # seed 1: every metric's interval holds Erlang A
    out = capsys.readouterr().out
    assert "Against Erlang A (fractions of all arrivals; CI from 10 replications):" in out


def test_a_scenario_that_is_no_textbook_queue_gets_no_comparison(tmp_path):
    cfg = composed("replications=2", "output.plots=false")
    assert run(cfg, str(tmp_path)) == 0
    assert not (tmp_path / "theory.csv").exists()
