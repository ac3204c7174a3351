"""Shift scheduling (sim.planning.shift_patterns, sim.planning.shift_scheduling): the MILP's
optimum against a brute force over integer counts of independently built patterns, coverage
worked out by hand, under-coverage reported (never raised), the penalty trade-off, the roster
outputs and bad input.

The brute force builds its own patterns minute by minute (a boolean "on the phones" array per
agent), so a wrong coverage, paid-hours or break rule in the package shows as a different optimum.
"""

import itertools
import math

import numpy as np
import pytest
from omegaconf import OmegaConf

from sim.errors import ConfigError
from sim.model.shift_rules import BreakRuleConfig, ShiftRulesConfig
from sim.model.scenario import parse_clock
from sim.planning.shift_patterns import enumerate_patterns, rules_from
from sim.planning.shift_scheduling import as_shift_configs, clock, roster_rows, schedule

H = 3600.0


def minute_patterns(intervals, interval, starts, lengths, breaks, break_step):
    """(coverage intervals x distinct patterns, their paid hours, the number of patterns before
    merging alike ones) of every allowed pattern, minute by minute.
    ``breaks``: (minutes, earliest_after, latest_after, paid, min_shift_hours) in whole minutes."""
    horizon = intervals * interval
    columns, paid = [], []
    for length in lengths:
        rules = [b for b in breaks if length >= b[4] * 60]
        grids = [range(b[1], b[2] + 1, break_step) for b in rules]
        unpaid = sum(b[0] for b in rules if not b[3])
        for start in starts:
            if start + length > horizon:
                continue
            for offsets in itertools.product(*grids):
                off = np.zeros(horizon, int)
                for (minutes, *_), at in zip(rules, offsets):
                    off[start + at:start + at + minutes] += 1
                if off.max(initial=0) > 1:
                    continue  # overlapping breaks
                on = np.zeros(horizon, bool)
                on[start:start + length] = True
                on &= off == 0
                columns.append(on.reshape(intervals, interval).mean(axis=1))
                paid.append((length - unpaid) / 60)
    matrix = np.column_stack([np.array(columns), paid])  # patterns x (intervals + 1)
    distinct = np.unique(np.round(matrix, 12), axis=0)  # identical columns cost and cover alike
    return distinct[:, :-1].T, distinct[:, -1], len(columns)


def brute_force(coverage, paid, required, unit, penalty):
    """The least objective over all integer counts. A pattern never needs more agents than
    ceil(max r / its smallest positive coverage): with that many, one fewer still covers every
    interval it touches, so removing one saves its cost at no penalty."""
    bounds = [math.ceil(required.max() / coverage[coverage[:, p] > 0, p].min()) for p in range(coverage.shape[1])]
    counts = np.array(list(itertools.product(*[range(b + 1) for b in bounds])), float)
    short = np.maximum(0.0, required[None, :] - counts @ coverage.T).sum(axis=1)
    return float((counts @ paid * unit + penalty * short).min())


def roster_coverage(result, intervals, interval, day_start):
    """Agents on the phones per interval from the result's shifts (clock times), minute by minute."""
    on = np.zeros(intervals * interval)

    def minute(text):
        return int(round((parse_clock(text, "t") - day_start) / 60))
    for shift in result.shifts:
        agent = np.zeros_like(on)
        agent[minute(shift.start):minute(shift.end)] = 1
        for b in shift.breaks:
            agent[minute(b.start):minute(b.end)] = 0
        on += shift.count * agent
    return on.reshape(intervals, interval).mean(axis=1)


INSTANCES = {
    # name: (intervals, interval minutes, requirement, rules, cost_per_hour, minute-pattern args)
    "no breaks": (6, 60, [1, 2, 2, 1, 2, 1], {"lengths_hours": [2, 3], "under_cover_penalty": 5.0}, 0.0,
                  (range(0, 360, 60), [120, 180], [], 15)),
    "a break inside 30-min intervals": (
        8, 30, [1, 1, 2, 2, 2, 2, 1, 1],
        {"lengths_hours": [3], "breaks": [{"minutes": 15, "earliest_after": 60, "latest_after": 105}]}, 10.0,
        (range(0, 240, 30), [180], [(15, 60, 105, True, 0)], 15)),
    "an unpaid lunch for long shifts only": (
        10, 30, [1, 1, 2, 2, 1, 2, 2, 1, 1, 1],
        {"lengths_hours": [2, 4], "start_step_minutes": 60, "break_step_minutes": 30,
         "breaks": [{"name": "lunch", "minutes": 30, "earliest_after": 90, "latest_after": 150, "paid": False,
                     "min_shift_hours": 4}]}, 20.0,
        (range(0, 300, 60), [120, 240], [(30, 90, 150, False, 4)], 30)),
    "two breaks with overlapping windows": (
        8, 30, [1, 2, 2, 2, 2, 2, 2, 1],
        {"lengths_hours": [4], "start_step_minutes": 60, "break_step_minutes": 30, "under_cover_penalty": 40.0,
         "breaks": [{"name": "lunch", "minutes": 30, "earliest_after": 60, "latest_after": 120, "paid": False},
                    {"minutes": 30, "earliest_after": 60, "latest_after": 150}]}, 12.0,
        (range(0, 240, 60), [240], [(30, 60, 120, False, 0), (30, 60, 150, True, 0)], 30)),
    "a penalty cheaper than some cover": (6, 60, [0, 2, 1, 0, 0, 1], {"lengths_hours": [2], "under_cover_penalty": 1.5},
                                          0.0, (range(0, 360, 60), [120], [], 15)),
}


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_the_milp_optimum_equals_a_brute_force_over_counts(name):
    intervals, interval, required, rules, cost_per_hour, minute_args = INSTANCES[name]
    day_start = 8 * H
    result = schedule(required, interval, day_start, rules, cost_per_hour)
    coverage, paid, enumerated = minute_patterns(intervals, interval, *minute_args)
    unit = cost_per_hour or 1.0
    penalty = rules.get("under_cover_penalty", 100 * unit * interval / 60)
    best = brute_force(coverage, paid, np.array(required, float), unit, penalty)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert (result.patterns_enumerated, result.patterns) == (enumerated, coverage.shape[1])
    # what the result reports agrees with its own shifts
    covered = roster_coverage(result, intervals, interval, day_start)
    np.testing.assert_allclose(result.coverage, covered, atol=1e-9)
    np.testing.assert_allclose(result.shortfall, np.maximum(0, np.array(required) - covered), atol=1e-9)
    assert result.paid_hours == pytest.approx(sum(s.count * s.paid_hours for s in result.shifts))
    assert result.cost == pytest.approx(result.paid_hours * cost_per_hour)
    assert result.objective == pytest.approx(result.paid_hours * unit + penalty * sum(result.shortfall))


def test_the_roster_of_the_program_over_every_pattern_is_kept():
    # Here the linear relaxation's patterns alone give 9 paid hours at best (HiGHS 1.12); the
    # program over every pattern finds 8, which is optimal: the relaxation's bound, computed
    # below from the minute-built patterns, is above 7, and without a shortfall (50 per
    # agent-interval) paid hours are whole (2- and 3-h shifts, paid breaks).
    from scipy.optimize import linprog
    required = np.array([2, 2, 3, 3, 1, 0, 1, 1], float)
    rules = {"lengths_hours": [2, 3], "under_cover_penalty": 50.0,
             "breaks": [{"minutes": 15, "earliest_after": 30, "latest_after": 90}]}
    result = schedule(required, 30, 0.0, rules)
    coverage, paid, _ = minute_patterns(8, 30, range(0, 240, 30), [120, 180], [(15, 30, 90, True, 0)], 15)
    relaxation = linprog(paid, A_ub=-coverage, b_ub=-required, bounds=(0, None), method="highs")
    assert 7 < relaxation.fun < 8
    assert result.paid_hours == 8.0 and result.under_covered == ()
    assert (roster_coverage(result, 8, 30, 0.0) >= required).all()


def test_coverage_fractions_by_hand():
    # 30-min intervals from 08:00; 2-h shifts every 15 min; a 15-min break 45 min after the start
    rules = rules_from({"lengths_hours": [2], "start_step_minutes": 15,
                        "breaks": [{"minutes": 15, "earliest_after": 45, "latest_after": 45}]}, 30, 8 * H, 6)
    patterns = enumerate_patterns(rules, 30, 6)
    by_start = {float(s): patterns.coverage[:, p].toarray().ravel() for p, s in enumerate(patterns.start)}
    assert sorted(by_start) == [0, 15, 30, 45, 60]  # 60 + 120 = the horizon's end; 75 would run past it
    # 08:00-10:00, break 08:45-09:00: half of 08:30-09:00 on the phones
    np.testing.assert_allclose(by_start[0], [1, 0.5, 1, 1, 0, 0])
    # 08:15-10:15, break 09:00-09:15: half of 08:00-08:30, 09:00-09:30 and 10:00-10:30
    np.testing.assert_allclose(by_start[15], [0.5, 1, 0.5, 1, 0.5, 0])
    np.testing.assert_allclose(patterns.paid_hours, 2.0)


def test_shifts_lie_inside_the_horizon():
    # 4 h from 08:00, 60-min intervals: 1-h shifts may start up to 11:00, 3-h shifts up to 09:00
    rules = rules_from({"lengths_hours": [1, 3]}, 60, 8 * H, 4)
    patterns = enumerate_patterns(rules, 60, 4)
    shifts = sorted((float(s), rules.lengths[k] / 60) for s, k in zip(patterns.start, patterns.length))
    assert shifts == [(0, 1), (0, 3), (60, 1), (60, 3), (120, 1), (180, 1)]
    result = schedule([0, 0, 1, 1], 60, 8 * H, {"lengths_hours": [3]})  # a 10:00-13:00 shift would be cheapest
    assert [(s.start, s.end) for s in result.shifts] == [("09:00", "12:00")]


def test_paid_hours_leave_out_unpaid_breaks_only():
    rules = {"lengths_hours": [8], "breaks": [
        {"name": "lunch", "minutes": 30, "earliest_after": 210, "latest_after": 210, "paid": False},
        {"minutes": 15, "earliest_after": 90, "latest_after": 90},
        {"minutes": 15, "earliest_after": 360, "latest_after": 360}]}
    # penalty 20 per agent-interval: a second agent to cover the breaks (150) costs more than the
    # shortfall (2 agent-intervals, 40); no agent at all (16 x 20 = 320) more than one (150 + 40)
    result = schedule([1] * 16, 30, 9 * H, dict(rules, under_cover_penalty=20.0), cost_per_hour=20.0)
    (shift,) = result.shifts
    assert (shift.start, shift.end, shift.count, shift.paid_hours) == ("09:00", "17:00", 1, 7.5)
    assert result.cost == 150.0
    assert [(b.name, b.start, b.end, b.paid) for b in shift.breaks] == [
        ("break", "10:30", "10:45", True), ("lunch", "12:30", "13:00", False), ("break", "15:00", "15:15", True)]
    # on the phones 7 h of 8: three intervals half covered (the breaks), one not at all (lunch)
    np.testing.assert_allclose(result.coverage, [1, 1, 1, 0.5, 1, 1, 1, 0, 1, 1, 1, 1, 0.5, 1, 1, 1])
    assert result.under_covered == (3, 7, 12)
    np.testing.assert_allclose([result.shortfall[j] for j in (3, 7, 12)], [0.5, 1, 0.5])


def test_a_break_may_start_where_another_ends():
    rules = rules_from({"lengths_hours": [2], "breaks": [
        {"name": "a", "minutes": 30, "earliest_after": 30, "latest_after": 60},
        {"name": "b", "minutes": 30, "earliest_after": 30, "latest_after": 60}]}, 30, 0.0, 4)
    patterns = enumerate_patterns(rules, 30, 4)
    assert set(patterns.placements[0]) == {(30.0, 60.0), (60.0, 30.0)}  # never (30, 30), (45, ...) nor (60, 60)


def test_requirements_no_shift_can_cover_are_reported_as_under_coverage():
    # shifts may start from 09:00 only: 07:00-09:00 cannot be covered
    rules = {"lengths_hours": [4], "start_earliest": "09:00"}
    required = [2, 1.5, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    result = schedule(required, 30, 7 * H, rules, cost_per_hour=25.0)
    assert result.status == "optimal"
    assert result.under_covered == (0, 1)
    assert result.shortfall == (2.0, 1.5) + (0.0,) * 10
    assert [(s.start, s.end, s.count) for s in result.shifts] == [("09:00", "13:00", 1)]
    assert result.cost == 100.0


def test_the_penalty_trades_cover_against_cost():
    # one agent needed in one 60-min interval; the only shift is 2 h long: it costs 2 paid hours
    required = [0, 0, 1, 0, 0, 0]
    cheap = schedule(required, 60, 0.0, {"lengths_hours": [2], "under_cover_penalty": 1.9})
    assert cheap.shifts == () and cheap.under_covered == (2,) and cheap.shortfall[2] == 1.0
    assert cheap.objective == pytest.approx(1.9)
    dear = schedule(required, 60, 0.0, {"lengths_hours": [2], "under_cover_penalty": 2.1})
    assert dear.under_covered == () and dear.paid_hours == 2.0 and dear.objective == pytest.approx(2.0)
    # the default: 100 x the cost of one agent for one interval, so every interval is covered
    default = schedule(required, 60, 0.0, {"lengths_hours": [2]}, cost_per_hour=30.0)
    assert default.penalty == 3000.0 and default.under_covered == () and default.cost == 60.0


def test_two_placements_of_one_shift_are_two_named_shifts_and_rows():
    rules = {"lengths_hours": [2], "break_step_minutes": 30,
             "breaks": [{"minutes": 30, "earliest_after": 30, "latest_after": 60}]}
    result = schedule([2, 1, 1, 2], 30, 8 * H, rules, cost_per_hour=10.0)
    assert [s.name for s in result.shifts] == ["s0800_2h_a", "s0800_2h_b"]
    assert roster_rows(result, "retail") == [
        {"group": "retail", "shift": "s0800_2h_a", "start": "08:00", "end": "10:00", "paid_hours": 2.0, "count": 1,
         "breaks": "break 08:30-09:00"},
        {"group": "retail", "shift": "s0800_2h_b", "start": "08:00", "end": "10:00", "paid_hours": 2.0, "count": 1,
         "breaks": "break 09:00-09:30"}]
    assert as_shift_configs(result) == {
        "s0800_2h_a": {"start": "08:00", "end": "10:00", "count": 1,
                       "breaks": [{"name": "break", "minutes": 30.0, "start": "08:30", "paid": True}]},
        "s0800_2h_b": {"start": "08:00", "end": "10:00", "count": 1,
                       "breaks": [{"name": "break", "minutes": 30.0, "start": "09:00", "paid": True}]}}


def test_roster_text_marks_unpaid_breaks_and_lengths_off_the_hour():
    rules = {"lengths_hours": [4.5], "breaks": [
        {"name": "lunch", "minutes": 30, "earliest_after": 120, "latest_after": 120, "paid": False}]}
    result = schedule([1] * 9, 30, 22 * H, rules)  # 22:00 to 02:30: past midnight
    (row,) = roster_rows(result, "night")
    assert row == {"group": "night", "shift": "s2200_4h30_a", "start": "22:00", "end": "26:30", "paid_hours": 4.0,
                   "count": 1, "breaks": "lunch 24:00-24:30 (unpaid)"}
    assert parse_clock(row["end"], "end") == 26.5 * H  # the scenario's clock parser reads it back


def test_clock_formatting():
    assert clock(7 * H, 0) == "07:00"
    assert clock(7 * H, 90) == "08:30"
    assert clock(7 * H, 7.5) == "07:07:30"
    assert clock(23 * H, 120) == "25:00"


def test_rules_as_dataclasses_or_hydra_nodes_give_the_same_schedule_as_mappings():
    as_dict = {"lengths_hours": [3], "breaks": [{"name": "tea", "minutes": 15, "earliest_after": 60,
                                                  "latest_after": 90}]}
    as_config = ShiftRulesConfig(lengths_hours=[3], breaks=[BreakRuleConfig(name="tea", minutes=15, earliest_after=60,
                                                                            latest_after=90)])
    required = [1, 2, 2, 2, 1, 1]
    expected = schedule(required, 30, 0.0, as_dict).shifts
    assert schedule(required, 30, 0.0, as_config).shifts == expected
    assert schedule(required, 30, 0.0, OmegaConf.structured(as_config)).shifts == expected  # a Hydra node


# 1 h from 00:00 in 30-min intervals, one 1-h shift with a 15-min break at 00:15 (covers 0.5, 1)
# or 00:30 (1, 0.5); one agent in each interval: the linear relaxation takes 2/3 of an agent on
# each (4/3 paid hours), the best roster one on each (2 h): a lower bound 1/3 below the optimum.
GAP_CASE = ([1, 1], 30, 0.0, {"lengths_hours": [1], "breaks": [{"minutes": 15, "earliest_after": 15,
                                                                  "latest_after": 30}]})


def patch_full_solve(monkeypatch, change):
    """milp with ``change(result, kwargs)`` applied to the last of its three solves (the relaxation,
    the program on the relaxation's patterns, the program on every pattern)."""
    import sim.planning.shift_scheduling as module
    real, calls = module.milp, []

    def patched(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(kwargs)
        if len(calls) == 3:
            change(result, kwargs)
        return result
    monkeypatch.setattr(module, "milp", patched)
    return calls


def test_a_time_limit_keeps_the_best_found_and_reports_its_gap_to_the_bound(monkeypatch):
    def stopped_before_any_solution(result, kwargs):
        result.status, result.x, result.mip_dual_bound = 1, None, None
    calls = patch_full_solve(monkeypatch, stopped_before_any_solution)
    result = schedule(*GAP_CASE)
    assert len(calls) == 3 and not calls[0]["integrality"].any() and calls[2]["integrality"].any()
    assert result.paid_hours == 2.0 and result.under_covered == ()  # from the program on the relaxation's patterns
    assert result.gap == pytest.approx(1 / 3)
    assert result.status == "time limit: best found, gap 33 %"


def test_a_solution_within_the_gap_tolerance_says_so_and_the_settings_reach_the_solver(monkeypatch):
    seen = {}

    def within_tolerance(result, kwargs):
        seen.update(kwargs["options"])
        result.mip_dual_bound = 1.99
    patch_full_solve(monkeypatch, within_tolerance)
    result = schedule(*GAP_CASE[:3], dict(GAP_CASE[3], mip_gap=0.01, time_limit_seconds=7))
    assert result.status == "near-optimal: gap 0.5 % (tolerance 1 %)" and result.gap == pytest.approx(0.005)
    assert seen["mip_rel_gap"] == 0.01 and 6 < seen["time_limit"] <= 7  # what the first two steps left


def test_a_gap_below_a_hundredth_of_a_percent_is_optimal(monkeypatch):
    def all_but_closed(result, kwargs):
        result.mip_dual_bound = 1.99995
    patch_full_solve(monkeypatch, all_but_closed)
    result = schedule(*GAP_CASE)
    assert result.status == "optimal" and result.gap == pytest.approx(2.5e-5)


def test_without_the_time_limit_the_gap_case_is_optimal():
    result = schedule(*GAP_CASE)
    assert (result.status, result.paid_hours) == ("optimal", 2.0) and result.gap == pytest.approx(0, abs=1e-9)


def test_a_time_limit_without_any_solution_is_a_clear_error(monkeypatch):
    import sim.planning.shift_scheduling as module
    real = module.milp

    def nothing_found(*args, **kwargs):
        result = real(*args, **kwargs)
        result.status, result.x = 1, None
        return result
    monkeypatch.setattr(module, "milp", nothing_found)
    with pytest.raises(ConfigError, match="no schedule found within 20 s") as error:
        schedule([1, 1, 1, 1], 60, 0.0, {"lengths_hours": [2]})
    assert error.value.field == "shift_rules.time_limit_seconds"


BREAK = {"minutes": 30, "earliest_after": 60, "latest_after": 120}


@pytest.mark.parametrize("rules, field, message", [
    ({"lengths_hours": []}, "plan.lengths_hours", "is empty"),
    ({"lengths_hours": [0]}, "plan.lengths_hours", "above 0 h"),
    ({"lengths_hours": [-2]}, "plan.lengths_hours", "must be between 0 and 8"),
    ({"lengths_hours": [9]}, "plan.lengths_hours", "must be between 0 and 8 h"),
    ({"start_step_minutes": 0}, "plan.start_step_minutes", "above 0"),
    ({"break_step_minutes": -15}, "plan.break_step_minutes", "must be between 0"),
    ({"start_earliest": "12:00", "start_latest": "10:00", "lengths_hours": [2]}, "plan.start_latest", "before"),
    ({"start_earliest": "15:00", "lengths_hours": [4]}, "plan.start_earliest", "before"),
    ({"start_earliest": "7.30"}, "plan.start_earliest", "not a clock time"),
    ({"start_latest": "20:00", "lengths_hours": [2]}, "plan.start_latest", "outside the horizon"),
    ({"lengths_hours": [2, 4], "breaks": [BREAK]}, "plan.breaks[0]", "does not fit inside the 2 h shift"),
    ({"lengths_hours": [2, 4], "breaks": [dict(BREAK, min_shift_hours=3)]}, None, None),  # 4 h only: fits
    ({"breaks": [dict(BREAK, latest_after=30)]}, "plan.breaks[0].latest_after", "before it starts"),
    ({"breaks": [{"earliest_after": 60, "latest_after": 90}]}, "plan.breaks[0].minutes", "missing value"),
    ({"breaks": [dict(BREAK, minutes=0)]}, "plan.breaks[0].minutes", "above 0"),
    ({"breaks": [dict(BREAK, earliest_after=-1)]}, "plan.breaks[0].earliest_after", "must be between 0"),
    ({"breaks": [dict(BREAK, paid="no")]}, "plan.breaks[0].paid", "expected true or false"),
    ({"breaks": [dict(BREAK, min_shift_hours=-1)]}, "plan.breaks[0].min_shift_hours", "must be between 0"),
    ({"breaks": [dict(BREAK, length=5)]}, "plan.breaks[0].length", "unknown key"),
    ({"breaks": [dict(BREAK, earliest_after=90, latest_after=90, minutes=60),
                 dict(BREAK, earliest_after=100, latest_after=100)]}, "plan.breaks", "without overlapping"),
    ({"shift_length": 8}, "plan.shift_length", "unknown key"),
    ({"time_limit_seconds": 0}, "plan.time_limit_seconds", "must be between"),
    ({"under_cover_penalty": -1}, "plan.under_cover_penalty", "must be between 0"),
    ({"mip_gap": -0.01}, "plan.mip_gap", "must be between 0 and 0.5"),
    ({"mip_gap": 0.6}, "plan.mip_gap", "must be between 0 and 0.5"),
    ({"start_step_minutes": 1, "break_step_minutes": 1, "lengths_hours": [4, 5, 6, 7, 8],
      "breaks": [{"minutes": 15, "earliest_after": 0, "latest_after": 225}] * 2}, "plan", "exceed the limit of 200,000"),
])
def test_bad_rules_are_refused_naming_the_field(rules, field, message):
    args = ([1.0] * 16, 30, 8 * H, dict({"lengths_hours": [4]}, **rules), 10.0, "plan")
    if field is None:
        schedule(*args)  # the control case: valid
        return
    with pytest.raises(ConfigError, match=message) as error:
        schedule(*args)
    assert error.value.field == field


@pytest.mark.parametrize("requirements, intervals, message", [
    ([1, -1, 2], None, "must be numbers >= 0, got -1.0 in interval 1"),
    ([1, float("nan"), 2], None, "must be numbers >= 0, got nan"),
    ([1, 1, float("inf")], None, "must be numbers >= 0, got inf"),
    ([1, 2, 3], 4, "has 3 values but the horizon has 4 intervals"),
    ([], None, "one per interval"),
    ([[1, 2], [3, 4]], None, "one per interval"),
    (["x", 1], None, "must be a list of numbers"),
])
def test_bad_requirements_are_refused(requirements, intervals, message):
    with pytest.raises(ConfigError, match=message) as error:
        schedule(requirements, 60, 0.0, {"lengths_hours": [1]}, intervals=intervals)
    assert error.value.field == "requirements"


def test_no_requirement_needs_no_shift():
    result = schedule([0, 0, 0, 0], 60, 0.0, {"lengths_hours": [2]}, cost_per_hour=30.0)
    assert (result.shifts, result.cost, result.under_covered, result.status) == ((), 0.0, (), "optimal")


def test_bad_cost_interval_length_and_day_start_are_refused():
    with pytest.raises(ConfigError) as error:
        schedule([1, 1], 60, 0.0, {"lengths_hours": [1]}, cost_per_hour=-3)
    assert error.value.field == "cost_per_hour"
    with pytest.raises(ConfigError) as error:
        schedule([1, 1], 0, 0.0, {"lengths_hours": [1]})
    assert error.value.field == "interval_minutes"
    with pytest.raises(ConfigError) as error:
        schedule([1, 1], 60, float("nan"), {"lengths_hours": [1]})
    assert error.value.field == "day_start_seconds"
