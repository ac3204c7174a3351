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
import numbers
from typing import Any, Dict, Mapping, Tuple

from omegaconf import DictConfig, ListConfig, Node, ValueNode

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
    """Raise ConfigError naming the first key of ``node`` that ``schema`` (a dataclass) lacks, or,
    in a plain dict, the first value of the wrong type (OmegaConf would name only its last key)."""
    if node is None or isinstance(node, Node) and node._is_none():
        return
    if not isinstance(node, (DictConfig, Mapping)):
        raise ConfigError(path.rstrip("."), f"must be a mapping of {', '.join(schema_fields(schema))}, got {node!r}")
    fields = schema_fields(schema)
    for key in node.keys():
        where = f"{path}{key}"
        if key not in fields:
            raise ConfigError(where, "unknown key", allowed=tuple(fields))
        _check_value(node._get_node(key) if isinstance(node, DictConfig) else node[key], fields[key], where)


def _check_value(value, hint, where: str) -> None:
    kind, inner = field_kind(hint)
    if value is None or isinstance(value, Node) and (value._is_none() or isinstance(value, ValueNode)):
        return  # null, or a value OmegaConf has already typed
    if kind == "dataclass":
        check_known_keys(value, inner, f"{where}.")
    elif kind == "dict":
        if not isinstance(value, (DictConfig, Mapping)):
            raise ConfigError(where, f"must be a mapping, got {value!r}")
        for key in value.keys():
            _check_value(value._get_node(key) if isinstance(value, DictConfig) else value[key], inner, f"{where}.{key}")
    elif kind == "list":
        if not isinstance(value, (ListConfig, list, tuple)):
            raise ConfigError(where, f"must be a list, got {value!r}")
        for j in range(len(value)):
            _check_value(value._get_node(j) if isinstance(value, ListConfig) else value[j], inner, f"{where}[{j}]")
    elif not isinstance(value, Node):
        _check_plain(value, hint, where)


def _check_plain(value, hint, where: str) -> None:
    """A plain value against a leaf type (text also takes numbers, as OmegaConf does: YAML reads an
    unquoted 13:00 as 780, which the clock check then explains)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    hint = args[0] if typing.get_origin(hint) is typing.Union and len(args) == 1 else hint
    ok = {float: (numbers.Real,), int: (numbers.Integral,), bool: (bool,), str: (str, numbers.Real)}.get(hint)
    if ok is None:
        return
    if not isinstance(value, ok) or (isinstance(value, bool) and hint is not bool):
        what = {float: "a number", int: "a whole number", bool: "true or false", str: "text"}[hint]
        raise ConfigError(where, f"must be {what}, got {value!r}")
