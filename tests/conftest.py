"""Shared fixtures: every model test runs on every engine, and scenarios are built from dicts."""

import copy
import importlib
import os
import pkgutil

import pytest
from hypothesis import settings

import sim

from sim.core.engines import ENGINES
from sim.model.scenario import build_scenario

# Property tests draw the same examples on every run, machine and test order: several of them also
# assert that enough examples exercised a feature (redials, callbacks, ...), which must not depend on
# luck. Hypothesis also mixes in literals from the local modules loaded so far, so every module of
# the package is imported up front: otherwise the examples depend on which tests ran before.
# HYPOTHESIS_PROFILE=explore draws fresh examples on each run (to look for new failures by hand).
settings.register_profile("callsim", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "callsim"))
for _module in pkgutil.walk_packages(sim.__path__, "sim."):
    try:
        importlib.import_module(_module.name)
    except ModuleNotFoundError as missing:  # an optional extra not installed (sim.ui needs panel)
        if (missing.name or "sim").split(".")[0] == "sim":
            raise


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
