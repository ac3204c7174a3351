"""The outbound tables a run writes beside the inbound ones (only for a scenario with
campaigns): campaigns.csv, campaign_intervals.csv, group_time.csv, group_time_intervals.csv
(replications: means with ``<kpi>_ci`` columns, and per_replication_campaigns.csv), and
the dial attempts (one row per attempt, Parquet or gzipped CSV as the calls) when kept."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict

import numpy as np
import pandas as pd

from sim.core.protocol import DIAL_RESULT_NAMES

TABLES = ("campaigns", "campaign_intervals", "group_time", "group_time_intervals",
          "per_replication_campaigns")  # (the last: replications only, every run's campaigns table)


def tables(results) -> Dict[str, pd.DataFrame]:
    """The run's outbound tables by file name ({} without campaigns, or for a result that has none)."""
    return {name: getattr(results, name) for name in TABLES if getattr(results, name, None) is not None}


def attempts_frame(scenario, attempts) -> pd.DataFrame:
    """One row per dial attempt (sim.core.records.AttemptRecords), campaign, result and group by
    name (group "" when no agent took it)."""
    if isinstance(attempts, pd.DataFrame):
        return attempts
    groups = [g.name for g in scenario.groups] + [""]
    group = np.asarray(attempts.group, np.int64)
    frame = pd.DataFrame({
        "campaign": pd.Categorical.from_codes(attempts.campaign, [c.name for c in scenario.campaigns]),
        "record": attempts.record, "attempt": attempts.attempt, "dial_time": attempts.dial_time,
        "result": pd.Categorical.from_codes(attempts.result, list(DIAL_RESULT_NAMES)),
        "resolve_time": attempts.resolve_time,
        "group": pd.Categorical.from_codes(np.where(group < 0, len(groups) - 1, group), groups),
        "agent": attempts.agent, "connect_time": attempts.connect_time, "end_time": attempts.end_time,
        "talk": attempts.talk, "wrapup": attempts.wrapup, "nuisance": attempts.nuisance,
    })
    frame.index.name = "attempt_id"
    return frame


def write_attempts(results, out: Path, calls_format: str, write_atomically: Callable) -> Dict[str, Path]:
    """Write the run's dial attempts (when it kept them) as ``attempts.parquet`` or
    ``attempts.csv.gz`` (``calls_format``) with ``write_atomically``; {name: path} written."""
    if getattr(results, "attempts", None) is None:
        return {}
    attempts = attempts_frame(results.scenario, results.attempts)
    if calls_format == "parquet":
        path = out / "attempts.parquet"
        write_atomically(path, lambda tmp: attempts.to_parquet(tmp))
    else:
        path = out / "attempts.csv.gz"
        write_atomically(path, lambda tmp: attempts.to_csv(tmp, compression="gzip"))
    return {"attempts": path}
