"""The one exception users see for bad input: it names the field and, where known, the allowed values."""

from __future__ import annotations

from typing import Iterable, Optional


class ConfigError(ValueError):
    """A scenario or run setting is invalid.

    ``field`` is the config path (``scenario.call_types.sales.volumes``) so the user can find it.
    """

    def __init__(self, field: str, problem: str, allowed: Optional[Iterable] = None):
        self.field = field
        self.problem = problem
        self.allowed = tuple(allowed) if allowed is not None else None
        message = f"{field}: {problem}"
        if self.allowed is not None:
            message += f" (allowed: {', '.join(map(str, self.allowed))})"
        super().__init__(message)
