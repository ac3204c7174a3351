"""Cost KPIs (sim.kpi.costs) worked out by hand on a tiny day, on every engine and on both KPI
routes (per-call records, streaming tallies): telephony per minute on the line, the abandonment
penalty, revenue per answered call, wages on paid hours, the day's total, net and cost per call."""

import math

import pytest

from sim import simulate
from sim.errors import ConfigError
from sim.kpi.costs import day_costs
from sim.model.random_inputs import given_calls
from sim.model.scenario import build_scenario
from sim.reports.files import format_summary

D = {"kind": "deterministic", "mean": 1.0}


def tiny(telephony=0.06, penalty=5.0, revenue=50.0, cost_per_hour=20.0):
    """One agent 08:00-10:00; a sales type earning ``revenue`` per answered call and a service type."""
    kind = {"arrival_rate": 0, "talk_time": D, "patience": {"kind": "exponential", "mean": 100.0},
            "route": [{"group": "g"}]}
    return build_scenario({
        "name": "costs", "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 60, "day_start": "08:00"},
        "call_types": {"sale": {**kind, "revenue": revenue}, "serv": kind},
        "groups": {"g": {"headcount": 1, "cost_per_hour": cost_per_hour}},
        "costs": {"telephony_per_minute": telephony, "abandon_penalty": penalty}, "kpi": {"short_abandon": 0.0}})


def run(scenario, engine, records=True):
    # a sale at 0 s talks 600 s and wraps up 60 s; a service call at 100 s waits until 660 s and
    # talks 300 s; a service call at 200 s gives up after 100 s
    calls = given_calls(scenario, [0.0, 100.0, 200.0], ["sale", "serv", "serv"], [600.0, 300.0, 50.0],
                        wrapup=[60.0, 0.0, 0.0], patience=[math.inf, math.inf, 100.0])
    return simulate(scenario, seed=1, engine=engine, inputs=calls, records=records)


@pytest.mark.parametrize("records", [True, False], ids=["records", "streamed"])
def test_costs_by_hand(engine, records):
    r = run(tiny(), engine, records)
    rows = r.summary.set_index("call_type")
    # on the line: sale 600 s; service 560 s waiting + 300 s talking, and 100 s until it gave up
    assert rows.telephony_cost.sale == pytest.approx(0.06 * 600 / 60, rel=1e-12)
    assert rows.telephony_cost.serv == pytest.approx(0.06 * 960 / 60, rel=1e-12)
    assert rows.telephony_cost.total == pytest.approx(0.06 * 1560 / 60, rel=1e-12)
    assert rows.abandon_cost.tolist() == [0.0, 5.0, 5.0]
    assert rows.revenue.tolist() == [50.0, 0.0, 50.0]
    assert rows.att.sale == 600.0 and rows.att.serv == 300.0  # talk only, without the wrap-up
    first = r.intervals[r.intervals.interval == 0].set_index("call_type")
    assert first.telephony_cost.total == pytest.approx(1.56, rel=1e-12)
    assert r.intervals[r.intervals.interval == 1].telephony_cost.sum() == 0.0
    assert r.group_intervals.cost.tolist() == [20.0, 20.0]  # one paid agent-hour per interval

    day = day_costs(r.summary, r.groups)
    assert day["wages"] == 40.0
    assert day["total_cost"] == pytest.approx(40.0 + 1.56 + 5.0, rel=1e-12)
    assert day["net"] == pytest.approx(50.0 - 46.56, rel=1e-12)
    assert day["cost_per_call"] == pytest.approx(46.56 / 3, rel=1e-12)
    assert day["cost_per_answered"] == pytest.approx(46.56 / 2, rel=1e-12)
    text = format_summary(r)
    assert "total cost 46.56" in text and "revenue 50.00, net 3.44" in text and "per offered call 15.52" in text


def test_no_cost_block_when_nothing_is_priced():
    r = run(tiny(0.0, 0.0, 0.0, 0.0), "fast")
    assert "Costs" not in format_summary(r)
    assert r.summary.telephony_cost.eq(0.0).all() and r.summary.revenue.eq(0.0).all()


@pytest.mark.parametrize("field, where", [({"costs": {"telephony_per_minute": -0.1}}, "costs.telephony_per_minute"),
                                          ({"costs": {"abandon_penalty": float("nan")}}, "costs.abandon_penalty")])
def test_bad_prices_name_the_field(field, where):
    base = {"name": "x", "call_types": {"a": {"arrival_rate": 1, "talk_time": D, "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 1}}}
    with pytest.raises(ConfigError, match=where):
        build_scenario({**base, **field})


def test_a_negative_revenue_names_the_call_type():
    with pytest.raises(ConfigError, match=r"call_types\.a\.revenue"):
        build_scenario({"name": "x", "call_types": {"a": {"arrival_rate": 1, "talk_time": D, "revenue": -1,
                                                          "route": [{"group": "g"}]}},
                        "groups": {"g": {"headcount": 1}}})
