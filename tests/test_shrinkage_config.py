"""Bad shrinkage input gets a ConfigError naming the field (and the allowed values), and the
command says so in one line; good input gives the spells and rests the rules say."""

import copy

import pytest

from sim.cli import run
from sim.errors import ConfigError
from sim.model.scenario import build_scenario

from test_cli import composed

# 08:00-12:00 in four hours; one shift of 3 agents and a headcount group of 2
BASE = {
    "name": "shrink",
    "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 60, "day_start": "08:00"},
    "call_types": {"a": {"arrival_rate": 20, "talk_time": {"kind": "exponential", "mean": 120},
                         "route": [{"group": "pool"}, {"group": "desk"}]}},
    "groups": {"pool": {"shifts": {"day": {"start": "08:00", "end": "12:00", "count": 3, "breaks": []}}},
               "desk": {"headcount": 2}},
}
BREAKS = "groups.pool.shifts.day.breaks"


def with_(path, value):
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    return data


@pytest.mark.parametrize("path, value, field, text", [
    (BREAKS, [{"minutes": 15, "start": "12:00"}], f"{BREAKS}[0]", "must lie inside its shift"),
    (BREAKS, [{"minutes": 15, "start": "11:50"}], f"{BREAKS}[0]", "must lie inside its shift"),
    (BREAKS, [{"minutes": 15, "start": "07:50"}], f"{BREAKS}[0]", "must lie inside its shift"),
    (BREAKS, [{"minutes": 15, "window": ["10:00", "11:50"]}], f"{BREAKS}[0]", "must lie inside its shift"),
    (BREAKS, [{"minutes": 15, "window": ["10:30", "10:00"]}], f"{BREAKS}[0].window", "before the earliest"),
    (BREAKS, [{"minutes": 15, "window": ["10:00"]}], f"{BREAKS}[0].window", "two clock times"),
    (BREAKS, [{"minutes": 15}], f"{BREAKS}[0]", "exactly one of start"),
    (BREAKS, [{"minutes": 15, "start": "10:00", "window": ["10:00", "10:30"]}], f"{BREAKS}[0]", "exactly one of start"),
    (BREAKS, [{"minutes": 0, "start": "10:00"}], f"{BREAKS}[0].minutes", "more than 0"),
    (BREAKS, [{"minutes": 15, "start": "10:00"}, {"name": "lunch", "minutes": 30, "start": "10:10"}], BREAKS,
     "overlap"),
    (BREAKS, [{"minutes": 15, "window": ["10:00", "10:30"]}, {"name": "lunch", "minutes": 30, "start": "10:40"}],
     BREAKS, "overlap (agent 2"),  # agent 2's break 10:30-10:45 runs into the lunch
    (BREAKS, [{"minutes": 15, "start": "1000"}], f"{BREAKS}[0].start", "not a clock time"),
    ("groups.desk.absenteeism", 1.5, "groups.desk.absenteeism", "between 0 and 1"),
    ("groups.desk.absenteeism", -0.1, "groups.desk.absenteeism", "between 0 and 1"),
    ("groups.desk.adherence", 0.0, "groups.desk.adherence", "more than 0"),
    ("groups.desk.adherence", 1.2, "groups.desk.adherence", "and 1"),
    ("groups.desk.activities", {"m": {"kind": "meeting", "start": "09:00", "end": "10:00", "agents": 3}},
     "groups.desk.activities.m.agents", "only 2 of the group"),
    ("groups.desk.activities", {"m": {"kind": "party", "start": "09:00", "end": "10:00", "agents": 1}},
     "groups.desk.activities.m.kind", "unknown activity"),
    ("groups.desk.activities", {"m": {"kind": "training", "start": "11:00", "end": "13:00", "agents": 1}},
     "groups.desk.activities.m", "inside the horizon"),
    ("groups.desk.activities", {"m": {"kind": "coaching", "start": "09:00", "end": "10:00", "agents": 0}},
     "groups.desk.activities.m.agents", "between 1"),
])
def test_bad_shrinkage_names_the_field(path, value, field, text):
    with pytest.raises(ConfigError) as info:
        build_scenario(with_(path, value))
    assert info.value.field == field and text in info.value.problem, str(info.value)


def test_an_activity_takes_only_agents_on_the_phones_for_the_whole_block():
    data = with_(BREAKS, [{"minutes": 30, "start": "09:15"}])
    data["groups"]["pool"]["activities"] = {"m": {"kind": "meeting", "start": "09:00", "end": "09:30", "agents": 1}}
    with pytest.raises(ConfigError, match="only 0 of the group"):
        build_scenario(data)  # every pool agent is on a break during part of the block
    data["groups"]["pool"]["activities"]["m"].update(start="10:00", end="10:30", agents=2, paid=False)
    pool = build_scenario(data).groups[0]
    assert [len(s) for s in pool.spells] == [3, 3, 2]  # agents 0 and 1: cut again by the meeting
    assert pool.spells[0] == ((0, 4500), (6300, 7200), (9000, float("inf")))
    assert pool.rests[0] == (0, 1800, 0)  # the meeting ends on time: no rest after it
    assert pool.paid[0] == ((0, 7200), (9000, float("inf")))  # the break is paid, the meeting not


def test_the_command_refuses_bad_shrinkage_in_one_line(tmp_path, capsys):
    overrides = ["scenario=single_queue", "scenario.groups.agents.absenteeism=2"]
    status = run(composed(*overrides, "output.plots=false"), str(tmp_path), overrides=overrides)
    err = capsys.readouterr().err.strip()
    assert status == 2 and err.startswith("callsim: invalid input: groups.agents.absenteeism: must be between 0 and 1")
    assert "\n" not in err
