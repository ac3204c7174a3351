"""Shared fixtures: every model test runs on every engine, and scenarios are built from dicts."""

import copy

import pytest

from sim.core.engines import ENGINES
from sim.model.scenario import build_scenario


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    """The name of each engine in this build; model tests run once per engine."""
    return request.param


def day_scenario(call_types, groups, intervals=1, interval_minutes=60, **extra):
    """A small day scenario (dict) from call-type and group dicts."""
    scenario = {
        "name": "test",
        "horizon": {"kind": "day", "intervals": intervals, "interval_minutes": interval_minutes},
        "call_types": copy.deepcopy(call_types),
        "groups": copy.deepcopy(groups),
        "kpi": {"short_abandon": 0.0},
    }
    scenario.update(extra)
    return build_scenario(scenario)


def deterministic(mean):
    return {"kind": "deterministic", "mean": mean}
