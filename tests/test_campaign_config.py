"""Validation of outbound campaigns and blending (sim.model.campaigns) and the blending short
overrides (sim.model.short_overrides): what a valid config becomes in the Scenario's units, and
that each bad value is a one-line ConfigError naming its field. The expected values are
written from the config's documented meaning (sim/model/config.py, README), not from runs."""

import copy
import math

import pytest

import sim
from sim.cli import apply_shortcuts, run
from sim.core import protocol
from sim.errors import ConfigError
from sim.model.campaigns import RESULTS, Blending
from sim.model.scenario import build_scenario

from test_cli import composed

# 8 intervals of 60 min from 08:00; 'desk' serves inbound (blended), 'callers' serves none (dedicated).
BASE = {
    "name": "outbound",
    "horizon": {"kind": "day", "intervals": 8, "interval_minutes": 60, "day_start": "08:00"},
    "call_types": {"calls": {"arrival_rate": 20, "talk_time": {"kind": "exponential", "mean": 200},
                             "route": [{"group": "desk"}]}},
    "groups": {"desk": {"headcount": 3}, "callers": {"headcount": 2}},
    "campaigns": {"sales": {"groups": ["callers", "desk"]}},
}


def scenario(**changes):
    """BASE with ``changes`` ('a.b.c' paths; a value of None deletes nothing, it sets null)."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return data


def campaign(**changes):
    return build_scenario(scenario(**{f"campaigns.sales.{k}": v for k, v in changes.items()})).campaigns[0]


def error(data) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        build_scenario(data)
    assert "\n" not in str(info.value)
    return info.value


# -- what a valid campaign becomes ---------------------------------------------------------------

def test_defaults_in_the_scenario_units():
    c = campaign()
    assert c.name == "sales" and c.index == 0 and c.groups == (1, 0)
    assert c.list_size == -1  # null: unlimited
    assert c.dial_open == (True,) * 8  # null window: the whole horizon
    assert c.mode == "progressive" and c.calls_per_agent == 1 and c.nuisance_wait == 2.0 and c.nuisance_cap == 0.03
    assert c.probabilities == ((0.30, 0.05, 0.10, 0.40, 0.15),) * 8
    assert c.ring.kind == "deterministic" and c.ring.mean == 12.0 and c.wrapup is None
    assert c.max_attempts == 3
    assert build_scenario(scenario()).blending == Blending("threshold", 0, 0.0)


def test_blended_flags_come_from_the_routes():
    """A campaign's group is blended iff some call type's route lists it, also as a late overflow."""
    assert campaign().blended == (False, True)
    data = scenario(**{"call_types.calls.route": [{"group": "desk"}, {"group": "callers", "delay": 600}]})
    assert build_scenario(data).campaigns[0].blended == (True, True)
    data = scenario(**{"call_types.calls.route": [{"group": "desk"}], "campaigns.sales.groups": ["callers"]})
    assert build_scenario(data).campaigns[0].blended == (False,)


@pytest.mark.parametrize("size, expected", [(None, -1), (0, 0), (1, 1), (250_000, 250_000)])
def test_list_size_null_is_unlimited(size, expected):
    assert campaign(list_size=size).list_size == expected


def test_constant_and_per_interval_probabilities():
    per_interval = [0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.35, 0.35]
    c = campaign(outcomes={"right_party": per_interval, "wrong_party": 0.05, "busy": 0.05,
                           "no_answer": [0.75 - p for p in per_interval], "machine": 0.15})
    for j, row in enumerate(c.probabilities):
        assert row == pytest.approx((per_interval[j], 0.05, 0.05, 0.75 - per_interval[j], 0.15))
    assert RESULTS == ("right_party", "wrong_party", "busy", "no_answer", "machine")  # the rows' order


def test_retry_delays_are_seconds_and_null_is_never():
    c = campaign(retry={"max_attempts": 5, "busy_minutes": 10, "no_answer_minutes": 0.5, "machine_minutes": None,
                        "nuisance_minutes": 4320})
    delay = dict(zip(protocol.DIAL_RESULT_NAMES, c.retry_delay))
    assert c.max_attempts == 5 and len(c.retry_delay) == len(RESULTS) + 1
    assert delay["busy"] == 600 and delay["no_answer"] == 30 and delay["machine"] == math.inf
    assert c.retry_delay[protocol.NUISANCE_RETRY] == 4320 * 60
    assert delay["right_party"] == delay["wrong_party"] == math.inf  # a live answer put through is finished


# -- dialling hours -------------------------------------------------------------------------------

def open_intervals(c):
    return [j for j, on in enumerate(c.dial_open) if on]


@pytest.mark.parametrize("window, expected", [
    ({"dial_from": "10:00"}, [2, 3, 4, 5, 6, 7]),
    ({"dial_until": "10:00"}, [0, 1]),
    ({"dial_from": "09:00", "dial_until": "12:00"}, [1, 2, 3]),
    ({"dial_from": "08:00", "dial_until": "16:00"}, list(range(8))),
    ({"dial_from": "09:00", "dial_until": "12:00", "dial_intervals": [1, 1, 0, 1, 1, 1, 1, 1]}, [1, 3]),
    ({"dial_intervals": [0, 1, 0, 1, 0, 1, 0, 1]}, [1, 3, 5, 7]),
    ({"dial_intervals": [0] * 8}, []),
])
def test_dialling_hours_per_interval(window, expected):
    assert open_intervals(campaign(**window)) == expected


@pytest.mark.parametrize("window, expected", [
    ({"dial_from": "22:00", "dial_until": "02:00"}, [2, 3, 4, 5]),  # across midnight
    ({"dial_from": "01:00"}, [5, 6, 7]),  # a time before day_start is on the next day
    ({"dial_until": "01:00"}, [0, 1, 2, 3, 4]),
    ({"dial_from": "20:00", "dial_until": "04:00"}, list(range(8))),
])
def test_dialling_hours_past_midnight(window, expected):
    night = scenario(**{"horizon.day_start": "20:00", **{f"campaigns.sales.{k}": v for k, v in window.items()}})
    assert open_intervals(build_scenario(night).campaigns[0]) == expected


def test_dialling_hours_on_a_quarter_hour_grid():
    data = scenario(**{"horizon.interval_minutes": 15, "horizon.intervals": 8, "campaigns.sales.dial_from": "08:45"})
    assert open_intervals(build_scenario(data).campaigns[0]) == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("field, value, text", [
    ("dial_from", "10:20", "10:00 or 11:00"), ("dial_until", "09:30", "09:00 or 10:00"),
    ("dial_from", "17:00", "inside the horizon (08:00 to 16:00)"),
    ("dial_from", "07:00", "inside the horizon"),
    ("dial_until", "17:00", "inside the horizon"),
    ("dial_until", "08:00", "08:00 the next day"),
    ("dial_from", "7:3O", "HH:MM"), ("dial_from", 780, "quote it"),
])
def test_dialling_hours_off_the_grid_or_outside_the_horizon(field, value, text):
    e = error(scenario(**{f"campaigns.sales.{field}": value}))
    assert e.field == f"campaigns.sales.{field}" and text in str(e)


@pytest.mark.parametrize("values, field", [([1, 1, 1], "dial_intervals"), ([1, 0, 2, 1, 1, 1, 1, 1], "dial_intervals[2]"),
                                           ([1, 0, -1, 1, 1, 1, 1, 1], "dial_intervals[2]")])
def test_dial_intervals_are_one_0_or_1_per_interval(values, field):
    e = error(scenario(**{"campaigns.sales.dial_intervals": values}))
    assert e.field == f"campaigns.sales.{field}"
    assert ("8 intervals" in str(e)) if field == "dial_intervals" else ("between 0 and 1" in str(e))


# -- each bad value names its field ---------------------------------------------------------------

PROBABILITIES = {"right_party": 0.3, "wrong_party": 0.05, "busy": 0.1, "no_answer": 0.4, "machine": 0.15}


@pytest.mark.parametrize("change, field, text", [
    ({"outcomes.busy": -0.1}, "outcomes.busy", "between 0 and 1"),
    ({"outcomes.busy": 1.5}, "outcomes.busy", "between 0 and 1"),
    ({"outcomes.machine": float("nan")}, "outcomes.machine", "between 0 and 1"),
    ({"outcomes.busy": "often"}, "outcomes.busy", "a list of one per interval"),
    ({"outcomes.busy": [0.1] * 7}, "outcomes.busy", "7 values but the run has 8 intervals"),
    ({"outcomes.busy": [0.1] * 7 + [1.2]}, "outcomes.busy[7]", "between 0 and 1"),
    ({"outcomes.busy": 0.2}, "outcomes", "sum to 1.1: they must sum to 1"),
    ({"outcomes.busy": [0.1] * 5 + [0.15] * 3}, "outcomes", "in interval 5 (13:00)"),
    ({"dialler.mode": "manual"}, "dialler.mode", "(allowed: preview, progressive, predictive)"),
    ({"dialler.calls_per_agent": 0}, "dialler.calls_per_agent", "between 1 and 100"),
    ({"dialler.max_calls_per_agent": 0}, "dialler.max_calls_per_agent", "between 1 and 100"),
    ({"dialler.target_connect": 1.01}, "dialler.target_connect", "between 0 and 1"),
    ({"dialler.nuisance_cap": -0.03}, "dialler.nuisance_cap", "between 0 and 1"),
    ({"dialler.nuisance_wait": -2}, "dialler.nuisance_wait", "between 0 and 86400"),
    ({"dialler.estimate_window": 0}, "dialler.estimate_window", "between 1 and 100,000"),
    ({"list_size": -1}, "list_size", "between 0 and 1,000,000,000"),
    ({"groups": []}, "groups", "lists no group: nobody would work this campaign (allowed: desk, callers)"),
    ({"groups": ["desk", "nobody"]}, "groups[1]", "unknown group 'nobody' (allowed: desk, callers)"),
    ({"groups": ["desk", "desk"]}, "groups[1]", "listed twice"),
    ({"retry.max_attempts": 0}, "retry.max_attempts", "between 1 and 100"),
    ({"retry.busy_minutes": -5}, "retry.busy_minutes", "between 0 and"),
    ({"talk_time.mean": 0}, "talk_time.mean", "mean > 0"),
    ({"ring_time.kind": "ringing"}, "ring_time.kind", "allowed: exponential"),
])
def test_a_bad_campaign_value_names_its_field(change, field, text):
    path, value = next(iter(change.items()))
    data = scenario(**{"campaigns.sales.outcomes": dict(PROBABILITIES), f"campaigns.sales.{path}": value})
    e = error(data)
    assert e.field == f"campaigns.sales.{field}" and text in str(e), str(e)


def test_a_group_works_at_most_one_campaign():
    data = scenario(**{"campaigns.more": {"groups": ["desk"]}})
    e = error(data)
    assert e.field == "campaigns.more.groups" and "already works campaign 'sales'" in str(e)


@pytest.mark.parametrize("blending, field, text", [
    ({"policy": "always"}, "blending.policy", "(allowed: threshold, threshold_no_queue, threshold_sl_floor)"),
    ({"threshold": -1}, "blending.threshold", "between 0 and 100,000"),
    ({"policy": "threshold_sl_floor"}, "blending.sl_floor", "needs a service-level floor"),
    ({"policy": "threshold_sl_floor", "sl_floor": 1.2}, "blending.sl_floor", "between 0 and 1"),
    ({"policy": "threshold_no_queue", "sl_floor": 0.8}, "blending.sl_floor", "used only by blending.policy=threshold_sl_floor"),
])
def test_a_bad_blending_value_names_its_field(blending, field, text):
    e = error(scenario(blending=blending))
    assert e.field == field and text in str(e)


def test_blending_policies_and_floor():
    assert build_scenario(scenario(blending={"policy": "threshold_no_queue", "threshold": 3})).blending == \
        Blending("threshold_no_queue", 3, 0.0)
    assert build_scenario(scenario(blending={"policy": "threshold_sl_floor", "sl_floor": 0.75})).blending == \
        Blending("threshold_sl_floor", 0, 0.75)


def test_a_campaign_whose_agents_are_never_on_duty_is_refused():
    data = scenario(**{"groups.callers.headcount": 0, "campaigns.sales.groups": ["callers"]})
    e = error(data)
    assert e.field == "campaigns.sales.groups" and "no agent of ['callers'] is ever on duty" in str(e)
    # ... unless it never dials: an empty list or every interval switched off
    assert build_scenario(scenario(**{"groups.callers.headcount": 0, "campaigns.sales.groups": ["callers"],
                                      "campaigns.sales.list_size": 0}))
    assert build_scenario(scenario(**{"groups.callers.headcount": 0, "campaigns.sales.groups": ["callers"],
                                      "campaigns.sales.dial_intervals": [0] * 8}))
    # one group of the campaign on duty is enough
    assert build_scenario(scenario(**{"groups.callers.headcount": 0}))


@pytest.mark.parametrize("change, field", [
    ({"ring_time": None}, "ring_time"),  # busy and machine take no time
    ({"ring_time": {"kind": "deterministic", "mean": 0}}, "ring_time"),
    ({"no_answer_time": {"kind": "deterministic", "mean": 0}}, "no_answer_time"),
    ({"ring_time": None, "outcomes": {"right_party": 1.0, "wrong_party": 0.0, "busy": 0.0, "no_answer": 0.0,
                                      "machine": 0.0}, "talk_time": {"kind": "deterministic", "mean": 0}}, "talk_time"),
])
def test_an_unlimited_list_of_attempts_that_take_no_time_is_refused(change, field):
    """The dialler would place endless attempts at one instant; with a list size they are bounded."""
    e = error(scenario(**{f"campaigns.sales.{k}": v for k, v in change.items()}))
    assert e.field == f"campaigns.sales.{field}" and "endless attempts" in str(e)
    assert campaign(list_size=100, **change).list_size == 100


def test_the_markov_form_takes_time_through_its_talk():
    c = campaign(ring_time=None, outcomes={"right_party": 1.0, "wrong_party": 0.0, "busy": 0.0, "no_answer": 0.0,
                                           "machine": 0.0}, talk_time={"kind": "exponential", "mean": 300})
    assert c.ring is None and c.list_size == -1 and c.probabilities[0] == (1.0, 0.0, 0.0, 0.0, 0.0)


# -- the short overrides threshold and outbound_aht -------------------------------------------

def markov_blending(threshold, outbound_aht, **single_queue):
    """The single-queue scenario with, written out by hand, the campaign and policy the short
    overrides stand for (README: "Short overrides")."""
    data = sim.load_scenario("single_queue")
    for key, value in single_queue.items():
        data["call_types"]["calls"][key] = value
    data["campaigns"] = {"outbound": {
        "groups": ["agents"], "list_size": None,
        "dialler": {"mode": "progressive", "calls_per_agent": 1},
        "outcomes": {"right_party": 1, "wrong_party": 0, "busy": 0, "no_answer": 0, "machine": 0},
        "ring_time": None, "talk_time": {"kind": "exponential", "mean": outbound_aht}, "wrapup_time": None}}
    data["blending"] = {"policy": "threshold", "threshold": threshold}
    return build_scenario(data)


@pytest.mark.parametrize("overrides, threshold, outbound_aht", [
    (["threshold=3", "outbound_aht=300"], 3, 300),
    (["threshold=2"], 2, 240),  # outbound_aht: the inbound mean talk time
    (["threshold=2", "aht=180"], 2, 180),  # ... as set by aht
    (["outbound_aht=150"], 0, 150),  # threshold: 0
])
def test_the_short_overrides_build_the_markov_blending_scenario(overrides, threshold, outbound_aht):
    built = build_scenario(apply_shortcuts(composed("scenario=single_queue", *overrides)))
    extra = {"talk_time": {"kind": "exponential", "mean": 180.0}} if "aht=180" in overrides else {}
    assert built == markov_blending(threshold, outbound_aht, **extra)
    c = built.campaigns[0]
    assert c.blended == (True,) and c.probabilities[0][0] == 1 and c.ring is None and c.talk.kind == "exponential"


def test_the_outbound_mean_defaults_to_a_uniform_inbound_talk_mean():
    cfg = composed("scenario=single_queue", "scenario.call_types.calls.talk_time={kind: uniform, low: 100, high: 200}",
                   "scenario.call_types.calls.talk_time.mean=null", "threshold=1")
    assert build_scenario(apply_shortcuts(cfg)).campaigns[0].talk.mean == 150


@pytest.mark.parametrize("overrides, field, text", [
    (["scenario=default", "threshold=2"], "threshold", "scenario.blending.threshold"),
    (["scenario=blended", "outbound_aht=200"], "outbound_aht", "single-queue scenarios"),
    (["scenario=single_queue", "+scenario.campaigns={mine: {groups: [agents]}}", "threshold=1"], "threshold",
     "already has campaigns (mine)"),
    (["scenario=single_queue", "threshold=-1"], "blending.threshold", "between 0"),
    (["scenario=single_queue", "outbound_aht=0"], "campaigns.outbound.talk_time.mean", "mean > 0"),
])
def test_the_short_overrides_refuse_with_one_line(overrides, field, text, tmp_path, capsys):
    with pytest.raises(ConfigError) as info:
        build_scenario(apply_shortcuts(composed(*overrides)))
    assert info.value.field == field and text in str(info.value)
    status = run(composed(*overrides, "output.plots=false"), str(tmp_path), overrides=overrides)
    err = capsys.readouterr().err.strip()
    assert status == 2 and err == f"callsim: invalid input: {info.value}"
    assert not (tmp_path / "run.json").exists()


# -- the shipped blended scenario -------------------------------------------------------------

def test_the_shipped_blended_scenario():
    s = build_scenario(sim.load_scenario("blended"))
    (c,) = s.campaigns
    names = [g.name for g in s.groups]
    assert [names[g] for g in c.groups] == ["outbound_team", "blended"] and c.blended == (False, True)
    assert "inbound_only" not in [names[g] for g in c.groups]
    # dials 14:00-20:00 on a day from 08:00 in 30-minute intervals
    assert [j for j, on in enumerate(c.dial_open) if on] == list(range(12, 24))
    for row in c.probabilities:  # inside the documented industry ranges
        p = dict(zip(RESULTS, row))
        assert 0.20 <= p["right_party"] <= 0.35 and 0.15 <= p["machine"] <= 0.30 and 0.30 <= p["no_answer"] <= 0.40
    assert c.nuisance_cap == 0.03 and c.nuisance_wait == 2.0 and 180 <= c.talk.mean <= 300
    assert s.blending.policy == "threshold" and s.blending.threshold == 2
