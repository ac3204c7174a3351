"""Target against achieved (sim.planning.verification): verdicts worked out by hand on a small
intervals table: a confidence interval wholly above, wholly below, or across each target."""

import numpy as np
import pandas as pd

from sim.planning.targets import Targets
from sim.planning.verification import VERDICTS, target_vs_achieved, verdicts
from sim.reports import plan_report
from sim.reports.plan_report import verdict_counts


def intervals():
    return pd.DataFrame({
        "interval": [0, 0, 1, 1, 2, 2], "start": ["07:00", "07:00", "07:30", "07:30", "08:00", "08:00"],
        "call_type": ["a", "total"] * 3,
        "offered": [10.0, 10.0, 20.0, 20.0, 0.0, 0.0],
        #                 wholly above / below / across the 0.80 target; no calls
        "service_level": [0.90, 0.90, 0.70, 0.70, np.nan, np.nan],
        "service_level_ci": [0.05, 0.05, 0.05, 0.05, np.nan, np.nan],
        #                 0.04 +- 0.02 straddles 0.05; 0.01 +- 0.005 is below it
        "abandon_rate": [0.04, 0.04, 0.01, 0.01, np.nan, np.nan],
        "abandon_rate_ci": [0.02, 0.02, 0.005, 0.005, np.nan, np.nan],
        "asa": [10.0, 10.0, 50.0, 50.0, np.nan, np.nan],
        "asa_ci": [1.0, 1.0, 1.0, 1.0, np.nan, np.nan],
    })


def test_verdict_of_one_target_by_hand():
    got = verdicts([0.90, 0.70, 0.78, 0.80, 0.5], [0.05, 0.05, 0.05, 0.0, 0.1], 0.80, True, [1, 1, 1, 1, 0])
    assert list(got) == ["met", "missed", "unsure", "met", "no calls"]
    got = verdicts([10.0, 30.0, 19.0], None, 20.0, False, [1, 1, 1])  # a single run: the estimate decides
    assert list(got) == ["met", "missed", "met"]


def test_every_set_target_is_checked_and_the_worst_verdict_wins():
    targets = Targets(service_level=0.80, threshold=20.0, max_abandon=0.05, max_asa=None, max_occupancy=None)
    table = target_vs_achieved(intervals(), targets)
    assert "asa_verdict" not in table.columns  # not a target
    assert list(table.service_level_verdict) == ["met", "met", "missed", "missed", "no calls", "no calls"]
    assert list(table.abandon_rate_verdict) == ["unsure", "unsure", "met", "met", "no calls", "no calls"]
    assert list(table.verdict) == ["unsure", "unsure", "missed", "missed", "no calls", "no calls"]
    assert verdict_counts(table) == {"met": 0, "missed": 1, "unsure": 1, "no calls": 1}
    assert table.service_level_target.eq(0.80).all() and table.abandon_rate_target.eq(0.05).all()
    assert plan_report.VERDICTS == VERDICTS  # the report counts every verdict the plan gives


def test_asa_ceiling():
    targets = Targets(service_level=None, threshold=20.0, max_abandon=None, max_asa=20.0, max_occupancy=None)
    table = target_vs_achieved(intervals(), targets)
    assert list(table.verdict) == ["met", "met", "missed", "missed", "no calls", "no calls"]
