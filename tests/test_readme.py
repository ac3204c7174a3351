"""The README's examples stay true: every ```python block runs verbatim, every ``callsim`` command
line runs (its job, through the command's own ``run``), the sweep and its aggregation run as
written, the tests' command is the one CI runs, and every study command names a script and
options that exist."""

import ast
import importlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.cli import apply_shortcuts, config_dir, run
from sim.experiments import sweep
from sim.experiments.job import ExperimentSettings
from sim.model.config import register_configs
from sim.model.scenario import build_scenario

from test_cli import composed

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
COMMANDS = [line.split("#")[0].strip() for line in README.splitlines() if line.startswith("callsim ")]
SINGLE_RUNS = [c for c in COMMANDS if " -m " not in c]
SWEEPS = [c for c in COMMANDS if " -m " in c]
PYTHON_BLOCKS = re.findall(r"^```python\n(.*?)^```", README, re.M | re.S)


def test_the_readme_shows_commands_and_snippets():
    assert len(SINGLE_RUNS) >= 15 and len(SWEEPS) == 1 and len(PYTHON_BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_each_readme_python_block_runs_verbatim(index, monkeypatch):
    """Each block on its own (a fresh namespace: no block relies on another), from the repository
    root, where the README's relative paths (configs/scenario/...) point."""
    monkeypatch.chdir(ROOT)
    code = compile(PYTHON_BLOCKS[index], f"README.md, python block {index + 1}", "exec")
    exec(code, {"__name__": f"readme_block_{index + 1}"})


@pytest.mark.parametrize("command", SINGLE_RUNS)
def test_each_readme_command_runs(command, tmp_path, capsys):
    """The command's config, composed from its overrides as Hydra parses them, run by the command's
    own job function (``sim.cli.run``: scenario, experiment, every output file, the printed
    summary; no plots, which tests/test_cli.py draws) into a temporary directory. In process rather than as ``callsim`` subprocesses, which
    would add Hydra's and the imports' start-up (a second or two) to each of these ~20 runs; the
    command itself starts as a process in tests/test_cli.py and in the sweep test below.
    ``hydra.*`` overrides choose where Hydra writes: checked on the composed Hydra config."""
    overrides = shlex.split(command)[1:]
    cfg = composed(*[o for o in overrides if not o.startswith("hydra.")])
    build_scenario(apply_shortcuts(cfg))
    ExperimentSettings.from_config(cfg.replications, cfg.experiment)
    for override in (o for o in overrides if o.startswith("hydra.")):
        key, value = override.split("=", 1)
        assert str(OmegaConf.select(_hydra_config(override), key)) == value
    cfg.output.plots = False
    assert run(cfg, str(tmp_path / "out"), overrides=overrides) == 0
    assert json.loads((tmp_path / "out" / "run.json").read_text())["status"] == "complete"
    assert capsys.readouterr().out.startswith(f"callsim: scenario '{cfg.scenario.name}'")


def _hydra_config(*overrides):
    """The composed config with its ``hydra`` node (unresolved: ``${now:...}`` needs a running app)."""
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=list(overrides), return_hydra_config=True)
    return OmegaConf.create({"hydra": OmegaConf.to_container(cfg.hydra, resolve=False)})


def test_the_routing_examples_select_their_policies():
    cfg = composed("scenario.routing.agent_selection=least_skilled")
    assert build_scenario(cfg.scenario).agent_selection == "least_skilled"
    cfg = composed("scenario.routing.call_selection=priority_head_start", "scenario.call_types.retail.head_start=30")
    scenario = build_scenario(cfg.scenario)
    assert scenario.call_selection == "priority_head_start"
    assert [ct.head_start for ct in scenario.call_types if ct.name == "retail"] == [30.0]


@pytest.mark.slow
def test_the_readme_sweep_and_its_aggregation_run_as_written(tmp_path):
    """``callsim -m ...`` as a process, verbatim but for ``output.plots=false`` (each job's own
    plots: the slowest part, drawn by the other tests), in a temporary working directory (its
    results go to results/sweeps/retail_day there), then ``callsim-aggregate`` on it: the sweep
    table lists the swept headcounts in numeric order. About 15 s of CPU (4 jobs of 20 days)."""
    (command,) = SWEEPS
    done = subprocess.run([sys.executable, "-m", "sim.cli", *shlex.split(command)[1:], "output.plots=false"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    aggregate_line = next(line for line in README.splitlines() if line.startswith("callsim-aggregate "))
    sweep_dir = shlex.split(aggregate_line.split("#")[0])[1]
    assert sweep.main([str(tmp_path / sweep_dir)]) == 0
    table = pd.read_csv(tmp_path / sweep_dir / "sweep_summary.csv")
    counts = table["scenario.groups.retail_team.shifts.day.count"].drop_duplicates().tolist()
    assert counts == [8, 10, 12, 14]
    assert (table.replications == 20).all()


def test_your_own_center_from_a_config_dir(tmp_path):
    """"Your own center": a copy of default.yaml as my_configs/scenario/my_center.yaml, run with
    ``callsim --config-dir my_configs scenario=my_center``."""
    line = next(line for line in README.splitlines() if "--config-dir my_configs" in line)
    command = re.search(r"`(callsim --config-dir [^`]+)`", line).group(1)
    target = re.search(r"`(my_configs/scenario/\w+\.yaml)`", README).group(1)
    (tmp_path / target).parent.mkdir(parents=True)
    text = (ROOT / "configs/scenario/default.yaml").read_text().replace("name: default", "name: my_center")
    (tmp_path / target).write_text(text)
    done = subprocess.run([sys.executable, "-m", "sim.cli", *shlex.split(command)[1:], "output.plots=false"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "scenario 'my_center'" in done.stdout
    (manifest,) = (tmp_path / "results" / "my_center").glob("*/run.json")
    assert json.loads(manifest.read_text())["scenario"] == "my_center"


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == 'pip install -e ".[test,ray,ui]" && python -m pytest'
    assert any(line.startswith(ci + " ") or line == ci for line in README.splitlines())


STUDY_READMES = [ROOT / "README.md", ROOT / "experiments" / "README.md", *sorted(ROOT.glob("experiments/*/README.md"))]
STUDY_COMMANDS = sorted({(m.group(1), m.group(2)) for path in STUDY_READMES
                         for m in re.finditer(r"python (experiments/\S+\.py)([^`\n]*)", path.read_text())})


def _options(script: Path) -> set:
    """The ``--options`` a script's argparse parser defines (in the script, or in a module beside
    it that the script imports, e.g. experiments/validation/common.py)."""
    tree = ast.parse(script.read_text())
    options = {arg.value for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "attr", "") == "add_argument"
               for arg in node.args if isinstance(arg, ast.Constant) and str(arg.value).startswith("--")}
    siblings = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
                if (script.parent / f"{alias.name}.py").is_file()}
    return options.union(*(_options(script.parent / f"{name}.py") for name in siblings))


@pytest.mark.parametrize("script, rest", STUDY_COMMANDS)
def test_each_study_command_names_a_script_and_options_it_has(script, rest):
    """Composed, not run: each study runs its own --quick form in tests/test_study_*.py, and the
    full runs take up to minutes (the benchmark: 2.5)."""
    path = ROOT / script
    assert path.is_file(), f"{script} does not exist"
    named = set(re.findall(r"(--[a-z][\w-]*)", rest))
    assert named <= _options(path), f"{script} has no option {sorted(named - _options(path))}"


def test_the_study_commands_are_found():
    assert len({script for script, _ in STUDY_COMMANDS}) >= 7


@pytest.mark.parametrize("line", sorted(set(re.findall(r"^from (sim[\w.]*) import ([\w, ]+)", README, re.M))))
def test_each_readme_import_resolves(line):
    module, names = line
    loaded = importlib.import_module(module)
    for name in (n.strip() for n in names.split(",")):
        assert hasattr(loaded, name), f"{module} has no {name}"


def test_the_suite_runs_in_parallel_with_the_slow_studies_marked():
    """pytest.ini runs the tests on every core (pytest-xdist, which the test extra installs), the
    slow marker is registered and carried by every study test, and the README says how long the
    suite takes."""
    import configparser

    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    addopts = shlex.split(ini["pytest"]["addopts"])
    assert "-n" in addopts and addopts[addopts.index("-n") + 1] in ("auto", "logical", "2")
    assert any(line.strip().startswith("slow:") for line in ini["pytest"]["markers"].splitlines())
    setup = (ROOT / "setup.py").read_text()
    test_extra = re.search(r'"test": \[([^\]]*)\]', setup).group(1)
    assert "pytest-xdist" in test_extra
    for study in sorted((ROOT / "tests").glob("test_study_*.py")):
        assert "pytestmark = pytest.mark.slow" in study.read_text(), study.name
    assert re.search(r"The tests \(about \d+\) take about [\d.]+ minutes", README)
