"""Write a run's tables, per-call records, resolved config and plots; format the printed summary.

Every file is written to a temporary name and renamed into place, and ``run.json`` (engine,
seed, timing, file list) is written last: a run directory without ``run.json`` is incomplete.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable, Dict, Optional

import pandas as pd

from sim.errors import ConfigError

CALL_FORMATS = ("parquet", "csv")


def _atomic(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``, so a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_run(results, out_dir, config: Optional[Dict] = None, calls: bool = True,
              calls_format: str = "parquet", plots: bool = True, elapsed: float = 0.0) -> Dict[str, Path]:
    """Write every output file of a run into ``out_dir``; returns {name: path}."""
    if calls_format not in CALL_FORMATS:
        raise ConfigError("output.calls_format", f"unknown format {calls_format!r}", allowed=CALL_FORMATS)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: Dict[str, Path] = {}

    def table(name: str, frame: pd.DataFrame) -> None:
        written[name] = out / f"{name}.csv"
        _atomic(written[name], lambda tmp: frame.to_csv(tmp, index=False, float_format="%.6g"))

    table("summary", results.summary)
    table("intervals", results.intervals)
    table("groups", results.groups)
    table("group_intervals", results.group_intervals)
    table("agents", results.agents)
    if results.theory is not None:
        table("theory", results.theory)
    if calls and results.calls is not None:
        if calls_format == "parquet":
            written["calls"] = out / "calls.parquet"
            _atomic(written["calls"], lambda tmp: results.calls.to_parquet(tmp))
        else:
            written["calls"] = out / "calls.csv.gz"
            _atomic(written["calls"], lambda tmp: results.calls.to_csv(tmp, compression="gzip"))
    if config is not None:
        import yaml

        written["config"] = out / "config.yaml"
        _atomic(written["config"], lambda tmp: Path(tmp).write_text(yaml.safe_dump(config, sort_keys=False)))
    if plots:
        from sim import plots as plotting

        for name, figure in plotting.run_figures(results).items():
            written[name] = out / f"{name}.png"
            _atomic(written[name], lambda tmp, f=figure: f.savefig(tmp, dpi=110, format="png"))
            plotting.close(figure)
    manifest = {
        "status": "complete", "scenario": results.scenario.name, "engine": results.engine,
        "engine_note": results.engine_note, "seed": results.seed, "busyness": results.busyness,
        "calls": int(results.n_calls), "elapsed_seconds": round(elapsed, 3),
        "files": sorted(p.name for p in written.values()),
    }
    written["run"] = out / "run.json"
    _atomic(written["run"], lambda tmp: Path(tmp).write_text(json.dumps(manifest, indent=2)))
    return written


def _percent(x) -> str:
    return "" if pd.isna(x) else f"{100 * x:.1f}%"


def _number(x, digits: int = 1) -> str:
    return "" if pd.isna(x) else f"{x:,.{digits}f}"


def format_summary(results, out_dir=None) -> str:
    """A readable text summary: call types, groups, the theory check, where the files are."""
    s, k = results.scenario, results.scenario.kpi
    lines = [f"callsim: scenario '{s.name}', seed {results.seed}, {results.engine_note}",
             f"{results.n_calls:,} calls simulated" + (f"; busyness factor {results.busyness:.3f}" if s.busyness_cv else "")]
    summary = results.summary
    view = pd.DataFrame({
        "call type": summary.call_type,
        "offered": summary.offered.map("{:,}".format),
        "answered": summary.answered.map("{:,}".format),
        f"SL {k.sl_threshold:g}s": summary.service_level.map(_percent),
        "ASA s": summary.asa.map(_number),
        "p90 wait s": summary.p90_wait.map(_number),
        "abandoned": summary.abandon_rate.map(_percent),
        "AHT s": summary.aht.map(_number),
        "avg queue": summary.avg_queue.map(lambda x: _number(x, 2)),
        "blocked": summary.blocked.map("{:,}".format),
    })
    lines += ["", f"Service (target {_percent(k.sl_target)} in {k.sl_threshold:g}s, SL variant '{k.sl_variant}'; "
                  f"abandon target {_percent(k.abandon_target)}):", view.to_string(index=False)]
    groups = results.groups
    gview = pd.DataFrame({
        "group": groups.group, "agents": groups.agents,
        "answered": groups.answered.map("{:,}".format),
        "occupancy": groups.occupancy.map(_percent),
        "staffed h": groups.staffed_hours.map(_number), "cost": groups.cost.map(lambda x: _number(x, 0)),
    })
    lines += ["", "Agent groups:", gview.to_string(index=False)]
    comparison = results.theory
    if comparison is not None:
        model = comparison.attrs["model"].replace("_", " ").title()
        cview = pd.DataFrame({
            "metric": comparison.metric,
            "simulated": comparison.simulated.map(lambda x: f"{x:.4f}"),
            "±95% CI": comparison.ci95.map(lambda x: f"{x:.4f}"),
            model: comparison.theory.map(lambda x: f"{x:.4f}"),
            "theory in CI": comparison.within_ci.map({True: "yes", False: "no"}),
        })
        lines += ["", f"Against {model} (fractions of all arrivals; CI from {comparison.attrs['batches']} batch means):",
                  cview.to_string(index=False)]
    if out_dir is not None:
        lines += ["", f"Reports written to {out_dir}"]
    return "\n".join(lines)
