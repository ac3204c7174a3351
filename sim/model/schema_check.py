"""Keys the typed schema does not know, found in a config Hydra has already typed.

Hydra's ``+key=value`` adds a key even inside a typed node (it opens the node for the
override), so ``+scenario.call_types.sales.spead=2`` would be carried along and ignored. This
walk compares every mapping with its dataclass in :mod:`sim.model.config`; it visits each node
once (no merge), so it stays linear in the size of the config.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from typing import Any, Dict, Tuple

from omegaconf import DictConfig, ListConfig

from sim.errors import ConfigError


@lru_cache(maxsize=None)
def schema_fields(schema: type) -> Dict[str, Any]:
    """A dataclass's field names and their types."""
    hints = typing.get_type_hints(schema)
    return {f.name: hints[f.name] for f in dataclasses.fields(schema)}


def field_kind(hint) -> Tuple[str, Any]:
    """('dataclass' | 'dict' | 'list' | 'other', inner type) of a field's type, Optional removed."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is typing.Union and len(args) == 1:
        hint = args[0]
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return "dataclass", hint
    if origin in (dict, Dict):
        return "dict", typing.get_args(hint)[1]
    if origin in (list, typing.List):
        return "list", typing.get_args(hint)[0]
    return "other", None


def check_known_keys(node, schema: type, path: str = "") -> None:
    """Raise ConfigError naming the first key of ``node`` that ``schema`` (a dataclass) lacks."""
    if not isinstance(node, DictConfig):
        return
    fields = schema_fields(schema)
    for key in node.keys():
        where = f"{path}{key}"
        if key not in fields:
            raise ConfigError(where, "unknown key", allowed=tuple(fields))
        _check_value(node._get_node(key), fields[key], where)


def _check_value(value, hint, where: str) -> None:
    kind, inner = field_kind(hint)
    if kind == "dataclass":
        check_known_keys(value, inner, f"{where}.")
    elif kind == "dict" and isinstance(value, DictConfig) and dataclasses.is_dataclass(inner):
        for key in value.keys():
            check_known_keys(value._get_node(key), inner, f"{where}.{key}.")
    elif kind == "list" and isinstance(value, ListConfig) and dataclasses.is_dataclass(inner):
        for j in range(len(value)):
            check_known_keys(value._get_node(j), inner, f"{where}[{j}].")
