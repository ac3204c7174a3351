"""The walk-through's scenario (experiments/ui_walkthrough/overflow_demo.yaml) is the overflow
demo's: with its overflow step switched off (86400 s) the day is the demo's "no overflow" one
call for call, and with the delay set to 30 s in the page's form it is run_study.py's "overflow"."""

import copy
from pathlib import Path

import pandas as pd

from sim.simulate import load_scenario_file, simulate
from sim.ui.form import apply

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "experiments" / "overflow_demo" / "scenario.yaml"
WALKTHROUGH = ROOT / "experiments" / "ui_walkthrough" / "overflow_demo.yaml"
DELAY = "call_types.support.route[1].delay"


def test_the_walkthrough_scenario_is_the_demo_with_one_more_route_step():
    demo, page = load_scenario_file(DEMO), load_scenario_file(WALKTHROUGH)
    with_step = copy.deepcopy(demo)
    with_step["call_types"]["support"]["route"].append({"group": "billing_team", "delay": 86400})
    assert page == with_step


def test_switched_off_it_is_no_overflow_and_at_30_s_the_overflow_alternative():
    demo, page = load_scenario_file(DEMO), load_scenario_file(WALKTHROUGH)
    off, plain = simulate(page, seed=1, engine="fast"), simulate(demo, seed=1, engine="fast")
    pd.testing.assert_frame_equal(off.calls, plain.calls)
    overflow = copy.deepcopy(demo)  # as run_study.py builds it
    overflow["call_types"]["support"]["route"].append({"group": "billing_team", "delay": 30.0})
    on = simulate(apply(page, {DELAY: "30"}), seed=1, engine="fast")
    pd.testing.assert_frame_equal(on.calls, simulate(overflow, seed=1, engine="fast").calls)
    assert (on.calls.group == "billing_team").sum() > (plain.calls.group == "billing_team").sum()
