"""How often do callers who abandon call again, and after how long? Measured on the "Anonymous
Bank" call log (February 1999), for the redial settings of ``configs/scenario/support_desk.yaml``.

Run from the repository root (the data is read in place, never copied into the repo)::

    python experiments/support_desk/redials_from_bank_data.py [--data PATH]

Method (printed again by the script):

* Identified callers only (``customer_id`` != 0): an unidentified caller's next call cannot be
  linked. PHANTOM rows are dropped.
* An abandon is a call with outcome HANG that queued (``q_time`` > 0); the caller's next call
  is the next row of the same customer on the same day (arrival = ``vru_entry``), and the
  redial delay is that next call's arrival minus the abandon (``q_exit``).
* The share of abandons followed by another call within a window is printed for several
  windows, beside the same share after an answered call (measured from the end of service): a
  customer who was answered also calls again sometimes (a new question, a dropped line), and
  that baseline says how much of the abandoners' share is a redial rather than a new call.
* The delay of the redials within an hour: mean, median, coefficient of variation, and the
  parameters of an exponential and a lognormal fit (maximum likelihood).
* Attempts: of the abandons redialled within an hour, how often the redial is abandoned again.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "anonymous_bank_february.txt"
WINDOWS = (600, 1800, 3600, 4 * 3600, 24 * 3600)


def clock_seconds(column: pd.Series) -> pd.Series:
    parts = column.str.split(":", expand=True).astype(int)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def linked_calls(path: Path) -> pd.DataFrame:
    """Identified callers' calls in time order per customer and day, with the next call's arrival."""
    calls = pd.read_csv(path, sep="\t")
    calls = calls[(calls["outcome"] != "PHANTOM") & (calls["customer_id"] != 0)].copy()
    for name in ("vru_entry", "q_exit", "ser_exit"):
        calls[name] = clock_seconds(calls[name])
    calls = calls.sort_values(["customer_id", "date", "vru_entry"])
    calls["next_arrival"] = calls.groupby(["customer_id", "date"])["vru_entry"].shift(-1)
    calls["next_outcome"] = calls.groupby(["customer_id", "date"])["outcome"].shift(-1)
    calls["next_q_time"] = calls.groupby(["customer_id", "date"])["q_time"].shift(-1)
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    calls = linked_calls(args.data)
    abandons = calls[(calls["outcome"] == "HANG") & (calls["q_time"] > 0)]
    answered = calls[calls["outcome"] == "AGENT"]
    after_abandon = abandons["next_arrival"] - abandons["q_exit"]
    after_answer = answered["next_arrival"] - answered["ser_exit"]
    print(f"identified callers: {len(calls):,} calls, {len(abandons):,} abandons after queueing, "
          f"{len(answered):,} answered")
    print(f"{'within':>8s} {'abandoned: called again':>24s} {'answered: called again':>24s}")
    for window in WINDOWS:
        print(f"{window / 60:6.0f} m {(after_abandon <= window).mean():24.3f} {(after_answer <= window).mean():24.3f}")
    delay = after_abandon[after_abandon <= 3600].to_numpy(float)
    delay = delay[delay > 0]
    logs = np.log(delay)
    print(f"redial delay within an hour (n = {len(delay)}): mean {delay.mean():.0f} s, median {np.median(delay):.0f} s, "
          f"cv {delay.std() / delay.mean():.2f}")
    print(f"  exponential fit: mean {delay.mean():.0f} s; lognormal fit: mean "
          f"{math.exp(logs.mean() + logs.var() / 2):.0f} s, cv {math.sqrt(math.expm1(logs.var())):.2f}")
    redialled = abandons[after_abandon <= 3600]
    again = (redialled["next_outcome"] == "HANG") & (redialled["next_q_time"] > 0)
    print(f"redials within an hour abandoned again: {again.mean():.3f} (n = {len(redialled)})")


if __name__ == "__main__":
    main()
