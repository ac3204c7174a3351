"""The aggregation of replications without a groupby (sim.experiments.cell_stats, aggregation) gives
pandas' groupby numbers bit for bit: mean (compensated sum), std (Welford) and count of each
cell, NaN cells skipped; -0.0 and the last bit of every float checked, not only equality."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments.aggregation import aggregate, aggregated_tables
from sim.experiments.cell_stats import mean_std_count
from sim.experiments.replications import replicate, replication_seeds
from sim.kpi.arrays import KEYS
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file, simulate

from tests.aggregation_reference import aggregated


def same_bits(a, b) -> bool:
    """Equal as stored floats: NaN where the other is NaN, otherwise the same 64 bits (-0.0 != 0.0)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    nan = np.isnan(a)
    return a.shape == b.shape and np.array_equal(nan, np.isnan(b)) and \
        np.array_equal(a[~nan].view(np.int64), b[~nan].view(np.int64))


def assert_same_frames(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for column in expected.columns:
        if expected[column].dtype.kind == "f":
            assert same_bits(got[column], expected[column]), column


def by_groupby(block: np.ndarray, rows: int):
    """pandas' groupby of the runs stacked (``block[run, cell]``, cells = columns x rows per run), by row."""
    runs = block.shape[0]
    stacked = pd.DataFrame(block.reshape(runs, -1, rows).transpose(0, 2, 1).reshape(runs * rows, -1))
    by = stacked.groupby(np.tile(np.arange(rows), runs), sort=False)
    return [np.ascontiguousarray(x.to_numpy().T).reshape(-1) for x in (by.mean(), by.std(ddof=1), by.count())]


def awkward(rng, runs: int, columns: int, rows: int) -> np.ndarray:
    """Values whose compensated and plain sums differ, NaN cells (ratios of nothing), whole numbers,
    zeros of both signs, large offsets."""
    block = rng.normal(size=(runs, columns, rows)) * 10.0 ** rng.integers(-6, 9, size=(1, columns, 1))
    block[:, 0] = np.round(block[:, 0])  # counts
    block[:, 1] += 1e9  # a large offset: Welford's variance and the compensated mean matter
    block[:, 2] = np.where(rng.random((runs, rows)) < 0.4, np.nan, block[:, 2])  # defined in some runs only
    block[:, 3, : rows // 2] = np.nan  # defined in no run
    block[:, 4] = np.where(rng.random((runs, rows)) < 0.5, -0.0, 0.0)
    return block.reshape(runs, -1)


@pytest.fixture(params=["compiled", "python"])
def twin(request, monkeypatch):
    """Each twin of sim.kpi.kernels.cell_moments in turn (the compiled one: if built)."""
    from sim.kpi import _kernels_py, kernels

    if request.param == "compiled":
        compiled = pytest.importorskip("sim.kpi._kernels_c")
        monkeypatch.setattr(kernels, "cell_moments", compiled.cell_moments)
    else:
        monkeypatch.setattr(kernels, "cell_moments", _kernels_py.cell_moments)
    return request.param


@pytest.mark.parametrize("runs", [2, 3, 7, 200, 1000])
def test_cell_stats_equal_pandas_groupby_bit_for_bit(runs, twin):
    rng = np.random.default_rng(runs)
    rows = 6
    block = awkward(rng, runs, 8, rows)
    got, expected = mean_std_count(block), by_groupby(block, rows)
    for name, a, b in zip(("mean", "std", "count"), got, expected):
        assert same_bits(a, b), name


def test_infinite_and_huge_values_as_pandas(twin):
    rng = np.random.default_rng(3)
    block = awkward(rng, 50, 8, 4)
    block[7, :4] = np.inf  # a cell with +inf (the compensation turns NaN; pandas resets it to 0)
    block[9, 4:8] = -np.inf
    block[:, 8:12] = 1.5e307 * rng.choice([-1.0, 1.0], size=(50, 4))  # sums overflow
    got, expected = mean_std_count(block), by_groupby(block, 4)
    for name, a, b in zip(("mean", "std", "count"), got, expected):
        assert same_bits(a, b), name


def tables_like_a_run(rng, rows: int, nan_share: float):
    """A table as a run makes them: key columns, counts (int64), a ratio NaN where its denominator is 0."""
    offered = rng.integers(0 if nan_share else 1, 3, size=rows)
    answered = np.minimum(offered, rng.integers(0, 3, size=rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        level = answered / offered
    level[rng.random(rows) < nan_share] = np.nan
    return pd.DataFrame({"interval": np.arange(rows) // 2, "call_type": ["a", "b"] * (rows // 2),
                         "offered": offered, "answered": answered, "service_level": level,
                         "wait": rng.exponential(30, rows), "talk": rng.exponential(200, rows),
                         "cost": rng.normal(1e4, 1e3, rows),
                         "offset": np.where(rng.random(rows) < 0.05, 1e16, 1.0),  # plain and compensated sums differ
                         "blocked": pd.array(rng.integers(0, 2, rows), "Int64")})


@pytest.mark.parametrize("runs, rows, nan_share", [(1, 4, 0.2), (1, 4, 0.0), (2, 4, 0.2), (5, 2, 0.2), (300, 8, 0.2),
                                                   (4, 1, 0.2), (300, 1, 0.2), (300, 1, 0.0)])
def test_aggregate_equals_the_groupby_reference(runs, rows, nan_share):
    """(One run, or one row: pandas sums a table without NaN its own way, not compensated.)"""
    rng = np.random.default_rng(runs * 10 + rows)
    keys = ["interval", "call_type"] if rows > 1 else ["interval"]
    tables = [tables_like_a_run(rng, max(rows, 2), nan_share).head(rows) for _ in range(runs)]
    if nan_share:
        tables[0].loc[0, "blocked"] = pd.NA  # a nullable count with a missing value
    assert_same_frames(aggregate(tables, keys, 0.9), aggregated(tables, keys, 0.9))


@pytest.mark.parametrize("change", ["reversed", "shorter", "key twice", "missing key"])
def test_aggregate_of_runs_listing_other_rows_is_the_groupby(change):
    rng = np.random.default_rng(8)
    tables = [tables_like_a_run(rng, 6, 0.2) for _ in range(4)]
    keys = ["interval", "call_type"]
    if change == "reversed":  # another order of the same keys
        tables[2] = tables[2].iloc[::-1].reset_index(drop=True)
    elif change == "shorter":
        tables[3] = tables[3].head(4)
    elif change == "key twice":  # rows of one key, grouped together
        keys = ["interval"]
    else:  # rows without a key (left out by the groupby)
        for table in tables:
            table["call_type"] = table["call_type"].where(table.index != 1, None)
    assert_same_frames(aggregate(tables, keys), aggregated(tables, keys))


@pytest.mark.parametrize("name, n", [("default", 1), ("default", 2), ("single_queue", 1), ("single_queue", 30),
                                     ("default", 40)])
def test_replicated_tables_bit_for_bit(name, n):
    """replicate's tables against simulate() run by run and pandas' groupby (one-row tables, one run: pandas'
    own summation), every float's bits."""
    sc = build_scenario(load_scenario_file(f"configs/scenario/{name}.yaml"))
    runs = [simulate(sc, s, records=False) for s in replication_seeds(3, n)]
    rep = replicate(sc, n, seed=3, progress=False, n_jobs=1)
    for table, keys in KEYS.items():
        assert_same_frames(getattr(rep, table), aggregated([getattr(r, table) for r in runs], keys))


def test_tables_aggregated_together_equal_each_alone():
    sc = build_scenario(load_scenario_file("configs/scenario/default.yaml"))
    rep = replicate(sc, 5, seed=2, progress=False, n_jobs=1)
    together = aggregated_tables(sc, {name: rep.runs.columns(name) for name in KEYS})
    for name in KEYS:
        alone = aggregated_tables(sc, {name: rep.runs.columns(name)})[name]
        assert_same_frames(together[name], alone)
