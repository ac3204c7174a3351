"""The what-if page's form (sim.ui.form): which settings it offers, how it writes them into the
scenario, and that a bad value comes back as the engine's own error on the right field."""

import subprocess
import sys

import pytest

from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file
from sim.ui.form import apply, check, field_name, form_fields


@pytest.fixture(scope="module")
def default():
    return load_scenario_file("default")


def test_field_names_are_the_config_paths_errors_use():
    assert field_name(("groups", "a", "shifts", "day", "count")) == "groups.a.shifts.day.count"
    assert field_name(("call_types", "retail", "route", 1, "delay")) == "call_types.retail.route[1].delay"


def test_the_form_offers_shift_counts_scales_patience_priority_overflow_delays_and_routing(default):
    fields = {f.name: f for f in form_fields(default)}
    # every shift of every group, with the file's count
    for group, spec in default["groups"].items():
        for shift, times in spec["shifts"].items():
            assert fields[f"groups.{group}.shifts.{shift}.count"].value == str(times["count"])
            assert fields[f"groups.{group}.shifts.{shift}.count"].kind is int
    # an overflow delay for each step after the first, none for the first step
    assert fields["call_types.retail.route[1].delay"].value == "10"
    assert fields["call_types.stocks.route[1].delay"].value == "15"
    assert not any(name.startswith("call_types.english.route") for name in fields)
    assert "call_types.retail.route[0].delay" not in fields
    assert fields["call_types.retail.patience.mean"].value == "447"
    assert fields["call_types.sales.volume_scale"].value == "1" and fields["call_types.sales.volume_scale"].kind is float
    assert fields["call_types.english.priority"].value == "1"
    assert fields["routing.call_selection"].choices == ("priority_fifo", "priority_head_start")
    assert fields["routing.agent_selection"].value == "route_order"
    assert fields["routing.agent_selection"].choices == ("route_order", "least_skilled")


def test_headcount_field_for_groups_without_shifts():
    fields = {f.name: f for f in form_fields(load_scenario_file("single_queue"))}
    assert fields["groups.agents.headcount"].value == "44"


def test_apply_writes_the_values_into_a_copy_and_the_engine_sees_them(default):
    changed = apply(default, {"groups.sales_team.shifts.day.count": "8", "call_types.retail.route[1].delay": "25",
                              "call_types.sales.volume_scale": "2", "call_types.retail.patience.mean": "300.5"})
    assert default["groups"]["sales_team"]["shifts"]["day"]["count"] == 3  # the original is untouched
    scenario, before = build_scenario(changed), build_scenario(default)
    sales_team = next(g for g in scenario.groups if g.name == "sales_team")
    assert len(sales_team.spells) == 2 + 8 + 2 + 3  # early, day, mid, late
    retail = scenario.call_types[0]
    assert retail.route[1][1] == 25.0 and retail.patience.mean == 300.5
    assert scenario.call_types[1].rates == pytest.approx([2 * r for r in before.call_types[1].rates])


@pytest.mark.parametrize("name, text, words", [
    ("groups.sales_team.shifts.day.count", "x", "expected a whole number, got 'x'"),
    ("groups.sales_team.shifts.day.count", "1.5", "expected a whole number, got '1.5'"),
    ("groups.sales_team.shifts.day.count", "-1", "must be a whole number between 0 and 100,000, got -1"),
    ("call_types.retail.route[1].delay", "-3", "must be between 0 and 86400 s (a day), got -3.0"),
    ("call_types.retail.patience.mean", "0", "the exponential distribution needs mean > 0, got 0.0"),
    ("call_types.sales.volume_scale", "", "expected a number, got ''"),
    ("routing.call_selection", "fastest", "unknown call selection policy 'fastest'"),
    ("routing.agent_selection", "nearest", "unknown agent selection policy 'nearest'"),
])
def test_a_bad_value_is_reported_on_its_field(default, name, text, words):
    fields = form_fields(default)
    field, message = check(apply(default, {name: text}), fields)
    assert field == name
    assert message.startswith(f"{name}: {words}")


def test_valid_form_has_no_error(default):
    fields = form_fields(default)
    assert check(apply(default, {f.name: f.value for f in fields}), fields) is None


def test_the_words_are_the_command_lines(tmp_path, default):
    """The same bad value given to ``callsim`` prints the very message the form shows."""
    _, message = check(apply(default, {"call_types.retail.route[1].delay": "-3"}), form_fields(default))
    done = subprocess.run([sys.executable, "-m", "sim.cli", "scenario=default", "scenario.call_types.retail.route.1.delay=-3",
                           f"hydra.run.dir={tmp_path}"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert f"callsim: invalid input: {message}" in done.stderr
