"""The schema check's fast paths (sim.model.schema) give what the slow ways gave:
plain_data is OmegaConf.to_container(resolve=True) on every shipped config and on interpolations,
missing values, nulls and enums (the same data, or the same error); conforming an instance of a
schema dataclass gives what conforming its dataclasses.asdict gave, shares nothing mutable with it,
and checks it as fully."""

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.errors import ConfigError
from sim.cli import config_dir
from sim.model.config import AppConfig, CallTypeConfig, ScenarioConfig, register_configs
from sim.model.schema import conform, conform_node, plain_data


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 and 1.0, True and 1, a dict and a DictConfig differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def composed(*overrides):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        return compose("config", overrides=["sweep=fixed", *overrides])  # (not the default ${now:...}: a clock)


@pytest.mark.parametrize("overrides", [[], ["scenario=single_queue", "agents=40", "patience=none"],
                                       ["scenario=blended", "replications=3"], ["scenario=support_desk"],
                                       ["staffing=erlang", "task=plan"]])
def test_plain_data_is_to_container_on_the_shipped_configs(overrides):
    cfg = composed(*overrides)
    expected = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    assert same(plain_data(cfg), expected)
    assert same(plain_data(cfg.scenario), expected["scenario"])


def test_the_default_sweep_name_is_resolved():
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config")
    assert "${" in OmegaConf.to_container(cfg, resolve=False)["sweep"]
    name = plain_data(cfg)["sweep"]
    assert "${" not in name and name[:2] == "20"


class Colour(enum.Enum):
    RED = 1


@pytest.mark.parametrize("data", [
    {"a": 1, "b": "${a}", "c": {"d": "${..a}", "e": ["${a}", 2.5, None]}},  # values, relative, in lists
    {"a": {"x": 1, "y": [1, 2]}, "b": "${a}", "c": {"d": "${a.y}"}},  # interpolations to containers
    {"a": "text ${b}", "b": "z", "c": r"\${not}"},  # in a string; escaped
    {"a": None, "b": {"c": None}, "d": [None, {"e": None}], "f": "${b}"},  # nulls
    {"a": Colour.RED, "b": [Colour.RED]},  # enums: OmegaConf's own
    {"a": True, "b": 0, "c": -0.0, "d": "", "e": [], "f": {}},
])
def test_plain_data_is_to_container_on_hand_cases(data):
    node = OmegaConf.create(data)
    assert same(plain_data(node), OmegaConf.to_container(node, resolve=True, throw_on_missing=True))


@pytest.mark.parametrize("data", [
    {"a": "???"}, {"a": {"b": "???"}}, {"a": ["???"]}, {"a": {"b": 1}, "c": {"d": "${a.missing}"}},
    {"a": "${oops:1}"}, {"a": "${b}", "b": "???"},
])
def test_missing_and_failing_values_raise_omegaconf_error(data):
    node = OmegaConf.create(data)
    with pytest.raises(Exception) as slow:
        OmegaConf.to_container(node, resolve=True, throw_on_missing=True)
    with pytest.raises(Exception) as fast:
        plain_data(node)
    assert type(fast.value) is type(slow.value) and str(fast.value) == str(slow.value)
    with pytest.raises(ConfigError) as named:
        conform_node(node, Dict[str, Any])
    assert str(named.value) == f"{slow.value.full_key}: {str(slow.value).splitlines()[0]}"


def test_without_throwing_on_missing_values_they_stay_as_omegaconf_leaves_them():
    node = OmegaConf.create({"a": "???", "b": {"c": "???"}, "d": 1})
    assert same(plain_data(node, throw_on_missing=False), OmegaConf.to_container(node, resolve=True))
    assert plain_data(node, throw_on_missing=False) == {"a": "???", "b": {"c": "???"}, "d": 1}


@dataclass
class Inner:
    x: float = 1.0
    tags: List[str] = field(default_factory=list)


@dataclass
class Outer:
    name: str = "n"
    inner: Inner = field(default_factory=Inner)
    by_name: Dict[str, Inner] = field(default_factory=dict)
    anything: Any = 0  # (Any takes no null: as before)
    maybe: Optional[Any] = None


@pytest.mark.parametrize("instance", [
    Outer(),
    Outer(name=7, inner=Inner(x=2, tags=["a", 3]), by_name={"k": Inner(x="4.5")}),  # converted as from data
    Outer(anything={"deep": [1, {"er": 2}]}, maybe=[Inner()]),  # Any: asdict's copy (a dataclass in it a dict)
    Outer(anything=3, maybe="s"),
])
def test_an_instance_conforms_as_its_asdict_did(instance):
    assert conform(instance, Outer) == conform(dataclasses.asdict(instance), Outer)


def test_the_conformed_instance_shares_nothing_mutable_with_the_given_one():
    given = Outer(inner=Inner(tags=["a"]), by_name={"k": Inner()}, anything={"deep": [1]}, maybe=[1])
    made = conform(given, Outer)
    given.inner.tags.append("b")
    given.by_name["j"] = Inner()
    given.anything["deep"].append(2)
    given.maybe.append(2)
    assert made == Outer(inner=Inner(tags=["a"]), by_name={"k": Inner()}, anything={"deep": [1]}, maybe=[1])


@pytest.mark.parametrize("instance, where", [
    (Outer(inner=Inner(x="fast")), "inner.x"),
    (Outer(inner=Inner(tags=[["nested"]])), "inner.tags[0]"),
    (Outer(by_name={"k": Inner(x=None)}), "by_name.k.x"),
    (Outer(name=None), "name"),
])
def test_an_instance_is_checked_as_fully(instance, where):
    with pytest.raises(ConfigError) as fast:
        conform(instance, Outer)
    with pytest.raises(ConfigError) as slow:
        conform(dataclasses.asdict(instance), Outer)
    assert str(fast.value) == str(slow.value) and str(fast.value).startswith(where)


def test_a_scenario_instance_and_the_app_config_conform_as_their_data():
    cfg = composed("scenario=support_desk")
    app = conform_node(cfg, AppConfig)
    assert conform(app, AppConfig) == app == conform(dataclasses.asdict(app), AppConfig)
    assert conform(app.scenario, ScenarioConfig) == conform(dataclasses.asdict(app.scenario), ScenarioConfig)
    call_type = CallTypeConfig(arrival_rate=3, priority="2")
    assert conform(call_type, CallTypeConfig) == conform(dataclasses.asdict(call_type), CallTypeConfig)
