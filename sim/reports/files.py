"""Write a run's tables, per-call records, resolved config, plots and HTML report; format the
printed summary. A run is one replication (:class:`sim.simulate.Results`) or several
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
from typing import Callable, Dict, List, Optional, Tuple

import pandas as pd

from sim.errors import ConfigError
from sim.kpi.definitions import TOTAL
from sim.kpi.tables import interval_label
from sim.reports import (cost_text, journey_report, outbound_files, outbound_text, plan_report,
                         requirements as staffing_requirements)
from sim.reports.csv_tables import write_csv
from sim.reports.formats import count as _count, number as _number, percent as _percent, with_ci as _column

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


def _statistics_line(results) -> str:
    replications = getattr(results, "replications", 1)
    if replications == 1 and "batches" in results.summary.columns:
        confidence = results.summary.attrs.get("confidence", 0.95)
        return f"; {100 * confidence:g}% CIs from {int(results.summary.batches.iloc[0])} batch means"
    if replications == 1:
        return ""
    line = f"; {replications} replications (mean ± {100 * results.confidence:g}% CI, "
    line += "common random numbers)" if results.crn else "independent random numbers)"
    if results.precision is not None:
        p = results.precision
        line += (f"; {p.kpi} ({p.call_type}) half-width target {p.half_width:g} "
                 + ("met" if results.precision_met else f"NOT met after the cap of {p.max_replications} replications"))
    return line


MAX_RANGES = 8  # interval ranges listed per line of the summary; the rest are counted


def _off_target_lines(results) -> List[str]:
    """The intervals (all calls together) whose service level is below its target and whose
    abandonment is above its target, as clock-time ranges (replicated runs: the means)."""
    s, k = results.scenario, results.scenario.kpi
    totals = results.intervals[results.intervals.call_type.to_numpy() == TOTAL]  # (numpy's comparison: sooner)
    lines = []
    for kpi, target, missed in (("service_level", k.sl_target, "below the service-level target"),
                                ("abandon_rate", k.abandon_target, "above the abandonment target")):
        values = totals[kpi]
        off = totals.interval[values < target if kpi == "service_level" else values > target].tolist()
        ranges = [f"{interval_label(s, first)}-{_interval_end(s, last)}" for first, last in _runs(off)]
        if len(ranges) > MAX_RANGES:
            ranges = ranges[:MAX_RANGES] + [f"... {len(ranges) - MAX_RANGES} more"]
        listed = ", ".join(ranges) + f" ({len(off)} of {values.notna().sum()})" if off else "none"
        lines.append(f"Intervals {missed} ({_percent(target)}), all calls: {listed}")
    return lines


def _runs(intervals: List[int]) -> List[Tuple[int, int]]:
    """Consecutive interval numbers as (first, last) pairs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: List[Tuple[int, int]] = []
    for j in intervals:
        if runs and j == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((j, j))
    return runs


def _interval_end(scenario, j: int) -> str:
    """Clock time of the end of interval j (a day's last interval ends at 24:00, not 00:00)."""
    label = interval_label(scenario, j + 1)
    return "24:00" if scenario.horizon_kind == "day" and label == "00:00" else label


def format_summary(results, out_dir=None) -> str:
    """A readable text summary: call types, groups, the theory check, where the files are."""
    s, k = results.scenario, results.scenario.kpi
    busyness = getattr(results, "busyness", None)
    lines = [f"callsim: scenario '{s.name}', seed {results.seed}, {results.engine_note}",
             f"{results.n_calls:,} calls simulated" + _statistics_line(results)
             + (f"; busyness factor {busyness:.3f}" if s.busyness_cv and busyness is not None else "")]
    summary = results.summary
    view = pd.DataFrame({
        "call type": summary.call_type,
        "offered": summary.offered.map(_count),
        "answered": summary.answered.map(_count),
        f"SL {k.sl_threshold:g}s": _column(summary, "service_level", _percent),
        "ASA s": _column(summary, "asa", _number),
        "p90 wait s": _column(summary, "p90_wait", _number),
        "abandon %": _column(summary, "abandon_rate", _percent),
        "AHT s": _column(summary, "aht", _number),
        "avg queue": _column(summary, "avg_queue", lambda x: _number(x, 2)),
        "blocked": summary.blocked.map(_count),
    })
    lines += ["", f"Service (target {_percent(k.sl_target)} in {k.sl_threshold:g}s, SL variant '{k.sl_variant}'; "
                  f"abandon target {_percent(k.abandon_target)}):", view.to_string(index=False)]
    lines += _off_target_lines(results)
    lines += journey_report.summary_lines(results)  # IVR, callbacks, transfers, redials
    groups = results.groups
    gview = pd.DataFrame({
        "group": groups.group, "agents": groups.agents,
        "answered": groups.answered.map(_count),
        "occupancy": _column(groups, "occupancy", _percent),
        "paid h": groups.paid_hours.map(_number), "available h": groups.available_hours.map(_number),
        "utilisation": _column(groups, "utilisation", _percent), "cost": groups.cost.map(lambda x: _number(x, 0)),
    })
    lines += ["", "Agent groups:", gview.to_string(index=False)]
    lines += cost_text.summary_lines(results)  # scenarios that price their day
    lines += outbound_text.summary_lines(results)  # scenarios with campaigns
    lines += staffing_requirements.summary_lines(results)  # planned staffing (staffing=erlang)
    lines += plan_report.summary_lines(results)  # task=plan
    comparison = getattr(results, "theory", None)
    if comparison is not None:
        model = comparison.attrs["model"].replace("_", " ").title()
        cview = pd.DataFrame({
            "metric": comparison.metric,
            "simulated": comparison.simulated.map(lambda x: f"{x:.4f}"),
            "±95% CI": comparison.ci95.map(lambda x: f"{x:.4f}"),
            model: comparison.theory.map(lambda x: f"{x:.4f}"),
            "theory in CI": comparison.within_ci.map({True: "yes", False: "no"}).fillna("n/a"),
        })
        source = (f"{comparison.attrs['replications']} replications" if "replications" in comparison.attrs
                  else f"{comparison.attrs['batches']} batch means")
        lines += ["", f"Against {model} (fractions of all arrivals; CI from {source}):",
                  cview.to_string(index=False)]
        if comparison.within_ci.isna().all():
            lines.append("(no confidence interval from fewer than 2 batches or replications: run longer, "
                         "or more replications, to check the simulation against the theory)")
    if out_dir is not None:
        lines += ["", f"Reports written to {out_dir}"]
    return "\n".join(lines)
