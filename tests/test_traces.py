"""Exact traces on tiny deterministic scenarios: who serves whom, and when.

Calls are given explicitly (arrival, talk, wrap-up, patience) and every expected time below is
worked out by hand from the routing rules in sim/core/simpy_engine.py's docstring.
"""

import math

import numpy as np
import pytest

from sim import simulate
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

ONE_TYPE = {"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}]}}


def run(scenario, engine, arrival, call_type, talk, wrapup=None, patience=None):
    inputs = given_calls(scenario, arrival, call_type, talk, wrapup, patience)
    return simulate(scenario, seed=1, engine=engine, inputs=inputs)


def column(results, name):
    return results.calls[name].tolist()


def test_fifo_and_first_free_agent(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount": 2}})
    r = run(scenario, engine, [0, 1, 2, 3], ["a"] * 4, [10, 30, 10, 10])
    # 0 -> agent 0 (both idle since 0, agent 0 logged on first), 1 -> agent 1; 2 and 3 wait for
    # agent 0, free at 10 and again at 20.
    assert column(r, "agent") == [0, 1, 0, 0]
    assert column(r, "answer_time") == [0, 1, 10, 20]
    assert column(r, "end_time") == [10, 31, 20, 30]
    assert column(r, "wait") == [0, 0, 8, 17]


def test_longest_idle_agent_gets_the_call(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount": 3}})
    r = run(scenario, engine, [0, 1, 6, 7, 8], ["a"] * 5, [5, 2, 1, 1, 1])
    # idle since: agent 2 at 0, agent 1 at 3, agent 0 at 5 -> calls at 6, 7, 8 go to 2, 1, 0
    assert column(r, "agent") == [0, 1, 2, 1, 0]


def test_overflow_after_its_delay_and_speed_factor(engine):
    call_types = {"a": {"arrival_rate": 0, "talk_time": deterministic(10),
                        "route": [{"group": "first"}, {"group": "backup", "delay": 10}]}}
    groups = {"first": {"headcount": 1}, "backup": {"headcount": 1, "speed": {"a": 2.0}}}
    scenario = day_scenario(call_types, groups)
    r = run(scenario, engine, [0, 1, 20, 95], ["a"] * 4, [100, 5, 5, 5])
    # 0: first group at once (busy to 100). 1: backup becomes eligible at 1 + 10 = 11.
    # 20: backup is idle but only eligible at 30. 95: first group frees at 100 < 105.
    assert column(r, "group") == ["first", "backup", "backup", "first"]
    assert column(r, "answer_time") == [0, 11, 30, 100]
    assert column(r, "talk") == [100, 2.5, 2.5, 5]  # backup talks twice as fast
    assert column(r, "end_time") == [100, 13.5, 32.5, 105]


def test_priority_then_longest_waiting(engine):
    call_types = {
        "low": {"arrival_rate": 0, "talk_time": deterministic(10), "priority": 0, "route": [{"group": "g"}]},
        "high": {"arrival_rate": 0, "talk_time": deterministic(10), "priority": 5, "route": [{"group": "g"}]},
        "low2": {"arrival_rate": 0, "talk_time": deterministic(10), "priority": 0, "route": [{"group": "g"}]},
    }
    scenario = day_scenario(call_types, {"g": {"headcount": 1}})
    r = run(scenario, engine, [0, 1, 2, 3, 4], ["low", "low2", "high", "low", "high"], [10] * 5)
    # at 10 and 20 the high-priority calls (2, then 4) go first; then the equal-priority low
    # calls in order of waiting time across their two types: 1 (low2, since 1), then 3 (low).
    assert column(r, "answer_time") == [0, 30, 10, 40, 20]


def test_shift_end_finishes_the_call_in_hand(engine):
    groups = {"g": {"shifts": {"early": {"start": "08:00", "end": "09:00", "count": 1},
                               "late": {"start": "09:00", "end": "10:00", "count": 1}}}}
    scenario = day_scenario(ONE_TYPE, groups, intervals=2, horizon={"kind": "day", "intervals": 2,
                                                                     "interval_minutes": 60, "day_start": "08:00"})
    r = run(scenario, engine, [3590, 3595, 3605], ["a"] * 3, [30, 10, 10])
    # early agent (0) takes call 0 at 3590 and talks past its shift end to 3620; the late agent
    # (1) logs on at 3600, takes call 1, then call 2 at 3610: agent 0 never takes another call.
    assert column(r, "agent") == [0, 1, 1]
    assert column(r, "answer_time") == [3590, 3600, 3610]
    log = r.agents.set_index("agent")
    assert (log.loc[0, "start"], log.loc[0, "scheduled_end"], log.loc[0, "end"]) == (0, 3600, 3620)
    # the late shift reaches closing time: open-ended, home at the horizon end (queue empty)
    assert (log.loc[1, "start"], log.loc[1, "scheduled_end"], log.loc[1, "end"]) == (3600, math.inf, 7200)


def test_headcount_table_becomes_spells_and_calls_wait_for_staff(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount_per_interval": [1, 0, 2]}}, intervals=3, interval_minutes=10)
    assert scenario.groups[0].spells == (((0.0, 600.0), (1200.0, math.inf)), ((1200.0, math.inf),))
    r = run(scenario, engine, [100, 700, 701], ["a"] * 3, [10, 10, 10])
    assert column(r, "answer_time") == [100, 1200, 1200]
    assert column(r, "agent") == [0, 0, 1]  # agent 0 logs on first (lower index), takes the older call


def test_call_in_hand_outlasting_the_gap_between_spells(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount_per_interval": [1, 0, 1, 0, 1]}}, intervals=5, interval_minutes=10)
    r = run(scenario, engine, [590, 1250, 1260], ["a"] * 3, [1300, 10, 10])
    # the agent's first spell ends at 600 but the call runs to 1890: the spell 1200-1800 is
    # entirely covered by it and skipped; the agent is back on duty at 2400 for the last spell.
    assert column(r, "answer_time") == [590, 2400, 2410]
    spells = r.agents[["start", "scheduled_end", "end"]].values.tolist()
    assert spells == [[0, 600, 1890], [2400, math.inf, 3000]]


def test_next_spell_starts_when_the_overrunning_call_ends(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount_per_interval": [1, 0, 1]}}, intervals=3, interval_minutes=10)
    r = run(scenario, engine, [590, 1250, 1260], ["a"] * 3, [700, 10, 10])
    # the call in hand ends at 1290, after the next spell's start (1200): on duty again from 1290
    assert column(r, "answer_time") == [590, 1290, 1300]
    spells = r.agents[["start", "scheduled_end", "end"]].values.tolist()
    assert spells == [[0, 600, 1290], [1290, math.inf, 1800]]


def test_blocking_at_trunk_limit_releases_trunk_at_talk_end(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount": 1}}, trunks=2)
    r = run(scenario, engine, [0, 1, 2, 11], ["a"] * 4, [10, 10, 10, 1], wrapup=[5, 0, 0, 0])
    # 0 talks to 10 and wraps up to 15; 1 waits (2 in system); 2 finds 2 in system: blocked.
    # 3 arrives at 11, after call 0 hung up at 10: only call 1 in system, so 3 gets a trunk.
    assert column(r, "outcome") == ["answered", "answered", "blocked", "answered"]
    assert column(r, "answer_time")[:2] == [0, 15]
    assert column(r, "answer_time")[3] == 25
    assert column(r, "end_time")[2] == 2


@pytest.mark.parametrize("short_threshold, label", [(0.0, "abandoned"), (6.0, "short_abandoned")])
def test_abandonment_and_simultaneous_events(engine, short_threshold, label):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount": 1}}, kpi={"short_abandon": short_threshold})
    r = run(scenario, engine, [0, 1, 2, 3, 40], ["a"] * 5, [10] * 5, patience=[100, 5, 8, 100, 100])
    # 1 gives up at 6 (waited 5). 2's patience ends at 10, the instant the agent frees:
    # completions come before abandonments, so 2 is served. 3 is served at 20. The agent is
    # free from 30; 40 arrives to an idle agent.
    assert column(r, "outcome") == ["answered", label, "answered", "answered", "answered"]
    assert column(r, "end_time")[1] == 6 and column(r, "wait")[1] == 5
    assert column(r, "answer_time") == [0, pytest.approx(np.nan, nan_ok=True), 10, 20, 40]


def test_call_nobody_can_serve_stays_unfinished(engine):
    scenario = day_scenario(ONE_TYPE, {"g": {"headcount_per_interval": [1, 0]}}, intervals=2, interval_minutes=10)
    r = run(scenario, engine, [10, 700], ["a"] * 2, [10, 10])
    assert column(r, "outcome") == ["answered", "unfinished"]
    assert r.summary.set_index("call_type").loc["total", "offered"] == 2
