"""The simulation-based staffing optimiser (sim.planning.optimise and its parts): the confidence
rule, the ISA's staffing step and number in system by hand, the stationary queue against Erlang
A, the time-varying day against per-interval Erlang staffing, the greedy rule by hand, bad input."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analytic import required_agents
from sim.errors import ConfigError
from sim.experiments.replications import replication_seeds
from sim.model.scenario import build_scenario
from sim.planning import greedy, isa
from sim.planning.evaluate import Evaluator, first_blamed
from sim.planning.optimise import optimise
from sim.planning.targets import Targets, targets_from
from sim.simulate import load_scenario_file, simulate

SL80 = Targets(0.8, 20.0, None, None, None, "interval")


def flat_day(rate, intervals=4, talk=240.0, patience=180.0):
    return {"name": "flat", "horizon": {"kind": "day", "interval_minutes": 60, "intervals": intervals},
            "call_types": {"calls": {"arrival_rate": rate, "talk_time": {"kind": "exponential", "mean": talk},
                                     "patience": {"kind": "exponential", "mean": patience},
                                     "route": [{"group": "agents"}]}},
            "groups": {"agents": {"headcount": 1}}}


# ------------------------------------------------------------------ the confidence rule, CRN
def test_a_target_is_met_when_the_one_sided_bound_meets_it():
    scenario = build_scenario(flat_day(300, intervals=2))
    evaluator = Evaluator(scenario, SL80, replications=8, confidence=0.9, seed=3)
    evaluation = evaluator.evaluate(np.array([[13, 13]]))
    # independently: each replication's interval service level from its per-call records
    per_run = []
    for seed in replication_seeds(3, 8):
        calls = simulate(evaluator.staffed(np.array([[13, 13]])), seed, engine="fast").calls
        offered = calls[calls["outcome"].isin(["answered", "abandoned", "unfinished"])]
        within = (offered["outcome"] == "answered") & (offered["wait"] <= 20.0)
        per_run.append(within.groupby(offered["interval"]).sum() / offered.groupby("interval").size())
    per_run = np.array(per_run)
    mean, std = per_run.mean(axis=0), per_run.std(axis=0, ddof=1)
    lower = mean - stats.t.ppf(0.9, 7) * std / math.sqrt(8)  # one-sided 90 % bound
    estimate = evaluation.per_type["service_level"]
    assert estimate.mean[:, 0] == pytest.approx(mean, abs=1e-12)
    assert estimate.lower[:, 0] == pytest.approx(lower, abs=1e-12)
    assert evaluation.met == bool((lower >= 0.8).all())
    # the verdict follows the bound: a target just below / above it
    for target, met in ((lower.min() - 1e-6, True), (lower.min() + 1e-6, False)):
        strict = Evaluator(scenario, Targets(target, 20.0, None, None, None, "interval"), 8, 0.9, 3)
        assert strict.evaluate(np.array([[13, 13]])).met is met


def test_a_cell_with_fewer_calls_than_min_calls_is_judged_on_its_mean():
    """6 calls an hour cannot show a service level with confidence: below min_calls (10) an
    interval x call type is held to the target by its mean; with min_calls 0, by its bound."""
    scenario = build_scenario(flat_day(6, intervals=2))
    few = Evaluator(scenario, SL80, 8, 0.9, 3).evaluate(np.array([[1, 1]])).per_type["service_level"]
    assert (few.half == 0).all() and np.array_equal(few.lower, few.mean, equal_nan=True)
    strict = Targets(0.8, 20.0, None, None, None, "interval", min_calls=0.0)
    bound = Evaluator(scenario, strict, 8, 0.9, 3).evaluate(np.array([[1, 1]])).per_type["service_level"]
    assert (bound.half > 0).all() and np.array_equal(bound.mean, few.mean, equal_nan=True)


def test_the_evaluated_scenario_has_the_matrix_on_duty_and_the_targets_threshold():
    scenario = build_scenario(flat_day(100, intervals=3))
    evaluator = Evaluator(scenario, Targets(0.8, 45.0, None, None, None, "interval"), 2, 0.95, seed=1)
    staffed = evaluator.staffed(np.array([[3, 0, 5]]))
    log = simulate(staffed, 1, engine="fast").agents  # spells as the engine ran them
    middles = np.array([0.5, 1.5, 2.5]) * 3600
    on_duty = [int(((log["start"] <= t) & (log["scheduled_end"] > t)).sum()) for t in middles]
    assert on_duty == [3, 0, 5]
    assert staffed.kpi.sl_threshold == 45.0


def test_the_next_agent_goes_to_the_earliest_miss_or_over_the_day_to_the_worst_interval():
    blame = np.array([0.0, 0.2, 0.0, 0.5])
    assert first_blamed("interval", blame) == 1
    assert first_blamed("day", blame) == 3
    assert first_blamed("day", np.array([0.0, 0.3, 0.3])) == 1


def test_the_same_matrix_gives_the_same_numbers_with_common_random_numbers():
    scenario = build_scenario(flat_day(300, intervals=2))
    first = Evaluator(scenario, SL80, 5, 0.95, seed=4).evaluate(np.array([[12, 14]]))
    again = Evaluator(scenario, SL80, 5, 0.95, seed=4).evaluate(np.array([[12, 14]]))
    other = Evaluator(scenario, SL80, 5, 0.95, seed=5).evaluate(np.array([[12, 14]]))
    assert np.array_equal(first.per_type["service_level"].mean, again.per_type["service_level"].mean)
    assert not np.array_equal(first.per_type["service_level"].mean, other.per_type["service_level"].mean)


# ------------------------------------------------------------------ the ISA's parts by hand
def test_next_staffing_is_the_smallest_s_with_at_most_alpha_of_the_replications_at_or_above_it():
    # 5 replications x 1 group x 4 grid points: intervals 0 (points 0, 1) and 1 (points 2, 3)
    samples = np.array([[[3, 0, 7, 0]], [[5, 0, 2, 0]], [[1, 0, 9, 0]], [[4, 0, 6, 0]], [[2, 0, 6, 0]]])
    points = np.array([0, 0, 1, 1])
    blocks = [np.array([0]), np.array([1])]
    # allowed 0 (alpha 0): above every value: max + 1 per point, max over the interval's points
    assert isa.next_staffing(samples, points, 0, blocks, (1, 2)).tolist() == [[6, 10]]
    # allowed 2 (alpha 0.4): the 3rd largest + 1: point 0 -> 3 + 1, point 2 -> 6 + 1
    assert isa.next_staffing(samples, points, 2, blocks, (1, 2)).tolist() == [[4, 7]]
    # nobody ever in the system at any point of a block: 0 agents (not 1)
    empty = np.zeros((5, 1, 4), np.int64)
    assert isa.next_staffing(empty, points, 2, blocks, (1, 2)).tolist() == [[0, 0]]


def test_number_in_system_counts_waiting_and_held_calls_until_wrap_up_ends():
    scenario = build_scenario(flat_day(60, intervals=1))
    types = isa.TypeGroups(scenario)
    calls = pd.DataFrame({
        "call_type": pd.Categorical(["calls"] * 4),
        "arrival": [0.0, 10.0, 20.0, 30.0],
        "answer_time": [0.0, 15.0, np.nan, np.nan],  # answered, answered, abandoned, still waiting
        "talk": [100.0, 20.0, 0.0, 0.0],
        "wrapup": [50.0, 0.0, 0.0, 0.0],
        "end_time": [100.0, 35.0, 25.0, np.nan],
    })
    times = np.array([5.0, 12.0, 22.0, 26.0, 34.0, 36.0, 149.0, 151.0])
    # in system: call 0 [0, 150), call 1 [10, 35), call 2 [20, 25), call 3 [30, end)
    assert isa.number_in_system(calls, types, 1, times).tolist() == [[1, 2, 3, 2, 3, 2, 2, 1]]


def test_alpha_is_the_largest_whose_converged_staffing_meets_the_targets():
    scenario = build_scenario(flat_day(300, intervals=2))
    evaluator = Evaluator(scenario, SL80, 10, 0.95, seed=6)
    blocks = [np.array([0]), np.array([1])]
    staffing, evaluation, alpha, _ = isa.best_alpha(evaluator, np.array([[12, 12]]), blocks, 30)
    m = round(alpha * 10)
    assert evaluation.met and 0 < m < 9
    observer = isa.Observer(evaluator)
    assert np.array_equal(isa.converge(observer, staffing, m, blocks, 30)[0], staffing)  # converged
    bigger = isa.converge(observer, np.array([[12, 12]]), m + 1, blocks, 30)[1]
    assert not bigger.met  # one step more alpha (fewer agents) misses


# ------------------------------------------------------------------ stationary queue vs Erlang A
@pytest.mark.parametrize("scope", ["interval", "day"])
@pytest.mark.parametrize("rate", [20.0, 150.0, 750.0])  # 1.3, 10 and 50 Erlangs
def test_stationary_queue_needs_the_erlang_a_requirement_within_one_agent(rate, scope):
    plan = optimise(flat_day(rate, intervals=3), {"service_level": 0.8, "threshold": 20, "scope": scope},
                    replications=40, progress=False)
    erlang = required_agents(rate / 3600, 240.0, 20.0, 0.8, 180.0)
    assert plan.method == "iterative staffing" and plan.met
    if scope == "interval":  # every interval
        assert np.abs(plan.headcount[0] - erlang).max() <= 1, (plan.headcount, erlang)
    else:  # over the day an interval may trade an agent with another: the mean headcount
        assert abs(plan.headcount[0].mean() - erlang) <= 1, (plan.headcount, erlang)


def test_a_dict_config_and_a_groups_x_intervals_start_are_taken():
    from omegaconf import OmegaConf

    plan = optimise(OmegaConf.create(flat_day(150, intervals=2)), {"service_level": 0.8, "threshold": 20},
                    start=np.array([[14, 14]]), replications=5, progress=False)
    assert plan.met and plan.groups == ("agents",) and list(plan.headcount_per_interval()) == ["agents"]
    assert plan.simulations >= 2 and plan.replications == 5 * plan.simulations


def test_steady_state_run_is_staffed_with_one_headcount_near_erlang_a():
    cfg = load_scenario_file("single_queue")
    cfg["horizon"].update(hours=8, warmup_hours=1)
    plan = optimise(cfg, {"service_level": 0.8, "threshold": 20}, replications=10, progress=False)
    assert plan.targets.scope == "day" and len(set(plan.headcount[0])) == 1
    assert abs(plan.headcount[0][0] - required_agents(600 / 3600, 240.0, 20.0, 0.8, 180.0)) <= 1


# ------------------------------------------------------------------ time-varying: Feldman et al.
def sinusoidal_day(intervals=12):
    w = 2 * math.pi / 6.0
    edges = np.arange(intervals + 1) / 2.0  # hours
    volumes = np.diff(120 * (edges - 0.5 / w * np.cos(w * edges)))  # rate 120 (1 + 0.5 sin(w t)) per hour
    cfg = flat_day(0.0, talk=900.0, patience=900.0)
    cfg["horizon"] = {"kind": "day", "interval_minutes": 30, "intervals": intervals}
    del cfg["call_types"]["calls"]["arrival_rate"]
    cfg["call_types"]["calls"]["volumes"] = [float(v) for v in volumes]
    return cfg, volumes


def p_wait(cfg, agents, replications=60):
    """P(wait) per interval, mean over replications (seeds other than the optimiser's)."""
    cfg = dict(cfg, groups={"agents": {"headcount_per_interval": [int(a) for a in agents]}})
    runs = []
    for seed in range(1000, 1000 + replications):
        calls = simulate(cfg, seed, engine="fast").calls
        calls = calls[calls["outcome"].isin(["answered", "abandoned"])]
        runs.append((calls["wait"] > 0).groupby(calls["interval"]).mean().reindex(range(len(agents))).to_numpy())
    return np.nanmean(runs, axis=0)


def test_optimised_p_wait_stays_in_a_narrow_band_where_per_interval_erlang_drifts_after_the_peak():
    """Feldman et al.'s result on a sinusoidal day (one peak at 1.5 h, talk 15 min, target
    P(wait) <= 0.2 in every half hour): per-interval Erlang A staffing (stationary, computed here)
    gives P(wait) near 0 while the load rises and near 0.2 after the peak, as work carries over;
    the optimised staffing (fewer agents than Erlang's while the load rises from an empty system)
    keeps P(wait) within a band of 0.1 in every interval, below the target within the check's
    noise. Why 0.1: at 15-50 Erlangs one agent moves an interval's P(wait) by 0.04-0.07, and the
    95 % one-sided margin of 200 replications is about 0.02, so an interval at its limit sits
    between about 0.11 and 0.18 (measured: bands 0.055 and 0.076 with optimiser seeds 1 and 2;
    the former add-then-remove pass gave 0.14, Erlang 0.19). P(wait) is checked on 400 fresh
    replications (its standard error per interval about 0.01)."""
    cfg, volumes = sinusoidal_day()
    plan = optimise(cfg, {"service_level": 0.8, "threshold": 0}, replications=200, progress=False)
    erlang = np.array([required_agents(v / 1800, 900.0, 0.0, 0.8, 900.0) for v in volumes])
    optimised = plan.headcount[0]
    assert plan.met
    assert (optimised[:2] < erlang[:2]).all()  # the system starts empty: work builds up
    p_optimised, p_erlang = p_wait(cfg, optimised, 400), p_wait(cfg, erlang, 400)
    assert p_erlang[:2].mean() < 0.06 and p_erlang[5:9].mean() > 0.15  # Erlang drifts after the peak
    assert np.ptp(p_erlang) > 0.15
    assert np.ptp(p_optimised) <= 0.1, (p_optimised, optimised)
    assert p_optimised.max() <= 0.2 + 0.03, p_optimised  # the target, within three standard errors


def test_the_forward_sweep_leaves_each_interval_at_its_limit_given_the_ones_before():
    """The sweep's rule, checked interval by interval: an agent fewer in any interval makes that
    interval (or an earlier one) miss; with the agents it has, every interval meets its target."""
    cfg, _ = sinusoidal_day(intervals=6)
    scenario = build_scenario(cfg)
    evaluator = Evaluator(scenario, targets_from({"service_level": 0.8, "threshold": 0}, scenario.kpi), 10, 0.95, seed=3)
    blocks = [np.array([j]) for j in range(6)]
    start = np.array([[40, 50, 55, 55, 50, 45]])  # generous: the sweep only removes
    headcount, evaluation, added, removed = greedy.sweep_forward(evaluator, start, blocks, max_per_block=30)
    assert evaluation.met and added == 0 and removed == (start - headcount).sum() > 0
    for j in range(6):
        fewer = greedy.with_change(headcount, 0, blocks[j], -1)
        assert not greedy.met_through(evaluator, evaluator.evaluate(fewer), j), j
    # from too few agents it adds where the earliest miss is, and ends at the same limits
    again, evaluation, added, _ = greedy.sweep_forward(evaluator, np.array([[1] * 6]), blocks, max_per_block=60)
    assert evaluation.met and added > 0 and (again == headcount).all()


# ------------------------------------------------------------------ the greedy rule by hand
def two_groups(cost_a, cost_b):
    """One call type routed to a then b with no delay: an extra agent in either group gives the very
    same queue (any idle agent takes a call, handle times do not depend on the group), so the
    shortfall falls by the same amount and the rule decides by cost, then agents, then order."""
    return build_scenario({
        "name": "two", "horizon": {"kind": "day", "interval_minutes": 60, "intervals": 1},
        "call_types": {"x": {"arrival_rate": 300, "talk_time": {"kind": "exponential", "mean": 240},
                             "patience": {"kind": "exponential", "mean": 180},
                             "route": [{"group": "a"}, {"group": "b", "delay": 0}]}},
        "groups": {"a": {"headcount": 1, "cost_per_hour": cost_a}, "b": {"headcount": 1, "cost_per_hour": cost_b}}})


@pytest.mark.parametrize("cost_a, cost_b, start, chosen", [
    (10.0, 30.0, [6, 6], 0),  # same reduction: the cheaper group
    (30.0, 10.0, [6, 6], 1),
    (20.0, 20.0, [7, 5], 1),  # same cost too: the group with fewer agents
    (20.0, 20.0, [6, 6], 0),  # and then group order
])
def test_greedy_adds_where_the_shortfall_falls_most_per_unit_cost(cost_a, cost_b, start, chosen):
    evaluator = Evaluator(two_groups(cost_a, cost_b), SL80, 5, 0.95, seed=2)
    headcount = np.array([[start[0]], [start[1]]])
    evaluation = evaluator.evaluate(headcount)
    assert not evaluation.met
    group, trial = greedy.best_addition(evaluator, headcount, evaluation, [np.array([0])], 0, [0, 1])
    other = evaluator.evaluate(greedy.with_change(headcount, 1 - group, np.array([0]), 1))
    assert trial.shortfall == pytest.approx(other.shortfall, abs=1e-12)  # the premise above
    assert group == chosen


def test_greedy_adds_only_to_groups_serving_what_is_missed():
    scenario = build_scenario({
        "name": "apart", "horizon": {"kind": "day", "interval_minutes": 60, "intervals": 2},
        "call_types": {name: {"arrival_rate": 200, "talk_time": {"kind": "exponential", "mean": 240},
                              "patience": {"kind": "exponential", "mean": 180}, "route": [{"group": group}]}
                       for name, group in (("x", "a"), ("y", "b"))},
        "groups": {"a": {"headcount": 1}, "b": {"headcount": 1}}})
    evaluator = Evaluator(scenario, SL80, 5, 0.95, seed=2)
    headcount, evaluation, added = greedy.add_until_met(evaluator, np.array([[10, 10], [25, 25]]),
                                                        [np.array([0]), np.array([1])], max_per_block=30)
    assert evaluation.met and added > 0
    assert headcount[1].tolist() == [25, 25]  # y was never missed: b gained nothing
    missing = evaluator.evaluate(np.array([[10, 10], [25, 25]]))
    assert greedy.candidates(evaluator, missing, 0) == [0]


def test_a_multi_skill_morning_is_searched_greedily_and_meets_every_target():
    cfg = load_scenario_file("default")
    cfg["call_types"] = {k: v for k, v in cfg["call_types"].items() if k in ("sales", "english")}
    cfg["groups"] = {k: v for k, v in cfg["groups"].items() if k in ("sales_team", "bilingual")}
    for name in ("sales", "english"):
        cfg["call_types"][name]["volumes"] = cfg["call_types"][name]["volumes"][:6]
    cfg["horizon"]["intervals"] = 6
    for group in cfg["groups"].values():
        group.pop("shifts")
        group["headcount"] = 1
    plan = optimise(cfg, {"service_level": 0.8, "threshold": 20, "scope": "day"}, replications=10, progress=False)
    assert plan.method == "greedy" and plan.met and not plan.missed
    assert set(plan.intervals["call_type"]) == {"sales", "english", "total"}


# ------------------------------------------------------------------ bad input, impossible targets
@pytest.mark.parametrize("kwargs, field", [
    (dict(targets=None), "staffing.targets"),
    (dict(targets=Targets(None, 20.0, None, None, None)), "staffing.targets"),
    (dict(targets={"service_level": 1.5}), "staffing.targets.service_level"),
    (dict(replications=1), "staffing.replications"),
    (dict(confidence=0.5), "staffing.confidence"),
    (dict(max_iterations=0), "staffing.max_iterations"),
    (dict(start={"nobody": [1, 1]}), "start.nobody"),
    (dict(start={"agents": [1]}), "start.agents"),
    (dict(start={"agents": [1, -1]}), "start.agents[1]"),
])
def test_bad_input_is_a_config_error_naming_the_field(kwargs, field):
    args = dict(targets={"service_level": 0.8, "threshold": 20})
    args.update(kwargs)
    with pytest.raises(ConfigError) as error:
        optimise(flat_day(100, intervals=2), args.pop("targets"), progress=False, **args)
    assert error.value.field == field


def test_outbound_campaigns_are_refused():
    with pytest.raises(ConfigError, match="outbound"):
        optimise("blended", {"service_level": 0.8}, progress=False)


def test_targets_out_of_reach_are_reported_not_met_without_hanging():
    plan = optimise(flat_day(600, intervals=2), {"service_level": 0.999, "threshold": 0, "max_abandon": 0.0},
                    start={"agents": [1, 1]}, replications=3, max_iterations=2, progress=False)
    assert not plan.met and plan.missed
    assert any("service_level" in line for line in plan.missed)
    assert plan.added <= 2 * 2  # at most max_iterations agents per interval and group
