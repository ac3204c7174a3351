"""The simulator against the threshold model of call blending (sim.analytic_blending).

First the comparison itself, on hand-made runs: which scenarios are the model, and the outbound
rows computed from dial attempts by hand. Then the validation: the simulator on blended
pools at several loads and thresholds, each run's own batch-means CI at 99.9 % as the tolerance
(as tests/test_theory.py does for Erlang), and the same interval must reject the model with the
threshold one off (k - 1 or k + 1) on some metric, so that the tolerance is shown to have power.
"""

import copy
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.analytic import blending_metrics
from sim.core.records import AttemptRecords
from sim.kpi import theory
from sim.kpi.theory_blending import INBOUND_METRICS, MODEL, OUTBOUND_METRICS, busy_seconds_before
from sim.model.scenario import build_scenario

CONFIDENCE = 0.999
NOT_DIALLING = "this build's engines do not dial outbound yet (issue 12 engines not merged)"


def blended(rate, talk, agents, threshold, outbound_talk, hours, warmup=2, mode="progressive"):
    """One group of ``agents`` serving one call type and a campaign that reaches somebody at once."""
    return {
        "name": "blending-theory",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": warmup},
        "call_types": {"calls": {"arrival_rate": rate, "talk_time": {"kind": "exponential", "mean": talk},
                                 "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": agents}},
        "kpi": {"short_abandon": 0.0},
        "campaigns": {"sales": {
            "groups": ["agents"], "list_size": None, "dialler": {"mode": mode, "calls_per_agent": 1},
            "outcomes": {"right_party": 1, "wrong_party": 0, "busy": 0, "no_answer": 0, "machine": 0},
            "ring_time": None, "talk_time": {"kind": "exponential", "mean": outbound_talk}, "wrapup_time": None}},
        "blending": {"policy": "threshold", "threshold": threshold},
    }


def changed(data, path, value):
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


# ------------------------------------------------------------------------- which scenarios
def test_only_the_exact_blended_pool_is_the_model():
    base = blended(100, 180, 8, 2, 120, 10)
    assert theory.textbook_model(build_scenario(base)) == MODEL
    assert theory.textbook_model(build_scenario(changed(base, ["campaigns", "sales", "dialler", "mode"], "preview"))) == MODEL
    campaign = ["campaigns", "sales"]
    not_the_model = [
        changed(base, campaign + ["ring_time"], {"kind": "deterministic", "mean": 12}),
        changed(base, campaign + ["outcomes"], {"right_party": 0.9, "wrong_party": 0.1, "busy": 0, "no_answer": 0,
                                                 "machine": 0}),
        changed(base, campaign + ["dialler"], {"mode": "progressive", "calls_per_agent": 2}),
        changed(base, campaign + ["dialler"], {"mode": "predictive"}),
        changed(base, campaign + ["wrapup_time"], {"kind": "deterministic", "mean": 10}),
        changed(base, campaign + ["talk_time"], {"kind": "lognormal", "mean": 120, "cv": 1}),
        changed(base, campaign + ["list_size"], 10_000),
        changed(base, campaign + ["dial_intervals"], [1] * 11 + [0]),
        changed(base, ["blending"], {"policy": "threshold_sl_floor", "threshold": 2, "sl_floor": 0.8}),
        changed(base, ["call_types", "calls", "patience"], {"kind": "exponential", "mean": 180}),
        changed(base, ["call_types", "calls", "wrapup_time"], {"kind": "deterministic", "mean": 10}),
        changed(base, ["call_types", "calls", "arrival_rate"], 160),  # 8 erlangs on 8 agents: unstable
        changed(base, ["horizon"], {"kind": "day", "intervals": 4, "interval_minutes": 60}),
    ]
    for data in not_the_model:
        scenario = build_scenario(data)
        assert theory.textbook_model(scenario) is None, data  # never Erlang C for a pool that dials
        assert theory.predict(scenario) is None


def test_the_blending_short_overrides_give_the_model():
    """``callsim scenario=single_queue threshold=2 outbound_aht=300 patience=none`` is the model
    (sim/model/short_overrides.py); with the scenario's patience it is not (callers abandon)."""
    from sim.cli import apply_shortcuts

    from test_cli import composed

    short = ["scenario=single_queue", "threshold=2", "outbound_aht=300"]
    scenario = build_scenario(apply_shortcuts(composed(*short, "patience=none")))
    assert theory.textbook_model(scenario) == MODEL
    assert theory.predict(scenario) == blending_metrics(600 / 3600, 240, 300, 44, 2, 20.0)
    assert theory.textbook_model(build_scenario(apply_shortcuts(composed(*short)))) is None


def test_prediction_is_the_model_in_seconds_with_the_threshold_capped_at_the_agents():
    scenario = build_scenario(blended(100, 180, 8, 20, 120, 10))
    assert theory.predict(scenario) == blending_metrics(100 / 3600, 180, 120, 8, 8, 20.0)
    scenario = build_scenario(blended(100, 180, 8, 3, 120, 10))
    assert theory.predict(scenario) == blending_metrics(100 / 3600, 180, 120, 8, 3, 20.0)


# ------------------------------------------------------------------ the outbound rows by hand
def test_busy_seconds_before_is_the_clipped_overlap():
    starts, ends = np.array([0.0, 5.0, 2.0]), np.array([4.0, 9.0, 3.0])
    points = np.array([-1.0, 0.0, 2.5, 6.0, 100.0])
    expected = [sum(max(0.0, min(e, x) - s) for s, e in zip(starts, ends)) for x in points]
    assert np.allclose(busy_seconds_before(points, starts, ends), expected)


def hand_made_run(with_attempts=True):
    """Two measured hours [3600, 7200) and [7200, 10800) of an 8-agent blended pool."""
    scenario = build_scenario(blended(100, 180, 8, 2, 120, hours=2, warmup=1))
    rows = [  # connect, talk, wrapup (NaN connect: the attempt reached nobody)
        (3000.0, 1200.0, 0.0),   # warm-up connect: 600 s busy in hour 1, not counted as a connect
        (4000.0, 300.0, 0.0),    # hour 1: 300 s
        (7000.0, 400.0, 0.0),    # hour 1: 200 s, hour 2: 200 s
        (8000.0, np.nan, 0.0),   # not connected
        (9000.0, 100.0, 50.0),   # hour 2: 150 s with the wrap-up
        (10700.0, 500.0, 0.0),   # hour 2: 100 s before the horizon
    ]
    attempts = AttemptRecords.from_rows([
        (0, n, 0, t, 0, t, 0, 0, np.nan if np.isnan(talk) else t, t + (0 if np.isnan(talk) else talk),
         0.0 if np.isnan(talk) else talk, wrap, False) for n, (t, talk, wrap) in enumerate(rows)])
    intervals = pd.DataFrame({"interval": [1, 2], "call_type": "total", "arrived": [100, 110],
                              "answered": [100, 110], "answered_within_T": [80, 99], "asa": [10.0, 7.0],
                              "abandoned": 0, "short_abandoned": 0, "blocked": 0, "avg_queue": [0.3, 0.2]})
    groups = pd.DataFrame({"interval": [1, 2], "available": [8.0, 8.0], "busy": [5.0, 6.0]})
    return SimpleNamespace(scenario=scenario, intervals=intervals, group_intervals=groups,
                           attempts=attempts if with_attempts else None)


def test_the_outbound_rows_of_a_hand_made_run():
    table = theory.compare(hand_made_run()).set_index("metric")
    assert list(table.index) == list(INBOUND_METRICS + OUTBOUND_METRICS)
    on_duty = 2 * 8 * 3600.0
    outbound = 1100.0 + 450.0
    assert table.simulated["outbound_per_hour"] == pytest.approx(4 / 2)  # 2 connects in each hour
    assert table.simulated["outbound_occupancy"] == pytest.approx(outbound / on_duty)
    assert table.simulated["inbound_occupancy"] == pytest.approx((5.0 * 3600 + 6.0 * 3600 - outbound) / on_duty)
    assert table.simulated["occupancy"] == pytest.approx(11.0 / 16)
    assert table.simulated["service_level"] == pytest.approx(179 / 210)
    # the batch-means half-width of connects per hour: two equal batches, so 0
    assert table.ci95["outbound_per_hour"] == pytest.approx(0.0)
    expected = blending_metrics(100 / 3600, 180, 120, 8, 2, 20.0)
    assert table.theory["outbound_per_hour"] == pytest.approx(expected.outbound_rate * 3600)
    assert table.theory["inbound_occupancy"] == pytest.approx(100 * 180 / 3600 / 8)
    assert table.theory["asa"] == expected.asa and table.theory["service_level"] == expected.service_level
    assert table.attrs["model"] == MODEL and table.attrs["batches"] == 2


def test_without_attempts_the_outbound_rows_are_left_out():
    table = theory.compare(hand_made_run(with_attempts=False))
    assert list(table.metric) == list(INBOUND_METRICS)


def test_the_summary_names_the_model():
    from sim.reports.files import format_summary

    results = simulate(blended(100, 180, 8, 2, 120, hours=3, warmup=1), seed=1)
    assert results.theory.attrs["model"] == MODEL
    assert "Against Blending Threshold" in format_summary(results)


# ------------------------------------------------------------------------------ the simulator
# (id, inbound calls per hour, mean inbound talk s, agents, threshold k, mean outbound talk s, mode)
CASES = [
    ("light-k0", 60, 180, 6, 0, 240, "progressive"),      # inbound load 50 %
    ("medium-k2", 100, 180, 8, 2, 120, "progressive"),    # 62.5 %
    ("heavy-k1", 140, 180, 8, 1, 300, "progressive"),     # 87.5 %
    ("heavy-k4-preview", 140, 180, 8, 4, 300, "preview"),  # a preview dial with no ring is the same rule
]
HOURS = 300


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_simulator_matches_the_threshold_model(case, engine):
    _, rate, talk, agents, k, outbound_talk, mode = case
    hours = HOURS
    data = blended(rate, talk, agents, k, outbound_talk, hours, mode=mode)
    results = simulate(data, seed=2026, engine=engine)
    if getattr(results, "attempts", None) is None:
        pytest.skip(NOT_DIALLING)
    table = results.theory.set_index("metric")
    assert results.theory.attrs["model"] == MODEL and results.theory.attrs["batches"] == hours
    assert len(table) == len(INBOUND_METRICS + OUTBOUND_METRICS)
    wide = theory.compare(results, CONFIDENCE).set_index("metric")
    for metric, row in wide.iterrows():
        assert abs(row.simulated - row.theory) <= row.ci95 + 1e-12, (
            f"{metric}: simulated {row.simulated:.5f} ± {row.ci95:.5f} vs theory {row.theory:.5f}")
    wrong = [blending_metrics(rate / 3600, talk, outbound_talk, agents, j, 20.0) for j in (k - 1, k + 1)
             if 0 <= j <= agents]
    for w in wrong:  # each wrong threshold lies outside the interval on some metric
        assert any(abs(wide.simulated[m] - (w.outbound_rate * 3600 if m == "outbound_per_hour" else getattr(w, m)))
                   > wide.ci95[m] for m in wide.index), f"the tolerance cannot tell k={k} from k={w.reserve}"


@pytest.mark.slow
def test_quick_blending_study_writes_a_sane_table(tmp_path):
    """experiments/validation/blending.py end to end in quick mode (2 loads x 2 thresholds)."""
    import subprocess
    import sys
    from pathlib import Path

    if getattr(simulate(blended(100, 180, 8, 2, 120, hours=1, warmup=0), seed=1), "attempts", None) is None:
        pytest.skip(NOT_DIALLING)
    script = Path(__file__).resolve().parents[1] / "experiments" / "validation" / "blending.py"
    subprocess.run([sys.executable, str(script), "--quick", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=300)
    table = pd.read_csv(tmp_path / "blending.csv")
    assert (tmp_path / "blending.png").stat().st_size > 0
    assert len(table) == 4 and set(table.threshold) == {0, 2}
    for kpi in ("service_level", "asa", "occupancy", "outbound_per_hour"):
        assert {kpi, f"{kpi}_ci", f"{kpi}_model", f"{kpi}_covered"} <= set(table.columns)
    for _, rows in table.groupby("load_per_agent"):  # a higher threshold: better inbound, fewer outbound calls
        assert rows.service_level_model.is_monotonic_increasing and rows.outbound_per_hour_model.is_monotonic_decreasing
        assert rows.service_level.is_monotonic_increasing and rows.outbound_per_hour.is_monotonic_decreasing
