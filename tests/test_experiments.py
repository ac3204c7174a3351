"""Statistics of the experiment layer: common random numbers, sequential stopping, batch means."""

import copy
import math

import numpy as np
import pytest
from scipy import stats

from sim import ConfigError, simulate
from sim.analytic import erlang_a_metrics
from sim.experiments.batch_means import batch_means
from sim.experiments.replications import Precision, difference, half_width, replicate, replication_seeds

RATE, TALK, PATIENCE, T = 600.0, 240.0, 180.0, 20.0


def queue(agents: int, hours: float = 8, warmup: float = 1, interval_minutes: float = 60) -> dict:
    return {
        "name": f"mmcm{agents}",
        "horizon": {"kind": "steady_state", "interval_minutes": interval_minutes, "hours": hours, "warmup_hours": warmup},
        "call_types": {"calls": {"arrival_rate": RATE, "talk_time": {"kind": "exponential", "mean": TALK},
                                 "patience": {"kind": "exponential", "mean": PATIENCE}, "route": [{"group": "agents"}]}},
        "groups": {"agents": {"headcount": agents}},
        "kpi": {"short_abandon": 0, "sl_threshold": T},
    }


def total(table, kpi):
    return table.set_index("call_type").at["total", kpi]


def test_common_random_numbers_narrow_the_ci_of_a_staffing_difference():
    halves = {}
    for crn in (True, False):
        fewer, more = (replicate(queue(agents), 12, seed=21, crn=crn) for agents in (41, 43))
        arrivals = [fewer.per_replication.query("call_type == 'total'").arrived.to_numpy(),
                    more.per_replication.query("call_type == 'total'").arrived.to_numpy()]
        # CRN: replication i of both alternatives received exactly the same calls; without: not
        assert (fewer.seeds == more.seeds) is crn
        assert np.array_equal(*arrivals) is crn
        delta, halves[crn], pairs = difference(fewer, more, "service_level")
        assert pairs == 12 and delta > 0  # two more agents answer more calls within 20 s
    assert halves[True] < 0.5 * halves[False], halves


def test_difference_is_the_paired_t_interval():
    a, b = replicate(queue(41, hours=4), 6, seed=2), replicate(queue(43, hours=4), 6, seed=2)
    deltas = (b.per_replication.query("call_type == 'total'").service_level.to_numpy()
              - a.per_replication.query("call_type == 'total'").service_level.to_numpy())
    mean, half, n = difference(a, b, "service_level")
    assert n == 6 and mean == pytest.approx(deltas.mean(), rel=1e-12)
    assert half == pytest.approx(stats.t.ppf(0.975, 5) * deltas.std(ddof=1) / math.sqrt(6), rel=1e-9)


def test_seed_lists_grow_without_changing_earlier_seeds():
    assert replication_seeds(4, 30)[:7] == replication_seeds(4, 7)
    assert replication_seeds(4, 7, key=99) != replication_seeds(4, 7)


def test_sequential_stopping_stops_at_the_first_replication_that_meets_the_target():
    target = Precision(kpi="service_level", half_width=0.02, max_replications=200)
    rep = replicate(queue(42, hours=4), 3, seed=8, precision=target)
    values = rep.per_replication.query("call_type == 'total'").service_level.to_numpy()
    widths = [half_width(values[:n].std(ddof=1), n, 0.95) for n in range(2, len(values) + 1)]
    assert rep.precision_met and widths[-1] <= 0.02
    assert all(w > 0.02 for w in widths[1:-1])  # it did not run past the first n (>= 3) that met it
    assert rep.replications > 3
    assert total(rep.summary, "service_level_ci") == pytest.approx(widths[-1], rel=1e-9)


def test_sequential_stopping_reports_a_target_it_could_not_meet():
    rep = replicate(queue(42, hours=2), 2, seed=8, precision=Precision("service_level", 1e-6, max_replications=4))
    assert rep.replications == 4 and rep.precision_met is False


@pytest.mark.parametrize("field, precision", [
    ("experiment.precision.kpi", Precision("speed", 0.1)),
    ("experiment.precision.half_width", Precision("asa", 0.0)),
    ("experiment.precision.call_type", Precision("asa", 1.0, call_type="nobody")),
    ("experiment.precision.max_replications", Precision("asa", 1.0, max_replications=1)),
])
def test_bad_precision_settings_name_the_field(field, precision):
    with pytest.raises(ConfigError) as error:
        replicate(queue(42, hours=1), 2, precision=precision)
    assert error.value.field == field


def test_batch_means_are_ratios_of_batch_sums_with_the_delta_method_interval():
    results = simulate(queue(42, hours=40, warmup=2, interval_minutes=30), seed=4, records=False)
    bm = batch_means(results, batches=8)
    iv = results.intervals[(results.intervals.call_type == "total") & (results.intervals.interval >= 4)]
    assert len(iv) == 80 and bm.intervals_per_batch == 10  # 2 h of warm-up = intervals 0-3 left out
    batch = (iv.interval.to_numpy() - 4) // 10
    num = np.bincount(batch, iv.answered_within_T.to_numpy())
    den = np.bincount(batch, iv.offered.to_numpy())
    ratio = num.sum() / den.sum()
    residual = num - ratio * den
    expected_half = stats.t.ppf(0.975, 7) * residual.std(ddof=1) / (math.sqrt(8) * den.mean())
    assert total(bm.summary, "service_level") == pytest.approx(ratio, rel=1e-12)
    assert total(bm.summary, "service_level_ci") == pytest.approx(expected_half, rel=1e-9)
    busy = results.group_intervals[results.group_intervals.interval >= 4]
    assert bm.groups.occupancy.iloc[0] == pytest.approx(busy.busy.sum() / busy.staffed.sum(), rel=1e-12)


def test_batch_means_use_the_scenarios_service_level_variant():
    late = copy.deepcopy(queue(42, hours=8, warmup=0))
    late["kpi"]["sl_variant"] = "answered_and_late_abandoned"
    results = simulate(late, seed=3, records=True)
    calls = results.calls
    answered = (calls.outcome == "answered").sum()
    late_abandons = ((calls.outcome == "abandoned") & (calls.wait > T)).sum()
    within = ((calls.outcome == "answered") & (calls.wait <= T)).sum()
    bm = batch_means(results, batches=8)  # 8 whole hours, all of them used
    assert total(bm.summary, "service_level") == pytest.approx(within / (answered + late_abandons), rel=1e-12)
    assert total(results.summary, "late_abandoned") == late_abandons


def test_batch_means_intervals_cover_erlang_a_at_about_the_nominal_rate():
    theory = erlang_a_metrics(RATE / 3600, TALK, 42, PATIENCE, T)
    covered = 0
    for seed in range(30):
        results = simulate(queue(42, hours=100, warmup=5), seed=seed, records=False)
        row = batch_means(results, batches=20).summary.set_index("call_type").loc["total"]
        covered += abs(row.service_level - theory.service_level) <= row.service_level_ci
    # 95 % nominal; at least 25 of 30 (a broken CI, e.g. 3x too narrow, covers about 1 in 2)
    assert covered >= 25, covered


def test_batch_means_refuse_what_they_cannot_do():
    day = copy.deepcopy(queue(42))
    day["horizon"] = {"kind": "day", "intervals": 4, "interval_minutes": 60}
    with pytest.raises(ConfigError, match="experiment.method"):
        batch_means(simulate(day, seed=1, records=False))
    with pytest.raises(ConfigError, match="experiment.batches"):
        batch_means(simulate(queue(42, hours=5), seed=1, records=False), batches=20)


def test_progress_bars_show_on_request_and_change_nothing(capsys):
    quiet = replicate(queue(42, hours=2), 3, seed=5, progress=False)
    assert capsys.readouterr().err == ""
    shown = replicate(queue(42, hours=2), 3, seed=5, progress=True)
    assert "mmcm42: replications" in capsys.readouterr().err
    assert quiet.summary.equals(shown.summary)
    plain = simulate(queue(42, hours=2), seed=5, records=False)
    barred = simulate(queue(42, hours=2), seed=5, records=False, progress=True)
    assert plain.summary.equals(barred.summary)


def test_the_crn_false_fingerprint_survives_a_new_scenario_field_and_sees_every_change():
    """crn=false seeds come from the scenario's fingerprint: a field added to the Scenario type
    (with the default that keeps today's model) must not change it; any value that differs must."""
    import dataclasses

    from sim.experiments.replications import scenario_fingerprint
    from sim.model.scenario import Scenario, build_scenario

    scenario = build_scenario(queue(40))
    grown_type = dataclasses.make_dataclass("Scenario", [("breaks_policy", str, dataclasses.field(default="none"))],
                                            bases=(Scenario,), frozen=True)
    values = {f.name: getattr(scenario, f.name) for f in dataclasses.fields(Scenario)}
    assert scenario_fingerprint(grown_type(**values)) == scenario_fingerprint(scenario)
    assert scenario_fingerprint(grown_type(**values, breaks_policy="lunch")) != scenario_fingerprint(scenario)
    changed = [build_scenario(queue(41)), dataclasses.replace(scenario, call_selection="priority_head_start"),
               dataclasses.replace(scenario, busyness_cv=1e-9)]
    assert len({scenario_fingerprint(s) for s in [scenario, *changed]}) == 4
