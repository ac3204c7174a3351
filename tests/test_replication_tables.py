"""Replications keep each run's numbers and make tables once (sim.experiments.runs, sim.kpi.arrays):
every table must be exactly what the straightforward way gives: ``simulate(records=False)`` run
by run with the replication seeds, the tables concatenated and grouped by their key columns."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments.replications import difference, replicate, replication_seeds
from sim.kpi.arrays import KEYS
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file, simulate

from tests.aggregation_reference import aggregated

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"
TABLES = tuple(KEYS)


def scenario(name):
    return build_scenario(load_scenario_file(CONFIGS / f"{name}.yaml"))


def variant(name, **kpi):
    data = load_scenario_file(CONFIGS / f"{name}.yaml")
    data.setdefault("kpi", {}).update(kpi)
    return build_scenario(data)


def reference(scenario, n, seed, confidence=0.95):
    """The tables of n replications made the plain way (one simulate() per seed, pandas groupby)."""
    runs = [simulate(scenario, s, records=False) for s in replication_seeds(seed, n)]
    tables = {name: aggregated([getattr(r, name) for r in runs], keys, confidence) for name, keys in KEYS.items()}
    per_replication = pd.concat([r.summary.assign(replication=i, seed=r.seed) for i, r in enumerate(runs)],
                                ignore_index=True)
    first = ["replication", "seed"]
    tables["per_replication"] = per_replication[first + [c for c in per_replication if c not in first]]
    return runs, tables


CASES = [("default", 1, 3), ("default", 7, 4), ("single_queue", 2, 5), ("single_queue", 9, 1)]


@pytest.mark.parametrize("name, seed, n", CASES)
def test_replicated_tables_equal_the_plain_way_exactly(name, seed, n):
    sc = scenario(name)
    runs, expected = reference(sc, n, seed)
    rep = replicate(sc, n, seed=seed, progress=False)
    for table in TABLES + ("per_replication",):
        pd.testing.assert_frame_equal(getattr(rep, table), expected[table], check_exact=True, obj=table)
    assert rep.n_calls == sum(r.n_calls for r in runs) and rep.seeds == [r.seed for r in runs]
    assert rep.engine == runs[0].engine and rep.engine_note == runs[0].engine_note


def test_each_runs_results_equal_simulate_exactly():
    sc = scenario("default")
    rep = replicate(sc, 3, seed=4, progress=False)
    assert len(rep.runs) == 3 and len(rep.runs[-2:]) == 2
    for run, seed in zip(rep.runs, replication_seeds(4, 3)):
        plain = simulate(sc, seed, records=False)
        for table in TABLES + ("agents",):
            pd.testing.assert_frame_equal(getattr(run, table), getattr(plain, table), check_exact=True, obj=table)
        assert (run.seed, run.n_calls, run.busyness, run.engine) == (plain.seed, plain.n_calls, plain.busyness,
                                                                     plain.engine)
        assert run.calls is None and (run.theory is None) == (plain.theory is None)
    assert rep.runs[0] is rep.runs[0]  # made once


@pytest.mark.parametrize("sl_variant", ["answered", "answered_and_late_abandoned"])
def test_service_level_variants_and_warmup_follow_the_plain_way(sl_variant):
    sc = variant("single_queue", sl_variant=sl_variant, sl_threshold=15.0)
    _, expected = reference(sc, 3, 5, confidence=0.9)
    rep = replicate(sc, 3, seed=5, confidence=0.9, progress=False)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(rep, table), expected[table], check_exact=True, obj=table)


def test_simpy_engine_replications_give_the_same_tables_as_the_fast_engine_path():
    sc = scenario("single_queue")
    fast, slow = (replicate(sc, 2, seed=3, engine=engine, progress=False) for engine in ("fast", "simpy"))
    assert slow.engine == "simpy" and slow.runs[0].calls is None
    pd.testing.assert_frame_equal(fast.summary[["call_type", "arrived", "answered", "abandoned"]],
                                  slow.summary[["call_type", "arrived", "answered", "abandoned"]])


def test_difference_pairs_the_runs_summaries():
    sc = scenario("single_queue")
    a, b = replicate(sc, 3, seed=2, progress=False), replicate(sc, 3, seed=3, progress=False)
    mean, _, n = difference(a, b, "asa")
    plain = [[r.summary.set_index("call_type").at["total", "asa"] for r in x.runs] for x in (a, b)]
    assert n == 3 and mean == pytest.approx(np.mean(np.subtract(plain[1], plain[0])), rel=1e-15)


@pytest.mark.parametrize("warmup_hours", [0.0, 1.25])
def test_level_tallies_per_interval_without_ufunc_at_are_the_same_floats(warmup_hours, monkeypatch):
    from sim.kpi import streaming
    from sim.model.cache import per_scenario
    from sim.simulate import run_streamed

    data = load_scenario_file(CONFIGS / "single_queue.yaml")
    data["horizon"] = {"kind": "steady_state", "interval_minutes": 30, "hours": 6, "warmup_hours": warmup_hours}
    sc = build_scenario(data)
    tallies = run_streamed(sc, 3)[0].tallies
    fast = streaming.table_inputs(sc, tallies)
    const = per_scenario(sc, "stream_kpi.constants", streaming._constants)
    assert const["one_bucket_each"]
    monkeypatch.setitem(const, "one_bucket_each", False)  # the general way: ufunc.at over the buckets
    general = streaming.table_inputs(sc, tallies)
    for name in ("avg_queue", "max_queue"):
        assert np.array_equal(fast["both"][name], general["both"][name], equal_nan=True)
    for a, b in zip(fast["groups"], general["groups"]):
        assert np.array_equal(a, b, equal_nan=True)


def test_theories_make_no_run_tables_unless_the_scenario_is_a_textbook_queue():
    day = replicate(scenario("default"), 3, seed=2, progress=False)
    assert day.runs.theories() == [None] * 3 and day.runs._results == {}  # no run's tables made
    queue = build_scenario({"name": "mmc", "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": 3},
                            "call_types": {"c": {"arrival_rate": 100, "talk_time": {"kind": "exponential", "mean": 60},
                                                 "route": [{"group": "g"}]}},
                            "groups": {"g": {"headcount": 3}}})
    rep = replicate(queue, 3, seed=2, progress=False)
    plain = [simulate(queue, s, records=False).theory for s in replication_seeds(2, 3)]
    for made, expected in zip(rep.runs.theories(), plain):
        pd.testing.assert_frame_equal(made, expected, check_exact=True)
