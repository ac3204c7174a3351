"""Streaming KPIs: without per-call records the fast engine's tallies give the same tables.

Every KPI table computed from the streaming tallies must equal the one computed from the
per-call records of the same run: counts exactly, means and time averages to summation-order
rounding, p90 within one histogram bin. Checked on every shipped scenario and on random
scenarios; plus the histogram quantile against pandas, and flat memory (call slots are
recycled, so a long run uses as many as there were calls in the system at once).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ConfigError, simulate
from sim.core import fast_engine
from sim.core.fast_engine import FastEngine
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

from strategies import scenarios

pytestmark = pytest.mark.skipif(not fast_engine.AVAILABLE, reason="the fast engine is not built")

SCENARIOS = sorted((Path(__file__).parent.parent / "configs" / "scenario").glob("*.yaml"))
SINGLE_QUEUE = Path(__file__).parent.parent / "configs" / "scenario" / "single_queue.yaml"  # steady state
TABLES = ("summary", "intervals", "groups", "group_intervals")


def p90_bound(waits: pd.Series, per_octave: int) -> float:
    """Largest error of a histogram p90: one bin width at the upper neighbouring order statistic."""
    waits = np.sort(waits.dropna().to_numpy())
    if len(waits) == 0:
        return 0.0
    upper = waits[min(int(np.ceil((len(waits) - 1) * 0.9)), len(waits) - 1)]
    return upper / per_octave + 1 / 16 + 1e-9


def p90_value_bound(p90: float, per_octave: int) -> float:
    """p90_bound with the quantile itself for the order statistic above it (with transfers the
    waits are the legs', which the calls table does not hold): within a bin's width of it."""
    return 1.01 * p90 / per_octave + 1 / 16 + 1e-9


def assert_same_tables(scenario, seed):
    with_records = simulate(scenario, seed=seed, engine="fast")
    streamed = simulate(scenario, seed=seed, engine="fast", records=False)
    assert streamed.calls is None and streamed.n_calls == with_records.n_calls
    for name in TABLES:
        exact, tallied = getattr(with_records, name), getattr(streamed, name)
        assert list(exact.columns) == list(tallied.columns), name
        assert (exact.dtypes == tallied.dtypes).all(), name
        others = [c for c in exact.columns if c != "p90_wait"]
        pd.testing.assert_frame_equal(exact[others], tallied[others], check_exact=False, rtol=1e-9, atol=1e-9,
                                      obj=name)
    calls = with_records.calls
    left = calls[calls.outcome.isin(["answered", "abandoned"]) & (calls.arrival >= scenario.warmup)]
    summary_exact = with_records.summary.set_index("call_type").p90_wait
    summary_tallied = streamed.summary.set_index("call_type").p90_wait
    legs = scenario.transfer_max_legs is not None  # (the waits are the legs', not the calls' table's)
    for name in summary_exact.index:
        waits = left.wait if name == "total" else left.wait[left.call_type == name]
        bound = p90_value_bound(summary_exact[name], 128) if legs else p90_bound(waits, 128)
        assert abs(summary_exact[name] - summary_tallied[name]) <= bound or (
            np.isnan(summary_exact[name]) and np.isnan(summary_tallied[name])), name
    exact = with_records.intervals.set_index(["interval", "call_type"]).p90_wait
    tallied = streamed.intervals.set_index(["interval", "call_type"]).p90_wait
    assert exact.isna().equals(tallied.isna())
    for (interval, name), value in exact.dropna().items():
        here = left[left.interval == interval]
        waits = here.wait if name == "total" else here.wait[here.call_type == name]
        bound = p90_value_bound(value, 16) if legs else p90_bound(waits, 16)
        assert abs(value - tallied[(interval, name)]) <= bound, (interval, name)
    return with_records, streamed


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
@pytest.mark.parametrize("seed", [1, 2])
def test_streamed_tables_equal_record_tables_on_shipped_scenarios(path, seed):
    data = load_scenario_file(path)
    if data["horizon"].get("kind") == "steady_state":
        data["horizon"]["hours"] = 30
    with_records, streamed = assert_same_tables(build_scenario(data), seed)
    if streamed.theory is not None:  # the Erlang comparison works from the tallies too
        pd.testing.assert_frame_equal(with_records.theory, streamed.theory, check_exact=False, rtol=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios())
def test_streamed_tables_equal_record_tables_on_random_scenarios(data):
    try:
        scenario = build_scenario(data)
    except ConfigError:
        return
    assert_same_tables(scenario, seed=3)


def test_warmup_inside_an_interval_splits_its_time_averages():
    """The measured part of an interval starts at the end of the warm-up, not at its start."""
    data = load_scenario_file(SINGLE_QUEUE)
    data["horizon"].update(hours=12, warmup_hours=1.25, interval_minutes=30)
    assert_same_tables(build_scenario(data), seed=5)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.just(0.0), st.floats(0.001, 5000.0)), min_size=1, max_size=300),
       q=st.sampled_from([0.5, 0.9, 0.99]))
def test_histogram_quantile_is_within_one_bin_of_pandas(values, q):
    from sim.core import protocol
    from sim.kpi.streaming import bin_bounds, histogram_quantile

    per_octave = 1 << protocol.INTERVAL_HISTOGRAM_LOG2
    low, high = bin_bounds(per_octave)
    waits = np.array(values)
    # bin each wait the way the core does: the bin whose [low, high) holds it (zeros apart)
    bins = np.where(waits == 0, 0, np.searchsorted(low[1:], waits, side="right"))
    assert np.all((waits == 0) | ((low[bins] <= waits) & (waits < high[bins])))
    hist = np.bincount(bins, minlength=len(low))[None, :]
    estimate = histogram_quantile(hist, q, per_octave)[0]
    exact = pd.Series(waits).quantile(q)
    upper = np.sort(waits)[min(int(np.ceil((len(waits) - 1) * q)), len(waits) - 1)]
    assert abs(estimate - exact) <= upper / per_octave + 1 / 16 + 1e-9


def test_long_run_recycles_call_slots():
    """Memory without records is flat: the call slots used never exceed the calls present at once."""
    data = load_scenario_file(SINGLE_QUEUE)
    data["horizon"].update(hours=200, warmup_hours=0)
    scenario = build_scenario(data)
    output = FastEngine().run(scenario, call_blocks(scenario, 1), records=False)
    assert output.records is None
    calls, slots = output.tallies["calls"], output.tallies["slots"]
    agents = len(scenario.groups[0].spells)
    assert calls > 100_000
    assert slots < 10 * agents, f"{slots} call slots for {calls} calls"


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(st.integers(0, 50), min_size=3 + 20 * 16, max_size=3 + 20 * 16), min_size=1, max_size=6),
       q=st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_compiled_quantiles_equal_histogram_quantile(rows, q):
    """The compiled kernels the tables use give histogram_quantile's floats exactly."""
    from sim.kpi.streaming import _interval_quantiles, _quantiles, _with_total, histogram_quantile

    hist = np.array(rows, np.int64)
    hist[:, np.arange(hist.shape[1]) % 7 != 0] = 0  # sparse rows, some empty
    assert np.array_equal(_quantiles(hist, q, 16), histogram_quantile(hist, q, 16), equal_nan=True)
    per_interval = hist.astype(np.uint32)[:, None, :].repeat(2, axis=1)
    expected = histogram_quantile(_with_total(per_interval.astype(np.int64), axis=1).reshape(-1, hist.shape[1]), q, 16)
    assert np.array_equal(_interval_quantiles(per_interval, q, 16), expected.reshape(len(hist), 3), equal_nan=True)


def test_an_interval_nobody_staffs_has_no_occupancy_on_either_path(engine):
    """Found by Hypothesis: the one agent of g0 goes home during interval 1 and nobody is on duty
    in interval 2; the time integrals left residues of 1e-15 s there, and their ratio came out as
    an occupancy of -50 % or 200 %. Staffed time is 0 there and occupancy undefined (NaN); every
    other occupancy lies in [0, 1]."""
    from sim import simulate

    data = {"name": "residue", "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 15},
            "call_types": {"t0": {"volumes": [8.0, 0.0, 0.0, 0.0],
                                  "talk_time": {"kind": "lognormal", "mean": 6.0, "cv": 0.5},
                                  "wrapup_time": {"kind": "lognormal", "mean": 85.0, "cv": 1.125},
                                  "route": [{"group": "g0"}]}},
            "groups": {"g0": {"shifts": {"s1": {"start": "00:00", "end": "00:15", "count": 1},
                                         "s2": {"start": "00:45", "end": "01:00", "count": 3}}},
                       "g1": {"headcount": 1}},
            "kpi": {"short_abandon": 0.0}}
    for records in ((True, False) if engine == "fast" else (True,)):
        table = simulate(data, seed=3, engine=engine, records=records).group_intervals
        g0 = table[table.group == "g0"].set_index("interval")
        assert g0.staffed[2] == 0 and np.isnan(g0.occupancy[2]), (records, g0)
        occupancy = table.occupancy.dropna()
        assert ((occupancy >= 0) & (occupancy <= 1 + 1e-12)).all(), (records, table)
        assert (table.busy >= 0).all(), (records, table)  # a residue of -5e-16 s is no busy time
