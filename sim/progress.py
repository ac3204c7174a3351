"""Progress bars (tqdm) for replications and long runs: on a terminal only, never in logs or CI.

tqdm is imported with the first bar (a plain run makes none: its import, which reads installed
packages' metadata, is about 0.01 s of a small run's start-up)."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from tqdm import tqdm

_thread_lock = False  # whether tqdm's bars are to be guarded by a thread lock (use_thread_lock)


def wanted(enabled: Optional[bool]) -> bool:
    """``enabled`` as given, or (None: automatic) whether stderr is an interactive terminal."""
    if enabled is None:
        return sys.stderr.isatty()
    return bool(enabled)


def progress_bar(total: Optional[float], desc: str, unit: str, enabled: Optional[bool] = None,
                 delay: float = 0.0) -> "tqdm":
    """A tqdm bar on stderr, or a silent one (same interface) when progress is not wanted.
    ``delay``: show it only once the work has lasted that many seconds (short runs stay quiet)."""
    first = "tqdm" not in sys.modules
    from tqdm import tqdm

    if first and _thread_lock:
        tqdm.set_lock(threading.RLock())
    return tqdm(total=total, desc=desc, unit=unit, disable=not wanted(enabled), file=sys.stderr,
                dynamic_ncols=True, leave=False, delay=delay)


def use_thread_lock() -> None:
    """Guard tqdm's bars with a thread lock instead of its default multiprocessing lock, a
    semaphore that leaks (with a warning at exit) when a sweep is interrupted and its worker
    processes are killed; a job's bars live in one process, where a thread lock does the same.
    Set now if tqdm is imported, else when the first bar imports it."""
    global _thread_lock
    _thread_lock = True
    if "tqdm" in sys.modules:
        from tqdm import tqdm

        tqdm.set_lock(threading.RLock())
