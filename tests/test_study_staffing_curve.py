"""Smoke test of experiments/staffing_curve: the study runs in quick mode and its tables are sane;
the shift scaling keeps totals exact, gives the scenario back at 53 agents and never removes an agent."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # a study end to end (registered in pytest.ini)

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "staffing_curve" / "staffing_curve.py"


def load_study():
    spec = importlib.util.spec_from_file_location("staffing_curve", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shift_scaling_is_exact_faithful_and_monotone():
    study = load_study()
    base = study.load_scenario_file(study.SCENARIO)
    assert study.staffed(base, 53) == base
    previous = None
    for total in range(30, 80):
        counts = {(g, s): spec["count"] for g, group in study.staffed(base, total)["groups"].items()
                  for s, spec in group["shifts"].items()}
        assert sum(counts.values()) == total
        if previous is not None:
            assert all(counts[k] >= previous[k] for k in counts)
        previous = counts


def test_quick_staffing_curve_writes_sane_tables(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=120)
    curve = pd.read_csv(tmp_path / "staffing_curve.csv")
    per_type = pd.read_csv(tmp_path / "per_call_type.csv")
    answers = pd.read_csv(tmp_path / "answers.csv")
    for figure in ("service_level.png", "abandon_rate.png"):
        assert (tmp_path / figure).stat().st_size > 0
    assert curve.headcount.tolist() == [40, 53, 70]
    groups = ["retail_team", "sales_team", "stocks_team", "bilingual"]
    assert (curve[groups].sum(axis=1) == curve.headcount).all()
    assert curve.set_index("headcount").loc[53, groups].tolist() == [29, 10, 8, 6]
    # more agents (same calls in every replication): higher service level, less abandonment, more cost
    assert curve.service_level.is_monotonic_increasing and curve.abandon_rate.is_monotonic_decreasing
    assert curve.cost.is_monotonic_increasing and (curve.service_level_ci > 0).all()
    assert set(per_type.call_type) == {"retail", "sales", "stocks", "english", "total"}
    assert len(per_type) == 3 * 5
    assert len(answers) == 4 and "criterion" in answers.columns
