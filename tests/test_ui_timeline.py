"""The what-if page's timeline (sim.ui.timeline): calls waiting and agents idle / busy on own
calls / busy on overflow calls at given times, counted by hand on tiny made-up days (one with
transfers: every leg counted); and, on real runs, that the agents counted add up to the agents
on duty and average to the KPI tables' busy agents, agents on duty and calls waiting."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.model.scenario import build_scenario
from sim.ui.timeline import day_timeline, interval_kpis, own_groups

NAN = float("nan")


def tiny_scenario():
    """Two types, two groups; type b overflows from its own group gb to ga after 30 s."""
    return build_scenario({
        "name": "tiny", "horizon": {"kind": "day", "interval_minutes": 5, "intervals": 2, "day_start": "09:00"},
        "call_types": {
            "a": {"volumes": [1, 1], "talk_time": {"kind": "exponential", "mean": 60}, "route": [{"group": "ga"}]},
            "b": {"volumes": [1, 1], "talk_time": {"kind": "exponential", "mean": 60},
                  "route": [{"group": "gb"}, {"group": "ga", "delay": 30}]},
        },
        "groups": {"ga": {"headcount": 3}, "gb": {"headcount": 1}},
    })


def tiny_results():
    """Five calls (arrival, wait, outcome, group, agent, answer, end) and four agents' spells."""
    calls = pd.DataFrame.from_records([
        ("a", 30, 0, "answered", "ga", 0, 30, 200, 170, 0),  # ga agent 0 busy 30-200, own call
        ("a", 50, 100, "answered", "ga", 1, 150, 350, 200, 50),  # waits 50-150; ga agent 1 busy 150-400 (wrap-up
        # from 350, when the caller left): own call
        ("b", 70, 40, "answered", "ga", 2, 110, 250, 140, 0),  # waits 70-110; ga agent 2 busy 110-250: overflow
        ("b", 100, 90, "abandoned", None, -1, NAN, 190, 0, 0),  # waits 100-190, hangs up
        ("b", 300, 0, "answered", "gb", 3, 300, 450, 150, 50),  # gb agent 3 busy 300-500, own call
        ("a", 590, NAN, "unfinished", None, -1, NAN, NAN, 0, 0),  # still in the IVR-less queue at the end: no wait known
    ], columns=["call_type", "arrival", "wait", "outcome", "group", "agent", "answer_time", "end_time", "talk", "wrapup"])
    agents = pd.DataFrame({"agent": [0, 1, 2, 3], "group_name": ["ga", "ga", "ga", "gb"],
                           "start": [0.0, 0.0, 0.0, 0.0], "end": [600.0, 600.0, 600.0, 500.0]})
    intervals = pd.DataFrame({"interval": [0, 0, 1, 1], "start": ["09:00", "09:00", "09:05", "09:05"],
                              "call_type": ["a", "total", "a", "total"], "service_level": [1, 0.5, 1, 1.0],
                              "asa": [0, 20.0, 0, 5.0], "abandon_rate": [0, 0.25, 0, 0.0]})
    group_intervals = pd.DataFrame({"interval": [0, 0, 1, 1], "group": ["ga", "gb", "ga", "gb"],
                                    "busy": [500.0, 0.0, 300.0, 200.0], "available": [900.0, 300.0, 900.0, 200.0]})
    return SimpleNamespace(scenario=tiny_scenario(), calls=calls, agents=agents, intervals=intervals,
                           group_intervals=group_intervals)


def test_own_groups_are_the_first_route_steps():
    assert own_groups(tiny_scenario()) == {"a": {"ga"}, "b": {"gb"}}


@pytest.mark.parametrize("t, waiting_a, waiting_b, ga, gb", [
    # t: (idle, own, overflow) per group
    (0, 0, 0, (3, 0, 0), (1, 0, 0)),
    (60, 1, 0, (2, 1, 0), (1, 0, 0)),
    (120, 1, 1, (1, 1, 1), (1, 0, 0)),
    (180, 0, 1, (0, 2, 1), (1, 0, 0)),
    (240, 0, 0, (1, 1, 1), (1, 0, 0)),
    (300, 0, 0, (2, 1, 0), (0, 1, 0)),
    (360, 0, 0, (2, 1, 0), (0, 1, 0)),  # ga agent 1 in wrap-up after the caller left at 350
    (420, 0, 0, (3, 0, 0), (0, 1, 0)),
    (540, 0, 0, (3, 0, 0), (0, 0, 0)),  # gb's agent went home at 500
])
def test_counts_at_given_times(t, waiting_a, waiting_b, ga, gb):
    timeline = day_timeline(tiny_results(), step_seconds=60)
    k = int(np.flatnonzero(timeline.times == t)[0])
    assert (timeline.waiting["a"][k], timeline.waiting["b"][k]) == (waiting_a, waiting_b)
    assert (timeline.idle["ga"][k], timeline.own["ga"][k], timeline.overflow["ga"][k]) == ga
    assert (timeline.idle["gb"][k], timeline.own["gb"][k], timeline.overflow["gb"][k]) == gb


def test_clock_and_intervals():
    timeline = day_timeline(tiny_results(), step_seconds=60)
    assert timeline.clock[0] == "09:00" and timeline.clock[5] == "09:05" and timeline.clock[-1] == "09:10"
    assert timeline.interval.tolist() == [0] * 5 + [1] * 6  # the end belongs to the last interval


def test_interval_kpis_take_the_total_row_and_pool_the_groups_occupancy():
    kpis = interval_kpis(tiny_results())
    assert kpis.service_level.tolist() == [0.5, 1.0] and kpis.asa.tolist() == [20.0, 5.0]
    assert kpis.occupancy.tolist() == pytest.approx([500 / 1200, 500 / 1100])


def test_a_real_day_adds_up():
    """On the default scenario: idle + own + overflow = agents on duty by the log; only the
    bilingual group takes overflow calls (it is every other type's second step)."""
    from sim.simulate import simulate

    results = simulate("default", seed=3, engine="auto")
    timeline = day_timeline(results, step_seconds=120)
    for group in timeline.idle:
        spells = results.agents[results.agents.group_name == group]
        on_duty = [int(((spells.start <= t) & (t < spells.end)).sum()) for t in timeline.times]
        assert (timeline.idle[group] + timeline.own[group] + timeline.overflow[group]).tolist() == on_duty
        assert timeline.idle[group].min() >= 0
    assert timeline.overflow["bilingual"].max() > 0
    assert all(timeline.overflow[g].max() == 0 for g in ("retail_team", "sales_team", "stocks_team"))
    assert all(w.min() >= 0 for w in timeline.waiting.values()) and timeline.waiting["retail"].max() > 0


def blended_results(mode: str):
    """The blended scenario (groups inbound_only, blended, outbound_team) with a handful of calls
    and dial attempts written by hand; ``mode``: the campaign's dialling mode."""
    import copy

    from sim.core.records import AttemptRecords
    from sim.simulate import load_scenario_file

    config = copy.deepcopy(load_scenario_file("blended"))
    if mode == "preview":
        config["campaigns"]["renewals"]["dialler"] = {"mode": "preview"}
    calls = pd.DataFrame.from_records([
        ("service", 100, 0, "answered", "inbound_only", 0, 100, 400, 300, 0),
        ("service", 500, 0, "answered", "blended", 1, 500, 700, 200, 0),  # blended is on service's route: own
    ], columns=["call_type", "arrival", "wait", "outcome", "group", "agent", "answer_time", "end_time", "talk", "wrapup"])
    agents = pd.DataFrame({"agent": [0, 1, 2, 3], "group_name": ["inbound_only", "blended", "outbound_team", "outbound_team"],
                           "start": [0.0] * 4, "end": [3600.0] * 4})
    attempts = AttemptRecords.from_rows([
        # campaign, record, attempt, dial, result, resolve, group, agent, connect, end, talk, wrapup, nuisance
        (0, 0, 0, 960.0, 0, 972.0, 1, 1, 972.0, 1272.0, 300.0, 60.0, False),  # blended agent 1: 972-1332
        (0, 1, 0, 960.0, 3, 985.0, 2, 3, NAN, 985.0, 0.0, 0.0, False),  # rings 960-985, nobody answers
        (0, 2, 0, 1100.0, 0, 1110.0, 2, 2, 1110.0, 1210.0, 100.0, 20.0, False),  # team agent 2: 1110-1230
        (0, 3, 0, 1200.0, 0, 1204.0, -1, -1, NAN, 1206.0, 0.0, 0.0, True),  # a nuisance call: no agent
    ])
    return SimpleNamespace(scenario=build_scenario(config), calls=calls, agents=agents, attempts=attempts,
                           intervals=tiny_results().intervals, group_intervals=tiny_results().group_intervals)


@pytest.mark.parametrize("mode, t, blended, team", [
    # t: (idle, own, outbound) of the blended group and of the outbound team (2 agents)
    ("predictive", 600, (0, 1, 0), (2, 0, 0)),
    ("predictive", 960, (1, 0, 0), (2, 0, 0)),  # predictive: agents do not wait for the ringing
    ("predictive", 1020, (0, 0, 1), (2, 0, 0)),
    ("predictive", 1140, (0, 0, 1), (1, 0, 1)),
    ("predictive", 1320, (0, 0, 1), (2, 0, 0)),  # wrap-up of the blended agent's call until 1332
    ("predictive", 1380, (1, 0, 0), (2, 0, 0)),
    ("preview", 960, (0, 0, 1), (1, 0, 1)),  # preview: the dialling agents are busy while it rings
    ("preview", 1020, (0, 0, 1), (2, 0, 0)),  # the unanswered attempt stopped ringing at 985
])
def test_agents_on_outbound_work_are_busy_on_outbound(mode, t, blended, team):
    timeline = day_timeline(blended_results(mode), step_seconds=60)
    k = int(np.flatnonzero(timeline.times == t)[0])
    assert (timeline.idle["blended"][k], timeline.own["blended"][k], timeline.outbound["blended"][k]) == blended
    assert (timeline.idle["outbound_team"][k], timeline.own["outbound_team"][k],
            timeline.outbound["outbound_team"][k]) == team
    assert timeline.outbound["inbound_only"][k] == 0 and timeline.own["inbound_only"][k] == int(100 <= t < 400)


def test_a_real_blended_day_adds_up():
    """On the blended scenario: idle + own + overflow + outbound = agents on duty, nobody idle
    below zero, and the outbound count is that of the attempts' work counted one by one."""
    from sim.simulate import simulate

    results = simulate("blended", seed=2, engine="fast")
    timeline = day_timeline(results, step_seconds=300)
    a = results.attempts
    groups = [g.name for g in results.scenario.groups]
    for index, group in enumerate(groups):
        spells = results.agents[results.agents.group_name == group]
        on_duty = [int(((spells.start <= t) & (t < spells.end)).sum()) for t in timeline.times]
        parts = timeline.idle[group] + timeline.own[group] + timeline.overflow[group] + timeline.outbound[group]
        assert parts.tolist() == on_duty and timeline.idle[group].min() >= 0
        talking = [sum(1 for i in range(len(a)) if a.group[i] == index and not np.isnan(a.connect_time[i])
                       and a.connect_time[i] <= t < a.connect_time[i] + a.talk[i] + a.wrapup[i]) for t in timeline.times]
        assert timeline.outbound[group].tolist() == talking  # predictive: talk and wrap-up only
    assert timeline.outbound["inbound_only"].max() == 0
    assert timeline.outbound["blended"].max() > 0 and timeline.outbound["outbound_team"].max() > 0


def test_busy_agents_average_to_the_group_tables_busy_time():
    """Sampled every second, own + overflow + outbound averages over each interval to the group
    table's busy agents (which count outbound work: sim.kpi.definitions), and idle + those to
    its agents on duty; each piece of work moves an average by at most 1 s / 1800 s when sampled."""
    from sim.simulate import simulate

    results = simulate("blended", seed=1, engine="fast")
    timeline = day_timeline(results, step_seconds=1)
    length = results.scenario.interval_length
    table = results.group_intervals.set_index(["group", "interval"])
    for group in timeline.idle:
        busy = timeline.own[group] + timeline.overflow[group] + timeline.outbound[group]
        for n in (12, 14, 16, 20):  # 14:00-18:00 and 18:00: the campaign dials from 14:00
            inside = (timeline.times >= n * length) & (timeline.times < (n + 1) * length)
            assert busy[inside].mean() == pytest.approx(table.loc[(group, n), "busy"], abs=0.05), (group, n)
            assert (busy + timeline.idle[group])[inside].mean() == pytest.approx(table.loc[(group, n), "available"],
                                                                                 abs=0.05)


def ivr_results():
    """Calls dial "menu", whose IVR sends them to queue a (group ga) or b (group gb)."""
    scenario = build_scenario({
        "name": "tiny_ivr", "horizon": {"kind": "day", "interval_minutes": 5, "intervals": 2, "day_start": "09:00"},
        "call_types": {
            "menu": {"volumes": [1, 1], "talk_time": {"kind": "exponential", "mean": 60}, "route": [{"group": "ga"}],
                     "ivr": {"duration": {"kind": "exponential", "mean": 60}, "finish": 0.2, "hang_up": 0.0,
                             "zero_out": {"a": 0.4, "b": 0.4}}},
            "a": {"arrival_rate": 0.0, "talk_time": {"kind": "exponential", "mean": 60}, "route": [{"group": "ga"}]},
            "b": {"arrival_rate": 0.0, "talk_time": {"kind": "exponential", "mean": 60}, "route": [{"group": "gb"}]},
        },
        "groups": {"ga": {"headcount": 1}, "gb": {"headcount": 1}},
    })
    calls = pd.DataFrame.from_records([
        # call type, arrival, menu's end, queue, wait, outcome, group, agent, answer, end, talk, wrap-up
        ("menu", 0, 60, "a", 30, "answered", "ga", 0, 90, 190, 100, 0),  # waits in a 60-90; ga busy 90-190
        ("menu", 20, 50, "b", 100, "abandoned", None, -1, NAN, 150, 0, 0),  # waits in b 50-150
        ("menu", 30, 80, "", NAN, "self_served", None, -1, NAN, 80, 0, 0),  # never queues
        ("menu", 500, NAN, "", NAN, "unfinished", None, -1, NAN, NAN, 0, 0),  # still in the menu at the end
        ("menu", 560, 580, "a", NAN, "unfinished", None, -1, NAN, NAN, 0, 0),  # waits in a from 580 to the end
    ], columns=["call_type", "arrival", "ivr_end", "queue", "wait", "outcome", "group", "agent", "answer_time",
                "end_time", "talk", "wrapup"])
    agents = pd.DataFrame({"agent": [0, 1], "group_name": ["ga", "gb"], "start": [0.0] * 2, "end": [600.0] * 2})
    tables = tiny_results()
    return SimpleNamespace(scenario=scenario, calls=calls, agents=agents, intervals=tables.intervals,
                           group_intervals=tables.group_intervals)


@pytest.mark.parametrize("t, menu, a, b, ga_own", [
    (40, 0, 0, 0, 0),  # callers in the menu wait in no queue
    (70, 0, 1, 1, 0),
    (100, 0, 0, 1, 1),
    (160, 0, 0, 0, 1),
    (600, 0, 1, 0, 0),
])
def test_with_an_ivr_calls_wait_in_the_menus_queue_from_its_end(t, menu, a, b, ga_own):
    timeline = day_timeline(ivr_results(), step_seconds=10)
    k = int(np.flatnonzero(timeline.times == t)[0])
    assert (timeline.waiting["menu"][k], timeline.waiting["a"][k], timeline.waiting["b"][k]) == (menu, a, b)
    assert timeline.own["ga"][k] == ga_own


def transfer_results():
    """Type a (group ga) transfers to type b (group gb, overflowing to ga after 30 s): four
    callers, their first legs as calls and every leg in ``legs``; three agents on duty 0-600."""
    scenario = build_scenario({
        "name": "tiny_transfers", "horizon": {"kind": "day", "interval_minutes": 5, "intervals": 2, "day_start": "09:00"},
        "call_types": {
            "a": {"volumes": [1, 1], "talk_time": {"kind": "exponential", "mean": 60}, "route": [{"group": "ga"}],
                  "transfer": {"probability": 0.5, "to": {"b": 1.0}, "consult": {"kind": "exponential", "mean": 20}}},
            "b": {"arrival_rate": 0.0, "talk_time": {"kind": "exponential", "mean": 60},
                  "route": [{"group": "gb"}, {"group": "ga", "delay": 30}]},
        },
        "groups": {"ga": {"headcount": 2}, "gb": {"headcount": 1}},
    })
    legs = pd.DataFrame.from_records([
        # call, leg, queue, joined, outcome, wait, group, agent, start, end_time, talk, wrapup, consult
        (0, 0, "a", 0, "answered", 0, "ga", 0, 0, 120, 100, 30, 20),  # ga agent 0 busy 0-150 (talk, consult, wrap-up)
        (0, 1, "b", 120, "answered", 60, "gb", 2, 180, 300, 120, 0, 0),  # waits in b 120-180; gb agent 2 busy 180-300
        (1, 0, "a", 30, "answered", 0, "ga", 1, 30, 90, 60, 0, 0),  # ga agent 1 busy 30-90, transferred without consult
        (1, 1, "b", 90, "answered", 60, "ga", 0, 150, 250, 100, 20, 0),  # waits in b 90-150; ga agent 0 busy 150-270: overflow
        (2, 0, "a", 60, "answered", 30, "ga", 1, 90, 180, 60, 0, 30),  # waits in a 60-90; ga agent 1 busy 90-180
        (2, 1, "b", 180, "abandoned", 60, None, -1, NAN, 240, 0, 0, 0),  # waits in b 180-240, hangs up
        (3, 0, "a", 590, "unfinished", NAN, None, -1, NAN, NAN, 0, 0, 0),  # still waiting in a at the end
    ], columns=["call_id", "leg", "queue", "joined", "outcome", "wait", "group", "agent", "start", "end_time", "talk",
                "wrapup", "consult"])
    first = legs[legs.leg == 0]
    calls = pd.DataFrame({"call_type": first.queue, "arrival": first.joined, "wait": first.wait, "outcome": first.outcome,
                          "group": first.group, "agent": first.agent, "answer_time": first.start,
                          "end_time": first.end_time, "talk": first.talk, "wrapup": first.wrapup})
    agents = pd.DataFrame({"agent": [0, 1, 2], "group_name": ["ga", "ga", "gb"], "start": [0.0] * 3, "end": [600.0] * 3})
    tables = tiny_results()
    return SimpleNamespace(scenario=scenario, calls=calls, legs=legs, agents=agents, intervals=tables.intervals,
                           group_intervals=tables.group_intervals)


@pytest.mark.parametrize("t, waiting_a, waiting_b, ga, gb", [
    # t: (idle, own, overflow) per group
    (0, 0, 0, (1, 1, 0), (1, 0, 0)),
    (60, 1, 0, (0, 2, 0), (1, 0, 0)),
    (100, 0, 1, (0, 2, 0), (1, 0, 0)),  # agent 0 consults (100-120): busy
    (140, 0, 2, (0, 2, 0), (1, 0, 0)),  # agent 0 in its wrap-up after the consult, agent 1 talks
    (160, 0, 1, (0, 1, 1), (1, 0, 0)),  # agent 0 took call 1's transferred leg (b) by overflow; agent 1 consults
    (200, 0, 1, (1, 0, 1), (0, 1, 0)),  # call 0's transferred leg with gb's agent; call 2's leg waits in b
    (250, 0, 0, (1, 0, 1), (0, 1, 0)),
    (280, 0, 0, (2, 0, 0), (0, 1, 0)),
    (300, 0, 0, (2, 0, 0), (1, 0, 0)),
    (600, 1, 0, (0, 0, 0), (0, 0, 0)),  # the unfinished call waits to the end; the agents went home
])
def test_with_transfers_every_leg_waits_in_its_queue_and_is_served_at_its_group(t, waiting_a, waiting_b, ga, gb):
    timeline = day_timeline(transfer_results(), step_seconds=10)
    k = int(np.flatnonzero(timeline.times == t)[0])
    assert (timeline.waiting["a"][k], timeline.waiting["b"][k]) == (waiting_a, waiting_b)
    assert (timeline.idle["ga"][k], timeline.own["ga"][k], timeline.overflow["ga"][k]) == ga
    assert (timeline.idle["gb"][k], timeline.own["gb"][k], timeline.overflow["gb"][k]) == gb


def without_transfers(config: dict) -> dict:
    import copy

    config = copy.deepcopy(config)
    del config["call_types"]["support"]["transfer"], config["call_types"]["escalated"]
    config["groups"].pop("tier2")
    return config


@pytest.mark.parametrize("transfers", [True, False])
def test_a_real_support_desk_day_averages_to_the_kpi_tables(transfers):
    """The support desk (IVR, callbacks, redials, escalation to tier 2 after a consult), and the
    same without escalation (an IVR without transfers: calls wait from the menu's end in the queue
    it chose): sampled every second, each group's busy agents (own + overflow) and agents on duty
    average over each interval to the group table's busy and available agents, and the calls
    waiting per type to the interval table's avg_queue (each piece moves an average by at most
    1 s / 1800 s when sampled)."""
    from sim.simulate import load_scenario_file, simulate

    config = load_scenario_file("support_desk")
    results = simulate(config if transfers else without_transfers(config), seed=4, engine="fast")
    assert (results.legs is not None) == transfers
    timeline = day_timeline(results, step_seconds=1)
    length = results.scenario.interval_length
    groups = results.group_intervals.set_index(["group", "interval"])
    calls = results.intervals.set_index(["call_type", "interval"])
    for n in range(results.scenario.n_intervals):
        inside = (timeline.times >= n * length) & (timeline.times < (n + 1) * length)
        for group in timeline.idle:
            busy = timeline.own[group] + timeline.overflow[group]
            assert busy[inside].mean() == pytest.approx(groups.loc[(group, n), "busy"], abs=0.05), (group, n)
            assert (busy + timeline.idle[group])[inside].mean() == pytest.approx(groups.loc[(group, n), "available"],
                                                                                 abs=0.05), (group, n)
            assert timeline.idle[group].min() >= 0
        for call_type, waiting in timeline.waiting.items():
            assert waiting[inside].mean() == pytest.approx(calls.loc[(call_type, n), "avg_queue"], abs=0.05), (call_type, n)
    if transfers:  # tier 2 works, and escalated calls queue, on this day
        assert timeline.own["tier2"].max() >= 3 and timeline.waiting["escalated"].max() >= 1
