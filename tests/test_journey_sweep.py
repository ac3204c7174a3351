"""A sweep's aggregation keeps the caller's journey (issue 14): each job's callers.csv and
callbacks.csv rows in sweep_callers / sweep_callbacks, labelled by the swept value; the summary's
transfer columns (replicated: with their half-widths) in sweep_summary. Jobs are written as the
command writes them (write_run, run.json with the overrides, .hydra/overrides.yaml)."""

import numpy as np
import pandas as pd

from sim.experiments.replications import replicate
from sim.experiments.sweep import aggregate
from sim.reports.files import write_run


def write_job(sweep, override: str, replicated) -> None:
    """One job of a sweep as the command writes it, its override in .hydra/overrides.yaml."""
    job = sweep / override
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(f"- {override}\n")
    write_run(replicated, job, plots=False, extra={"overrides": [override]})


def test_the_sweep_tables_hold_each_jobs_journey_tables(tmp_path):
    sweep = tmp_path / "sweep"
    for seed in (1, 2):
        write_job(sweep, f"seed={seed}", replicate("support_desk", 2, seed=seed, n_jobs=1, progress=False))
    written, problems = aggregate(sweep, plots=False)
    assert problems == [] and {"sweep_callers.csv", "sweep_callbacks.csv"} <= set(written)
    summary = pd.read_csv(sweep / "sweep_summary.csv")
    assert {"fcr", "fcr_ci", "transferred", "transferred_ci"} <= set(summary.columns)
    for name in ("callers", "callbacks"):
        table = pd.read_csv(sweep / f"sweep_{name}.csv")
        for seed in (1, 2):
            own = pd.read_csv(sweep / f"seed={seed}" / f"{name}.csv")
            rows = table[table.seed == seed]
            assert len(rows) == len(own) == 3 and (rows.job == f"seed={seed}").all()
            numbers = own.select_dtypes("number").columns
            np.testing.assert_array_equal(rows[numbers].to_numpy(), own[numbers].to_numpy())
        assert f"{'caller_loss' if name == 'callers' else 'acceptance_rate'}_ci" in table


def test_a_sweep_without_journey_features_writes_no_journey_tables(tmp_path):
    sweep = tmp_path / "sweep"
    for agents in (3, 4):
        write_job(sweep, f"a={agents}", replicate("single_queue", 2, seed=agents, n_jobs=1, progress=False))
    written, _ = aggregate(sweep, plots=False)
    assert not {"sweep_callers.csv", "sweep_callbacks.csv", "sweep_campaigns.csv"} & set(written)
