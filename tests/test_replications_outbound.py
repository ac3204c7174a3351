"""Replications of scenarios with campaigns: each run's outbound tables are those of simulate() with
its seed, the aggregated tables are their means with t intervals, the blending theory gets its
outbound rows, and ``callsim ... replications=N`` writes and prints the outbound tables."""

import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import simulate
from sim.experiments.replications import replicate
from sim.kpi import theory
from sim.kpi.theory_blending import OUTBOUND_METRICS
from sim.model.scenario import build_scenario

from conftest import day_scenario
from tests.test_blending_validation import blended
from tests.test_outputs import callsim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COUNTS = ["attempts", "live_answers", "connects", "rpc", "nuisance", "attempted", "finished", "exhausted", "open"]
OUTBOUND = ("campaigns", "campaign_intervals", "group_time", "group_time_intervals")


def small_blended_day():
    """Two campaigns (a list of 150 records worked progressively by a blended and an outbound group;
    an unlimited list previewed by its own group) beside inbound calls, four half-hours."""
    return build_scenario(day_scenario(
        {"service": {"arrival_rate": 40.0, "talk_time": {"kind": "exponential", "mean": 180.0},
                     "patience": {"kind": "exponential", "mean": 120.0},
                     "route": [{"group": "inbound"}, {"group": "blended"}]}},
        {"inbound": {"headcount": 2}, "blended": {"headcount": 2}, "outbound": {"headcount": 1},
         "preview": {"headcount": 1}},
        intervals=4, interval_minutes=30,
        campaigns={"renewals": {"groups": ["blended", "outbound"], "list_size": 150,
                                "dialler": {"mode": "progressive", "calls_per_agent": 2},
                                "wrapup_time": {"kind": "deterministic", "mean": 30.0}},
                   "survey": {"groups": ["preview"], "dialler": {"mode": "preview"}}},
        blending={"policy": "threshold", "threshold": 1}))


@pytest.fixture(scope="module")
def replicated():
    s = small_blended_day()
    return s, replicate(s, 4, seed=11, n_jobs=1)


def test_each_run_has_the_outbound_tables_of_simulate_with_its_seed(replicated):
    s, r = replicated
    assert r.replications == 4
    for i, seed in enumerate(r.seeds):
        lean = simulate(s, seed, records=False)  # the same run, its tables made by simulate()
        for name in OUTBOUND:
            pd.testing.assert_frame_equal(getattr(r.runs[i], name), getattr(lean, name), check_exact=True)
        # the counts are the per-call-record run's too (an independent path through the engine)
        full = simulate(s, seed)
        assert full.attempts is not None and len(full.attempts) > 20
        pd.testing.assert_frame_equal(r.runs[i].campaigns[["campaign"] + COUNTS], full.campaigns[["campaign"] + COUNTS],
                                      check_exact=True)
        rows = r.per_replication_campaigns[r.per_replication_campaigns.replication == i]
        assert (rows.seed == seed).all()
        pd.testing.assert_frame_equal(rows.drop(columns=["replication", "seed"]).reset_index(drop=True),
                                      lean.campaigns, check_exact=True)


def test_the_aggregate_is_the_mean_and_t_interval_of_the_runs(replicated):
    s, r = replicated
    per_run = [simulate(s, seed, records=False).campaigns.set_index("campaign") for seed in r.seeds]
    table = r.campaigns.set_index("campaign")
    assert list(table.index) == ["renewals", "survey"] and (table.replications == 4).all()
    t = stats.t.ppf(0.975, 3)
    for name in ("renewals", "survey"):
        for column in COUNTS + ["nuisance_rate", "rpc_per_agent_hour", "penetration"]:
            values = np.array([float(run.loc[name, column]) for run in per_run])
            if np.isnan(values).all():  # an unlimited list has no penetration
                assert math.isnan(table.loc[name, column]) and math.isnan(table.loc[name, f"{column}_ci"])
                continue
            assert table.loc[name, column] == pytest.approx(values.mean(), rel=1e-12, abs=1e-12), (name, column)
            assert table.loc[name, f"{column}_ci"] == pytest.approx(t * values.std(ddof=1) / 2, rel=1e-9,
                                                                    abs=1e-12), (name, column)
    assert table.loc["renewals", "list_size"] == 150 and math.isnan(table.loc["survey", "list_size"])
    assert table.loc["renewals", "attempts_ci"] > 0  # the runs differ: the interval is not degenerate
    time = r.group_time.set_index("group")
    assert list(time.role) == ["inbound", "blended", "outbound", "outbound"]
    shares = [simulate(s, seed, records=False).group_time.set_index("group").outbound_share for seed in r.seeds]
    np.testing.assert_allclose(time.outbound_share, np.mean(shares, axis=0), rtol=1e-12)
    assert len(r.campaign_intervals) == 2 * 4 and len(r.group_time_intervals) == 4 * 4


def test_a_scenario_without_campaigns_has_no_outbound_tables():
    r = replicate(os.path.join(ROOT, "configs", "scenario", "single_queue.yaml"), 2, n_jobs=1)
    assert all(getattr(r, name) is None for name in OUTBOUND + ("per_replication_campaigns",))


def test_the_blending_theory_over_replications_has_its_outbound_rows():
    s = build_scenario(blended(100, 180, 8, 2, 120, 6))
    r = replicate(s, 3, seed=4, n_jobs=1)
    tables = r.runs.theories()
    for i, seed in enumerate(r.seeds):
        own = simulate(s, seed, records=False).theory
        assert set(OUTBOUND_METRICS) <= set(own.metric)
        pd.testing.assert_frame_equal(tables[i], own, check_exact=True)
    comparison = theory.compare_replications(tables).set_index("metric")
    per_hour = [table.set_index("metric").loc["outbound_per_hour", "simulated"] for table in tables]
    assert comparison.loc["outbound_per_hour", "simulated"] == pytest.approx(np.mean(per_hour), rel=1e-12)
    assert comparison.loc["outbound_per_hour", "ci95"] > 0


def test_callsim_replications_write_and_print_the_outbound_tables(tmp_path):
    done = callsim("scenario=blended", "replications=3", "output.plots=false", f"hydra.run.dir={tmp_path}",
                   cwd=ROOT)
    assert done.returncode == 0, done.stderr
    campaigns = pd.read_csv(tmp_path / "campaigns.csv")
    assert list(campaigns.campaign) == ["renewals"] and (campaigns.replications == 3).all()
    for column in ("attempts", "rpc", "nuisance_rate", "rpc_per_agent_hour"):
        assert f"{column}_ci" in campaigns.columns
    assert campaigns.attempts_ci.iloc[0] > 0
    group_time = pd.read_csv(tmp_path / "group_time.csv")
    assert {"outbound_share", "outbound_share_ci"} <= set(group_time.columns)
    runs = pd.read_csv(tmp_path / "per_replication_campaigns.csv")
    assert list(runs.replication) == [0, 1, 2]
    assert campaigns.attempts.iloc[0] == pytest.approx(runs.attempts.mean(), rel=1e-5)  # (csv: 6 digits)
    assert "Outbound (" in done.stdout and "Time on duty by group:" in done.stdout
