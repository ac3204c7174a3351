"""KPI numbers of several replications at once (sim.experiments.runs.numbered, on
sim.kpi.streaming.batch_inputs and sim.kpi.arrays.batch_columns): every number is the one of the
run made alone, bit for bit, whatever the batch size; sequential stopping stops where the rule says."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import runs as runs_module
from sim.experiments.replications import Precision, half_width, replicate, replication_seeds
from sim.kpi import _kernels_py, kernels, streaming
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file, simulate
from test_shrinkage_traces import scenario as shrinkage_scenario, shift

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"
TABLES = ("summary", "intervals", "groups", "group_intervals")
JOURNEY = ("callers", "caller_intervals", "callbacks", "callback_intervals")
OUTBOUND = ("campaigns", "campaign_intervals", "group_time", "group_time_intervals")


def from_file(name, **horizon):
    data = load_scenario_file(CONFIGS / f"{name}.yaml")
    data["horizon"].update(horizon)
    return build_scenario(data)


def shrunk():
    """Absences (who came differs from run to run), adherence, breaks taken late, an activity."""
    groups = {"g": {**shift({"minutes": 15, "window": ["08:30", "08:50"]},
                            {"name": "lunch", "minutes": 30, "start": "09:10", "paid": False}, count=5),
                    "absenteeism": 0.3, "adherence": 0.9,
                    "activities": {"coaching": {"kind": "coaching", "start": "09:45", "end": "10:00", "agents": 1}}}}
    calls = {"a": {"arrival_rate": 150, "talk_time": {"kind": "exponential", "mean": 100},
                   "patience": {"kind": "exponential", "mean": 60}, "route": [{"group": "g"}]}}
    return shrinkage_scenario(groups, calls)


SCENARIOS = {
    "default": lambda: from_file("default"),
    "warm-up": lambda: from_file("default", warmup_hours=1.25),
    "steady state": lambda: from_file("single_queue", kind="steady_state", interval_minutes=30, hours=6,
                                      warmup_hours=1.25),
    "shrinkage": shrunk,
    "campaigns": lambda: from_file("blended"),
    "journey": lambda: from_file("support_desk"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("batch", [1, 2, 3, 64])  # 3: a batch boundary inside the 5 runs; 64: more than them
def test_batched_runs_have_the_numbers_and_tables_of_simulate(name, batch, monkeypatch):
    monkeypatch.setattr(runs_module, "BATCH", batch)
    sc = SCENARIOS[name]()
    rep = replicate(sc, 5, seed=4, progress=False, n_jobs=1)
    assert rep.replications == 5
    seeds = replication_seeds(4, 5)
    for i, seed in enumerate(seeds):
        alone = simulate(sc, seed, records=False)
        made = rep.runs[i]
        for table in TABLES + JOURNEY + OUTBOUND:
            expected = getattr(alone, table)
            if expected is None:
                assert getattr(made, table) is None, table
            else:
                pd.testing.assert_frame_equal(getattr(made, table), expected, check_exact=True, obj=table)
        pd.testing.assert_frame_equal(made.agents, alone.agents, check_exact=True)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_numbers_of_a_batch_are_those_of_each_run_alone(name, monkeypatch):
    """The arrays themselves (every column, NaN where undefined), batches of 4 over 6 runs."""
    monkeypatch.setattr(runs_module, "BATCH", 4)
    sc = SCENARIOS[name]()
    seeds = replication_seeds(9, 6)
    pending = [runs_module.run_replication(sc, seed, numbers=False) for seed in seeds]
    assert all(run.columns is None for run, _ in pending)
    batched = runs_module.numbered(sc, pending)
    for seed, (run, _) in zip(seeds, batched):
        alone, _ = runs_module.run_replication(sc, seed)  # a batch of one
        plain = simulate(sc, seed, records=False)  # the tables of one run, made as simulate makes them
        for table in TABLES:
            np.testing.assert_array_equal(run.columns[table], alone.columns[table], strict=True)
            numeric = plain.__getattribute__(table)
            for row, column in enumerate(runs_module.arrays.numeric_columns(table)):
                np.testing.assert_array_equal(run.columns[table][row], numeric[column].to_numpy(float),
                                              err_msg=f"{table}.{column}")
        assert run.journey.keys() == alone.journey.keys() and run.outbound.keys() == alone.outbound.keys()


def test_replicate_makes_the_numbers_a_batch_at_a_time(monkeypatch):
    sizes = []
    real = runs_module._with_numbers
    monkeypatch.setattr(runs_module, "_with_numbers", lambda sc, runs: sizes.append(len(runs)) or real(sc, runs))
    replicate(from_file("single_queue", hours=1), runs_module.BATCH + 6, seed=1, progress=False, n_jobs=1)
    assert sizes == [runs_module.BATCH, 6]


def expected_stop(sc, seed, precision, first, confidence=0.95):
    """Where the stopping rule stops, from each replication's summary alone (simulate)."""
    values = []
    for n, s in enumerate(replication_seeds(seed, precision.max_replications), start=1):
        summary = simulate(sc, s, records=False).summary.set_index("call_type")
        values.append(summary.at[precision.call_type, precision.kpi])
        defined = np.array([v for v in values if not np.isnan(v)])
        if n >= max(first, 2) and len(defined) >= 2 and \
                half_width(defined.std(ddof=1), len(defined), confidence) <= precision.half_width:
            return n
    return precision.max_replications


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("kpi, target", [("asa", 1.5), ("service_level", 0.02), ("abandon_rate", 0.004)])
def test_sequential_stopping_stops_at_the_replication_the_rule_says(n_jobs, kpi, target):
    sc = from_file("single_queue", hours=2)
    precision = Precision(kpi, target, max_replications=60)
    rep = replicate(sc, 3, seed=5, progress=False, precision=precision, n_jobs=n_jobs)
    assert 3 < rep.replications < 60 and rep.precision_met  # (the rule stopped it, after the first round)
    assert rep.replications == expected_stop(sc, 5, precision, 3)
    for i in (0, rep.replications - 1):
        plain = simulate(sc, rep.seeds[i], records=False)
        pd.testing.assert_frame_equal(rep.runs[i].summary, plain.summary, check_exact=True)


@pytest.mark.parametrize("twin", [kernels, _kernels_py])
def test_summary_p90_from_the_interval_kernel_equals_the_row_kernel(twin):
    """kept_tallies reads the summary histograms (int64) with interval_quantiles: per call type and
    over all of them, the very floats of histogram_quantiles on the rows with their total appended."""
    rng = np.random.default_rng(3)
    low, high = streaming._bounds(1 << 7)
    for n_types in (1, 3, 9):
        hist = np.zeros((n_types, len(low)), np.int64)
        for k in range(n_types):
            bins = rng.integers(0, len(low), rng.integers(0, 400))
            np.add.at(hist[k], bins, 1)
        expected = twin.histogram_quantiles(np.concatenate((hist, hist.sum(axis=0, keepdims=True))), 0.9, low, high)
        got = twin.interval_quantiles(hist[None], 0.9, low, high)[0]
        np.testing.assert_array_equal(got, expected, strict=True)
