"""Smoke test of the overflow demo study (experiments/overflow_demo): one command writes the plot,
the animation and the tables, and overflow helps the flooded queue on the very same calls."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
from PIL import Image
import pytest

pytestmark = pytest.mark.slow  # a study end to end (registered in pytest.ini)

STUDY = Path(__file__).resolve().parents[1] / "experiments" / "overflow_demo" / "run_study.py"


def test_quick_run_writes_plot_animation_and_shows_overflow_helping_support(tmp_path):
    subprocess.run([sys.executable, str(STUDY), "--quick", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=120)
    for name in ("day_kpis.png", "overflow_demo.gif", "day_totals.csv", "day_intervals.csv"):
        assert (tmp_path / name).stat().st_size > 0, name
    with Image.open(tmp_path / "overflow_demo.gif") as gif:
        assert gif.n_frames >= 20
    totals = pd.read_csv(tmp_path / "day_totals.csv").set_index(["call_type", "alternative"])
    for call_type in ("billing", "support", "total"):  # common random numbers: the same calls
        assert totals.at[(call_type, "no overflow"), "arrived"] == totals.at[(call_type, "overflow"), "arrived"]
    assert totals.at[("support", "overflow"), "service_level"] > totals.at[("support", "no overflow"), "service_level"]
    assert totals.at[("support", "overflow"), "abandon_rate"] < totals.at[("support", "no overflow"), "abandon_rate"]
