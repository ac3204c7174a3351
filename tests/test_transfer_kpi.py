"""KPIs of scenarios with transfers (sim.kpi.transfers): every leg is offered once in the queue it
joined, in the interval it joined it; transfers, first-contact resolution, group busy time and
AHT from the legs (hand-worked); callers are conserved across legs; the streamed tables equal the
record tables on random transfer scenarios; without transfers the tables have no transfer columns."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import simulate
from sim.core.engines import ENGINES
from sim.kpi import record_tables as record_kpi
from sim.core.records import ABANDONED, ANSWERED, UNFINISHED
from sim.model import transfers
from sim.model.random_inputs import call_blocks, given_calls
from sim.model.scenario import build_scenario

from conftest import day_scenario, deterministic
from strategies import transfer_scenarios
from engine_checks import KPI_TABLES, assert_streamed_equals_records, valid_scenario

TIER1 = {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "tier1"}],
         "transfer": {"probability": 0.5, "to": {"tier2": 1.0}}}
TIER2 = {"arrival_rate": 0, "talk_time": deterministic(50), "patience": deterministic(30), "route": [{"group": "tier2"}]}
COLUMNS = ["arrived", "offered", "answered", "abandoned", "transferred", "first_answered", "first_resolved"]


def _run(engine, records=True):
    scenario = day_scenario({"tier1": TIER1, "tier2": TIER2}, {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}},
                            intervals=2, interval_minutes=10)
    # c0 (tier1, 0): answered at once, talk 100, transferred: its tier2 leg joins at 100 (interval 0),
    #    answered at once, talk 50.
    # c1 (tier1, 500): answered at once, talk 200, transferred at 700 (interval 1): tier2's agent is
    #    busy with c2 (650-950): the leg abandons at 730 (tier2's patience 30).
    # c2 (tier2, 650): answered at once, talk 300.
    # c3 (tier1, 550): waits for tier1's agent until 700 (wait 150), talk 100, not transferred.
    u = np.zeros((4, 1, transfers.UNIFORMS))
    u[:, 0, transfers.DRAW_TRANSFER] = [0.1, 0.1, 0.9, 0.9]  # (calls in arrival order: c0, c1, c3, c2)
    inputs = given_calls(scenario, [0, 500, 550, 650], ["tier1", "tier1", "tier1", "tier2"], [100, 200, 100, 300],
                         decisions={"transfer_draws": u})
    return simulate(scenario, seed=1, engine=engine, inputs=inputs, records=records)


def test_hand_worked_tables(engine):
    r = _run(engine)
    row = r.summary.set_index("call_type")
    assert row.loc["tier1", COLUMNS].tolist() == [3, 3, 3, 0, 2, 3, 1]
    assert row.loc["tier2", COLUMNS].tolist() == [3, 3, 2, 1, 0, 1, 1]
    assert row.loc["total", COLUMNS].tolist() == [6, 6, 5, 1, 2, 4, 2]
    assert row.fcr.tolist() == [1 / 3, 1.0, 0.5]
    assert row.asa.tolist() == [50.0, 0.0, 30.0]  # waits: tier1 0, 0, 150; tier2 0, 0
    assert row.loc["tier2", "mean_wait"] == 10.0  # the abandoned leg's 30 s counts from its transfer
    iv = r.intervals.set_index(["interval", "call_type"])
    assert iv.loc[(0, "tier2"), COLUMNS].tolist() == [1, 1, 1, 0, 0, 0, 0]  # c0's leg
    assert iv.loc[(1, "tier2"), COLUMNS].tolist() == [2, 2, 1, 1, 0, 1, 1]  # c1's leg (at 700), c2
    groups = r.groups.set_index("group")
    assert groups.answered.tolist() == [3, 2] and groups.aht.tolist() == [400 / 3, 175.0]
    assert groups.busy_hours.tolist() == [400 / 3600, 350 / 3600]
    assert len(r.calls) == 4  # one row per call (its first leg)


def test_streamed_hand_worked_tables():
    exact, streamed = _run("fast"), _run("fast", records=False)
    for name in ("summary", "intervals", "groups"):
        a, b = getattr(exact, name), getattr(streamed, name)
        others = [c for c in a.columns if c != "p90_wait"]  # (streamed: from a histogram)
        pd.testing.assert_frame_equal(a[others], b[others], obj=name)


def _consult_run(engine, records=True):
    tier1 = {**TIER1, "transfer": {**TIER1["transfer"], "consult": deterministic(30)}}
    scenario = day_scenario({"tier1": tier1, "tier2": TIER2}, {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}})
    # call 0: talk 100 + consult 30 (transferred; tier2 talks 50); call 1 at 200: talk 100, not transferred
    u = np.zeros((2, 1, transfers.UNIFORMS))
    u[:, 0, transfers.DRAW_TRANSFER] = [0.1, 0.9]
    inputs = given_calls(scenario, [0, 200], ["tier1", "tier1"], [100, 100], decisions={"transfer_draws": u})
    return simulate(scenario, seed=1, engine=engine, inputs=inputs, records=records)


def test_a_consult_counts_in_the_first_agents_handle_time_and_busy_time(engine):
    r = _consult_run(engine)
    row = r.summary.set_index("call_type")
    assert row.loc["tier1", ["aht", "att"]].tolist() == [115.0, 100.0]  # (130 + 100) / 2: the consult is handle time
    groups = r.groups.set_index("group")
    assert groups.aht.tolist() == [115.0, 50.0] and groups.busy_hours.tolist() == [230 / 3600, 50 / 3600]
    streamed = _consult_run("fast", records=False)
    for name in ("summary", "groups"):
        a, b = getattr(r, name), getattr(streamed, name)
        others = [c for c in a.columns if c != "p90_wait"]
        pd.testing.assert_frame_equal(a[others], b[others], obj=name)


def test_without_transfers_the_tables_have_no_transfer_columns():
    scenario = day_scenario({"tier2": TIER2}, {"tier2": {"headcount": 1}})
    r = simulate(scenario, seed=1, engine="fast")
    assert not {"transferred", "first_answered", "first_resolved", "fcr"} & set(r.summary.columns)


def test_callers_are_conserved_across_legs(engine):
    data = {"name": "c", "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 30}, "trunks": 18,
            "call_types": {"t1": {"arrival_rate": 300, "talk_time": {"kind": "exponential", "mean": 150},
                                  "patience": {"kind": "exponential", "mean": 60}, "route": [{"group": "tier1"}],
                                  "transfer": {"probability": 0.3, "to": {"t2": 0.8, "t1": 0.2}},
                                  "ivr": {"duration": deterministic(20), "finish": 0.2, "hang_up": 0.05}},
                           "t2": {"arrival_rate": 30, "talk_time": {"kind": "exponential", "mean": 300},
                                  "patience": {"kind": "exponential", "mean": 120}, "route": [{"group": "tier2"}],
                                  "transfer": {"probability": 0.1, "to": {"t1": 1.0}}}},
            "groups": {"tier1": {"headcount": 12}, "tier2": {"headcount": 5}}, "transfer_max_legs": 4,
            "kpi": {"short_abandon": 5.0}}
    scenario = build_scenario(data)
    output = ENGINES[engine]().run(scenario, call_blocks(scenario, 4))
    _, summary, intervals, _, _ = record_kpi.tables(scenario, output, keep_calls=False)
    total, legs, n_calls = summary.set_index("call_type").loc["total"], output.legs, len(output.records)
    apart = total.blocked + total.self_served + total.ivr_abandoned
    # every leg arrived is a caller's first or a transfer; every caller leaves once: blocked or in
    # the menu, or by its last leg (answered and not transferred, abandoned, or still waiting)
    assert total.arrived == n_calls + total.transferred
    last = np.append(legs.call[1:] != legs.call[:-1], True)
    assert n_calls == apart + (last & np.isin(legs.outcome, (ANSWERED, ABANDONED, UNFINISHED))).sum()
    assert total.transferred == (legs.leg > 0).sum() and min(total.transferred, total.blocked, total.abandoned) > 0
    for table in (summary, intervals):
        assert (table.arrived == table.blocked + table.short_abandoned + table.self_served + table.ivr_abandoned
                + table.offered).all()
        assert (table.first_resolved <= table.first_answered).all()


@pytest.mark.parametrize("ivr", [False, True])
def test_streamed_tables_equal_record_tables_on_random_transfer_scenarios(ivr):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=transfer_scenarios(ivr=ivr), seed=st.integers(1, 10**6))
    def check(data, seed):
        scenario = valid_scenario(data)
        if scenario is not None:
            assert_streamed_equals_records(scenario, seed, KPI_TABLES)

    check()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_leg_after_the_warmup_of_a_call_before_it_is_measured_in_both_routes(seed):
    """Steady state with a warm-up: a call that arrived in the warm-up is not measured, but its
    transferred leg joining after it is (its queue entry), in the record and streamed tables alike."""
    data = {"name": "w", "horizon": {"kind": "steady_state", "hours": 0.5, "warmup_hours": 0.25, "interval_minutes": 5},
            "call_types": {"t1": {"arrival_rate": 200, "talk_time": {"kind": "exponential", "mean": 120},
                                  "patience": {"kind": "exponential", "mean": 90}, "route": [{"group": "g"}],
                                  "transfer": {"probability": 0.4, "to": {"t2": 1.0}}},
                           "t2": {"arrival_rate": 0, "talk_time": {"kind": "exponential", "mean": 200},
                                  "patience": {"kind": "exponential", "mean": 90}, "route": [{"group": "h"}]}},
            "groups": {"g": {"headcount": 7}, "h": {"headcount": 3}}}
    scenario = build_scenario(data)
    output = ENGINES["fast"]().run(scenario, call_blocks(scenario, seed))
    legs, arrival = output.legs, output.records.arrival
    straddling = (legs.leg > 0) & (arrival[legs.call] < scenario.warmup) & (legs.joined >= scenario.warmup)
    assert straddling.any()
    assert_streamed_equals_records(scenario, seed, KPI_TABLES)
