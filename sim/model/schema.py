"""Check plain config data against the typed schema of :mod:`sim.model.config`, in one pass.

``conform(data, ScenarioConfig)`` turns nested dicts and lists (from YAML, a Python dict or a
Hydra node converted to containers) into the schema's dataclasses, refusing unknown keys,
missing mandatory values and values of the wrong type with a :class:`~sim.errors.ConfigError`
that names the field. The conversions are OmegaConf's: an int where a float is expected, a
numeric string where a number is expected, any scalar where a string is expected.

Why not ``OmegaConf.merge`` onto the structured schema: it costs about a millisecond per node
and grows faster than the config (5 s for a 50-type x 50-group fully flexible center); this
walk visits each value once. A Hydra node becomes plain data by :func:`plain_data` (what
``OmegaConf.to_container`` gives, read from the nodes: a tenth of its time), and an instance of
a schema dataclass is read field by field (not copied by ``dataclasses.asdict`` first); each
schema type's shape is worked out once. Every ``callsim`` job checks its config this way
(issue 11: a job of 200 short replications takes about 200 ms in all).
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from typing import Any, Dict, List, Tuple, Union

from omegaconf import MISSING, DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.errors import ConfigError

_NONE = type(None)


@lru_cache(maxsize=None)
def schema_fields(schema: type) -> Dict[str, Any]:
    """A schema dataclass's field names and their types."""
    hints = typing.get_type_hints(schema)
    return {f.name: hints[f.name] for f in dataclasses.fields(schema)}


def field_kind(hint) -> Tuple[str, Any]:
    """('dataclass' | 'dict' | 'list' | 'other', inner type) of a field's type, Optional removed."""
    args = [a for a in typing.get_args(hint) if a is not _NONE]
    if typing.get_origin(hint) is Union and len(args) == 1:
        hint = args[0]
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return "dataclass", hint
    if origin in (dict, Dict):
        return "dict", typing.get_args(hint)[1]
    if origin in (list, List):
        return "list", typing.get_args(hint)[0]
    return "other", None


def conform_node(node, schema):
    """A Hydra/OmegaConf node (resolved) or plain data, conformed to ``schema``."""
    if isinstance(node, DictConfig):
        try:
            node = plain_data(node)
        except OmegaConfBaseException as exc:
            key = getattr(exc, "full_key", None) or "config"
            raise ConfigError(key, str(exc).splitlines()[0]) from None
    return conform(node, schema)


class _NeedsOmegaConf(Exception):
    """A node that only OmegaConf itself turns into plain data (or into its error)."""


_PLAIN_VALUES = (str, int, float, bool, type(None))


def plain_data(node, throw_on_missing: bool = True):
    """``OmegaConf.to_container(node, resolve=True, throw_on_missing=...)``, read straight from the
    nodes (callsim's config has some 600 values: 4 ms through OmegaConf, a few tenths here), an
    interpolation resolved by OmegaConf (``node[key]``). A missing value (``???``), an
    interpolation that fails, a value of another type (an enum, a path) or OmegaConf's internals
    changed: OmegaConf's own answer, and its own error."""
    try:
        return _read(node)
    except (_NeedsOmegaConf, AttributeError, KeyError):
        return OmegaConf.to_container(node, resolve=True, throw_on_missing=throw_on_missing)


def _read(node):
    content = node.__dict__["_content"]
    if type(content) is dict:
        return {key: _child(node, key, child) for key, child in content.items()}
    if type(content) is list:
        return [_child(node, index, child) for index, child in enumerate(content)]
    raise _NeedsOmegaConf  # (the top node None, missing or an interpolation)


def _child(parent, key, child):
    if isinstance(child, (DictConfig, ListConfig)):
        content = child.__dict__["_content"]
        if content is None:
            return None
        if type(content) is str:  # "???" or an interpolation
            return _resolved(parent, key)
        return _read(child)
    value = child._val  # a value node
    if type(value) is str:
        return _resolved(parent, key) if "${" in value or value == "???" else value
    if type(value) not in _PLAIN_VALUES:
        raise _NeedsOmegaConf
    return value


def _resolved(parent, key):
    """The value at ``key`` resolved by OmegaConf (a missing value, a failure: left to to_container)."""
    try:
        value = parent[key]
    except OmegaConfBaseException:
        raise _NeedsOmegaConf from None
    if isinstance(value, (DictConfig, ListConfig)):
        return _read(value)
    if type(value) not in _PLAIN_VALUES:
        raise _NeedsOmegaConf
    return value


@lru_cache(maxsize=None)
def _fields(schema: type) -> Dict[str, tuple]:
    """Field name -> (type, default or MISSING) of a schema dataclass (type hints resolved once)."""
    hints = typing.get_type_hints(schema)
    out = {}
    for f in dataclasses.fields(schema):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory
        else:
            default = MISSING
        out[f.name] = (hints[f.name], default)
    return out


def _join(where: str, key) -> str:
    return f"{where}.{key}" if where else str(key)


def conform(value, schema, where: str = ""):
    """``value`` checked against ``schema`` (a dataclass or a typing annotation) and converted."""
    kind, inner, nullable = _shape(schema)
    if kind == "dataclass":
        return _dataclass(value, schema, where)
    if kind == "union":
        if value is None:
            if nullable:
                return None
            raise ConfigError(where or "scenario", "a value is required here, got null")
        return conform(value, inner, where)
    if value is None:
        raise ConfigError(where or "scenario", "a value is required here, got null")
    if kind == "dict":
        if not isinstance(value, dict):
            raise ConfigError(where, f"expected a mapping of names to settings, got {value!r}")
        return {str(k): conform(v, inner, _join(where, k)) for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            raise ConfigError(where, f"expected a list, got {value!r}")
        return [conform(v, inner, f"{where}[{j}]") for j, v in enumerate(value)]
    return _scalar(value, schema, where)


_SHAPES: Dict[int, tuple] = {}  # id(schema) -> (schema, its shape): the schema kept, so its id stays its own


def _shape(schema) -> Tuple[str, Any, bool]:
    """(kind, inner type, null allowed) of a schema type, worked out once per type:
    'dataclass' | 'union' (its first non-null option) | 'dict' (the item type) | 'list' | 'scalar'."""
    known = _SHAPES.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    origin, args = typing.get_origin(schema), typing.get_args(schema)
    if dataclasses.is_dataclass(schema):
        shape = ("dataclass", None, False)
    elif origin is Union:
        shape = ("union", [t for t in args if t is not _NONE][0], _NONE in args)
    elif origin in (dict, Dict):
        shape = ("dict", args[1], False)
    elif origin in (list, List):
        shape = ("list", args[0], False)
    else:
        shape = ("scalar", None, False)
    _SHAPES[id(schema)] = (schema, shape)
    return shape


def _dataclass(value, schema, where: str):
    if type(value) is schema:
        value = _instance_fields(value, schema)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if not isinstance(value, dict):
        raise ConfigError(where or "scenario", f"expected a mapping of settings, got {value!r}")
    fields = _fields(schema)
    unknown = [k for k in value if k not in fields]
    if unknown:
        raise ConfigError(_join(where, unknown[0]), "unknown key", allowed=tuple(fields))
    kwargs = {}
    for name, (kind, default) in fields.items():
        at = _join(where, name)
        if name in value and value[name] is not MISSING and value[name] != "???":
            kwargs[name] = conform(value[name], kind, at)
        elif default is MISSING:
            raise ConfigError(at, "missing value: this setting is required")
        # else: the dataclass default applies
    return schema(**kwargs)


def _instance_fields(value, schema) -> dict:
    """An instance of ``schema`` as {field: value}, for conform: what ``dataclasses.asdict`` gives,
    without its deep copy (conform builds new lists, mappings and instances as it checks them;
    a Scenario built twice from a config read each value twice). A field that takes any value
    (``Any``) and holds more than a plain value: asdict's copy, as before."""
    fields = {}
    for name, takes_any in _any_fields(schema):
        field_value = getattr(value, name)
        if takes_any and type(field_value) not in _PLAIN_VALUES:
            return dataclasses.asdict(value)
        fields[name] = field_value
    return fields


@lru_cache(maxsize=None)
def _any_fields(schema: type) -> Tuple[Tuple[str, bool], ...]:
    """(field name, whether its type has Any anywhere in it) of a schema dataclass."""
    return tuple((name, _has_any(kind)) for name, (kind, _) in _fields(schema).items())


def _has_any(hint) -> bool:
    return hint is Any or any(_has_any(arg) for arg in typing.get_args(hint))


def _scalar(value, kind, where: str):
    if kind is Any:
        return value
    if isinstance(value, (dict, list, tuple)):
        raise ConfigError(where, f"expected a single value, got {value!r}")
    if kind is str:
        return str(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(where, f"expected true or false, got {value!r}")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ConfigError(where, f"expected a whole number, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ConfigError(where, f"expected a whole number, got {value!r}") from None
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ConfigError(where, f"expected a number, got {value!r}")
        try:
            return float(value)
        except (ValueError, OverflowError):
            raise ConfigError(where, f"expected a number, got {value!r}") from None
    raise TypeError(f"schema type {kind!r} at {where} is not supported")  # a schema bug, not bad input
