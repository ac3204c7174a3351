"""Sweeps (``callsim -m ...``): safe jobs, an end-of-sweep account, and aggregation into one table.

Each job of a multirun writes to ``results/sweeps/<sweep>/<overrides>/``. A job whose directory
already holds complete output (``run.json``) for the very same settings is skipped, so rerunning
an interrupted or partly failed sweep only runs what is missing. A job that fails writes
``failed.json`` (the error and traceback) instead of results and the sweep goes on; the
:class:`SweepCallback` lists the failures at the end and the command exits with status 1. It also
checks, before Hydra creates anything, that the run's or sweep's directory can be written, and
after a Ctrl-C :func:`interrupted_message` says what was kept and how to resume.

``callsim-aggregate <sweep dir>`` turns the complete jobs into tidy tables, one row per job and
call type (``sweep_summary``) and per job and agent group (``sweep_groups``), with the job's
overrides as columns and each KPI's confidence half-width beside it, in CSV and Parquet (and, from
jobs that have them, their campaigns, callers and callbacks tables alike: ``sweep_campaigns``,
``sweep_callers``, ``sweep_callbacks``); it plots
each KPI against the swept parameter with confidence bands and writes a self-contained
``report.html``. Jobs without complete output are listed, never silently dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import traceback
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pandas as pd
import yaml
from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import OmegaConf

from sim.kpi.costs import with_day_costs
from sim.progress import progress_bar, use_thread_lock
from sim.reports import outdir
from sim.reports.csv_tables import write_csv
from sim.reports.files import mark_incomplete, write_atomically, read_manifest

FAILED = "failed.json"
NOT_PARAMETERS = ("sweep", "progress")  # overrides that name or display a sweep, never change results
PLOTTED_KPIS = ("service_level", "abandon_rate", "asa", "p90_wait", "avg_queue")
PLOTTED_DAY_KPIS = ("total_cost", "cost_per_call")  # the whole day's (total rows; sim.kpi.costs)
PLOTTED_GROUP_KPIS = ("occupancy", "cost")
PLOTTED_CAMPAIGN_KPIS = ("rpc", "rpc_per_agent_hour", "nuisance_rate")  # outbound campaigns (sim.kpi.outbound)


def config_fingerprint(config: Dict) -> str:
    """A digest of a job's full settings: equal digests mean the same job."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def is_complete(out_dir, fingerprint: str) -> bool:
    """Whether ``out_dir`` already holds the complete output of the job with this fingerprint."""
    manifest = read_manifest(out_dir)
    return manifest is not None and manifest.get("config_sha256") == fingerprint


def record_failure(out_dir, error: BaseException, overrides: List[str]) -> None:
    """Leave ``failed.json`` (and no ``run.json``) in the job's directory."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mark_incomplete(out)
    record = {"status": "failed", "overrides": list(overrides), "error": f"{type(error).__name__}: {error}",
              "traceback": "".join(traceback.format_exception(error))}
    write_atomically(out / FAILED, lambda tmp: Path(tmp).write_text(json.dumps(record, indent=2)))


def clear_failure(out_dir) -> None:
    (Path(out_dir) / FAILED).unlink(missing_ok=True)


def job_dirs(sweep_dir) -> List[Path]:
    """Every job directory of a sweep: each job locks its directory as it starts, then writes
    ``.hydra/`` (only the lock file if another run was writing it and the job was refused)."""
    sweep_dir = Path(sweep_dir)
    return sorted({p.parent.parent for p in sweep_dir.glob("*/.hydra/overrides.yaml")}
                  | {p.parent for p in sweep_dir.glob(f"*/{outdir.LOCK_FILE}")})


def job_status(job: Path) -> Tuple[str, str]:
    """('complete' | 'failed' | 'incomplete', detail)."""
    if read_manifest(job) is not None:
        return "complete", ""
    failed = job / FAILED
    if failed.exists():
        return "failed", json.loads(failed.read_text()).get("error", "")
    return "incomplete", "no run.json: the job is still running or was interrupted"


def _parallel_with_bar(parallel, bar):
    """joblib's Parallel, moving ``bar`` as jobs finish instead of printing progress lines."""

    class ParallelWithBar(parallel):
        def __call__(self, iterable):
            jobs = list(iterable)  # the launcher's job list: its length is the bar's total
            bar.reset(total=len(jobs))
            _SWEEP["jobs"] = len(jobs)
            try:
                return super().__call__(jobs)
            except OSError as error:  # Hydra could not create a job's directory (a job's own errors are caught)
                print(f"callsim: cannot create the job directory {error.filename}: {error.strerror}; choose "
                      "shorter or other names with hydra.sweep.subdir=<name>, e.g. job${hydra.job.num}",
                      file=sys.stderr)
                raise SystemExit(2) from None

        def print_progress(self):
            bar.update(self.n_completed_tasks - bar.n)

    return ParallelWithBar


_SWEEP_BAR: Dict[str, object] = {}  # module state, not the callback's: Hydra pickles callbacks to the jobs
_SWEEP: Dict[str, object] = {}  # the running sweep's directory, name and number of jobs


def exit_if_unwritable(config, setting: str) -> None:
    """One line and exit status 2 if the directory ``setting`` names cannot be created or written
    (checked before Hydra itself tries, which would end in a traceback)."""
    directory = OmegaConf.select(config, setting, throw_on_resolution_failure=False)
    if directory is None:  # it needs Hydra's job context to resolve: Hydra creates it unchecked
        return
    try:
        outdir.check_writable(str(directory), setting)
    except outdir.OutputDirError as error:
        print(f"callsim: {error}", file=sys.stderr)
        raise SystemExit(2) from None


class SweepCallback(Callback):
    """Before a run or sweep, a check that its directory can be written. A progress bar of
    finished jobs while a multirun runs on the joblib launcher (on a terminal only, or as
    ``progress`` says), and at its end an account of the jobs: how many completed, which failed
    or are incomplete (exit status 1 if any)."""

    def on_run_start(self, config, **kwargs) -> None:
        HydraConfig.instance().set_config(config)  # as Hydra does next: ${hydra:...} in the directory resolves
        exit_if_unwritable(config, "hydra.run.dir")

    def on_job_start(self, config, **kwargs) -> None:
        use_thread_lock()  # (not tqdm's multiprocessing lock: see sim.progress.use_thread_lock)

    def on_multirun_start(self, config, **kwargs) -> None:
        exit_if_unwritable(config, "hydra.sweep.dir")
        _SWEEP.update(dir=Path(str(config.hydra.sweep.dir)), name=config.get("sweep"))
        try:  # joblib reports each finished job to Parallel.print_progress in this process
            from hydra_plugins.hydra_joblib_launcher import _core
        except ImportError:
            return
        bar = progress_bar(total=None, desc="sweep", unit="job", enabled=config.get("progress"))
        _SWEEP_BAR.update(bar=bar, module=_core, parallel=_core.Parallel)
        _core.Parallel = _parallel_with_bar(_core.Parallel, bar)

    def on_multirun_end(self, config, **kwargs) -> None:
        _close_bar()
        _SWEEP.clear()
        sweep_dir = Path(str(config.hydra.sweep.dir))
        jobs = job_dirs(sweep_dir)
        statuses = [(job, *job_status(job)) for job in jobs]
        bad = [(job, status, detail) for job, status, detail in statuses if status != "complete"]
        print(f"callsim: sweep {sweep_dir}: {len(jobs) - len(bad)} of {len(jobs)} jobs complete", file=sys.stderr)
        for job, status, detail in bad:
            print(f"  {status}: {job.name}: {detail}", file=sys.stderr)
        print(f"  tables, plots and report: callsim-aggregate {sweep_dir}", file=sys.stderr)
        if bad:
            sys.exit(1)


def _close_bar() -> None:
    if _SWEEP_BAR:
        _SWEEP_BAR["module"].Parallel = _SWEEP_BAR["parallel"]
        _SWEEP_BAR.pop("bar").close()
        _SWEEP_BAR.clear()


def interrupted_message() -> str:
    """After a Ctrl-C: one line saying what was kept and how to resume."""
    _close_bar()
    if _SWEEP:
        complete = sum(job_status(job)[0] == "complete" for job in job_dirs(_SWEEP["dir"]))
        of = f" of {_SWEEP['jobs']}" if _SWEEP.get("jobs") else ""
        return (f"callsim: interrupted: {complete}{of} jobs complete in {_SWEEP['dir']}; rerun the same "
                f"command with sweep={_SWEEP['name']} to resume (complete jobs are skipped)")
    run_dir = outdir.last_locked
    if run_dir is None:
        return "callsim: interrupted before the run started; nothing was written"
    if read_manifest(run_dir) is not None:
        return f"callsim: interrupted: the run in {run_dir} is complete (run.json)"
    return (f"callsim: interrupted: nothing complete was written in {run_dir} (no run.json); "
            "rerun the same command to start again")


def parse_overrides(overrides: List[str]) -> Dict[str, object]:
    """``["a.b=3", "scenario=default"]`` -> ``{"a.b": 3, "scenario": "default"}`` (YAML-typed values)."""
    parsed = {}
    for item in overrides:
        key, _, value = item.partition("=")
        try:
            parsed[key.lstrip("+~")] = yaml.safe_load(value)
        except yaml.YAMLError:
            parsed[key.lstrip("+~")] = value
    return parsed


def collect(sweep_dir) -> Tuple[pd.DataFrame, pd.DataFrame, List[str], List[str], Optional[dict]]:
    """The sweep's tidy tables, the swept parameters, the jobs without results, the first config.

    Jobs come in the order of their swept values (numbers by value: 8 before 10), each job's rows
    in the order of its own tables. (The outbound campaigns' table: :func:`collect_campaigns`.)
    """
    summary, groups, swept, problems, config, _ = _collect(sweep_dir)
    return summary, groups, swept, problems, config


OPTIONAL_TABLES = ("campaigns", "callers", "callbacks")  # tables only some jobs write (outbound; the caller's journey)


def collect_campaigns(sweep_dir) -> pd.DataFrame:
    """Every complete job's ``campaigns.csv`` (scenarios with outbound campaigns), tidy as the
    other tables; empty when no job has campaigns."""
    return _collect(sweep_dir)[5]["campaigns"]


def _collect(sweep_dir):
    jobs, problems = [], []
    for job in job_dirs(sweep_dir):
        status, detail = job_status(job)
        if status != "complete":
            problems.append(f"{job.name}: {status}" + (f" ({detail})" if detail else ""))
            continue
        manifest = read_manifest(job)
        overrides = {k: v for k, v in parse_overrides(manifest.get("overrides", [])).items() if k not in NOT_PARAMETERS}
        jobs.append((job, overrides))
    params = [overrides for _, overrides in jobs]
    keys = list(dict.fromkeys(k for p in params for k in p))
    swept = [k for k in keys if len({json.dumps(p.get(k), sort_keys=True, default=str) for p in params}) > 1]
    jobs.sort(key=lambda item: tuple(_sort_key(item[1].get(k)) for k in swept))
    summaries, groups = [], []
    optional: Dict[str, List[pd.DataFrame]] = {name: [] for name in OPTIONAL_TABLES}
    first_config = None
    for job, overrides in jobs:
        labels = {"job": job.name, **overrides}
        tables = {}
        for frame, name in ((summaries, "summary.csv"), (groups, "groups.csv"),
                            *((optional[table], f"{table}.csv") for table in OPTIONAL_TABLES)):
            if name[:-4] in optional and not (job / name).exists():
                continue  # e.g. an inbound-only job, a job without redials
            tables[name] = pd.read_csv(job / name)
            if name == "groups.csv" and "telephony_cost" in tables["summary.csv"]:  # the day's cost on the total row
                summaries[-1] = with_day_costs(summaries[-1], tables[name])
            table = tables[name]
            frame.append(table.assign(**{k: [v] * len(table) for k, v in labels.items()}))
        if first_config is None and (job / "config.yaml").exists():
            first_config = yaml.safe_load((job / "config.yaml").read_text())

    def tidy(frames: List[pd.DataFrame]) -> pd.DataFrame:
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        return table[["job"] + keys + [c for c in table.columns if c not in keys and c != "job"]]

    return (tidy(summaries), tidy(groups), swept, problems, first_config,
            {name: tidy(frames) for name, frames in optional.items()})


def _sort_key(value) -> Tuple[int, float, str]:
    """Orders one swept value: absent first, then numbers by value, then anything else as text."""
    if value is None:
        return (0, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, float(value), "")
    return (2, 0.0, json.dumps(value, sort_keys=True, default=str))


def kpi_figures(summary: pd.DataFrame, groups: pd.DataFrame, swept: List[str],
                campaigns: Optional[pd.DataFrame] = None) -> Dict[str, object]:
    """Each KPI against the first numeric swept parameter, one line per other combination."""
    from sim.reports import plots

    numeric = [k for k in swept if pd.api.types.is_numeric_dtype(summary[k])]
    if not numeric or summary.empty:
        return {}
    x, others = numeric[0], [k for k in swept if k != numeric[0]]
    figures = {}
    totals_only = bool(others) or summary.call_type.nunique() <= 2  # one call type: its row is the total
    for kpi in PLOTTED_KPIS:
        if kpi in summary:
            figures[kpi] = plots.kpi_against(summary, x, kpi, series=others or ["call_type"],
                                             rows=summary.call_type == "total" if totals_only else None)
    for kpi in PLOTTED_DAY_KPIS:  # only where the day is priced
        if kpi in summary and summary[kpi].fillna(0.0).abs().sum() > 0:
            figures[kpi] = plots.kpi_against(summary, x, kpi, series=others or ["call_type"],
                                             rows=summary.call_type == "total")
    for kpi in PLOTTED_GROUP_KPIS:
        if kpi in groups:
            figures[f"group_{kpi}"] = plots.kpi_against(groups, x, kpi, series=others + ["group"])
    if campaigns is not None and not campaigns.empty and x in campaigns:
        for kpi in PLOTTED_CAMPAIGN_KPIS:
            figures[f"campaign_{kpi}"] = plots.kpi_against(campaigns, x, kpi, series=others + ["campaign"])
    return figures


def aggregate(sweep_dir, plots: bool = True) -> Tuple[Dict[str, Path], List[str]]:
    """Write the sweep's tables (CSV, Parquet), plots and HTML report into ``sweep_dir``;
    returns the files written and the jobs without results."""
    from sim.reports import html as html_report
    from sim.reports.plots import close

    sweep_dir = Path(sweep_dir)
    summary, groups, swept, problems, config, optional = _collect(sweep_dir)
    campaigns = optional["campaigns"]
    if summary.empty:
        raise FileNotFoundError(f"no complete job under {sweep_dir}"
                                + ("".join(f"\n  {p}" for p in problems) if problems else ""))
    written: Dict[str, Path] = {}
    tables = (("sweep_summary", summary), ("sweep_groups", groups)) + tuple(
        (f"sweep_{name}", table) for name, table in optional.items() if not table.empty)
    for name, table in tables:
        written[f"{name}.csv"] = sweep_dir / f"{name}.csv"
        write_atomically(written[f"{name}.csv"], lambda tmp, t=table: write_csv(t, tmp))  # (to_csv's bytes)
        written[f"{name}.parquet"] = sweep_dir / f"{name}.parquet"
        write_atomically(written[f"{name}.parquet"], lambda tmp, t=table: t.to_parquet(tmp, index=False))
    figures = kpi_figures(summary, groups, swept, campaigns) if plots else {}
    for name, figure in figures.items():
        written[name] = sweep_dir / f"sweep_{name}.png"
        write_atomically(written[name], lambda tmp, f=figure: f.savefig(tmp, dpi=110, format="png"))
    meta = {"sweep": str(sweep_dir), "jobs complete": summary.job.nunique(), "jobs without results": len(problems),
            "swept": ", ".join(swept) or "(nothing varies)"}
    document = html_report.sweep_report(f"callsim sweep: {sweep_dir.name}", meta, summary, groups, figures,
                                        problems, config, campaigns)
    written["report"] = sweep_dir / "report.html"
    write_atomically(written["report"], lambda tmp: Path(tmp).write_text(document, encoding="utf-8"))
    for figure in figures.values():
        close(figure)
    return written, problems


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="callsim-aggregate", description=(
        "Turn a callsim sweep directory (callsim -m ...) into tidy tables (CSV and Parquet), "
        "KPI plots with confidence bands and a self-contained report.html."))
    parser.add_argument("sweep_dir", help="the sweep's directory, e.g. results/sweeps/<name>")
    parser.add_argument("--no-plots", action="store_true", help="tables and report only")
    args = parser.parse_args(argv)
    if not Path(args.sweep_dir).is_dir():
        parser.error(f"sweep_dir: {args.sweep_dir} is not a directory")
    try:
        written, problems = aggregate(args.sweep_dir, plots=not args.no_plots)
    except FileNotFoundError as error:
        print(f"callsim-aggregate: {error}", file=sys.stderr)
        return 1
    print(f"callsim-aggregate: {args.sweep_dir}")
    for path in written.values():
        print(f"  {path}")
    if problems:
        print(f"  {len(problems)} job(s) without results:", *problems, sep="\n    ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
