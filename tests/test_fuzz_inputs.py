"""Fuzz of everything a user types: bad values for every config field, malformed YAML files.

The fields are found by walking the schema (sim.model.config), so a field added later is fuzzed
too. Each field gets the bad values of its type (NaN, inf, huge, wrong type, empty, unknown key)
plus the values that are bad for its meaning (zero, negative, tiny, too large: FIELD_BAD). Every
case must end in a ConfigError (Python API) or, through the command line, exit status 2 with one
line naming the field — no traceback, no run.json, within a time bound. Hydra's own override
error (a value of the wrong type refused while composing, exit 1) is accepted for the command
line, as the issue allows. Valid but extreme values must still run (test_extreme_but_valid_runs).
"""

import copy
import dataclasses
import math
import subprocess
import sys
import time
import typing
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import HydraException

import sim
from sim.cli import config_dir, run
from sim.errors import ConfigError
from sim.model.config import AppConfig, ScenarioConfig, register_configs
from sim.model.scenario import build_scenario

NAN, INF = math.nan, math.inf
# A small scenario using every kind of node: volumes and a rate, all staffing kinds, speed,
# trunks, wrap-up and patience, a uniform and an empirical distribution, head starts, and an
# outbound campaign worked by a dedicated group (spare: no route lists it) and a blended one
# (team), with per-interval and constant probabilities, a dialling window and switched intervals.
BASE = {
    "name": "fuzz",
    "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 30, "day_start": "08:00"},
    "call_types": {
        "sales": {"volumes": [10, 20, 15, 5], "talk_time": {"kind": "lognormal", "mean": 180, "cv": 1.0},
                  "wrapup_time": {"kind": "uniform", "low": 10, "high": 30},
                  "route": [{"group": "team"}, {"group": "pool", "delay": 20}], "head_start": 5},
        "service": {"arrival_rate": 30, "talk_time": {"kind": "empirical", "values": [100, 200]},
                    "patience": {"kind": "exponential", "mean": 120}, "route": [{"group": "pool"}], "priority": 1},
    },
    "groups": {
        "team": {"headcount": 3, "speed": {"sales": 1.2}, "cost_per_hour": 30, "absenteeism": 0.1, "adherence": 0.9,
                 "activities": {"huddle": {"kind": "meeting", "start": "08:30", "end": "09:00", "agents": 1,
                                           "paid": True}}},
        "pool": {"shifts": {"early": {"start": "08:00", "end": "09:00", "count": 2,
                                      "breaks": [{"name": "coffee", "minutes": 10, "window": ["08:20", "08:30"]},
                                                 {"name": "lunch", "minutes": 15, "start": "08:40", "paid": False}]},
                            "late": {"start": "09:00", "end": "10:00", "count": 2}}},
        "spare": {"headcount_per_interval": [1, 1, 0, 1]},
    },
    "trunks": 20,
    "busyness_cv": 0.1,
    "routing": {"call_selection": "priority_head_start", "agent_selection": "route_order"},
    "kpi": {"sl_threshold": 20, "sl_variant": "offered", "sl_target": 0.8, "abandon_target": 0.05, "short_abandon": 5},
    "campaigns": {
        "renewals": {
            "groups": ["spare", "team"], "list_size": 500, "dial_from": "08:30", "dial_until": "10:00",
            "dial_intervals": [1, 1, 0, 1],
            "dialler": {"mode": "predictive", "calls_per_agent": 2, "target_connect": 0.95, "max_calls_per_agent": 3,
                        "initial_contact_rate": 0.3, "estimate_window": 50, "nuisance_wait": 2, "nuisance_cap": 0.03,
                        "nuisance_window": 50},
            "outcomes": {"right_party": [0.3, 0.3, 0.25, 0.2], "wrong_party": 0.05, "busy": 0.1,
                         "no_answer": [0.4, 0.4, 0.45, 0.5], "machine": 0.15},
            "ring_time": {"kind": "gamma", "mean": 12, "cv": 0.5}, "no_answer_time": {"kind": "uniform", "low": 20, "high": 30},
            "talk_time": {"kind": "weibull", "mean": 240, "cv": 0.8}, "wrong_party_time": {"kind": "exponential", "mean": 20},
            "wrapup_time": {"kind": "exponential", "mean": 30},
            "retry": {"max_attempts": 3, "busy_minutes": 15, "no_answer_minutes": 60, "machine_minutes": 120,
                      "nuisance_minutes": 1440},
        },
    },
    "blending": {"policy": "threshold_sl_floor", "threshold": 1, "sl_floor": 0.8},
}

# Bad for every field of the type (wrong types, non-finite, absurdly large).
TYPE_BAD = {
    float: [NAN, INF, -INF, 1e300, -1e300, "abc", [1]],
    int: [2**70, -(2**70), "abc", 1.5, [1]],
    str: [[1], {"a": 1}],
    bool: ["maybe", [1]],
    "list": ["abc", [[1]], []],
    "dict": ["abc"],
    "dataclass": ["abc", "UNKNOWN_KEY"],
}
# Bad for the field's meaning (matched on the end of the path; '*' any one name).
FIELD_BAD = {
    "horizon.kind": ["", "week"], "horizon.interval_minutes": [0, -30, 1e-8, 1e-300],
    "horizon.intervals": [0, -1, 10**8, 10**20], "horizon.day_start": ["", "25:99", "780", "7h30", "08:60"],
    "horizon.hours": [0, 1e-13, 1e9], "horizon.warmup_hours": [-1, 1e9],
    "*.arrival_rate": [-5, 1e30], "*.volumes": [[10, 20, 15], [10, -1, 15, 5], [10, NAN, 15, 5], [1e30] * 4],
    "*.volume_scale": [-1, 1e30], "*.mean": [0, -1, 1e-300, 1e9], "*.cv": [0, -1, 1e-9, 1e9],
    "*.low": [-1, 1e9], "*.high": [-1, 5, 1e9], "*.values": [[-1], [1e9], [NAN]], "*.file": ["/nonexistent/x.csv"],
    "*.column": ["talk"], "*.kind": ["", "erlang"], "*.priority": [2**40], "*.head_start": [1e9],
    "*.route": [[{"group": "nobody"}], [{"group": "pool"}, {"group": "pool"}]], "*.group": ["", "nobody"],
    "*.delay": [-1, 1e9], "*.headcount": [-1, 10**8, 10**19], "*.headcount_per_interval": [[1, 1], [1, -1, 0, 1], [10**8] * 4],
    "groups.pool.shifts": [{}], "*.start": ["", "7am", "780", "10:00"], "*.end": ["", "25:61", "18:00"], "*.count": [-1, 10**8],
    "*.speed": [{"nobody": 1.0}, {"sales": 0}, {"sales": 1e-300}, {"sales": 1e9}], "*.cost_per_hour": [-1, 1e30],
    "trunks": [0, -1, 2**63, 2**70], "busyness_cv": [-0.1, 100], "name": ["", "a/b"],
    "routing.call_selection": ["", "random"], "routing.agent_selection": ["", "random"],
    "kpi.sl_threshold": [-1, 1e9], "kpi.sl_variant": ["", "abandoned"], "kpi.sl_target": [-0.1, 1.5],
    "kpi.abandon_target": [-0.1, 1.5], "kpi.short_abandon": [-1, 1e9],
    "call_types": [{}], "groups": [{}],
    # outbound campaigns and blending
    "campaigns": [{"idle": {}},  # a campaign worked by no group
                  {"a": {"groups": ["spare"]}, "b": {"groups": ["spare"]}},  # a group in two campaigns
                  {"a": {"groups": ["spare"], "outcomes": {"right_party": 0.5}}}],  # defaults that then sum to 1.2
    "campaigns.*.groups": [["nobody"], ["spare", "spare"], ["spare", ""]],
    "*.list_size": [-1, -5, 10**10],
    "*.dial_from": ["", "25:99", "780", "7h30", "08:60", "08:10", "11:00", "06:00"],
    "*.dial_until": ["", "25:61", "780", "09:45", "08:00", "08:30"],
    "*.dial_intervals": [[1, 1, 1], [1, 1, 0, 1, 1], [1, 2, 0, 1], [1, -1, 0, 1], ["on", 1, 0, 1]],
    "*.mode": ["", "manual", "Predictive"], "*.calls_per_agent": [0, -1, 101], "*.max_calls_per_agent": [0, 101],
    "*.target_connect": [-0.1, 1.5], "*.initial_contact_rate": [-0.1, 1.5], "*.estimate_window": [0, 10**6],
    "*.nuisance_wait": [-1, 1e6], "*.nuisance_cap": [-0.01, 1.5], "*.nuisance_window": [0, 10**6],
    **{f"*.{result}": [-0.1, 1.5, NAN, INF, "abc", True, None, {"a": 1}, [0.1, 0.1, 0.1], [NAN] * 4, [-0.1] * 4, [[0.1]] * 4]
       for result in ("right_party", "wrong_party", "busy", "no_answer", "machine")},
    "*.outcomes.right_party": [[0.3, 0.3, 0.3, 0.2], 0.3],  # sums != 1 in interval 2; in every interval
    "*.outcomes.wrong_party": [0.5, 0],  # sums != 1 (constant columns and lists mixed)
    "*.max_attempts": [0, 101], **{f"*.{r}_minutes": [-1, 1e12] for r in ("busy", "no_answer", "machine", "nuisance")},
    "blending.policy": ["", "always", "Threshold"], "blending.threshold": [-1, 10**6],
    "blending.sl_floor": [-0.1, 1.5, None],  # null: the policy threshold_sl_floor has no floor
    "blending": [{"policy": "threshold", "sl_floor": 0.8}, {"policy": "threshold_no_queue", "sl_floor": 0.5}],
    # shrinkage (issue 13)
    "*.minutes": [0, -1, 1e9, 55], "*.window": [["08:20"], ["08:30", "08:20"], ["07:50", "08:00"], ["08:20", "08:50"]],
    "*.breaks.1.start": ["08:25", "08:55", "09:30"], "*.absenteeism": [-0.1, 1.5], "*.adherence": [0, -0.1, 1.5],
    "*.activities.huddle.agents": [0, -1, 4, 10**8], "*.activities.huddle.kind": ["lunch"],
    "*.activities.huddle.start": ["09:30"],
}
EMPTY_IS_VALID = {"breaks"}  # a shift without breaks
NOT_FUZZED = {"description"}  # free text: any string is valid (its wrong types are fuzzed)


def _kind(hint):
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is typing.Union and len(args) == 1:
        hint = args[0]
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return "dataclass", hint
    if origin is dict:
        return "dict", typing.get_args(hint)[1]
    if origin is list:
        return "list", typing.get_args(hint)[0]
    return hint, None


def scenario_fields(schema=ScenarioConfig, node=BASE, path=""):
    """(path, type kind) of every field of every node of BASE, found from the schema."""
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        where = f"{path}{f.name}"
        kind, inner = _kind(hints[f.name])
        yield where, kind
        value = node.get(f.name) if isinstance(node, dict) else None
        if kind == "dataclass":
            yield from scenario_fields(inner, value or {}, f"{where}.")
        elif kind == "dict" and dataclasses.is_dataclass(inner) and value:
            for name, item in value.items():
                yield f"{where}.{name}", "dataclass"
                yield from scenario_fields(inner, item, f"{where}.{name}.")
        elif kind == "list" and dataclasses.is_dataclass(inner) and value:
            for j, item in enumerate(value):
                yield from scenario_fields(inner, item, f"{where}.{j}.")


def _matches(pattern, path):
    p, q = pattern.split("."), path.split(".")
    return len(q) >= len(p) and all(a in ("*", b) for a, b in zip(p[::-1], q[::-1])) and (p[0] == "*" or len(p) == len(q))


def scenario_cases():
    cases = []
    for path, kind in scenario_fields():
        if path.split(".")[-1] in NOT_FUZZED and kind is str:
            values = TYPE_BAD[str]
        else:
            values = list(TYPE_BAD.get(kind, [])) + [v for pattern, bad in FIELD_BAD.items() if _matches(pattern, path)
                                                      for v in bad]
            if path.split(".")[-1] in EMPTY_IS_VALID:
                values = [v for v in values if v != []]
        cases.extend((path, value) for value in values)
    return cases


def mutated(path, value):
    scenario = copy.deepcopy(BASE)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = scenario
    for key in parents:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    if value == "UNKNOWN_KEY":
        node[last] = {**node.get(last, {}), "bogus_key": 1}
    else:
        node[last] = copy.deepcopy(value)
    return scenario


def _names_the_field(field, path):
    """The error's field and the mutated path: one contains the other (list indices as [j] or .j)."""
    f = field.replace("[", ".").replace("]", "").removeprefix("scenario.")
    p = path
    return f == p or p.startswith(f + ".") or f.startswith(p + ".") or f.startswith(p + "[")


SCENARIO_CASES = scenario_cases()


def test_base_is_valid_and_every_field_is_fuzzed():
    build_scenario(copy.deepcopy(BASE))
    fuzzed = {path for path, _ in SCENARIO_CASES}
    assert {path for path, _ in scenario_fields()} == fuzzed
    leaf_names = {p.split(".")[-1] for p in fuzzed}
    every = set()
    for cls in [c for c in vars(sys.modules["sim.model.config"]).values()
                if dataclasses.is_dataclass(c) and c.__module__ == "sim.model.config" and c.__name__ not in
                ("AppConfig", "OutputConfig", "PrecisionConfig", "ExperimentConfig", "StaffingConfig",
                 "StaffingTargetsConfig")]:  # run settings (test_app_fields_are_all_fuzzed)
        every |= {f.name for f in dataclasses.fields(cls)}
    assert every <= leaf_names, every - leaf_names
    print(f"\nscenario fuzz: {len(SCENARIO_CASES)} cases over {len(fuzzed)} fields")
    assert len(SCENARIO_CASES) > 500


def test_every_bad_scenario_value_is_a_config_error_naming_the_field():
    started, failures = time.perf_counter(), []
    for path, value in SCENARIO_CASES:
        t = time.perf_counter()
        try:
            build_scenario(mutated(path, value))
            failures.append(f"{path}={value!r}: accepted")
        except ConfigError as error:
            if not _names_the_field(error.field, path) or "\n" in str(error):
                failures.append(f"{path}={value!r}: {error}")
        except Exception as error:  # a traceback for the user
            failures.append(f"{path}={value!r}: {type(error).__name__}: {error}")
        if time.perf_counter() - t > 5:
            failures.append(f"{path}={value!r}: took {time.perf_counter() - t:.1f} s")
    print(f"\n{len(SCENARIO_CASES)} scenario cases in {time.perf_counter() - started:.1f} s")
    assert not failures, "\n".join(failures)


# -- the run settings, through the command line's task function (Hydra's compose API) ----------

APP_BAD = {  # override -> the field the error must name
    "seed=-1": "seed", "seed=9223372036854775808": "seed", "seed=abc": "seed", "seed=1.5": "seed",
    "engine=warp": "engine", "engine=[1]": "engine",
    "replications=0": "replications", "replications=-3": "replications", "replications=10000000000": "replications",
    "replications=abc": "replications",
    "experiment.method=magic": "experiment.method", "experiment.crn=maybe": "experiment.crn",
    "experiment.confidence=1.5": "experiment.confidence", "experiment.confidence=0": "experiment.confidence",
    "experiment.confidence=nan": "experiment.confidence", "experiment.confidence=-inf": "experiment.confidence",
    "experiment.batches=1": "experiment.batches", "experiment.batches=-5": "experiment.batches",
    "experiment.precision.kpi=speed": "experiment.precision.kpi",
    "experiment.precision.half_width=0.01": "experiment.precision",
    "experiment.precision.call_type=nobody": "experiment.precision.call_type",
    "experiment.precision.max_replications=1": "experiment.precision.max_replications",
    "progress=maybe": "progress", "sweep=[1]": "sweep",
    "output.calls=maybe": "output.calls", "output.calls_format=xml": "output.calls_format",
    "output.plots=maybe": "output.plots",
    "rate=1e30": "arrival_rate", "rate=nan": "arrival_rate", "rate=-1": "arrival_rate",
    "aht=0": "talk_time.mean", "aht=1e9": "talk_time.mean", "patience=soon": "patience", "patience=-5": "patience.mean",
    "agents=-1": "headcount", "agents=100000000": "headcount", "trunks=0": "trunks",
    "threshold=-1": "blending.threshold", "threshold=100001": "blending.threshold", "threshold=1.5": "threshold",
    "outbound_aht=0": "campaigns.outbound.talk_time.mean", "outbound_aht=-5": "campaigns.outbound.talk_time.mean",
    "outbound_aht=1e9": "campaigns.outbound.talk_time.mean", "outbound_aht=nan": "campaigns.outbound.talk_time.mean",
    "trunks=100000000000000000000000": "trunks",
    "+bogus=1": "bogus", "+experiment.bogus=1": "experiment.bogus", "+output.bogus=1": "output.bogus",
    "+scenario.call_types.calls.bogus=3": "scenario.call_types.calls.bogus",
    "+scenario.groups.agents.speed.nobody=2": "groups.agents.speed.nobody",
    "scenario.call_types={}": "scenario.call_types", "scenario.groups={}": "scenario.groups",
    "scenario.horizon.hours=1e9": "horizon.hours", "scenario.horizon.interval_minutes=1e-9": "horizon.interval_minutes",
    # staffing (sim.planning): the targets are read by a planning policy, hence staffing=erlang (EXTRA)
    "staffing.policy=magic": "staffing.policy", "staffing.model=erlang_b": "staffing.model",
    "staffing.shrinkage=1": "staffing.shrinkage", "staffing.shrinkage=-0.5": "staffing.shrinkage",
    "staffing.shrinkage=nan": "staffing.shrinkage", "staffing.replications=0": "staffing.replications",
    "staffing.replications=1.5": "staffing.replications", "staffing.confidence=1": "staffing.confidence",
    "staffing.confidence=nan": "staffing.confidence", "staffing.max_iterations=0": "staffing.max_iterations",
    "staffing.targets.service_level=1.5": "staffing.targets.service_level",
    "staffing.targets.service_level=1": "staffing.targets.service_level",
    "staffing.targets.threshold=-1": "staffing.targets.threshold",
    "staffing.targets.max_abandon=2": "staffing.targets.max_abandon",
    "staffing.targets.max_asa=-1": "staffing.targets.max_asa",
    "staffing.targets.max_occupancy=0": "staffing.targets.max_occupancy",
    "staffing.targets.max_occupancy=inf": "staffing.targets.max_occupancy",
    "staffing.targets.scope=week": "staffing.targets.scope",
    "staffing.targets.min_calls=-1": "staffing.targets.min_calls",
    # task=plan (sim.planning.plan): its settings, checked before any simulation (EXTRA: a day to plan)
    "task=everything": "task", "plan.requirement=guess": "plan.requirement",
    "plan.verify_replications=1": "plan.verify_replications",
    "plan.shift_rules.start_earliest=25:99": "plan.shift_rules.start_earliest",
    "plan.shift_rules.start_latest=00:00": "plan.shift_rules.start_latest",
    "plan.shift_rules.start_step_minutes=0": "plan.shift_rules.start_step_minutes",
    "plan.shift_rules.lengths_hours=[]": "plan.shift_rules.lengths_hours",
    "plan.shift_rules.breaks=[{minutes:15,earliest_after:600,latest_after:700}]": "plan.shift_rules.breaks[0]",
    "plan.shift_rules.break_step_minutes=-15": "plan.shift_rules.break_step_minutes",
    "plan.shift_rules.under_cover_penalty=-1": "plan.shift_rules.under_cover_penalty",
    "plan.shift_rules.time_limit_seconds=0": "plan.shift_rules.time_limit_seconds",
    "plan.shift_rules.mip_gap=2": "plan.shift_rules.mip_gap",
}
PLANNED = ["task=plan", "scenario.horizon.kind=day", "scenario.horizon.intervals=8", "scenario.horizon.day_start=08:00"]
EXTRA = {"experiment.batches=1": ["experiment.method=batch_means"], "experiment.batches=-5": ["experiment.method=batch_means"],
         "experiment.confidence=1.5": ["experiment.method=batch_means"],
         "experiment.precision.kpi=speed": ["experiment.precision.half_width=0.01"],
         "experiment.precision.call_type=nobody": ["experiment.precision.kpi=asa", "experiment.precision.half_width=1"],
         "experiment.precision.max_replications=1": ["experiment.precision.kpi=asa", "experiment.precision.half_width=1"],
         **{o: ["staffing=erlang"] for o in APP_BAD if o.startswith("staffing.targets.")},
         **{o: PLANNED for o in APP_BAD if o.startswith("plan.")}}


def composed(*overrides):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        return compose("config", overrides=list(overrides))


def test_app_fields_are_all_fuzzed():
    fields = set()

    def walk(schema, path=""):
        for f in dataclasses.fields(schema):
            kind, inner = _kind(typing.get_type_hints(schema)[f.name])
            if kind == "dataclass" and f.name != "scenario":
                walk(inner, f"{path}{f.name}.")
            elif f.name != "scenario":
                fields.add(f"{path}{f.name}")
    walk(AppConfig)
    overridden = {o.lstrip("+").split("=")[0] for o in APP_BAD}
    assert fields <= overridden, fields - overridden


@pytest.mark.parametrize("override", sorted(APP_BAD))
def test_bad_run_setting_is_one_line_naming_the_field(override, tmp_path, capsys):
    overrides = ["scenario=single_queue", "scenario.horizon.hours=1", "output.plots=false", override,
                 *EXTRA.get(override, [])]
    try:
        cfg = composed(*overrides)
    except HydraException as error:  # Hydra's own override error, naming the key
        assert override.lstrip("+").split("=")[0].split(".")[-1] in str(error)
        return
    out = tmp_path / "run"
    started = time.perf_counter()
    status = run(cfg, str(out), overrides=overrides)
    assert time.perf_counter() - started < 20
    err = capsys.readouterr().err.strip()
    assert status == 2, err
    assert err.startswith("callsim: invalid input: ") and "\n" not in err, err
    assert APP_BAD[override] in err.split(":")[2], err
    assert not (out / "run.json").exists()


# -- through the real command, malformed YAML files among them ------------------------------------

GOOD_SCENARIO = (Path(config_dir()) / "scenario" / "single_queue.yaml").read_text()
YAML_CASES = {
    "syntax": (GOOD_SCENARIO.replace("name: single_queue", "name: [single_queue"), "bad.yaml:"),
    "tab": (GOOD_SCENARIO.replace("  kind: steady_state", "\tkind: steady_state"), "bad.yaml:"),
    "duplicate-call-type": (GOOD_SCENARIO.replace("call_types:\n  calls:", "call_types:\n  calls:\n    priority: 0\n  calls:"),
                            "duplicate key 'calls'"),
    "duplicate-group": (GOOD_SCENARIO.replace("groups:\n  agents:", "groups:\n  agents:\n    headcount: 3\n  agents:"),
                        "duplicate key 'agents'"),
    "duplicate-shift": (GOOD_SCENARIO.replace("    headcount: 44",
                                              "    shifts:\n      a: {start: '00:00', end: '12:00', count: 3}\n"
                                              "      a: {start: '00:00', end: '12:00', count: 3}"),
                        "duplicate key 'a'"),
    "unquoted-clock": (GOOD_SCENARIO.replace("  kind: steady_state", "  kind: steady_state\n  day_start: 13:00"),
                       '"13:00"'),
}
COMMAND_CASES = {  # arguments -> text the one line must contain
    ("seed=-1",): "seed", ("scenario=single_queue", "rate=1e30"): "arrival_rate",
    ("scenario.call_types={}",): "scenario.call_types", ("+scenario.call_types.retail.bogus=1",): "bogus",
    ("scenario=single_queue", "experiment.method=batch_means", "experiment.confidence=1.5"): "experiment.confidence",
    ("scenario=single_queue", "trunks=100000000000000000000000"): "trunks",
    ("scenario.horizon.intervals=100000000",): "horizon.intervals",
    ("scenario=single_queue", "scenario.horizon.hours=100000", "rate=10000000"): "output.calls",
    ("output.calls_format=xml",): "output.calls_format",
    ("scenario=single_queue", "threshold=-2"): "blending.threshold", ("threshold=2",): "threshold",
    ("scenario=blended", "scenario.blending.policy=always"): "blending.policy",
    ("scenario=blended", "scenario.campaigns.renewals.outcomes.busy=0.5"): "campaigns.renewals.outcomes",
    ("scenario=blended", "scenario.campaigns.renewals.dial_from=14:10"): "campaigns.renewals.dial_from",
    ("scenario=single_queue", "+scenario.campaigns.c={groups: [nobody]}"): "campaigns.c.groups[0]",
}


def test_the_command_answers_bad_input_with_one_line(tmp_path):
    jobs = []
    for name, (text, expected) in YAML_CASES.items():
        directory = tmp_path / name / "configs"
        (directory / "scenario").mkdir(parents=True)
        (directory / "scenario" / "bad.yaml").write_text(text)
        jobs.append((name, ["--config-dir", str(directory), "scenario=bad"], expected, tmp_path / name / "out"))
    for i, (args, expected) in enumerate(COMMAND_CASES.items()):
        jobs.append((" ".join(args), list(args), expected, tmp_path / f"cmd{i}" / "out"))
    started = time.perf_counter()
    procs = [(name, expected, out, subprocess.Popen([sys.executable, "-m", "sim.cli", *args, f"hydra.run.dir={out}"],
                                                    cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                    text=True)) for name, args, expected, out in jobs]
    failures = []
    for name, expected, out, proc in procs:
        _, err = proc.communicate(timeout=120)
        lines = [line for line in err.splitlines() if line.strip()]
        if proc.returncode != 2 or len(lines) != 1 or expected not in lines[0] or "Traceback" in err \
                or not lines[0].startswith("callsim: invalid input: ") or (out / "run.json").exists():
            failures.append(f"{name}: exit {proc.returncode}: {err[-600:]}")
    print(f"\n{len(procs)} command-line cases in {time.perf_counter() - started:.1f} s")
    assert not failures, "\n".join(failures)
    assert len(procs) == len(YAML_CASES) + len(COMMAND_CASES) >= 15


# -- not over-rejecting: valid extremes run and give finite KPIs ----------------------------------

QUEUE = {"name": "q", "horizon": {"kind": "steady_state", "hours": 2, "interval_minutes": 60},
         "call_types": {"c": {"arrival_rate": 100, "talk_time": {"kind": "exponential", "mean": 60},
                              "route": [{"group": "g"}]}},
         "groups": {"g": {"headcount": 5}}}
EXTREMES = {
    "talk-a-day": {"call_types.c.arrival_rate": 1, "call_types.c.talk_time.mean": 86400, "groups.g.headcount": 30},
    "talk-a-millisecond": {"call_types.c.talk_time.mean": 0.001},
    "deterministic-zero": {"call_types.c.talk_time": {"kind": "deterministic", "mean": 0}},
    "slowest-speed": {"groups.g.speed": {"c": 0.01}, "groups.g.headcount": 150},
    "busiest-days": {"busyness_cv": 1.0},
    "one-second-intervals": {"horizon.interval_minutes": 1 / 60, "horizon.hours": 0.5},
    "shortest-horizon": {"horizon.hours": 0.01, "call_types.c.arrival_rate": 10000, "groups.g.headcount": 200},
    "highest-rate": {"horizon.hours": 0.01, "call_types.c.arrival_rate": 1e7, "call_types.c.talk_time.mean": 0.001,
                     "groups.g.headcount": 10},
    "most-trunks": {"trunks": 10_000_000}, "extreme-priority": {"call_types.c.priority": -1_000_000},
    "many-agents": {"groups.g.headcount": 100_000, "horizon.hours": 0.1},
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_extreme_but_valid_runs(name):
    scenario = copy.deepcopy(QUEUE)
    for path, value in EXTREMES[name].items():
        *parents, last = path.split(".")
        node = scenario
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    results = sim.simulate(scenario, seed=2**63 - 1)  # the largest seed too
    total = results.summary.set_index("call_type").loc["total"]
    assert results.n_calls > 0
    for kpi in ("service_level", "abandon_rate", "aht"):
        assert np.isfinite(total[kpi]) and 0 <= total[kpi] < 1e6, (kpi, total[kpi])
