"""Bad input gets a ConfigError naming the field (and the allowed values) — never a deep traceback,
a hang or a silently wrong result. One valid day scenario, one mutation per case."""

import copy
import math
import signal

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf import OmegaConf

import sim
from sim.cli import apply_shortcuts, config_dir
from sim.model.config import register_configs
from sim.core.engines import select_engine
from sim.errors import ConfigError
from sim.model.scenario import build_scenario

# 08:00-10:00 in four half-hours. sales: volumes, overflows to the pool after 20 s;
# service: a constant rate, served by the pool only (two shifts, 2 agents each).
BASE = {
    "name": "mini",
    "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 30, "day_start": "08:00"},
    "call_types": {
        "sales": {"volumes": [10, 20, 15, 5], "talk_time": {"kind": "lognormal", "mean": 180, "cv": 1.0},
                  "route": [{"group": "sales_team"}, {"group": "pool", "delay": 20}]},
        "service": {"arrival_rate": 30, "talk_time": {"kind": "exponential", "mean": 240},
                    "patience": {"kind": "exponential", "mean": 120}, "route": [{"group": "pool"}]},
    },
    "groups": {
        "sales_team": {"headcount": 3},
        "pool": {"shifts": {"early": {"start": "08:00", "end": "09:00", "count": 2},
                            "late": {"start": "09:00", "end": "10:00", "count": 2}}},
    },
}
DELETE = object()
DIST_KINDS = {"exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical"}


def mutated(changes, tmp_path=None):
    """BASE with {dotted.path: value} applied (integer segments index lists; DELETE removes;
    a callable value is called with tmp_path)."""
    scenario = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node = scenario
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value(tmp_path) if callable(value) else copy.deepcopy(value)
    return scenario


def csv_talk(text, column="talk"):
    """An empirical talk time read from handle_times.csv holding ``text`` (None: no file)."""
    def make(tmp_path):
        path = tmp_path / "handle_times.csv"
        if text is not None:
            path.write_text(text)
        return {"kind": "empirical", "file": str(path), "column": column}
    return make


def test_the_base_scenario_is_valid():
    s = build_scenario(copy.deepcopy(BASE))
    assert [ct.name for ct in s.call_types] == ["sales", "service"]
    assert [g.name for g in s.groups] == ["sales_team", "pool"]
    assert s.n_intervals == 4 and s.interval_length == 1800 and s.day_start == 8 * 3600
    assert s.call_types[0].rates == pytest.approx([v / 1800 for v in (10, 20, 15, 5)])
    assert s.call_types[1].rates == pytest.approx([30 / 3600] * 4)
    assert s.call_types[0].route == ((0, 0.0), (1, 20.0))
    assert s.n_agents == 3 + 2 + 2
    assert issubclass(ConfigError, ValueError)


SL = "call_types.sales"
SV = "call_types.service"
CASES = [
    # (changes, field, texts the message must contain, values that must be in .allowed)
    pytest.param({f"{SV}.arrival_rate": -5}, f"{SV}.arrival_rate", ["-5"], None, id="negative-rate"),
    pytest.param({f"{SL}.volumes.2": -1}, f"{SL}.volumes[2]", ["-1"], None, id="negative-volume"),
    pytest.param({f"{SL}.arrival_rate": 10}, SL, ["arrival_rate", "volumes"], None, id="rate-and-volumes"),
    pytest.param({f"{SV}.arrival_rate": DELETE}, SV, ["arrival_rate", "volumes"], None, id="neither-rate-nor-volumes"),
    pytest.param({f"{SL}.volumes": [1, 2, 3]}, f"{SL}.volumes", ["3", "4"], None, id="volumes-wrong-length"),
    pytest.param({"horizon.kind": "steady_state", "horizon.hours": 2}, f"{SL}.volumes", ["day"], None,
                 id="volumes-in-steady-state"),
    pytest.param({f"{SV}.talk_time.kind": "erlang"}, f"{SV}.talk_time.kind", ["erlang"], DIST_KINDS,
                 id="unknown-distribution"),
    pytest.param({f"{SV}.talk_time.kind": "lognormal"}, f"{SV}.talk_time.cv", ["cv"], None, id="lognormal-no-cv"),
    pytest.param({f"{SV}.patience.mean": -30}, f"{SV}.patience.mean", ["-30"], None, id="exponential-mean-negative"),
    pytest.param({f"{SV}.patience.mean": 0}, f"{SV}.patience.mean", ["mean"], None, id="exponential-mean-zero"),
    # Both bounds are jointly at fault, so the field names both.
    pytest.param({f"{SV}.talk_time": {"kind": "uniform", "low": 300, "high": 60}}, f"{SV}.talk_time.high",
                 ["300", "60"], None, id="uniform-low-above-high"),
    pytest.param({f"{SV}.talk_time": {"kind": "empirical", "values": []}}, f"{SV}.talk_time.values", ["empty"],
                 None, id="empirical-no-values"),
    pytest.param({f"{SV}.talk_time": csv_talk("call_id,talk_seconds\n1,100\n2,200\n")}, f"{SV}.talk_time.column",
                 ["talk"], {"call_id", "talk_seconds"}, id="csv-wrong-column"),
    pytest.param({f"{SV}.talk_time": csv_talk(None)}, f"{SV}.talk_time.file", ["handle_times.csv"], None,
                 id="csv-missing-file"),
    pytest.param({f"{SV}.talk_time": csv_talk("")}, f"{SV}.talk_time.file", ["handle_times.csv"], None,
                 id="csv-empty-file"),
    pytest.param({f"{SV}.route": []}, f"{SV}.route", [], {"sales_team", "pool"}, id="route-empty"),
    pytest.param({f"{SL}.route.1.group": "nobody"}, f"{SL}.route[1].group", ["nobody"], {"sales_team", "pool"},
                 id="route-unknown-group"),
    pytest.param({f"{SL}.route.1.group": "sales_team"}, f"{SL}.route[1].group", ["sales_team", "twice"], None,
                 id="route-group-twice"),
    pytest.param({f"{SL}.route.1.delay": -10}, f"{SL}.route[1].delay", ["-10"], None, id="negative-overflow-delay"),
    pytest.param({"groups.pool": {"headcount": 0}}, f"{SV}.route", ["pool"], None, id="only-group-never-staffed"),
    pytest.param({"groups.pool.headcount": 2}, "groups.pool", [], {"headcount", "shifts"}, id="two-staffing-kinds"),
    pytest.param({"groups.sales_team": {"headcount_per_interval": [1, 2, 3]}},
                 "groups.sales_team.headcount_per_interval", ["3", "4"], None, id="per-interval-wrong-length"),
    pytest.param({"groups.sales_team.headcount": -1}, "groups.sales_team.headcount", ["-1"], None,
                 id="negative-headcount"),
    pytest.param({"groups.pool.shifts.late.end": "18:00"}, "groups.pool.shifts.late", ["18:00", "10:00"], None,
                 id="shift-ends-after-day"),
    pytest.param({"groups.pool.shifts.early.start": "07:00"}, "groups.pool.shifts.early", ["07:00", "08:00"], None,
                 id="shift-starts-before-day"),
    pytest.param({"groups.pool.shifts.late.start": "09:30", "groups.pool.shifts.late.end": "09:00"},
                 "groups.pool.shifts.late", ["09:30"], None, id="shift-ends-before-start"),
    pytest.param({"groups.pool.shifts.early.start": "8h30"}, "groups.pool.shifts.early.start", ["8h30"], None,
                 id="malformed-clock"),
    # "08:90" is not a clock time; it must not silently become 09:30.
    pytest.param({"groups.pool.shifts.late.start": "08:90"}, "groups.pool.shifts.late.start", ["08:90"], None,
                 id="clock-minutes-over-59"),
    pytest.param({"groups.pool.speed": {"billing": 1.2}}, "groups.pool.speed.billing", ["billing"],
                 {"sales", "service"}, id="speed-unknown-type"),
    pytest.param({"groups.pool.speed": {"sales": 0}}, "groups.pool.speed.sales", ["0"], None, id="speed-zero"),
    pytest.param({"trunks": 0}, "trunks", ["0"], None, id="trunks-zero"),
    pytest.param({"busyness_cv": -0.1}, "busyness_cv", ["-0.1"], None, id="negative-busyness-cv"),
    pytest.param({"kpi": {"sl_variant": "abandoned"}}, "kpi.sl_variant", ["abandoned"],
                 {"offered", "answered", "answered_and_late_abandoned"}, id="unknown-sl-variant"),
    pytest.param({"kpi": {"sl_target": 1.5}}, "kpi.sl_target", ["1.5"], None, id="sl-target-above-1"),
    pytest.param({"horizon.kind": "week"}, "horizon.kind", ["week"], {"day", "steady_state"},
                 id="unknown-horizon-kind"),
    pytest.param({"horizon.interval_minutes": 0}, "horizon.interval_minutes", ["0"], None,
                 id="interval-minutes-zero"),
    # Infinite run lengths and scales must be refused up front, not crash numpy in the engine.
    pytest.param({"horizon.kind": "steady_state", "horizon.hours": math.inf, f"{SL}.volumes": DELETE,
                  f"{SL}.arrival_rate": 20}, "horizon.hours", ["inf"], None, id="infinite-hours"),
    pytest.param({f"{SL}.volume_scale": math.inf}, f"{SL}.volume_scale", ["inf"], None, id="infinite-volume-scale"),
    pytest.param({"horizon.interval_minutes": math.inf}, "horizon.interval_minutes", ["inf"], None,
                 id="infinite-interval"),
    pytest.param({f"{SV}.talk_time": {"kind": "gamma", "mean": 100, "cv": 1e-200}}, f"{SV}.talk_time.cv",
                 ["deterministic"], None, id="gamma-cv-vanishing"),
    pytest.param({f"{SV}.talk_time": csv_talk("talk\n100\nn/a\n300\n")}, f"{SV}.talk_time.column", ["n/a"], None,
                 id="csv-non-numeric-value"),
    # From the OmegaConf schema: the key is named too.
    pytest.param({f"{SV}.arival_rate": 30}, f"{SV}.arival_rate", ["arival_rate"], None, id="typo-key"),
    pytest.param({"horizon.intervals": "many"}, "horizon.intervals", ["many"], None, id="wrong-type"),
]


@pytest.mark.parametrize("changes, field, texts, allowed", CASES)
def test_bad_input_names_the_field(changes, field, texts, allowed, tmp_path):
    with pytest.raises(ConfigError) as info:
        build_scenario(mutated(changes, tmp_path))
    error = info.value
    assert error.field == field, str(error)
    for text in texts:
        assert text in str(error)
    if allowed is not None:
        assert error.allowed is not None and set(allowed) <= set(map(str, error.allowed)), str(error)


def test_empirical_from_a_one_column_csv(tmp_path):
    """The commonest export: a single column with a header. Every value must be read."""
    changes = {f"{SV}.talk_time": csv_talk("talk\n100\n250\n400\n")}
    talk = build_scenario(mutated(changes, tmp_path)).call_types[1].talk
    assert sorted(talk.values) == [100.0, 250.0, 400.0]


# -- through the command-line layer ----------------------------------------------------------

def composed(*overrides):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        return compose("config", overrides=list(overrides))


def test_short_override_on_a_multi_type_scenario_is_refused():
    with pytest.raises(ConfigError) as info:
        apply_shortcuts(composed("scenario=default", "agents=40"))
    assert info.value.field == "agents"


def test_patience_shortcut_must_be_a_number_or_none():
    with pytest.raises(ConfigError) as info:
        apply_shortcuts(composed("scenario=single_queue", "patience=soon"))
    assert info.value.field == "patience" and "soon" in str(info.value)


def test_mean_shortcut_on_a_distribution_without_a_mean_is_refused():
    """aht= on a uniform talk time would otherwise be silently ignored."""
    cfg = composed("scenario=single_queue", "scenario.call_types.calls.talk_time={kind: uniform, low: 100, high: 200}",
                   "aht=600")
    with pytest.raises(ConfigError) as info:
        apply_shortcuts(cfg)
    assert info.value.field == "aht" and "uniform" in str(info.value)


def test_csv_with_tabs_and_blank_cells(tmp_path):
    path = tmp_path / "times.tsv"
    path.write_text("id\ttalk\n1\t100\n2\t\n3\t300\n")
    changes = {f"{SV}.talk_time": {"kind": "empirical", "file": str(path), "column": "talk"}}
    assert sorted(build_scenario(mutated(changes)).call_types[1].talk.values) == [100.0, 300.0]


def test_unknown_engine_lists_the_engines():
    with pytest.raises(ConfigError) as info:
        select_engine("warp", build_scenario(copy.deepcopy(BASE)))
    assert info.value.field == "engine" and "warp" in str(info.value)
    assert "simpy" in info.value.allowed and "auto" in info.value.allowed


def test_single_queue_composes():
    cfg = composed("scenario=single_queue")
    assert build_scenario(apply_shortcuts(cfg)).name == "single_queue"


@pytest.mark.parametrize("override, key", [
    ("scenario.call_types.nope.talk_time.mean=3", "scenario.call_types.nope"),
    ("scenario.horizon.intervalz=3", "intervalz"),
    ("seed=abc", "seed"),
], ids=["unknown-call-type", "typo-key", "wrong-type"])
def test_bad_override_fails_at_compose_time(override, key):
    with pytest.raises(HydraException) as info:
        composed("scenario=single_queue", override)
    assert key in str(info.value)


# -- no agent on duty for part of the day, no patience: must end, not hang ---------------------

def test_calls_nobody_can_serve_end_unfinished_without_hanging():
    scenario = {
        "name": "gap",
        "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 30, "day_start": "08:00"},
        "call_types": {"only": {"arrival_rate": 60, "talk_time": {"kind": "exponential", "mean": 120},
                                "route": [{"group": "early"}]}},  # no patience: callers never hang up
        "groups": {"early": {"shifts": {"a": {"start": "08:00", "end": "08:30", "count": 1}}}},
    }

    def too_slow(signum, frame):
        raise TimeoutError("simulate() did not return within 20 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        results = sim.simulate(scenario, seed=1)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    calls = results.calls
    counts = calls.outcome.value_counts()
    assert len(calls) > 60  # ~120 expected over two hours
    assert counts.get("answered", 0) + counts.get("unfinished", 0) == len(calls)
    assert counts.get("unfinished", 0) > 0
    # Nobody is on duty after 08:30, so every answer happened before then ...
    assert calls.answer_time.max() <= 1800
    # ... and every call arriving after 08:30 is unfinished.
    assert (calls.outcome[calls.arrival > 1800] == "unfinished").all()


def test_numpy_numbers_in_a_dict_scenario_are_accepted():
    import numpy as np

    from sim.model.scenario import build_scenario

    plain = {"name": "q", "horizon": {"kind": "steady_state", "hours": 2.0},
             "call_types": {"c": {"arrival_rate": 100.0, "talk_time": {"mean": 60.0}, "route": [{"group": "g"}]}},
             "groups": {"g": {"headcount": 3}}}
    numpy = {"name": "q", "horizon": {"kind": "steady_state", "hours": np.float64(2)},
             "call_types": {"c": {"arrival_rate": np.float64(100), "talk_time": {"mean": np.float32(60)},
                                  "route": [{"group": "g"}]}},
             "groups": {"g": {"headcount": np.int64(3)}}}
    assert build_scenario(numpy) == build_scenario(plain)


# -- clock times, shifts past midnight ---------------------------------------------------------

def night(shifts, day_start="20:00", intervals=8):
    """20:00-04:00 in hours; one call type served by the night group's shifts."""
    return {"name": "night", "horizon": {"kind": "day", "intervals": intervals, "interval_minutes": 60,
                                         "day_start": day_start},
            "call_types": {"c": {"arrival_rate": 40, "talk_time": {"kind": "exponential", "mean": 200},
                                 "route": [{"group": "night"}]}},
            "groups": {"night": {"shifts": shifts}}}


def test_a_shift_past_midnight_is_the_next_day_on_both_engines(engine):
    """22:00-02:00 means what 22:00-26:00 (the notation that always worked) means, and in a horizon
    running past midnight 01:00-04:00 means 25:00-28:00: same spells, same calls on each engine."""
    written = night({"a": {"start": "22:00", "end": "02:00", "count": 3},
                     "b": {"start": "01:00", "end": "04:00", "count": 2}})
    explicit = night({"a": {"start": "22:00", "end": "26:00", "count": 3},
                      "b": {"start": "25:00", "end": "28:00", "count": 2}})
    s = build_scenario(written)
    assert s.groups[0].spells == build_scenario(explicit).groups[0].spells
    assert s.groups[0].spells[0] == ((2 * 3600.0, 6 * 3600.0),) and s.groups[0].spells[3] == ((5 * 3600.0, math.inf),)
    a, b = sim.simulate(written, seed=3, engine=engine), sim.simulate(explicit, seed=3, engine=engine)
    assert a.n_calls > 100
    assert a.calls.equals(b.calls) and a.agents.equals(b.agents)


def test_a_start_before_the_day_is_an_error_when_the_day_does_not_cross_midnight():
    with pytest.raises(ConfigError) as info:
        build_scenario(night({"a": {"start": "07:00", "end": "09:00", "count": 1}}, day_start="08:00", intervals=4))
    assert info.value.field == "groups.night.shifts.a" and "08:00 to 12:00" in str(info.value)


@pytest.mark.parametrize("value, expected", [(780, '"13:00"'), ("450", '"07:30"')])
def test_an_unquoted_yaml_clock_time_says_what_to_write(value, expected):
    """YAML 1.1 reads an unquoted 13:00 as 13 * 60 = 780; the message gives the quoted form."""
    with pytest.raises(ConfigError) as info:
        build_scenario(night({"a": {"start": "22:00", "end": value, "count": 1}}))
    assert info.value.field == "groups.night.shifts.a.end" and expected in str(info.value)


# -- the command line: adding entries, {} overrides ---------------------------------------------

def test_a_new_shift_can_be_added_from_the_command_line():
    from sim.model.command_line import spell_additions

    added = "+scenario.groups.retail_team.shifts.night={start: '18:00', end: '22:00', count: 3}"
    cfg = composed(*spell_additions([added]))
    shifts = cfg.scenario.groups.retail_team.shifts
    assert list(shifts)[-1] == "night" and shifts.night.count == 3
    before, after = build_scenario(composed().scenario), build_scenario(apply_shortcuts(cfg))
    assert len(after.groups[0].spells) == len(before.groups[0].spells) + 3
    assert after.groups[0].spells[-1] == (((18 - 7) * 3600.0, (22 - 7) * 3600.0),)
    # ... and a group staffed by headcount can be given shifts instead.
    cfg = composed("scenario=single_queue", "scenario.groups.agents.headcount=null", *spell_additions(
        ["+scenario.groups.agents.shifts.all={start: '00:00', end: '102:00', count: 50}"]))
    assert build_scenario(apply_shortcuts(cfg)).n_agents == 50


@pytest.mark.parametrize("override", ["scenario.call_types={}", "scenario.groups={}",
                                      "scenario.groups.retail_team.shifts={}"])
def test_an_empty_mapping_override_is_refused_not_ignored(override):
    from sim.model.command_line import check_overrides

    cfg = composed(override)
    assert len(OmegaConf.select(cfg, override.split("=")[0])) > 0  # Hydra left the entries in place
    with pytest.raises(ConfigError) as info:
        check_overrides(cfg, [override])
    assert info.value.field == override.split("=")[0]


def test_keys_added_with_plus_must_exist_in_the_schema():
    from sim.model.config import AppConfig
    from sim.model.schema import conform_node

    cfg = composed("+scenario.call_types.retail.spead=2")
    with pytest.raises(ConfigError) as info:
        build_scenario(cfg.scenario)
    assert info.value.field == "call_types.retail.spead" and "arrival_rate" in info.value.allowed
    conform_node(composed(), AppConfig)  # the shipped configs are clean


# -- run size ----------------------------------------------------------------------------------

def big_queue(rate_per_hour, hours):
    return {"name": "big", "horizon": {"kind": "steady_state", "hours": hours, "interval_minutes": 60},
            "call_types": {"c": {"arrival_rate": rate_per_hour, "talk_time": {"kind": "exponential", "mean": 60},
                                 "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 100}}}


def test_run_size_estimate_and_refusal():
    from sim.model import run_size

    s = build_scenario(big_queue(3600, 1000))
    size = run_size.estimate(s, records=True)
    assert size.calls == pytest.approx(3600 * 1000) and size.interval_rows == 1000 * 3
    assert size.memory >= 3.6e6 * 114  # at least the measured bytes per call record
    lean = run_size.estimate(s, records=False)
    assert lean.memory < size.memory / 10
    assert run_size.estimate(s, records=False, engine="simpy").memory == size.memory  # SimPy keeps every call
    with pytest.raises(ConfigError) as info:
        run_size.check(s, records=True, available=size.memory / 2)
    assert info.value.field == "output.calls" and "output.calls=false" in str(info.value)
    run_size.check(s, records=False, available=size.memory / 2)
    with pytest.raises(ConfigError) as info:
        run_size.check(s, records=False, available=lean.memory / 2)
    assert info.value.field == "scenario.horizon"


def test_a_run_too_big_for_memory_is_refused_before_it_starts(monkeypatch):
    from sim.model import run_size

    monkeypatch.setattr(run_size, "available_memory", lambda: 52e6)  # room for the base, not 36,000 records
    with pytest.raises(ConfigError) as info:
        sim.simulate(big_queue(3600, 10), seed=1)
    assert info.value.field == "output.calls" and "36,000 calls" in str(info.value)
    assert sim.simulate(big_queue(3600, 10), seed=1, records=False, engine="fast").n_calls > 30_000


def test_a_long_run_is_announced(capsys):
    from sim.experiments.job import ExperimentSettings, announce_run_size

    s = build_scenario(big_queue(1e7, 100))  # 1e9 calls: minutes even without records
    announce_run_size(s, "fast", ExperimentSettings(), records=False)
    assert "a long run: about 1,000,000,000 calls" in capsys.readouterr().out
    announce_run_size(build_scenario(big_queue(60, 10)), "fast", ExperimentSettings(), records=False)
    assert capsys.readouterr().out == ""


def test_negative_seeds_are_refused_by_the_python_api():
    from sim.experiments.replications import replicate

    for call in (lambda: sim.simulate(copy.deepcopy(BASE), seed=-1),
                 lambda: replicate(copy.deepcopy(BASE), 2, seed=-1)):
        with pytest.raises(ConfigError) as info:
            call()
        assert info.value.field == "seed" and "-1" in str(info.value)


def test_the_shipped_config_files_pass_the_strict_yaml_check():
    """callsim checks only the user's --config-dir files before each run; the package's own are
    checked here instead (no duplicate key, tab or unquoted clock time)."""
    from pathlib import Path

    from sim.model.command_line import check_yaml_file

    files = sorted(Path(config_dir()).rglob("*.yaml"))
    assert len(files) >= 6
    for path in files:
        check_yaml_file(path)


def test_outbound_attempts_count_in_the_run_size():
    """An unlimited campaign dials for as long as the run lasts: its attempts (kept in either
    records mode) are estimated from its lines and attempt times, and a run they cannot fit in
    memory is refused naming the campaigns; a finite list bounds them by size x max_attempts."""
    from sim.model import run_size

    data = big_queue(0, 1000)  # no inbound calls at all: the campaign is the whole run
    data["campaigns"] = {"c": {"groups": ["g"], "dialler": {"mode": "progressive", "calls_per_agent": 2},
                               "outcomes": {"right_party": 0, "wrong_party": 0, "busy": 0, "no_answer": 1, "machine": 0},
                               "no_answer_time": {"kind": "deterministic", "mean": 25}}}
    s = build_scenario(data)
    # 100 agents x 2 lines, each attempt ringing 25 s until no answer, for 1000 h
    assert run_size.expected_attempts(s) == pytest.approx(100 * 2 * 3.6e6 / 25)
    size = run_size.estimate(s, records=False)
    assert size.memory >= 2.88e7 * run_size.ATTEMPT_BYTES
    with pytest.raises(ConfigError) as info:
        run_size.check(s, records=False, available=size.memory / 2)
    assert info.value.field == "scenario.campaigns" and "list_size" in str(info.value)
    data["campaigns"]["c"]["list_size"] = 1000
    assert run_size.expected_attempts(build_scenario(data)) == 1000 * 3  # the list x max_attempts (default 3)
