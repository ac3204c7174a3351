"""Smoke test of the routing policies study (experiments/routing_policies): one command writes the
tables and the figure, every alternative of both centers receives the same calls, and the policies
do what the README says they do on each center."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # a study end to end (registered in pytest.ini)

STUDY = Path(__file__).resolve().parents[1] / "experiments" / "routing_policies" / "run_study.py"
ALTERNATIVES = ("default", "least_skilled", "head_start", "both")
CENTERS = ("default_day", "bilingual_first")


def test_quick_run_writes_tables_and_figure_with_common_random_numbers(tmp_path):
    subprocess.run([sys.executable, str(STUDY), "--quick", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=120)
    for name in ("call_types.csv", "groups.csv", "differences.csv", "group_differences.csv", "routing_policies.png"):
        assert (tmp_path / name).stat().st_size > 0, name

    calls = pd.read_csv(tmp_path / "call_types.csv")
    assert set(calls.center) == set(CENTERS)
    reference = calls[(calls.center == "default_day") & (calls.alternative == "default")].set_index("call_type").arrived
    for center in CENTERS:  # common random numbers: the same calls in every alternative of both centers
        arrived = calls[calls.center == center].pivot(index="call_type", columns="alternative", values="arrived")
        assert set(arrived.columns) == set(ALTERNATIVES), center
        for name in ALTERNATIVES:
            assert (arrived[name] == reference.loc[arrived.index]).all(), (center, name)

    groups = pd.read_csv(tmp_path / "groups.csv")
    answered = {center: groups[groups.center == center].pivot(index="group", columns="alternative", values="answered")
                for center in CENTERS}
    # On the default day every route lists the specialist group (1 call type) before the bilingual
    # group (4 call types), so least_skilled picks exactly the group route_order picks: the same
    # answered count in every group (see the README). The head start does change who answers what.
    day = answered["default_day"]
    assert (day["least_skilled"] == day["default"]).all()
    assert (day["both"] == day["head_start"]).all()
    assert (day["head_start"] != day["default"]).any()
    # On the bilingual-first center route_order sends the Hebrew calls to the bilingual group first,
    # least_skilled to the specialists: the bilingual group answers fewer calls, the retail team more
    # (with 3 days about 740 -> 420 and 2,730 -> 2,960).
    first = answered["bilingual_first"]
    assert (first["least_skilled"] != first["default"]).any()
    assert first.at["bilingual", "least_skilled"] < first.at["bilingual", "default"]
    assert first.at["retail_team", "least_skilled"] > first.at["retail_team", "default"]
