"""Consult time in the telephony cost (sim.kpi.costs, issue 14): while the first agent consults
before a transfer the caller is on hold, on the line, so the minutes on the line of the leg that
was transferred include the consult. Worked out by hand on a tiny deterministic day, on every
engine and both KPI routes (records; records=False: on the fast engine the streaming tallies,
which sum the consult time per interval x call type)."""

import numpy as np
import pytest

from sim import simulate
from sim.core.engines import ENGINES
from sim.core.protocol import TALLY_SUMS
from sim.model import transfers
from sim.model.random_inputs import given_calls
from sim.simulate import run_streamed

from conftest import day_scenario, deterministic

PRICE = 0.6  # per minute: 0.01 per second on the line


def scenario(consult=30.0, price=PRICE):
    tier1 = {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "tier1"}],
             "transfer": {"probability": 0.5, "to": {"tier2": 1.0},
                          "consult": None if consult is None else deterministic(consult)}}
    tier2 = {"arrival_rate": 0, "talk_time": deterministic(50), "route": [{"group": "tier2"}]}
    return day_scenario({"tier1": tier1, "tier2": tier2}, {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}},
                        intervals=3, interval_minutes=1, costs={"telephony_per_minute": price})


def calls(sc):
    # c0 (tier1, 0 s): answered at once, talk 100, consult 30 (the caller on hold), transferred:
    #    its tier2 leg joins at 130 (interval 2), answered at once, talk 50.
    # c1 (tier1, 70 s, interval 1): tier1's agent is busy until 130 (talk + consult): waits 60, talk 100.
    u = np.zeros((2, 1, transfers.UNIFORMS))
    u[:, 0, transfers.DRAW_TRANSFER] = [0.1, 0.9]
    return given_calls(sc, [0.0, 70.0], ["tier1", "tier1"], [100.0, 100.0], decisions={"transfer_draws": u})


def run(sc, engine, records=True):
    return simulate(sc, seed=1, engine=engine, inputs=calls(sc), records=records)


@pytest.mark.parametrize("records", [True, False], ids=["records", "streamed"])
def test_the_consult_is_time_on_the_line(engine, records):
    r = run(scenario(), engine, records)
    # on the line: tier1 c0 0 + 100 + 30 (consult) = 130 s, c1 60 + 100 = 160 s; tier2 c0's leg 50 s
    summary = r.summary.set_index("call_type").telephony_cost
    assert summary.to_dict() == pytest.approx({"tier1": 2.9, "tier2": 0.5, "total": 3.4}, rel=1e-12)
    cells = r.intervals.set_index(["interval", "call_type"]).telephony_cost
    assert cells[(0, "tier1")] == pytest.approx(1.3, rel=1e-12)  # the consult in its transferred leg's row
    assert cells[(1, "tier1")] == pytest.approx(1.6, rel=1e-12)
    assert cells[(2, "tier2")] == pytest.approx(0.5, rel=1e-12) and cells[(0, "tier2")] == 0.0
    assert (r.calls is None) == (not records)


def test_without_a_consult_or_a_telephony_price_nothing_changes():
    r = run(scenario(consult=None), "fast")  # c0 transferred at 100: c1 waits 30 s; 100 + 130 s, and 50 s
    assert r.summary.set_index("call_type").telephony_cost.to_dict() == pytest.approx(
        {"tier1": 2.3, "tier2": 0.5, "total": 2.8}, rel=1e-12)


def test_the_fast_engine_tallies_the_consult_and_keeps_no_records():
    sc = scenario()
    out = ENGINES["fast"]().run(sc, calls(sc), records=False)
    assert out.records is None
    consult = out.tallies["sums"][..., TALLY_SUMS.index("consult")]  # (interval, call type)
    assert consult.tolist() == [[30.0, 0.0], [0.0, 0.0], [0.0, 0.0]]  # c0's consult, its tier1 leg's cell
    assert run_streamed(sc, 1) is not None  # (replications take the streamed route too)
