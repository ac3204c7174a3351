"""Steady state against queueing theory: Erlang C, Erlang A and Erlang B, light to heavy load.

Each run's own confidence interval is the tolerance: batch means over the measured hours, at
99.9 % (so a correct model fails about once in a thousand checks, not once in twenty). To show
the tolerance is narrow enough to catch a wrong model, the same interval must reject the
prediction for one agent more or one agent fewer on at least one metric.
"""

import pytest

from sim import simulate
from sim.kpi.theory import METRICS, batch_sums, predict, ratio_interval
from sim.model.scenario import build_scenario

CONFIDENCE = 0.999

# (id, arrivals per hour, mean talk s, agents, mean patience s or None, trunks or None, hours)
CASES = [
    ("C-light-63%", 100, 180, 8, None, None, 200),
    ("C-medium-91%", 600, 240, 44, None, None, 120),
    ("C-heavy-95%", 570, 240, 40, None, None, 250),
    ("A-light", 60, 300, 6, 120, None, 300),
    ("A-benchmark", 600, 240, 44, 180, None, 120),
    ("A-overloaded-98%", 800, 240, 50, 300, None, 120),
    ("B-loss", 200, 180, 12, None, 12, 200),
]


def single_queue(rate, talk, agents, patience, trunks, hours):
    return {
        "name": "theory",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": 2},
        "call_types": {"calls": {
            "arrival_rate": rate, "talk_time": {"kind": "exponential", "mean": talk},
            "patience": None if patience is None else {"kind": "exponential", "mean": patience},
            "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": agents}},
        "trunks": trunks,
        "kpi": {"short_abandon": 0.0},
    }


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_steady_state_matches_erlang(case, engine):
    _, rate, talk, agents, patience, trunks, hours = case
    data = single_queue(rate, talk, agents, patience, trunks, hours)
    results = simulate(data, seed=2026, engine=engine)
    theory = predict(results.scenario)
    assert theory is not None, "scenario should be recognised as a textbook queue"
    batches = batch_sums(results)
    assert len(batches) == hours
    rejected_wrong_model = False
    wrong_models = [predict(build_scenario(single_queue(rate, talk, c, patience, trunks if trunks is None else c, hours)))
                    for c in (agents - 1, agents + 1)]
    for metric in METRICS:
        mean, half = ratio_interval(batches[f"{metric}_num"], batches[f"{metric}_den"], CONFIDENCE)
        expected = getattr(theory, metric)
        assert abs(mean - expected) <= half + 1e-12, (
            f"{metric}: simulated {mean:.5f} ± {half:.5f} vs theory {expected:.5f}")
        for wrong in wrong_models:
            if wrong is not None and abs(mean - getattr(wrong, metric)) > half:
                rejected_wrong_model = True
    assert rejected_wrong_model, "the tolerance is too wide to tell c agents from c ± 1"


def test_textbook_model_recognition():
    base = single_queue(600, 240, 44, 180, None, 10)
    assert predict(build_scenario(base)) is not None
    with_wrapup = single_queue(600, 240, 44, 180, None, 10)
    with_wrapup["call_types"]["calls"]["wrapup_time"] = {"kind": "deterministic", "mean": 10}
    assert predict(build_scenario(with_wrapup)) is None  # not a textbook queue any more
    lognormal = single_queue(600, 240, 44, 180, None, 10)
    lognormal["call_types"]["calls"]["talk_time"] = {"kind": "lognormal", "mean": 240, "cv": 1}
    assert predict(build_scenario(lognormal)) is None


def test_a_run_too_short_for_an_interval_says_so_instead_of_no():
    """One measured hour is one batch: no confidence interval, so whether the theory lies inside
    it is unknown (NA, printed "n/a"), never "no"."""
    from sim import load_scenario, simulate
    from sim.reports.files import format_summary

    scenario = load_scenario("single_queue")
    scenario["horizon"].update(hours=1, warmup_hours=0)
    results = simulate(scenario, seed=1, records=False)
    assert results.theory.ci95.isna().all() and results.theory.within_ci.isna().all()
    text = format_summary(results)
    assert "n/a" in text and "fewer than 2 batches" in text and " no\n" not in text
