"""The printed summary flags the intervals off target and names its columns apart from the CSV's."""

import re

import numpy as np

from sim import simulate
from sim.experiments.replications import replicate
from sim.reports.files import format_summary

from conftest import deterministic


def six_intervals(day_start="08:00", intervals=6):
    return {
        "name": "six", "horizon": {"kind": "day", "intervals": intervals, "interval_minutes": 30, "day_start": day_start},
        "call_types": {"calls": {"arrival_rate": 60.0, "talk_time": deterministic(60.0), "route": [{"group": "team"}]}},
        "groups": {"team": {"headcount": 3}},
        "kpi": {"sl_target": 0.8, "abandon_target": 0.05},
    }


def with_total(results, column, values):
    """``results`` with the total rows' ``column`` per interval set to ``values`` (the summary
    reads the interval table; the values are chosen so the expected lines are known)."""
    rows = results.intervals.call_type == "total"
    results.intervals.loc[rows, column] = values
    return results


def lines_starting(text, prefix):
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_intervals_below_the_service_level_target_are_listed_as_clock_ranges():
    results = with_total(simulate(six_intervals(), seed=1), "service_level", [0.9, 0.5, 0.79, 0.95, np.nan, 0.6])
    (line,) = lines_starting(format_summary(results), "Intervals below the service-level target")
    # 08:30 and 09:00 form one range ending at 09:30; 10:00 (no calls, NaN) is never flagged
    assert line == "Intervals below the service-level target (80.0%), all calls: 08:30-09:30, 10:30-11:00 (3 of 5)"


def test_intervals_above_the_abandonment_target_and_a_day_ending_at_midnight():
    results = with_total(simulate(six_intervals(day_start="21:00"), seed=1), "abandon_rate", [0.0, 0.06, 0.05, 0.0, 0.2, 0.3])
    (line,) = lines_starting(format_summary(results), "Intervals above the abandonment target")
    assert line == "Intervals above the abandonment target (5.0%), all calls: 21:30-22:00, 23:00-24:00 (3 of 6)"


def test_no_interval_off_target_says_none():
    results = with_total(simulate(six_intervals(), seed=1), "service_level", [0.8] * 6)
    results = with_total(results, "abandon_rate", [0.05] * 6)
    text = format_summary(results)
    assert lines_starting(text, "Intervals below the service-level target")[0].endswith("all calls: none")
    assert lines_starting(text, "Intervals above the abandonment target")[0].endswith("all calls: none")


def test_a_long_list_is_cut_with_a_count_of_the_rest():
    results = with_total(simulate(six_intervals(intervals=24), seed=1), "service_level", [0.5, 0.9] * 12)
    (line,) = lines_starting(format_summary(results), "Intervals below")
    assert line.endswith("15:00-15:30, ... 4 more (12 of 24)") and len(re.findall(r"\d\d:\d\d-\d\d:\d\d", line)) == 8


def test_replicated_runs_flag_the_mean_of_each_interval():
    rep = replicate(six_intervals(), replications=3, seed=1)
    means = rep.intervals[rep.intervals.call_type == "total"].service_level.to_numpy()
    rep = with_total(rep, "service_level", np.where(np.arange(6) == 2, 0.5, np.maximum(means, 0.9)))
    (line,) = lines_starting(format_summary(rep), "Intervals below")
    assert line.endswith("all calls: 09:00-09:30 (1 of 6)")


def test_the_abandonment_column_is_a_rate_named_apart_from_the_csv_count():
    results = simulate(six_intervals(), seed=1)
    header = next(line for line in format_summary(results).splitlines() if line.startswith("call type"))
    assert "abandon %" in header
    assert "abandoned" not in header  # the CSV's `abandoned` is a count
