"""The caller's journey in replications (sim.experiments.journey, issue 14): with transfers the
summary and interval tables keep their transfer columns, with redials and callbacks the callers,
caller_intervals, callbacks and callback_intervals tables are aggregated, each cell as the mean over the replications
and the Student t half-width (ratios: the mean of the runs' ratios, as the service level), the same
serial and in parallel; reports of replicated runs show them with their half-widths."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments.replications import replicate, replication_seeds
from sim.model.scenario import build_scenario
from sim.reports.files import format_summary, write_run
from sim.simulate import load_scenario_file, simulate

from tests.aggregation_reference import aggregated
from tests.test_parallel_replications import assert_all_reaped, forks  # noqa: F401 (a fixture)

N, SEED = 4, 6
JOURNEY = {"callers": ["call_type"], "caller_intervals": ["interval", "call_type"], "callbacks": ["call_type"],
           "callback_intervals": ["interval", "call_type"]}
TRANSFER_COLUMNS = ["transferred", "first_answered", "first_resolved", "fcr"]


def support_desk():
    """The shipped support desk: IVR, callbacks, redials, escalation to tier 2 after a consult."""
    return build_scenario(load_scenario_file("support_desk"))


@pytest.fixture(scope="module")
def desk():
    sc = support_desk()
    plain = [simulate(sc, seed, records=False) for seed in replication_seeds(SEED, N)]
    return sc, plain, replicate(sc, N, seed=SEED, n_jobs=1, progress=False)


def hand(values):
    """Mean and 95 % t half-width of the defined values (NaN: the run had none, e.g. no callers)."""
    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    return values.mean(), stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))


def cells(table, key, column):
    return table.set_index("call_type").at[key, column]


def test_the_journey_cells_are_the_hand_computed_mean_and_half_width(desk):
    sc, plain, rep = desk
    checks = [("summary", "support", "fcr"), ("summary", "total", "transferred"), ("summary", "total", "fcr"),
              ("callers", "support", "caller_loss"), ("callers", "total", "first_attempt_loss"),
              ("callers", "total", "redials"), ("callers", "support", "attempts_per_caller"),
              ("callbacks", "support", "acceptance_rate"), ("callbacks", "total", "completed"),
              ("callbacks", "support", "time_to_callback")]
    for table, row, column in checks:
        runs = [cells(getattr(r, table), row, column) for r in plain]
        assert np.isfinite(runs).all() and len(set(runs)) > 1, (table, row, column)  # a real spread to average
        mean, half = hand(runs)
        got = getattr(rep, table).set_index("call_type").loc[row]
        assert got[column] == pytest.approx(mean, rel=1e-12), (table, row, column)
        assert got[f"{column}_ci"] == pytest.approx(half, rel=1e-9), (table, row, column)
        assert got["replications"] == N


def test_the_callback_intervals_cells_are_the_hand_computed_mean_and_half_width(desk):
    sc, plain, rep = desk
    got = rep.callback_intervals.set_index(["interval", "call_type"])
    checked = 0
    for interval in got.index.get_level_values("interval").unique():
        runs = [r.callback_intervals.set_index(["interval", "call_type"]).at[(interval, "support"), "accepted"]
                for r in plain]
        if len(set(runs)) < 2:
            continue
        mean, half = hand(runs)
        assert got.at[(interval, "support"), "accepted"] == pytest.approx(mean, rel=1e-12)
        assert got.at[(interval, "support"), "accepted_ci"] == pytest.approx(half, rel=1e-9)
        checked += 1
    assert checked >= 3  # intervals whose acceptances differ between the runs


def test_the_journey_tables_are_those_of_the_runs_made_alone(desk):
    sc, plain, rep = desk
    for table, keys in {"summary": ["call_type"], "intervals": ["interval", "start", "call_type"], **JOURNEY}.items():
        expected = aggregated([getattr(r, table) for r in plain], keys)
        pd.testing.assert_frame_equal(getattr(rep, table), expected, check_exact=True, obj=table)
    assert {f"{c}_ci" for c in TRANSFER_COLUMNS} <= set(rep.intervals.columns)
    for i in (0, N - 1):  # a run's own tables, made when read
        for table in ("summary", "intervals", *JOURNEY):
            pd.testing.assert_frame_equal(getattr(rep.runs[i], table), getattr(plain[i], table), check_exact=True,
                                          obj=table)


def test_parallel_journey_tables_equal_the_serial_ones(desk, forks):  # noqa: F811
    sc, _, serial = desk
    parallel_run = replicate(sc, N, seed=SEED, n_jobs=2, progress=False)
    assert forks
    for table in ("summary", "intervals", *JOURNEY):
        pd.testing.assert_frame_equal(getattr(parallel_run, table), getattr(serial, table), check_exact=True)
    for table in ("summary", *JOURNEY):
        pd.testing.assert_frame_equal(getattr(parallel_run.runs[N - 1], table), getattr(serial.runs[N - 1], table),
                                      check_exact=True)
    assert_all_reaped(forks)


def test_replications_with_records_keep_the_same_journey():
    sc = support_desk()
    streamed, kept = (replicate(sc, 2, seed=3, records=records, n_jobs=1, progress=False) for records in (False, True))
    for table in JOURNEY:
        pd.testing.assert_frame_equal(getattr(kept, table), getattr(streamed, table), check_exact=False)
    columns = ["call_type"] + TRANSFER_COLUMNS + [f"{c}_ci" for c in TRANSFER_COLUMNS]
    pd.testing.assert_frame_equal(kept.summary[columns], streamed.summary[columns])


def test_without_journey_features_replications_have_none():
    rep = replicate("single_queue", 2, seed=1, n_jobs=1, progress=False)
    assert rep.callers is None and rep.callbacks is None and rep.caller_intervals is None
    assert rep.callback_intervals is None
    assert "fcr" not in rep.summary and all(run.journey == {} for run in rep.runs.kept)


def test_reports_of_a_replicated_run_show_the_journey_with_half_widths(desk, tmp_path):
    sc, _, rep = desk
    write_run(rep, tmp_path, plots=False)
    for name in JOURNEY:
        written = pd.read_csv(tmp_path / f"{name}.csv")
        assert list(written.columns) == list(getattr(rep, name).columns)
        np.testing.assert_allclose(written.select_dtypes("number"), getattr(rep, name).select_dtypes("number"),
                                   rtol=1e-5)
    text = format_summary(rep)
    journey = text.split("Caller's journey")[1].split("\n\n")[0].splitlines()
    support = next(line for line in journey if line.startswith("  support") or line.startswith("support"))
    s = rep.summary.set_index("call_type").loc["support"]
    assert f"{100 * s.fcr:.1f}% ± {100 * s.fcr_ci:.1f}%" in support
    cb = rep.callbacks.set_index("call_type").loc["support"]
    assert f"{cb.accepted:,.1f} ± {cb.accepted_ci:,.1f}" in support or f"{cb.accepted:,.0f} ± " in support
    callers = text.split("Callers (with redials")[1].split("\n\n")[0]
    c = rep.callers.set_index("call_type").loc["support"]
    assert f"{100 * c.caller_loss:.1f}% ± {100 * c.caller_loss_ci:.1f}%" in callers
