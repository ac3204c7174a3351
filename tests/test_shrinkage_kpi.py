"""The hours KPIs (paid, scheduled, staffed, available), utilisation vs occupancy and break
lateness, worked out by hand on tiny days (sim.kpi.hours), on every engine; and the streamed
tables equal the record-based ones."""

import numpy as np
import pytest

from sim import simulate
from sim.experiments.replications import replicate
from sim.model.random_inputs import given_calls

from test_shrinkage_traces import draws, scenario, shift

H = 3600.0


def run(s, engine, arrival=(), talk=(), seed=1):
    return simulate(s, seed=seed, engine=engine, inputs=given_calls(s, list(arrival), ["a"] * len(arrival), list(talk)))


def lunch_day(cost=20.0):
    """Two agents 08:00-10:00, a paid 15-min break at 08:30 and an unpaid 30-min lunch at 09:00."""
    group = shift({"minutes": 15, "start": "08:30"}, {"name": "lunch", "minutes": 30, "start": "09:00", "paid": False},
                  count=2)
    return scenario({"g": {**group, "cost_per_hour": cost}})


def test_paid_and_scheduled_hours_of_an_unpaid_lunch(engine):
    r = run(lunch_day(), engine)
    g = r.groups.iloc[0]
    # per agent: paid 2 h - 0.5 h lunch = 1.5 h; scheduled (on the phones) 2 - 0.5 - 0.25 = 1.25 h
    assert (g.paid_hours, g.scheduled_hours, g.staffed_hours, g.available_hours) == (3.0, 2.5, 2.5, 2.5)
    assert g.cost == 3.0 * 20.0
    gi = r.group_intervals
    # 08:00-09:00: both paid all hour, on the phones 45 min; 09:00-10:00: paid and on the phones 30 min
    assert gi.paid.tolist() == [2.0, 1.0] and gi.scheduled.tolist() == [1.5, 1.0]
    assert gi.staffed.tolist() == [1.5, 1.0] and gi.available.tolist() == [1.5, 1.0]


def test_a_late_break_and_utilisation_against_occupancy(engine):
    r = run(lunch_day(), engine, [1790], [30])
    g = r.groups.iloc[0]
    # agent 0 goes on its 08:30 break 20 s late and comes back 20 s late: the same time on duty
    assert (g.breaks, g.late_breaks, g.mean_lateness, g.max_lateness) == (4, 1, 5.0, 20.0)
    assert g.available_hours == 2.5 and g.busy_hours == 30 / H
    assert g.occupancy == pytest.approx(30 / (2.5 * H), rel=1e-12)
    assert g.utilisation == pytest.approx(30 / (3.0 * H), rel=1e-12)
    assert r.group_intervals.utilisation[0] == pytest.approx(30 / (2 * H), rel=1e-12)
    assert r.group_intervals.occupancy[0] == pytest.approx(30 / (1.5 * H), rel=1e-12)


def test_staffed_hours_remove_the_absent_agents(engine):
    r = run(scenario({"g": {"headcount": 4, "absenteeism": 0.5}}), engine, seed=5)
    came = int((draws(5, 6, 0, 4) >= 0.5).sum())
    g = r.groups.iloc[0]
    assert 0 < came < 4
    assert (g.paid_hours, g.scheduled_hours) == (8.0, 8.0)
    assert g.staffed_hours == g.available_hours == 2.0 * came
    assert r.group_intervals.staffed.tolist() == [came, came]


def test_available_hours_remove_the_out_of_adherence_stretch(engine):
    r = run(scenario({"g": {"headcount": 1, "adherence": 0.75}}), engine, seed=5)
    g = r.groups.iloc[0]
    assert g.staffed_hours == 2.0 and g.available_hours == pytest.approx(1.5, rel=1e-12)


def test_agents_clearing_the_queue_count_in_every_measure(engine):
    r = run(scenario({"g": {"headcount": 1}}), engine, [7190], [100])
    g = r.groups.iloc[0]
    # the call ends at 7290: 90 s after the horizon, paid and on duty alike
    for column in ("paid_hours", "scheduled_hours", "staffed_hours", "available_hours"):
        assert g[column] == pytest.approx(2.0 + 90 / H, rel=1e-12), column


SHRUNK = {"g": {**shift({"minutes": 15, "window": ["08:30", "08:50"]},
                        {"name": "lunch", "minutes": 30, "start": "09:10", "paid": False}, count=5),
                "absenteeism": 0.2, "adherence": 0.9,
                "activities": {"coaching": {"kind": "coaching", "start": "09:45", "end": "10:00", "agents": 1}}}}
BUSY = {"a": {"arrival_rate": 150, "talk_time": {"kind": "exponential", "mean": 100},
              "patience": {"kind": "exponential", "mean": 60}, "route": [{"group": "g"}]}}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streamed_tables_equal_the_record_tables(seed):
    s = scenario(SHRUNK, BUSY)
    records = simulate(s, seed=seed, engine="fast")
    streamed = simulate(s, seed=seed, engine="fast", records=False)
    for table in ("groups", "group_intervals"):
        a, b = getattr(records, table), getattr(streamed, table)
        for column in a.columns:
            if a[column].dtype.kind in "fi":
                np.testing.assert_allclose(a[column], b[column], rtol=1e-9, atol=1e-9, err_msg=f"{table}.{column}")
    assert records.groups.breaks.iloc[0] > 0


def test_replications_have_the_hours_with_confidence_intervals():
    rep = replicate(scenario(SHRUNK, BUSY), 4, seed=1, progress=False, n_jobs=1)
    g = rep.groups.iloc[0]
    per_run = [run_.groups.iloc[0] for run_ in rep.runs]
    assert g.staffed_hours == pytest.approx(np.mean([r.staffed_hours for r in per_run]))
    assert g.staffed_hours_ci > 0  # absences differ from one replication to the next
    # paid time as rostered is the same every day (only the queue's clearing after 10:00 varies)
    assert (rep.group_intervals.paid_ci == 0).all() and (rep.group_intervals.paid == [5.0, 2.5]).all()
    for r in per_run:
        assert r.paid_hours >= r.scheduled_hours >= r.staffed_hours
