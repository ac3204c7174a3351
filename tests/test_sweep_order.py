"""callsim-aggregate lists a sweep's jobs in the order of their swept values, numbers by value."""

import json
from pathlib import Path

import pandas as pd

from sim.experiments.sweep import aggregate, collect


def fake_job(sweep_dir: Path, overrides):
    """A complete job directory as a sweep leaves it: .hydra/overrides.yaml, run.json, tables."""
    job = sweep_dir / ",".join(overrides)
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text("\n".join(f"- {o}" for o in overrides))
    (job / "run.json").write_text(json.dumps({"status": "complete", "overrides": overrides}))
    pd.DataFrame({"call_type": ["a", "total"], "service_level": [0.5, 0.6]}).to_csv(job / "summary.csv", index=False)
    pd.DataFrame({"group": ["g"], "occupancy": [0.7]}).to_csv(job / "groups.csv", index=False)


def test_jobs_come_in_numeric_order_of_the_swept_values(tmp_path):
    for count in (8, 10, 12, 14, 9.5):
        for policy in ("route_order", "least_skilled"):
            fake_job(tmp_path, [f"agents={count}", f"policy={policy}", "sweep=s"])
    summary, groups, swept, problems, _ = collect(tmp_path)
    assert swept == ["agents", "policy"] and not problems
    jobs = summary.drop_duplicates("job")
    assert jobs.agents.tolist() == [8, 8, 9.5, 9.5, 10, 10, 12, 12, 14, 14]
    assert jobs.policy.tolist() == ["least_skilled", "route_order"] * 5
    assert summary.call_type.tolist() == ["a", "total"] * 10  # each job's rows keep their order
    assert groups.agents.tolist() == jobs.agents.tolist()
    aggregate(tmp_path, plots=False)
    written = pd.read_csv(tmp_path / "sweep_summary.csv").drop_duplicates("job")
    assert written.agents.tolist() == jobs.agents.tolist()


def test_values_of_mixed_kinds_sort_without_error(tmp_path):
    for value in ("high", 3, "null", 20):
        fake_job(tmp_path, [f"x={value}"])
    summary, *_ = collect(tmp_path)
    assert summary.drop_duplicates("job").job.tolist() == ["x=null", "x=3", "x=20", "x=high"]
