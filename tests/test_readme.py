"""The README's examples stay true: every single-run command line composes to a valid scenario
(and the routing examples change what they say), and every import it shows resolves."""

import importlib
import re
import shlex
from pathlib import Path

import pytest

from sim.cli import apply_shortcuts
from sim.experiments.job import ExperimentSettings
from sim.model.scenario import build_scenario

from test_cli import composed

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = [line.split("#")[0].strip() for line in README.splitlines() if line.startswith("callsim ")]
SINGLE_RUNS = [c for c in COMMANDS if " -m " not in c]


def test_the_readme_shows_commands():
    assert len(SINGLE_RUNS) >= 15


@pytest.mark.parametrize("command", SINGLE_RUNS)
def test_each_readme_command_composes_to_a_valid_run(command):
    overrides = [o for o in shlex.split(command)[1:] if not o.startswith("hydra.")]
    cfg = composed(*overrides)
    build_scenario(apply_shortcuts(cfg))
    ExperimentSettings.from_config(cfg.replications, cfg.experiment)


def test_the_routing_examples_select_their_policies():
    cfg = composed("scenario.routing.agent_selection=least_skilled")
    assert build_scenario(cfg.scenario).agent_selection == "least_skilled"
    cfg = composed("scenario.routing.call_selection=priority_head_start", "scenario.call_types.retail.head_start=30")
    scenario = build_scenario(cfg.scenario)
    assert scenario.call_selection == "priority_head_start"
    assert [ct.head_start for ct in scenario.call_types if ct.name == "retail"] == [30.0]


@pytest.mark.parametrize("line", sorted(set(re.findall(r"^from (sim[\w.]*) import ([\w, ]+)", README, re.M))))
def test_each_readme_import_resolves(line):
    module, names = line
    loaded = importlib.import_module(module)
    for name in (n.strip() for n in names.split(",")):
        assert hasattr(loaded, name), f"{module} has no {name}"
