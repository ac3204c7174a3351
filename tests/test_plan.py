"""``callsim task=plan`` end to end on a small day (sim.planning.plan): the files, the roster
covering the requirement as the model itself counts the roster's agents on the phones, the
shrinkage gross-up, under-coverage reported instead of raised, the verification's verdicts, and
bad plans refused before any simulation."""

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.cli import config_dir, run
from sim.model.config import register_configs

DAY = ["scenario=single_queue", "scenario.horizon.kind=day", "scenario.horizon.intervals=8",
       "scenario.horizon.day_start=08:00", "scenario.call_types.calls.arrival_rate=300",
       "task=plan", "staffing.replications=8", "output.plots=false"]


def planned(tmp_path, *overrides, expect=0):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[*DAY, *overrides])
    status = run(cfg, str(tmp_path), overrides=[*DAY, *overrides])
    assert status == expect
    return tmp_path


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    return planned(tmp_path_factory.mktemp("plan"), "staffing.shrinkage=0.2")


def test_the_plan_writes_its_files(plan_dir):
    for name in ("requirements.csv", "roster.csv", "plan_targets.csv", "summary.csv", "group_intervals.csv",
                 "report.html", "run.json"):
        assert (plan_dir / name).exists(), name
    report = (plan_dir / "report.html").read_text()
    assert "Plan: the roster" in report and "Plan: requirements per interval and group" in report
    assert "Staffing requirements" not in report  # (the staffing policies' section: not a plan's words)


def test_rostered_is_the_requirement_grossed_up_and_the_roster_covers_it(plan_dir):
    req = pd.read_csv(plan_dir / "requirements.csv")
    assert (req.paid == np.ceil(req.optimised / 0.8 - 1e-9)).all()
    # the roster's agents on the phones per interval, as the model counts them (breaks off the phones)
    scheduled = pd.read_csv(plan_dir / "group_intervals.csv").scheduled.to_numpy()
    assert scheduled == pytest.approx(req.scheduled.to_numpy(), abs=1e-9)
    assert (scheduled >= req.paid.to_numpy() - 1e-9).all()
    roster = pd.read_csv(plan_dir / "roster.csv")
    assert roster["count"].sum() > 0 and roster.breaks.str.contains("break").any()
    # paid hours: shift length minus the unpaid lunch of shifts of 6 h or more
    length = (pd.to_timedelta(roster.end + ":00") - pd.to_timedelta(roster.start + ":00")).dt.total_seconds() / 3600
    assert roster.paid_hours.tolist() == [h - 0.5 if h >= 6 else h for h in length]


def test_the_verification_judges_every_interval(plan_dir):
    targets = pd.read_csv(plan_dir / "plan_targets.csv")
    totals = targets[targets.call_type == "total"]
    assert len(totals) == 8 and set(totals.verdict) <= {"met", "unsure", "missed"}
    assert (totals.verdict == "missed").sum() == 0  # the optimiser met the targets with confidence
    assert (targets.service_level_target == 0.8).all()


def test_intervals_no_shift_can_reach_are_reported_not_raised(tmp_path, capsys):
    # every shift must start by 08:00 and last 4 h: 12:00-16:00 cannot be covered
    out = planned(tmp_path, "plan.shift_rules.start_latest=08:00", "plan.shift_rules.lengths_hours=[4]",
                  "plan.shift_rules.breaks=[]", "plan.requirement=erlang")
    req = pd.read_csv(out / "requirements.csv")
    assert (req.scheduled[4:] == 0).all() and (req.paid[4:] > 0).all()
    assert "Under-covered intervals: agents 4 intervals" in capsys.readouterr().out


def test_a_steady_state_is_not_planned(tmp_path, capsys):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=["scenario=single_queue", "task=plan"])
    assert run(cfg, str(tmp_path), overrides=["task=plan"]) == 2
    assert "callsim: invalid input: task: a plan needs a day horizon" in capsys.readouterr().err
