"""Helpers of the engine-equivalence tests of the journey features (IVR, redials, transfers,
callbacks): build a generated scenario or count it invalid, and compare two engine outputs table
by table, field by field (dtype and values, NaN equal to NaN)."""

from dataclasses import fields

import numpy as np

from sim.core.fast_engine import FastEngine
from sim.core.protocol import CALLBACK_OUTCOMES
from sim.core.simpy_engine import SimpyEngine
from sim.errors import ConfigError
from sim.model.scenario import build_scenario

KPI_TABLES = ("summary", "intervals", "groups", "group_intervals")  # every run's KPI tables


def valid_scenario(data):
    """The scenario of ``data`` (a random one from tests/strategies.py), or None if it is invalid."""
    try:
        return build_scenario(data)
    except ConfigError:
        return None


def counted_scenario(count: dict, data):
    """The scenario of ``data``, or None if it is invalid; ``count["valid"]`` or ``["invalid"]`` + 1."""
    scenario = valid_scenario(data)
    count["valid" if scenario is not None else "invalid"] += 1
    return scenario


def assert_same_tables(a, b, tables) -> None:
    """Every field of every named record table of outputs a and b is identical."""
    for table in tables:
        x, y = getattr(a, table), getattr(b, table)
        for field in fields(x):
            u, v = getattr(x, field.name), getattr(y, field.name)
            assert u.dtype == v.dtype and np.array_equal(u, v, equal_nan=True), f"{table}.{field.name} differs"


def run_both(scenario, simpy_inputs, fast_inputs):
    """(SimPy engine's output, fast engine's output) with per-call records."""
    return SimpyEngine().run(scenario, simpy_inputs), FastEngine().run(scenario, fast_inputs)


def with_ivr(tables, a, b) -> tuple:
    """``tables``, and the IVR records when either output has them."""
    return tuple(tables) + (("ivr",) if a.ivr is not None or b.ivr is not None else ())


def assert_streamed_equals_records(scenario, seed: int, tables, optional=("callers", "caller_intervals")):
    """The fast engine's KPI tables from streaming tallies equal those from per-call records (all
    but p90_wait, which the tallies take from a histogram: tests/test_stream_kpi.py bounds it);
    a table named in ``optional`` may be absent, from both routes alike."""
    import pandas as pd

    from sim.simulate import simulate

    exact = simulate(scenario, seed=seed, engine="fast")
    streamed = simulate(scenario, seed=seed, engine="fast", records=False)
    assert exact.n_calls == streamed.n_calls
    for name in tables:
        a, b = getattr(exact, name), getattr(streamed, name)
        if a is None:
            assert b is None and name in optional, name
            continue
        assert list(a.columns) == list(b.columns), name
        others = [c for c in a.columns if c != "p90_wait"]
        pd.testing.assert_frame_equal(a[others].reset_index(drop=True), b[others].reset_index(drop=True),
                                      check_exact=False, rtol=1e-9, atol=1e-9, obj=name)


def assert_dials_match(out):
    """The dial records are the callback records' dials, one per attempt: the first and last ones
    begin at first_dial and last_dial, a completed callback's last ring ends at its connection,
    and each dial is by an agent of the group that agent belongs to."""
    cb, dials = out.callbacks, out.dials
    assert np.array_equal(np.bincount(dials.call, minlength=len(cb.attempts)), cb.attempts)
    first, last = dials.attempt == 0, dials.attempt == cb.attempts[dials.call] - 1
    assert np.array_equal(dials.start[first], cb.first_dial[dials.call[first]])
    assert np.array_equal(dials.start[last], cb.last_dial[dials.call[last]])
    reached = last & (cb.outcome[dials.call] == CALLBACK_OUTCOMES["CALLBACK_COMPLETED"])
    assert np.array_equal(dials.end[reached], cb.connect_time[dials.call[reached]])
    assert (dials.end >= dials.start).all()
    agent_group = dict(zip(out.agents.agent.tolist(), out.agents.group.tolist()))
    assert all(agent_group[a] == g for a, g in zip(dials.agent.tolist(), dials.group.tolist()))
