"""Smoke test of experiments/validation: the Erlang A study runs in quick mode and its table is sane."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # a study end to end (registered in pytest.ini)

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "validation" / "erlang_a.py"


def test_quick_validation_study_writes_a_sane_table(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=120)
    table = pd.read_csv(tmp_path / "erlang_a.csv")
    assert (tmp_path / "erlang_a.png").stat().st_size > 0
    assert len(table) == 3 and table.load_per_agent.is_monotonic_increasing
    for kpi in ("service_level", "abandon_rate", "asa", "occupancy"):
        assert {kpi, f"{kpi}_ci", f"{kpi}_erlang_a", f"{kpi}_covered"} <= set(table.columns)
        assert (table[f"{kpi}_ci"] > 0).all()
    # service level falls and abandonment rises with the load, in the simulation as in theory
    for column in ("service_level", "service_level_erlang_a"):
        assert table[column].is_monotonic_decreasing
    for column in ("abandon_rate", "abandon_rate_erlang_a"):
        assert table[column].is_monotonic_increasing
    # even three short replications agree with Erlang A within their own 95 % CIs (the full
    # study counts the coverage over 8 loads and 20 longer replications)
    for kpi in ("service_level", "abandon_rate"):
        assert ((table[kpi] - table[f"{kpi}_erlang_a"]).abs() <= table[f"{kpi}_ci"]).all(), kpi
