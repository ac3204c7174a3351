"""Erlang staffing requirements (sim.planning.requirements): the fewest agents meeting every target,
checked against a brute force over the number of agents; the multi-skill pooling rule worked by
hand; the shrinkage gross-up; bad input."""

import math

import pytest

from sim.analytic import erlang_a_metrics, erlang_c_metrics
from sim.errors import ConfigError
from sim.model.scenario import build_scenario
from sim.planning.requirements import Queue, paid_agents, requirements, smallest_agents
from sim.planning.targets import Targets


def brute_force(rate, handle, patience, targets: Targets) -> int:
    """The first c = 1, 2, ... whose Erlang metrics meet each set target, checked one by one here
    (Erlang C when ``patience`` is None, skipping the unstable c <= load)."""
    for c in range(1, 2000):
        if patience is None:
            if c <= rate * handle:
                continue
            m = erlang_c_metrics(rate, handle, c, targets.threshold)
        else:
            m = erlang_a_metrics(rate, handle, c, patience, targets.threshold)
        if targets.service_level is not None and m.service_level < targets.service_level:
            continue
        if targets.max_abandon is not None and m.p_abandon > targets.max_abandon:
            continue
        if targets.max_asa is not None and m.asa > targets.max_asa:
            continue
        if targets.max_occupancy is not None and m.occupancy > targets.max_occupancy:
            continue
        return c
    raise AssertionError("no c below 2000 meets the targets")


def targets(sl=0.8, threshold=20.0, abandon=None, asa=None, occupancy=None) -> Targets:
    return Targets(sl, threshold, abandon, asa, occupancy)


def queue(rate_per_hour, handle, patience) -> Queue:
    return Queue(rate_per_hour / 3600.0, handle, 0.0 if patience is None else 1.0 / patience)


CASES = [  # (calls per hour, mean handle s, mean patience s or None, targets)
    (600, 240, 180, targets()),  # the single_queue scenario, Erlang A
    (600, 240, None, targets()),  # Erlang C
    (30, 300, 600, targets(0.9, 30)),  # light load
    (5000, 180, 120, targets(0.95, 10)),  # heavy load
    (600, 240, 60, targets(0.5, 20, abandon=0.02)),  # abandonment binds
    (600, 240, 180, targets(0.5, 20, asa=4.0)),  # ASA binds
    (600, 240, None, targets(0.5, 20, asa=4.0)),  # ASA binds, Erlang C
    (1200, 240, 900, targets(0.5, 20, occupancy=0.75)),  # occupancy cap binds, Erlang A
    (1200, 240, None, targets(0.5, 20, occupancy=0.85)),  # occupancy cap binds, Erlang C
    (1, 240, 180, targets(0.99, 5, abandon=0.001, asa=1.0, occupancy=0.1)),  # every target, a trickle of calls
]


@pytest.mark.parametrize("rate,handle,patience,wanted", CASES)
def test_requirement_is_the_first_number_of_agents_meeting_every_target(rate, handle, patience, wanted):
    agents, m = smallest_agents(queue(rate, handle, patience), wanted)
    assert agents == brute_force(rate / 3600.0, handle, patience, wanted)
    assert m.agents == agents


@pytest.mark.parametrize("target,patience", [("abandon", 180), ("asa", 180), ("asa", None), ("occupancy", 180),
                                              ("occupancy", None)])  # (Erlang C: nobody abandons)
def test_each_target_binds_in_some_case(target, patience):
    """Abandonment, ASA and the occupancy cap each raise the requirement above what a loose service
    level alone needs (so a search ignoring one of them fails here)."""
    loose = targets(0.3, 20)
    strict = {"abandon": targets(0.3, 20, abandon=0.01), "asa": targets(0.3, 20, asa=3.0),
              "occupancy": targets(0.3, 20, occupancy=0.8)}[target]
    q = queue(900, 240, patience)
    alone, _ = smallest_agents(q, loose)
    bound, m = smallest_agents(q, strict)
    assert bound > alone
    assert bound == brute_force(q.rate, q.handle, patience, strict)
    previous = erlang_a_metrics(q.rate, q.handle, bound - 1, patience, 20.0)
    missed = {"abandon": previous.p_abandon > 0.01, "asa": previous.asa > 3.0, "occupancy": previous.occupancy > 0.8}
    assert missed[target]


def test_no_calls_need_no_agents():
    assert smallest_agents(Queue(0.0, math.nan, 0.0), targets()) == (0, None)


@pytest.mark.parametrize("patience,given", [(None, r" \(the offered load is 1,000,000 erlangs\)"),
                                            (10.0, r" \(the formula gives service_level [0-9.e-]+ with them\)")])
def test_a_target_needing_more_than_max_agents_names_its_field(patience, given):
    """A million erlangs (a million calls an hour of an hour each) need more than MAX_AGENTS."""
    with pytest.raises(ConfigError, match=rf"^staffing\.targets\.service_level: cannot be met for q with up to "
                                          rf"100,000 agents{given}"):
        smallest_agents(queue(1e6, 3600, patience), targets(0.5, 20), where=" for q")


@pytest.mark.parametrize("erlangs,shrinkage,paid", [(7, 0.3, 10), (14, 0.3, 20), (15, 0.3, 22), (9, 0.0, 9),
                                                     (0, 0.5, 0), (3, 0.25, 4), (1, 0.99, 100),
                                                     (1, 0.9, 10), (9, 0.9, 90)])  # 9 / (1 - 0.9) is 90.00000000000001
def test_paid_agents_gross_up_the_requirement_for_shrinkage(erlangs, shrinkage, paid):
    assert paid_agents(erlangs, shrinkage) == paid  # by hand: ceil(erlangs / (1 - shrinkage))


def two_type_scenario(**kpi):
    """Two hour-long intervals. Group ``front`` is the first choice of types a and b (b handled
    twice as fast there); group ``back`` of type c (and a's overflow)."""
    return build_scenario({
        "name": "pool", "horizon": {"kind": "day", "interval_minutes": 60, "intervals": 2, "day_start": "08:00"},
        "call_types": {
            "a": {"volumes": [360, 0], "talk_time": {"kind": "exponential", "mean": 100},
                  "wrapup_time": {"kind": "deterministic", "mean": 20},
                  "patience": {"kind": "exponential", "mean": 200}, "route": [{"group": "front"}, {"group": "back"}]},
            "b": {"volumes": [720, 360], "talk_time": {"kind": "lognormal", "mean": 200, "cv": 1.0},
                  "route": [{"group": "front"}]},
            "c": {"volumes": [36, 0], "talk_time": {"kind": "exponential", "mean": 50},
                  "patience": {"kind": "exponential", "mean": 100}, "route": [{"group": "back"}, {"group": "front"}]},
        },
        "groups": {"front": {"headcount": 1, "speed": {"b": 2.0}}, "back": {"headcount": 1}},
        "kpi": kpi or {"sl_threshold": 20, "sl_target": 0.8},
    })


def test_pooling_by_hand_on_two_groups():
    scenario = two_type_scenario()
    found = requirements(scenario, targets(), "erlang_a", 0.2)
    table = found.table.set_index(["interval", "group"])
    # interval 0, front: a 0.1/s with 100 + 20 s, b 0.2/s with 200 / 2 s, only a abandons
    front = table.loc[(0, "front")]
    assert front.calls == pytest.approx(1080)
    assert front.aht == pytest.approx((0.1 * 120 + 0.2 * 100) / 0.3)  # 106.67 s
    assert front.load_erlangs == pytest.approx(32.0)
    assert front.patience == pytest.approx(0.3 / (0.1 / 200))  # 600 s: 1 / (arrival-weighted 1 / patience)
    assert front.erlang == brute_force(0.3, 320 / 3, 600, targets())
    assert front.paid == math.ceil(front.erlang / 0.8)
    # interval 1, front: b alone, nobody abandons: Erlang C
    later = table.loc[(1, "front")]
    assert (later.calls, later.aht, later.load_erlangs) == pytest.approx((360, 100, 10))
    assert math.isnan(later.patience) and later.erlang == brute_force(0.1, 100, None, targets())
    # back: c only (a's overflow does not count); no calls in interval 1
    back = table.loc[(0, "back")]
    assert (back.calls, back.aht, back.patience) == pytest.approx((36, 50, 100))
    assert back.erlang == brute_force(0.01, 50, 100, targets())
    empty = table.loc[(1, "back")]
    assert (empty.calls, empty.erlang, empty.paid) == (0, 0, 0) and math.isnan(empty.service_level)
    assert found.headcounts == {"front": (front.erlang, later.erlang), "back": (back.erlang, 0)}
    m = erlang_a_metrics(0.3, 320 / 3, int(front.erlang), 600, 20)
    assert (front.service_level, front.abandon_rate, front.asa, front.occupancy) == pytest.approx(
        (m.service_level, m.p_abandon, m.asa, m.occupancy))


def test_erlang_c_model_ignores_patience():
    found = requirements(two_type_scenario(), targets(), "erlang_c").table.set_index(["interval", "group"])
    assert found.patience.isna().all()
    assert found.loc[(0, "front")].erlang == brute_force(0.3, 320 / 3, None, targets())
    assert (found.abandon_rate.dropna() == 0).all()


def test_steady_state_has_one_requirement_for_the_run():
    from sim.model.scenario_files import load_scenario

    scenario = build_scenario(load_scenario("single_queue"))
    found = requirements(scenario, targets())
    assert len(found.table) == 1 and found.table.interval.iloc[0] == "all"
    assert found.table.calls.iloc[0] == pytest.approx(600 * 102)  # 2 h warm-up + 100 h
    needed = brute_force(600 / 3600, 240, 180, targets())
    assert found.headcounts == {"agents": (needed,) * scenario.n_intervals}


@pytest.mark.parametrize("model,shrinkage,field", [("erlang_b", 0.0, "staffing.model"),
                                                   ("erlang_a", 1.0, "staffing.shrinkage"),
                                                   ("erlang_a", -0.1, "staffing.shrinkage")])
def test_bad_settings_name_the_field(model, shrinkage, field):
    with pytest.raises(ConfigError, match=rf"^{field}: "):
        requirements(two_type_scenario(), targets(), model, shrinkage)
