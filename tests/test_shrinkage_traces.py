"""Shrinkage on exact traces, on every engine: breaks, lunch, activities, absences, adherence.

A day from 08:00 of two one-hour intervals (times below in seconds from 08:00); calls given
explicitly. Every expected time is worked out by hand from the rules of sim.model.shrinkage and
sim.agents.shrinkage (a spell starts at max(its start, went off + rest)); the random draws of
absences and adherence are recomputed here from numpy's SeedSequence and the streams' keys.
"""

import math

import numpy as np
import pytest

from sim import simulate
from sim.model.random_inputs import given_calls
from sim.model.scenario import build_scenario

from conftest import deterministic

INF = math.inf
ONE_TYPE = {"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}]}}


def scenario(groups, call_types=ONE_TYPE):
    return build_scenario({"name": "shrinkage", "call_types": call_types, "groups": groups,
                           "horizon": {"kind": "day", "intervals": 2, "interval_minutes": 60, "day_start": "08:00"},
                           "kpi": {"short_abandon": 0.0}})


def shift(*breaks, count=1, start="08:00", end="10:00"):
    return {"shifts": {"day": {"start": start, "end": end, "count": count, "breaks": list(breaks)}}}


def run(s, engine, arrival=(), talk=(), seed=1):
    inputs = given_calls(s, list(arrival), ["a"] * len(arrival), list(talk))
    return simulate(s, seed=seed, engine=engine, inputs=inputs)


def log(results, agent=None):
    rows = results.agents if agent is None else results.agents[results.agents.agent == agent]
    return [tuple(row) for row in rows[["start", "scheduled_end", "end"]].itertuples(index=False)]


def draws(seed, purpose, group, n):
    """The first n draws of a named stream (purpose, group index), computed independently."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, group)))).random(n)


def test_a_break_on_time(engine):
    s = scenario({"g": shift({"minutes": 15, "start": "09:00"})})
    r = run(s, engine, [3700], [10])
    # off 09:00-09:15; the call at 3700 waits for the agent's return at 4500
    assert log(r) == [(0, 3600, 3600), (4500, INF, 7200)]
    assert r.calls.answer_time.tolist() == [4500]


def test_a_late_break_lasts_its_full_length(engine):
    s = scenario({"g": shift({"minutes": 15, "start": "09:00"})})
    r = run(s, engine, [3590, 4510], [30, 10])
    # busy 3590-3620: the break starts 20 s late, at 3620, and ends 20 s late, at 4520
    assert log(r) == [(0, 3600, 3620), (4520, INF, 7200)]
    assert r.calls.answer_time.tolist() == [3590, 4520]


def test_back_to_back_breaks_add_up(engine):
    s = scenario({"g": shift({"minutes": 15, "start": "09:00"}, {"name": "lunch", "minutes": 15, "start": "09:15",
                                                                  "paid": False})})
    r = run(s, engine, [3590], [30])
    assert log(r) == [(0, 3600, 3620), (3620 + 1800, INF, 7200)]


def test_a_meeting_joined_late_ends_on_time(engine):
    groups = {"g": {"headcount": 2, "activities": {"team": {"kind": "meeting", "start": "09:00", "end": "09:30",
                                                            "agents": 1}}}}
    s = scenario(groups)
    r = run(s, engine, [3590, 3700], [30, 10])
    # agent 0 (lowest number) is in the meeting: busy until 3620, it joins late and is back at
    # 09:30 (5400) all the same; agent 1 answers the call at 3700
    assert log(r, 0) == [(0, 3600, 3620), (5400, INF, 7200)]
    assert log(r, 1) == [(0, INF, 7200)]
    assert r.calls.agent.tolist() == [0, 1]


def test_break_windows_spread_the_agents(engine):
    s = scenario({"g": shift({"minutes": 10, "window": ["09:00", "09:10"]}, count=4)})
    # agent k starts at 09:00 + 10 min * k / 3, rounded to the minute: 0, 3, 7, 10 minutes
    assert [spells[0][1] for spells in s.groups[0].spells] == [3600, 3780, 4020, 4200]
    assert [spells[1][0] - spells[0][1] for spells in s.groups[0].spells] == [600] * 4
    r = run(s, engine)
    assert log(r, 3) == [(0, 4200, 4200), (4800, INF, 7200)]


@pytest.mark.parametrize("seed", [3, 4])
def test_absent_agents_do_not_come(engine, seed):
    groups = {"first": {"headcount": 2}, "g": {"headcount": 6, "absenteeism": 0.5}}
    r = run(scenario(groups), engine, seed=seed)
    came = 2 + np.flatnonzero(draws(seed, 6, 1, 6) >= 0.5)  # group g has index 1; agents 2..7
    assert sorted(set(r.agents.agent)) == [0, 1] + came.tolist()
    assert 0 < len(came) < 6  # (the seeds are chosen so that some come and some do not)
    # another headcount: the same agents of the group are absent (the k-th draw is agent k's)
    more = run(scenario({**groups, "g": {"headcount": 8, "absenteeism": 0.5}}), engine, seed=seed)
    assert [a for a in sorted(set(more.agents.agent)) if a < 8] == sorted(set(r.agents.agent))


def test_adherence_cuts_one_stretch_out_of_each_spell(engine):
    s = scenario({"g": {"headcount": 1, "adherence": 0.75}})
    r = run(s, engine, seed=5)
    u = draws(5, 7, 0, 1)[0]
    cut = u * (0.75 * 7200)  # one spell of 7200 s: 1800 s out of adherence from 0 + u * 5400
    assert log(r) == [(0, cut, cut), (cut + 0.25 * 7200, INF, 7200)]


def test_adherence_after_a_break_keeps_the_rest_on_the_first_piece(engine):
    s = scenario({"g": shift({"minutes": 15, "start": "09:00"}) | {"adherence": 0.5}})
    r = run(s, engine, [3590], [30], seed=2)
    u = draws(2, 7, 0, 2)
    first = u[0] * (0.5 * 3600)  # spell 0-3600: 1800 s out from `first`
    second = 4500 + u[1] * (0.5 * 2700)  # spell 4500-7200: 1350 s out from `second`
    expected = [(0, first, first), (first + 1800, 3600, 3620 if first + 1800 < 3590 else 3600),
                (max(4500, 3620 + 900), second, second), (second + 1350, INF, 7200)]
    assert first + 1800 < 3590  # (seed 2 puts the stretch before the call: the break is late)
    assert log(r) == expected


def test_the_part_after_an_adherence_stretch_starts_on_time(engine):
    # adherence 0.9: a 270 s stretch in the 4500-7200 spell after the 900 s break; the agent is
    # back at its end (rest 0), not 900 s after it left (the break's rest stays on the first piece)
    s = scenario({"g": shift({"minutes": 15, "start": "09:00"}) | {"adherence": 0.9}})
    u = draws(4, 7, 0, 2)
    first, second = u[0] * (0.9 * 3600), 4500 + u[1] * (0.9 * 2700)
    assert log(run(s, engine, seed=4)) == [(0, first, first), (first + (1 - 0.9) * 3600, 3600, 3600), (4500, second, second),
                                           (second + (1 - 0.9) * 2700, INF, 7200)]
