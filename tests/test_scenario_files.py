"""sim.load_scenario: a shipped scenario (by name) or a scenario YAML (by path) as a plain dict to
change and simulate; unknown names and malformed files give one-line ConfigErrors."""

from pathlib import Path

import pytest
import yaml

from sim import ConfigError, load_scenario, simulate
from sim.model.scenario import build_scenario
from sim.model.scenario_files import shipped_scenarios

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"


def test_a_scenario_file_read_by_hand_fails_on_its_defaults_list():
    """Why load_scenario exists: the raw YAML carries Hydra's defaults list."""
    with pytest.raises(ConfigError, match="defaults"):
        build_scenario(yaml.safe_load((CONFIGS / "default.yaml").read_text()))


@pytest.mark.parametrize("name", ["default", "single_queue", "blended"])
def test_a_shipped_scenario_loads_by_name_or_path(name):
    by_name, by_path = load_scenario(name), load_scenario(CONFIGS / f"{name}.yaml")
    assert by_name == by_path and by_name["name"] == name and "defaults" not in by_name
    assert build_scenario(by_name).name == name
    assert load_scenario(str(CONFIGS / f"{name}.yaml")) == by_name


def test_the_shipped_scenarios_are_listed():
    assert shipped_scenarios() == sorted(p.stem for p in CONFIGS.glob("*.yaml"))


def test_a_changed_field_changes_the_run_and_the_dict_is_the_callers_own():
    scenario = load_scenario("default")
    scenario["groups"]["retail_team"]["shifts"]["day"]["count"] += 2
    assert load_scenario("default")["groups"]["retail_team"]["shifts"]["day"]["count"] == 10  # untouched
    base, more = simulate("default", seed=3, records=False), simulate(scenario, seed=3, records=False)
    agents = [r.groups.set_index("group").at["retail_team", "agents"] for r in (base, more)]
    assert agents[1] == agents[0] + 2
    assert more.n_calls == base.n_calls  # the same calls (common random numbers) ...
    total = [r.summary.set_index("call_type").at["total", "service_level"] for r in (base, more)]
    assert total[1] > total[0]  # ... served better


def test_a_path_in_the_working_directory_wins_over_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").write_text("name: mine\n")
    assert load_scenario("default") == {"name": "mine"}


@pytest.mark.parametrize("source", ["no_such_center", "missing/dir/center.yaml", "default.yaml"])
def test_an_unknown_scenario_names_the_shipped_ones(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as error:
        load_scenario(source)
    assert error.value.field == "scenario" and source in str(error.value)
    assert error.value.allowed == tuple(shipped_scenarios()) and "\n" not in str(error.value)


@pytest.mark.parametrize("text, problem", [("name: [unclosed\n", "not valid YAML"),
                                           ("name: a\n\tcall_types: {}\n", "not valid YAML"),
                                           ("- a\n- b\n", "mapping")])
def test_a_malformed_file_gives_one_line(tmp_path, text, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_scenario(path)
    assert error.value.field == str(path) and problem in str(error.value) and "\n" not in str(error.value)
