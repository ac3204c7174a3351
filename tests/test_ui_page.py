"""The what-if page's logic without a browser (sim.ui.page): keeping runs, loading a scenario
file, and a run that cannot happen (no fast engine) told on the page instead of a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("panel", reason="the ui extra is not installed (pip install -e '.[ui]')")

from sim.ui.compare import MAX_RUNS  # noqa: E402
from sim.ui.page import FILE_CHOICE, WhatIfPage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]



def test_the_page_keeps_at_most_three_runs():
    page = WhatIfPage("default")
    for headcount in ("10", "12", "14", "16"):
        page.inputs["groups.retail_team.shifts.day.count"].value_input = headcount
        assert page.run() is not None
        page.keep()
    assert MAX_RUNS == 3 and [r.label for r in page.kept] == ["run 2", "run 3", "run 4"]
    table = page.comparison.object
    assert "run 1" not in table and all(f"data-cell='run {k}-service_level'" in table for k in (2, 3, 4))


def test_the_page_loads_a_scenario_file_and_names_a_missing_one():
    page = WhatIfPage("default")
    page.scenario_choice.value = FILE_CHOICE
    assert page.path.visible
    page.path.value = str(ROOT / "experiments" / "ui_walkthrough" / "overflow_demo.yaml")
    page.load()
    assert "call_types.support.route[1].delay" in page.inputs and page.scenario["name"] == "overflow_demo"
    page.path.value = "no/such/file.yaml"
    page.load()
    assert "scenario: no scenario file &#x27;no/such/file.yaml&#x27;" in page.load_error.object  # HTML-escaped
    assert page.scenario["name"] == "overflow_demo"  # the loaded scenario stays


def test_without_the_fast_engine_the_page_says_so_and_nothing_runs():
    code = ("from sim.ui.page import WhatIfPage; p = WhatIfPage(); r = p.run(); "
            "print(r is None, p.runs, p.general_error.object)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CALLSIM_NO_EXTENSIONS": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True 1 ") and "engine: the fast engine is not built" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["--scenario", "nope"], "callsim-ui: invalid input: scenario: no scenario file 'nope'"),
    (["--port", "70000"], "callsim-ui: invalid input: --port: must be between 1 and 65535, got 70000"),
])
def test_the_command_refuses_bad_input_in_one_line(args, message):
    done = subprocess.run([sys.executable, "-m", "sim.ui.app", "--no-browser", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and len(done.stderr.strip().splitlines()) == 1


def test_a_blended_day_draws_outbound_work_and_says_nothing_of_idle_agents():
    blended = WhatIfPage("blended")
    assert blended.run() is not None
    header = blended.day.object.children[0].text
    assert header.startswith("<b>run 1</b>: blended,") and "idle" not in header  # no caveat
    assert blended.view.states == ("own", "overflow", "outbound", "idle")
