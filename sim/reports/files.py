"""Write a run's tables, per-call records, resolved config, plots and HTML report (the printed
summary, :func:`format_summary`, is made in :mod:`sim.reports.summary_text`). A run is one replication (:class:`sim.simulate.Results`) or several
(:class:`sim.experiments.replications.Replicated`, whose tables carry ``<kpi>_ci`` half-widths).

Every file is written to a temporary name and renamed into place. ``run.json`` (engine, seed,
timing, file list) is removed first and written last: a run directory without ``run.json`` is
incomplete, whatever else it holds, so a crash never leaves output that looks complete.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Callable, Dict, Optional

import pandas as pd

from sim.errors import ConfigError
from sim.reports import journey_report, outbound_files, plan_report, requirements as staffing_requirements
from sim.reports.csv_tables import write_csv
from sim.reports.summary_text import format_summary  # noqa: F401 (re-exported: callsim prints it)

CALL_FORMATS = ("parquet", "csv")


def write_atomically(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``, so a crash never leaves half a file.
    The temporary file is created with mode 0666 minus the umask (``tempfile.mkstemp`` would make
    it 0600), so the renamed file is as readable as any other file the user creates."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{path.suffix}"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(str(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def manifest_path(out_dir) -> Path:
    return Path(out_dir) / "run.json"


def mark_incomplete(out_dir) -> None:
    """Remove ``run.json``: from now on ``out_dir`` is incomplete, whatever else it holds. Called
    before a run rewrites anything in its directory, so old and new files never look like one run."""
    manifest_path(out_dir).unlink(missing_ok=True)


def read_manifest(out_dir) -> Optional[Dict]:
    """The ``run.json`` of a complete run directory, or None if the run is missing or incomplete."""
    try:
        manifest = json.loads(manifest_path(out_dir).read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("status") == "complete" else None


def write_run(results, out_dir, config: Optional[Dict] = None, calls: bool = True,
              calls_format: str = "parquet", plots: bool = True, elapsed: float = 0.0,
              method: str = "single run", extra: Optional[Dict] = None,
              render: Optional[Callable[[object], Dict[str, bytes]]] = None) -> Dict[str, Path]:
    """Write every output file of a run into ``out_dir``; returns {name: path}.

    ``method`` says how the confidence intervals were obtained (shown in the report);
    ``extra`` is merged into ``run.json`` (sweep overrides, replication settings);
    ``render(results)`` gives the plots as {name: PNG bytes} (default: rendered in this process;
    the command passes :meth:`sim.reports.plot_process.PlotProcess.pngs`).
    """
    if calls_format not in CALL_FORMATS:
        raise ConfigError("output.calls_format", f"unknown format {calls_format!r}", allowed=CALL_FORMATS)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mark_incomplete(out)  # from here until the end, the directory is incomplete
    written: Dict[str, Path] = {}

    def table(name: str, frame: pd.DataFrame) -> None:
        written[name] = out / f"{name}.csv"
        write_atomically(written[name], lambda tmp: write_csv(frame, tmp))  # (frame.to_csv's bytes, sooner)

    table("summary", results.summary)
    table("intervals", results.intervals)
    table("groups", results.groups)
    table("group_intervals", results.group_intervals)
    for name, frame in outbound_files.tables(results).items():  # scenarios with campaigns
        table(name, frame)
    for name, frame in plan_report.tables(results).items():  # task=plan
        table(name, frame)
    for name, frame in staffing_requirements.tables(results).items():  # planned staffing (staffing=erlang)
        table(name, frame)
    if getattr(results, "agents", None) is not None:
        table("agents", results.agents)
    if getattr(results, "per_replication", None) is not None:
        table("replications", results.per_replication)
    if getattr(results, "theory", None) is not None:
        table("theory", results.theory)
    for name, frame in journey_report.tables(results).items():  # IVR, callbacks, transfers, redials
        table(name, frame)
    if calls:  # per-call records, and with transfers the legs, in the same format
        for name in ("calls", "legs"):
            records = getattr(results, name, None)
            if records is not None:
                written[name] = _write_records(records, out / name, calls_format)
    if calls:  # the dial attempts, as the calls (scenarios with campaigns)
        written.update(outbound_files.write_attempts(results, out, calls_format, write_atomically))
    config_yaml = None
    from sim.reports.html import run_report, yaml_text

    if config is not None:
        config_yaml = yaml_text(config)  # (once: the report shows the same text)
        written["config"] = out / "config.yaml"
        write_atomically(written["config"], lambda tmp: Path(tmp).write_text(config_yaml))
    figures = {}
    if plots:
        figures = render(results) if render is not None else _render_here(results)
        for name, png in figures.items():  # rendered once: the file and the report share it
            written[name] = out / f"{name}.png"
            write_atomically(written[name], lambda tmp, png=png: Path(tmp).write_bytes(png))
    written["report"] = out / "report.html"
    document = run_report(results, config, figures, method, config_yaml=config_yaml)
    write_atomically(written["report"], lambda tmp: Path(tmp).write_text(document, encoding="utf-8"))
    manifest = {
        "status": "complete", "scenario": results.scenario.name, "engine": results.engine,
        "engine_note": results.engine_note, "seed": results.seed, "method": method,
        "replications": getattr(results, "replications", 1), "calls": int(results.n_calls),
        "elapsed_seconds": round(elapsed, 3), **(extra or {}),
        "files": sorted(p.name for p in written.values()),
    }
    if hasattr(results, "busyness"):
        manifest["busyness"] = results.busyness
    written["run"] = manifest_path(out)
    write_atomically(written["run"], lambda tmp: Path(tmp).write_text(json.dumps(manifest, indent=2)))
    return written


def _write_records(records: pd.DataFrame, stem: Path, calls_format: str) -> Path:
    """Per-call (or per-leg) records as ``<stem>.parquet``, or ``<stem>.csv.gz`` for csv; the index
    only when it is named (the calls' ``call_id``; the legs carry theirs as a column)."""
    named = records.index.name is not None
    if calls_format == "parquet":
        path = stem.with_name(stem.name + ".parquet")
        write_atomically(path, lambda tmp: records.to_parquet(tmp, index=None if named else False))
    else:
        path = stem.with_name(stem.name + ".csv.gz")
        write_atomically(path, lambda tmp: records.to_csv(tmp, compression="gzip", index=named))
    return path


def _render_here(results) -> Dict[str, bytes]:
    from sim.reports import plots  # (matplotlib: only when plots are drawn)

    return plots.run_pngs(results)
