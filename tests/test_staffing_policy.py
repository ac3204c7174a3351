"""The staffing policy seam (``staffing=...``, sim.planning.policies) from the command line: the
erlang policy writes requirements.csv and simulates exactly that staffing; a steady-state queue at
its Erlang A requirement meets the target (and one agent fewer misses it); bad settings are one
line naming the field."""

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analytic import erlang_c_metrics
from sim.cli import run
from sim.model.scenario import build_scenario
from sim.model.scenario_files import load_scenario
from tests.test_cli import composed


def agents_on_duty(agents: pd.DataFrame, group: str, times) -> list:
    """Agents of ``group`` whose spell on duty covers each of ``times`` (from agents.csv)."""
    spells = agents[agents.group_name == group]
    return [int(((spells.start <= t) & (t < spells.scheduled_end)).sum()) for t in times]


def first_stable_erlang_c(rate, handle, target, threshold):
    """Brute force: the first c above the load whose Erlang C service level reaches ``target``."""
    c = math.floor(rate * handle) + 1
    while erlang_c_metrics(rate, handle, c, threshold).service_level < target:
        c += 1
    return c


def test_erlang_policy_writes_requirements_and_simulates_them(tmp_path, capsys):
    cfg = composed("staffing=erlang", "staffing.model=erlang_c", "staffing.targets.service_level=0.9",
                   "staffing.shrinkage=0.25", "engine=fast", "output.calls=false")
    assert run(cfg, str(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert "Staffing: erlang (Erlang C, shrinkage 25.0%)" in printed
    table = pd.read_csv(tmp_path / "requirements.csv")
    assert list(table.columns) == ["interval", "start", "group", "calls", "load_erlangs", "aht", "patience", "erlang",
                                   "paid", "service_level", "abandon_rate", "asa", "occupancy"]
    scenario = build_scenario(load_scenario("default"))
    assert len(table) == scenario.n_intervals * len(scenario.groups)
    # the simulated staffing is the requirement on the phones, interval by interval
    agents = pd.read_csv(tmp_path / "agents.csv")
    middles = (np.arange(scenario.n_intervals) + 0.5) * scenario.interval_length
    for group, rows in table.groupby("group"):
        assert agents_on_duty(agents, group, middles) == rows.sort_values("interval").erlang.tolist(), group
    # paid = ceil(erlang / 0.75), in whole numbers: ceil(4 erlang / 3)
    assert (table.paid == -(-4 * table.erlang // 3)).all()
    # the overrides reached the formula: retail's first interval (retail calls choose retail_team first)
    retail = load_scenario("default")["call_types"]["retail"]
    rate, handle = retail["volumes"][0] / 1800, retail["talk_time"]["mean"] + retail["wrapup_time"]["mean"]
    first = table[(table.interval == 0) & (table.group == "retail_team")].iloc[0]
    assert first.erlang == first_stable_erlang_c(rate, handle, 0.9, 20.0)
    assert first.aht == pytest.approx(handle) and np.isnan(first.patience)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    assert config["staffing"]["policy"] == "erlang" and config["staffing"]["shrinkage"] == 0.25
    assert "shifts" in yaml.safe_dump(config["scenario"]["groups"]["retail_team"])  # the scenario as given
    report = (tmp_path / "report.html").read_text()
    assert "Staffing requirements" in report and (tmp_path / "requirements.png").exists()


def test_scenario_policy_writes_no_requirements_and_records_no_staffing(tmp_path, capsys):
    cfg = composed("scenario=single_queue", "scenario.horizon.hours=2", "output.plots=false")
    assert run(cfg, str(tmp_path)) == 0
    assert "Staffing:" not in capsys.readouterr().out
    assert not (tmp_path / "requirements.csv").exists()
    assert "staffing" not in yaml.safe_load((tmp_path / "config.yaml").read_text())


def test_groups_no_call_type_routes_to_keep_their_staffing():
    from sim.model.config import AppConfig, ScenarioConfig, StaffingConfig
    from sim.model.schema import conform_node
    from sim.planning.policies import plan_staffing

    scenario_cfg = conform_node(load_scenario("blended"), ScenarioConfig)
    app = AppConfig(scenario=scenario_cfg, staffing=StaffingConfig(policy="erlang"))
    plan = plan_staffing(app, scenario_cfg, build_scenario(scenario_cfg))
    groups = plan.scenario_cfg.groups
    assert set(plan.headcounts) == {"inbound_only", "blended"}
    assert groups["outbound_team"] == scenario_cfg.groups["outbound_team"]
    assert groups["inbound_only"].headcount_per_interval == list(plan.headcounts["inbound_only"])
    assert groups["inbound_only"].shifts == {} and groups["inbound_only"].headcount is None
    assert set(plan.headcounts["blended"]) == {0}  # second choice only: no load of its own


def batch_means_service_level(tmp_path, *overrides):
    cfg = composed("scenario=single_queue", "rate=120", "scenario.kpi.short_abandon=0", "scenario.horizon.hours=400",
                   "experiment.method=batch_means", "engine=fast", "output.calls=false", "output.plots=false", *overrides)
    assert run(cfg, str(tmp_path)) == 0
    total = pd.read_csv(tmp_path / "summary.csv").set_index("call_type").loc["total"]
    return total.service_level, total.service_level_ci


def test_steady_state_queue_at_its_erlang_a_requirement_meets_the_target(tmp_path):
    """single_queue at 120 calls an hour (M/M/c+M, 8 erlangs; every abandon counted as offered):
    Erlang A gives SL 70.2 % with 9 agents and 80.4 % with 10, so a 75 % target needs 10.
    Simulated, 10 agents reach the target within the confidence interval and 9 fall short of it
    beyond the interval."""
    target = 0.75
    sl, ci = batch_means_service_level(tmp_path / "planned", "staffing=erlang",
                                       f"staffing.targets.service_level={target}")
    planned = pd.read_csv(tmp_path / "planned" / "requirements.csv")
    assert planned.erlang.tolist() == [10]
    assert sl + ci >= target
    fewer, fewer_ci = batch_means_service_level(tmp_path / "fewer", "agents=9")
    assert fewer + fewer_ci < target


@pytest.mark.parametrize("override,message", [
    ("staffing.policy=magic", "staffing.policy: unknown staffing policy 'magic' (allowed: scenario, erlang"),
    ("staffing.model=erlang_b", "staffing.model: unknown queueing model 'erlang_b' (allowed: erlang_c, erlang_a)"),
    ("staffing.shrinkage=1.0", "staffing.shrinkage: must be below 1"),
    ("staffing.shrinkage=-0.2", "staffing.shrinkage: must be between 0 and 1"),
])
def test_bad_staffing_settings_name_the_field(tmp_path, capsys, override, message):
    assert run(composed("scenario=single_queue", override), str(tmp_path)) == 2
    assert f"callsim: invalid input: {message}" in capsys.readouterr().err
    assert not (tmp_path / "run.json").exists()


@pytest.mark.parametrize("override,message", [
    ("staffing.targets.service_level=1.5", "staffing.targets.service_level: must be between 0 and 1"),
    ("staffing.targets.max_occupancy=0", "staffing.targets.max_occupancy: must be above 0"),
    ("staffing.targets.scope=day", "staffing.targets.scope: the erlang policy meets the targets in every interval"),
    ("staffing.targets.scope=week", "staffing.targets.scope: unknown scope 'week' (allowed: interval, day)"),
])
def test_bad_targets_of_the_erlang_policy_name_the_field(tmp_path, capsys, override, message):
    assert run(composed("scenario=single_queue", "staffing=erlang", override), str(tmp_path)) == 2
    assert f"callsim: invalid input: {message}" in capsys.readouterr().err


def test_a_registered_policy_staffs_the_run(monkeypatch):
    """The seam a new policy (the optimiser) plugs into: a function of (app, scenario, targets,
    progress) returning a Plan; its headcounts become the groups' staffing."""
    from sim.model.config import AppConfig, ScenarioConfig, StaffingConfig
    from sim.model.schema import conform_node
    from sim.planning import policies

    seen = {}

    def three_then_five(app, scenario, targets, progress):
        seen.update(targets=targets, progress=progress, horizon=app.scenario.horizon.kind)
        return policies.Plan("fixed_test", {"retail_team": (3,) + (5,) * (scenario.n_intervals - 1)})

    monkeypatch.setitem(policies.POLICIES, "fixed_test", three_then_five)
    scenario = load_scenario("default")
    for group in ("retail_team", "sales_team"):
        scenario["groups"][group].update(absenteeism=0.3, adherence=0.9,
                                         activities={"meeting": {"kind": "meeting", "start": "09:00", "end": "09:30",
                                                                 "agents": 1}})
    scenario_cfg = conform_node(scenario, ScenarioConfig)
    app = AppConfig(scenario=scenario_cfg, staffing=StaffingConfig(policy="fixed_test"))
    plan = policies.plan_staffing(app, scenario_cfg, build_scenario(scenario_cfg), progress=False)
    planned = build_scenario(plan.scenario_cfg)
    retail = next(g for g in planned.groups if g.name == "retail_team")
    assert len(retail.spells) == 5 and retail.spells[3] == ((planned.interval_length, math.inf),)
    planned_retail = plan.scenario_cfg.groups["retail_team"]  # agents on the phones: no shrinkage of its own
    assert (planned_retail.absenteeism, planned_retail.adherence, planned_retail.activities) == (0.0, 1.0, {})
    assert plan.scenario_cfg.groups["sales_team"] == scenario_cfg.groups["sales_team"]  # left out: as it was
    assert plan.scenario_cfg.groups["sales_team"].absenteeism == 0.3
    assert seen == {"targets": policies.targets_from(StaffingConfig().targets, planned.kpi), "progress": False,
                    "horizon": "day"}


def test_the_plot_process_draws_the_requirements_as_drawn_in_process():
    from sim.model.config import ScenarioConfig
    from sim.model.schema import conform_node
    from sim.planning.policies import staffed
    from sim.planning.requirements import requirements
    from sim.planning.targets import targets_from
    from sim.reports import plots
    from sim.simulate import simulate

    scenario_cfg = conform_node(load_scenario("default"), ScenarioConfig)
    scenario = build_scenario(scenario_cfg)
    found = requirements(scenario, targets_from({}, scenario.kpi), "erlang_a", 0.3)
    results = simulate(staffed(scenario_cfg, found.headcounts), seed=2, engine="fast", records=False)
    results.requirements = found.table
    assert plots.run_figure_names(results)[-1] == "requirements"
    from test_plot_process import drawn_by_child

    process, pngs = drawn_by_child(results)
    assert process.failure is None
    assert pngs == plots.run_pngs(results)
