"""The schema check (sim.model.schema): plain config data to the typed dataclasses in one pass,
with OmegaConf's conversions and a ConfigError naming the field for anything else."""

import pytest

from sim.errors import ConfigError
from sim.model.config import CallTypeConfig, GroupConfig, RouteStepConfig, ScenarioConfig
from sim.model.scenario import build_scenario
from sim.model.schema import conform


def flexible(types: int, groups: int) -> dict:
    """A fully flexible center: every call type routed to every group, rotated so each type has
    its own first choice."""
    return {"name": "flexible", "horizon": {"kind": "day", "intervals": 4},
            "call_types": {f"t{i}": {"arrival_rate": 10, "talk_time": {"kind": "exponential", "mean": 200},
                                     "route": [{"group": f"g{(i + j) % groups}", "delay": 10 * j} for j in range(groups)]}
                           for i in range(types)},
            "groups": {f"g{j}": {"headcount": 1 + j % 3} for j in range(groups)}}


def test_a_large_fully_flexible_center_keeps_every_route_step():
    scenario = build_scenario(flexible(50, 50))
    assert len(scenario.call_types) == 50 and scenario.n_agents == sum(1 + j % 3 for j in range(50))
    for i, call_type in enumerate(scenario.call_types):
        assert call_type.route == tuple(((i + j) % 50, 10.0 * j) for j in range(50))


def test_values_are_converted_as_omegaconf_does():
    c = conform({"arrival_rate": 30, "priority": "2", "route": [{"group": "a"}]}, CallTypeConfig, "call_types.x")
    assert c.arrival_rate == 30.0 and isinstance(c.arrival_rate, float)
    assert c.priority == 2 and isinstance(c.priority, int)
    assert c.route == [RouteStepConfig(group="a", delay=0.0)]
    assert c.volume_scale == 1.0 and c.talk_time.kind == "exponential"  # defaults filled in


@pytest.mark.parametrize("data, field, text", [
    ({"headcount": True}, "groups.g.headcount", "whole number"),
    ({"headcount": 2.5}, "groups.g.headcount", "whole number"),
    ({"headcount": 2, "cost_per_hour": "cheap"}, "groups.g.cost_per_hour", "cheap"),
    ({"headcount": 2, "cost_per_hour": 10 ** 400}, "groups.g.cost_per_hour", "number"),
    ({"headcount": 2, "speed": [1.2]}, "groups.g.speed", "mapping"),
    ({"shifts": {"early": {"start": "08:00", "end": "09:00"}}}, "groups.g.shifts.early.count", "missing"),
    ({"shifts": {"early": {"start": "08:00", "end": "09:00", "count": 1, "lunch": 1}}},
     "groups.g.shifts.early.lunch", "unknown"),
    ({"headcount_per_interval": [1, "x"]}, "groups.g.headcount_per_interval[1]", "x"),
])
def test_bad_values_name_the_field(data, field, text):
    with pytest.raises(ConfigError) as info:
        conform(data, GroupConfig, "groups.g")
    assert info.value.field == field and text in str(info.value)


def test_an_unknown_key_lists_the_allowed_ones():
    with pytest.raises(ConfigError) as info:
        build_scenario({**flexible(1, 1), "trunk": 3})
    assert info.value.field == "trunk" and "trunks" in info.value.allowed


def test_a_schema_dataclass_is_accepted():
    data = flexible(2, 2)
    config = conform(data, ScenarioConfig)
    assert build_scenario(config) == build_scenario(data)
