"""Progress bars (tqdm) for replications and long runs: on a terminal only, never in logs or CI."""

from __future__ import annotations

import sys
from typing import Optional

from tqdm import tqdm


def wanted(enabled: Optional[bool]) -> bool:
    """``enabled`` as given, or (None: automatic) whether stderr is an interactive terminal."""
    if enabled is None:
        return sys.stderr.isatty()
    return bool(enabled)


def progress_bar(total: Optional[float], desc: str, unit: str, enabled: Optional[bool] = None,
                 delay: float = 0.0) -> tqdm:
    """A tqdm bar on stderr, or a silent one (same interface) when progress is not wanted.
    ``delay``: show it only once the work has lasted that many seconds (short runs stay quiet)."""
    return tqdm(total=total, desc=desc, unit=unit, disable=not wanted(enabled), file=sys.stderr,
                dynamic_ncols=True, leave=False, delay=delay)
