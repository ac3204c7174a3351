"""Policy names to the codes the engines receive, with a clear error for an unknown name."""

from __future__ import annotations

from sim.core import protocol
from sim.errors import ConfigError

KINDS = {
    "call_selection": protocol.CALL_SELECTION,
    "agent_selection": protocol.AGENT_SELECTION,
}


def policy_code(kind: str, name: str, field: str) -> int:
    """The code of policy ``name`` of ``kind`` (``field``: where the user wrote the name)."""
    names = KINDS[kind]
    if name not in names:
        raise ConfigError(field, f"unknown {kind.replace('_', ' ')} policy {name!r}", allowed=names)
    return names.index(name)
