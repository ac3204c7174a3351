"""Smoke test of the blending threshold study (experiments/blending_threshold): one command writes
the tables and the figures, every alternative runs on the same inbound calls and contact draws,
and what must hold by construction does: from k = the most blended agents on duty on, the
threshold never binds (the runs are the same for every such k), and the progressive dialler then
needs no blended agent at all."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

pytestmark = pytest.mark.slow  # a study end to end (registered in pytest.ini)

REPO = Path(__file__).resolve().parents[1]
STUDY = REPO / "experiments" / "blending_threshold" / "run_study.py"
SCENARIO = REPO / "configs" / "scenario" / "blended.yaml"
FILES = ("thresholds.csv", "differences.csv", "nuisance_intervals.csv", "replications.csv", "tradeoff.png",
         "nuisance.png")


def most_on_duty(scenario, group: str) -> int:
    """The most agents of ``group`` on duty at the same time (at any spell start)."""
    (g,) = [x for x in scenario.groups if x.name == group]
    spells = [spell for agent in g.spells for spell in agent]
    return max(sum(start <= t < end for start, end in spells) for t, _ in spells)


def test_quick_run_common_random_numbers_and_the_threshold_that_never_binds(tmp_path):
    scenario = build_scenario(load_scenario_file(SCENARIO))
    never = most_on_duty(scenario, "blended")  # 12: the day shift's 8 and the late shift's 4, 13:00-17:00
    assert never == 12
    thresholds = [0, 2, never, never + 1]
    subprocess.run([sys.executable, str(STUDY), "--quick", "--out", str(tmp_path), "--thresholds",
                    *map(str, thresholds)], check=True, capture_output=True, text=True, timeout=300)
    for name in FILES:
        assert (tmp_path / name).stat().st_size > 0, name

    runs = pd.read_csv(tmp_path / "replications.csv")
    assert set(runs["mode"]) == {"predictive", "progressive"}
    assert set(runs.threshold) == set(thresholds)
    assert (runs.groupby(["mode", "threshold"]).size() == 3).all()
    assert (runs.engine == "fast").all()
    for _, rep in runs.groupby("replication"):  # common random numbers: the same calls everywhere
        assert rep.arrived.nunique() == 1 and rep.calls_fingerprint.nunique() == 1
        assert rep.seed.nunique() == 1
        blocks = [b.split() for b in rep.contact_blocks]  # the contact draws' blocks each run drew
        longest = max(blocks, key=len)
        assert all(b == longest[:len(b)] for b in blocks)
    # RPC per hour of the dialling window: 14:00-20:00, 6 hours
    assert (runs.rpc_per_hour * 6 - runs.rpc).abs().max() < 1e-9

    numbers = [c for c in runs.columns if c not in ("mode", "threshold", "replication")]
    for mode, alt in runs.groupby("mode"):
        at = {k: alt[alt.threshold == k].set_index("replication")[numbers] for k in thresholds}
        # idle blended agents never exceed `never`: a k at or above it never lets them dial, so the
        # runs are the same call by call and attempt by attempt, whatever that k is
        pd.testing.assert_frame_equal(at[never], at[never + 1], obj=mode)
        # a threshold that binds changes the day (k=0 lends idle blended agents from 14:00 on: with
        # ~96 % SL some are idle, so it cannot dial the same as no lending in any of the 3 days)
        assert (at[0].attempts != at[never].attempts).any(), mode
    # progressive, one line per idle dedicated agent: every live answer finds a dedicated agent,
    # so when blended agents do not dial they do no outbound work at all
    progressive = runs[(runs["mode"] == "progressive") & (runs.threshold >= never)]
    assert (progressive.blended_outbound_hours == 0).all()

    table = pd.read_csv(tmp_path / "thresholds.csv")
    assert len(table) == 2 * len(thresholds) and (table.replications == 3).all()
    nuisance = pd.read_csv(tmp_path / "nuisance_intervals.csv")
    assert set(nuisance.start) == {f"{h:02d}:{m:02d}" for h in range(14, 20) for m in (0, 30)}  # the dialling window
    assert set(nuisance.threshold) == {0, 2} and (nuisance.nuisance_cap == 0.03).all()
    diffs = pd.read_csv(tmp_path / "differences.csv")
    assert set(diffs.comparison) == {"k=0 - k=2", f"k={never} - k=2", f"k={never + 1} - k=2",
                                     "progressive - predictive"}
