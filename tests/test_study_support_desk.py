"""The support-desk study (experiments/support_desk/tier1_study.py): its peak scenario keeps only
the journey parts asked for; without a menu, redials or escalation its tier-1 queue is the queue
Erlang A describes (the study's yardstick, checked within the run's own confidence interval);
modelling the IVR's self-service takes agents off the requirement, and redials put load back."""

import importlib.util
from pathlib import Path

import pytest

from sim.analytic import erlang_a_metrics

pytestmark = pytest.mark.slow  # a study's simulations (registered in pytest.ini)

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "support_desk" / "tier1_study.py"


def load_study():
    spec = importlib.util.spec_from_file_location("tier1_study", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_peak_scenario_keeps_only_the_parts_asked_for():
    study = load_study()
    raw = study.peak_scenario((), 14, 2.0)["call_types"]["support"]
    assert not set(study.JOURNEY_PARTS) & set(raw) and raw["arrival_rate"] == pytest.approx(147.4)
    ivr = study.peak_scenario(("ivr",), 14, 2.0)["call_types"]["support"]
    assert "ivr" in ivr and not {"redial", "transfer", "callback"} & set(ivr)


def test_the_raw_queue_agrees_with_erlang_a_and_the_journey_moves_the_requirement():
    study = load_study()
    rate, handle = study.PEAK_PER_HOUR / 3600, study.TALK + study.WRAPUP
    headcounts = [13, 15]
    raw = study.service_levels((), headcounts, 20, 8.0)
    for c, sl, ci in zip(raw["tier1"], raw["service_level"], raw["ci"]):
        theory = erlang_a_metrics(rate, handle, c, study.PATIENCE, study.THRESHOLD).service_level
        assert abs(sl - theory) <= ci, (c, sl, ci, theory)
    ivr = study.service_levels(("ivr",), headcounts, 20, 8.0)
    redials = study.service_levels(("ivr", "redial"), headcounts, 20, 8.0)
    # a quarter of the callers never reach the queue: same agents, far better service
    assert (ivr["service_level"] - raw["service_level"] > raw["ci"] + ivr["ci"]).all()
    # abandoned callers come back: more offered calls (same seeds), no better service
    assert (redials["offered_per_hour"] > ivr["offered_per_hour"]).all()
    assert (redials["service_level"] <= ivr["service_level"] + ivr["ci"]).all()
