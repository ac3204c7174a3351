"""Caller-level KPIs of scenarios with redials (sim.kpi.callers): hand-worked tables on every
engine and route (records, streaming tallies), redial attempts counted as calls in the per-attempt
tables, the record counts equal to an independent pandas reference and to the streamed counts on
random redial scenarios, and every caller accounted for exactly once."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import simulate
from sim.core.fast_engine import FastEngine
from sim.core.protocol import OUTCOMES
from sim.kpi import callers as caller_kpi
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.scenario import build_scenario

from conftest import day_scenario, deterministic
from strategies import redial_scenarios
from engine_checks import KPI_TABLES, assert_streamed_equals_records, valid_scenario

REDIAL = {"probability_abandoned": 0.6, "probability_blocked": 1.0, "delay": deterministic(60), "max_attempts": 3}
ROUTES = [("simpy", True), ("fast", True), ("fast", False)]


def _scenario(**extra):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "patience": deterministic(1000), "route": [{"group": "g"}],
         "redial": REDIAL}
    return day_scenario({"a": a}, {"g": {"headcount": 1}}, intervals=2, interval_minutes=1, **extra)


def _run(scenario, engine, records, arrival, talk, patience, u, delay, redial_patience):
    n = len(arrival)
    draws = {"redial_u": np.array(u, float).reshape(n, -1), "redial_delay": np.array(delay, float).reshape(n, -1),
             "redial_patience": np.array(redial_patience, float).reshape(n, -1)}
    return simulate(scenario, seed=1, engine=engine, records=records,
                    inputs=given_calls(scenario, arrival, ["a"] * n, talk, patience=patience, decisions=draws))


def test_hand_worked_caller_tables_after_abandons():
    # (the trace of tests/test_redial_traces.py, on two 60 s intervals) 0: answered at 0. 1 (at 10)
    # abandons at 30 and redials at 70 (interval 1), answered at 100. 2 (at 20) abandons at 25,
    # no redial. Attempts: 3 in interval 0 (1 answered, 2 abandoned), the redial in interval 1.
    # Callers (interval 0): 3, with 1 redial: 4/3 attempts each; first attempts lost: 2 of 3;
    # callers lost: 1 of 3 (caller 2).
    for engine, records in ROUTES:
        r = _run(_scenario(), engine, records, [0, 10, 20], [100, 15, 10], [1000, 20, 5],
                 u=[[0, 0], [0.5, 0], [0.7, 0]], delay=[[1, 1], [40, 1], [1, 1]],
                 redial_patience=[[1, 1], [50, 1], [1, 1]])
        total = r.summary.set_index("call_type").loc["total"]
        assert (total.arrived, total.offered, total.answered, total.abandoned) == (4, 4, 2, 2), (engine, records)
        row = r.callers.set_index("call_type").loc["a"]
        assert (row.callers, row.redials) == (3, 1)
        assert row.attempts_per_caller == 4 / 3 and row.first_attempt_loss == 2 / 3 and row.caller_loss == 1 / 3
        by_interval = r.caller_intervals[r.caller_intervals.call_type == "a"].set_index("interval")
        assert by_interval.callers.tolist() == [3, 0] and by_interval.redials.tolist() == [0, 1]
        assert by_interval.attempts_per_caller[0] == 4 / 3 and np.isnan(by_interval.attempts_per_caller[1])
        assert r.intervals[r.intervals.call_type == "a"].arrived.tolist() == [3, 1]


def test_hand_worked_caller_tables_after_blocks():
    # (as in tests/test_redial_traces.py) one trunk: 0 holds it 0..50; caller 1 is blocked at 10
    # and at 40, and gets through at 60 (interval 1). Callers 2, redials 2 (one per interval:
    # 40 and 60), attempts per caller 4/2; first attempts lost 1/2; callers lost 0.
    for engine, records in ROUTES:
        r = _run(_scenario(trunks=1), engine, records, [0, 10], [50, 10], [1000, 1000],
                 u=[[0, 0], [0.99, 0.99]], delay=[[1, 1], [30, 20]], redial_patience=[[1, 1], [1000, 1000]])
        row = r.callers.set_index("call_type").loc["a"]
        assert (row.callers, row.redials, row.attempts_per_caller) == (2, 2, 2.0), (engine, records)
        assert row.first_attempt_loss == 0.5 and row.caller_loss == 0.0
        by_interval = r.caller_intervals[r.caller_intervals.call_type == "a"]
        assert by_interval.redials.tolist() == [1, 1]
        total = r.summary.set_index("call_type").loc["total"]
        assert (total.arrived, total.blocked, total.answered) == (4, 2, 2)


def test_no_caller_tables_without_redials():
    a = {"arrival_rate": 60, "talk_time": deterministic(10), "route": [{"group": "g"}]}
    r = simulate(day_scenario({"a": a}, {"g": {"headcount": 1}}), seed=1)
    assert r.callers is None and r.caller_intervals is None


def reference_counts(scenario, records, redials):
    """The five caller counts per (interval, type) with pandas, from the records (independently
    of sim.kpi.callers): a caller's last attempt is its highest attempt number."""
    calls = pd.DataFrame({"k": records.call_type, "arrival": records.arrival, "outcome": records.outcome,
                          "first": redials.first, "attempt": redials.attempt})
    calls["interval"] = scenario.arrival_interval(calls.arrival.to_numpy())
    calls["lost"] = calls.outcome.isin([OUTCOMES["ABANDONED"], OUTCOMES["BLOCKED"]])
    calls["measured"] = calls.arrival >= scenario.warmup
    head = calls.loc[calls["first"]].reset_index(drop=True)
    calls["first_interval"], calls["first_measured"] = head.interval.to_numpy(), head.measured.to_numpy()
    calls["last"] = calls.attempt == calls.groupby("first").attempt.transform("max")
    shape = (scenario.n_intervals, len(scenario.call_types))

    def table(selected, interval_column):
        out = np.zeros(shape, np.int64)
        for (j, k), n in selected.groupby([interval_column, "k"]).size().items():
            out[j, k] = n
        return out

    first = calls[calls.attempt == 1]
    return {"callers": table(first[first.measured], "interval"),
            "redials": table(calls[(calls.attempt > 1) & calls.measured], "interval"),
            "caller_redials": table(calls[(calls.attempt > 1) & calls.first_measured], "first_interval"),
            "first_lost": table(first[first.measured & first.lost], "interval"),
            "callers_lost": table(calls[calls["last"] & calls.lost & calls.first_measured], "first_interval")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=redial_scenarios(ivr=True), seed=st.integers(1, 10**6))
def test_record_counts_equal_the_reference_and_the_streamed_counts(data, seed):
    scenario = valid_scenario(data)
    if scenario is None:
        return
    out = FastEngine().run(scenario, call_blocks(scenario, seed))
    if out.redials is None:
        return
    counts = caller_kpi.counts_from_records(scenario, out.records, out.redials)
    expected = reference_counts(scenario, out.records, out.redials)
    streamed = caller_kpi.counts_from_tallies(FastEngine().run(scenario, call_blocks(scenario, seed), records=False).tallies)
    for name in caller_kpi.COUNTS:
        assert np.array_equal(counts[name], expected[name]), name
        assert np.array_equal(counts[name], streamed[name]), name
    # every caller once: got through (one answered attempt, its last), lost, done in a menu or unfinished
    calls = pd.DataFrame({"first": out.redials.first, "outcome": out.records.outcome, "attempt": out.redials.attempt})
    answered = calls[calls.outcome == OUTCOMES["ANSWERED"]]
    assert answered["first"].is_unique
    last = calls.groupby("first").attempt.max()
    assert (last.loc[answered["first"]].to_numpy() == answered.attempt.to_numpy()).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=redial_scenarios(), seed=st.integers(1, 10**6))
def test_streamed_tables_equal_record_tables_with_redials(data, seed):
    scenario = valid_scenario(data)
    if scenario is None:
        return
    assert_streamed_equals_records(scenario, seed, KPI_TABLES + ("callers", "caller_intervals"))


def test_a_caller_counts_by_its_first_attempt_and_attempts_by_their_own_arrival_after_the_warm_up():
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "patience": deterministic(1000), "route": [{"group": "g"}],
         "redial": {**REDIAL, "probability_abandoned": 0.5}}
    scenario = build_scenario({"name": "w", "horizon": {"kind": "steady_state", "hours": 0.1, "warmup_hours": 0.01},
                               "call_types": {"a": a}, "groups": {"g": {"headcount": 1}}})
    assert scenario.warmup == 36
    # 0 (at 0, warm-up) talks until 200. Caller 1's first attempt arrives in the warm-up (10),
    # abandons at 30, redials at 70 (patience 10: abandons at 80) and at 120 (answered at 200):
    # both redials are measured attempts, but the caller is not counted. Caller 2 (at 50,
    # measured) abandons at 55, u 0.9: no redial, lost.
    for engine, records in ROUTES:
        r = _run(scenario, engine, records, [0, 10, 50], [200, 10, 10], [1000, 20, 5],
                 u=[[0, 0], [0, 0], [0.9, 0]], delay=[[1, 1], [40, 40], [1, 1]],
                 redial_patience=[[1, 1], [10, 1000], [1, 1]])
        assert r.summary.set_index("call_type").loc["total"].arrived == 3, (engine, records)
        row = r.callers.set_index("call_type").loc["a"]
        assert (row.callers, row.redials, row.attempts_per_caller) == (1, 2, 1.0)
        assert row.first_attempt_loss == 1.0 and row.caller_loss == 1.0


def test_the_command_writes_and_prints_the_caller_tables_and_erlang_x(tmp_path):
    import subprocess
    import sys

    (tmp_path / "configs" / "scenario").mkdir(parents=True)
    (tmp_path / "configs" / "scenario" / "redialling.yaml").write_text(
        "defaults:\n  - single_queue\n  - _self_\nhorizon:\n  hours: 10\ncall_types:\n  calls:\n    redial:\n"
        "      probability_abandoned: 0.6\n      probability_blocked: 0.6\n      max_attempts: 30\n"
        "      delay: {kind: exponential, mean: 1800}\n")
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "sim.cli", "--config-dir", str(tmp_path / "configs"),
                           "scenario=redialling", "output.plots=false", f"hydra.run.dir={out}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Callers (with redials" in done.stdout and "Against Erlang X" in done.stdout, done.stdout
    callers = pd.read_csv(out / "callers.csv")
    assert list(callers.columns[-5:]) == ["callers", "redials", "attempts_per_caller", "first_attempt_loss",
                                          "caller_loss"]
    summary = pd.read_csv(out / "summary.csv").set_index("call_type")
    assert summary.loc["total", "arrived"] == callers.set_index("call_type").loc["total", ["callers", "redials"]].sum()
    assert (out / "caller_intervals.csv").exists() and "Callers (with redials" in (out / "report.html").read_text()
