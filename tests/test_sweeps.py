"""The command line's experiment layer: replications, batch means, sweeps that resume and survive
failures, aggregation, output that never looks complete when it is not."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim import simulate
from sim.reports.files import read_manifest, write_run
from sim.experiments.sweep import collect, job_dirs, parse_overrides

QUICK = ("scenario=single_queue", "scenario.horizon.hours=4", "scenario.horizon.warmup_hours=0.5", "output.plots=false")


def callsim(*args, cwd, module="sim.cli"):
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_replications_from_the_command_line(tmp_path):
    done = callsim(*QUICK, "replications=4", "seed=3", f"hydra.run.dir={tmp_path / 'r'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "4 replications (mean ± 95% CI, common random numbers)" in done.stdout
    summary = pd.read_csv(tmp_path / "r" / "summary.csv").set_index("call_type")
    per_replication = pd.read_csv(tmp_path / "r" / "replications.csv")
    totals = per_replication[per_replication.call_type == "total"]
    assert len(totals) == 4 and totals.seed.nunique() == 4
    assert summary.loc["total", "replications"] == 4
    assert summary.loc["total", "service_level"] == pytest.approx(totals.service_level.mean(), rel=1e-5)
    assert summary.loc["total", "service_level_ci"] > 0
    manifest = json.loads((tmp_path / "r" / "run.json").read_text())
    assert manifest["replications"] == 4 and "independent replications" in manifest["method"]


def test_batch_means_from_the_command_line(tmp_path):
    done = callsim(*QUICK, "scenario.horizon.hours=20", "experiment.method=batch_means", "experiment.batches=10",
                   f"hydra.run.dir={tmp_path / 'b'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "95% CIs from 10 batch means" in done.stdout
    summary = pd.read_csv(tmp_path / "b" / "summary.csv")
    assert (summary.batches == 10).all() and summary.service_level_ci.notna().all()


@pytest.mark.parametrize("override, field", [
    ("experiment.method=bootstrap", "experiment.method"),
    ("replications=0", "replications"),
    ("experiment.precision.kpi=asa", "experiment.precision"),
])
def test_bad_experiment_settings_name_the_field(tmp_path, override, field):
    done = callsim(*QUICK, override, f"hydra.run.dir={tmp_path / 'x'}", cwd=tmp_path)
    assert done.returncode == 2 and field in done.stderr and "Traceback" not in done.stderr
    assert read_manifest(tmp_path / "x") is None


def test_sweep_resumes_survives_failures_and_aggregates(tmp_path):
    sweep = tmp_path / "results" / "sweeps" / "staff"
    args = (*QUICK, "replications=3", "sweep=staff")
    done = callsim("-m", *args, "agents=40,44", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    jobs = job_dirs(sweep)
    assert len(jobs) == 2 and all(read_manifest(j) for j in jobs)
    stamps = {j: (j / "run.json").stat().st_mtime_ns for j in jobs}
    assert not any((j / "calls.parquet").exists() for j in jobs)  # sweeps keep no per-call records

    # rerun with one more value and one bad one: complete jobs are skipped, the bad one fails alone
    done = callsim("-m", *args, "agents=40,44,48,-1", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.count("skipped") == 2
    assert all((j / "run.json").stat().st_mtime_ns == stamps[j] for j in jobs)
    assert "3 of 4 jobs complete" in done.stderr and "failed: agents=-1" in done.stderr
    failed = [j for j in job_dirs(sweep) if (j / "failed.json").exists()]
    assert len(failed) == 1 and read_manifest(failed[0]) is None
    assert "headcount" in json.loads((failed[0] / "failed.json").read_text())["error"]

    done = callsim(str(sweep), cwd=tmp_path, module="sim.experiments.sweep")
    assert done.returncode == 1 and "1 job(s) without results" in done.stdout  # listed, not dropped
    table = pd.read_parquet(sweep / "sweep_summary.parquet")
    assert set(table.columns) >= {"agents", "replications", "service_level", "service_level_ci"}
    totals = table[table.call_type == "total"].sort_values("agents")
    assert list(totals.agents) == [40, 44, 48]
    assert totals.service_level.is_monotonic_increasing and totals.abandon_rate.is_monotonic_decreasing
    csv = pd.read_csv(sweep / "sweep_summary.csv")
    assert len(csv) == len(table)
    groups = pd.read_csv(sweep / "sweep_groups.csv")
    assert {"agents", "occupancy", "occupancy_ci"} <= set(groups.columns)
    assert (sweep / "sweep_service_level.png").stat().st_size > 10_000
    assert "Jobs without results" in (sweep / "report.html").read_text()


def test_crn_off_gives_each_alternative_its_own_calls_and_sweeps_show_progress(tmp_path):
    for crn, progress in (("true", "true"), ("false", "null")):
        done = callsim("-m", *QUICK, "agents=40,44", f"experiment.crn={crn}", f"sweep=crn_{crn}",
                       f"progress={progress}", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        # the sweep's progress bar: on request only (stderr is no terminal here)
        assert ("sweep: " in done.stderr and "job/s" in done.stderr) is (progress == "true")
    for crn, same in (("true", True), ("false", False)):
        summary, _, swept, _, _ = collect(tmp_path / "results" / "sweeps" / f"crn_{crn}")
        assert swept == ["agents"]
        arrived = summary[summary.call_type == "total"].arrived
        assert (arrived.nunique() == 1) is same


def test_a_crash_while_writing_never_leaves_output_that_looks_complete(tmp_path, monkeypatch):
    scenario = {"name": "q", "horizon": {"kind": "steady_state", "hours": 2},
                "call_types": {"c": {"arrival_rate": 100, "talk_time": {"mean": 60}, "route": [{"group": "g"}]}},
                "groups": {"g": {"headcount": 3}}}
    results = simulate(scenario, seed=1, records=False)
    write_run(results, tmp_path, plots=False)
    assert read_manifest(tmp_path)["status"] == "complete"

    from sim.reports import html as html_report

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(html_report, "run_report", crash)
    with pytest.raises(RuntimeError):
        write_run(results, tmp_path, plots=False)
    assert read_manifest(tmp_path) is None and not (tmp_path / "run.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_override_values_keep_their_types():
    assert parse_overrides(["agents=44", "rate=650.5", "scenario=default", "x.y=null", "+z=[1,2]"]) == {
        "agents": 44, "rate": 650.5, "scenario": "default", "x.y": None, "z": [1, 2]}


def test_ray_launcher_runs_a_sweep_on_a_local_ray_instance(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_ray_launcher",
                        reason="Ray launcher not installed: pip install -e '.[ray]' to run this test")
    done = callsim("-m", "hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2",
                   "+hydra.launcher.ray.init.include_dashboard=false", *QUICK, "agents=40,44", "sweep=ray",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    jobs = job_dirs(tmp_path / "results" / "sweeps" / "ray")
    assert len(jobs) == 2 and all(read_manifest(j)["status"] == "complete" for j in jobs)


def test_slurm_launcher_config_and_a_submitit_sweep(tmp_path):
    """The SLURM config composes with our defaults, and a sweep runs through submitit (its local
    executor pickles and runs the jobs as SLURM would, minus sbatch)."""
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher",
                        reason="submitit launcher not installed: pip install -e '.[slurm]'")
    shown = callsim("hydra/launcher=slurm", "hydra.launcher.partition=cpu", "--cfg", "hydra", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "SlurmLauncher" in shown.stdout and "partition: cpu" in shown.stdout and "mem_gb: 2" in shown.stdout
    done = callsim("-m", "hydra/launcher=submitit_local", *QUICK, "agents=40,44", "sweep=submitit", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    jobs = job_dirs(tmp_path / "results" / "sweeps" / "submitit")
    assert len(jobs) == 2 and all(read_manifest(j) for j in jobs)


def test_a_sweep_of_the_blending_threshold_aggregates_the_campaigns(tmp_path):
    """Jobs with outbound campaigns: sweep_campaigns.csv holds each job's campaigns.csv rows,
    labelled by the swept value, and the report and plots show them."""
    done = callsim("-m", "scenario=single_queue", "scenario.horizon.hours=2", "scenario.horizon.warmup_hours=0.5",
                   "patience=none", "outbound_aht=200", "threshold=0,3", "sweep=blend", "output.plots=false", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sweep = tmp_path / "results" / "sweeps" / "blend"
    done = callsim(str(sweep), cwd=tmp_path, module="sim.experiments.sweep")
    assert done.returncode == 0, done.stdout + done.stderr
    campaigns = pd.read_csv(sweep / "sweep_campaigns.csv")
    for job in job_dirs(sweep):
        own = pd.read_csv(job / "campaigns.csv")
        rows = campaigns[campaigns.job == job.name]
        assert len(rows) == len(own) == 1
        assert rows.rpc.tolist() == own.rpc.tolist() and rows.attempts.tolist() == own.attempts.tolist()
    by_threshold = campaigns.set_index("threshold")
    assert by_threshold.loc[0, "attempts"] > by_threshold.loc[3, "attempts"] > 0  # holding 3 back dials less
    assert (sweep / "sweep_campaign_rpc_per_agent_hour.png").stat().st_size > 0
    assert "Outbound campaigns" in (sweep / "report.html").read_text()
