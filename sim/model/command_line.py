"""A ``callsim`` command line checked where Hydra would fail obscurely or do something else than asked.

Before Hydra reads anything (:func:`check_config_files`, :func:`spell_additions`):
  * every YAML file of the user's config directories (``--config-dir``; the package's own are
    checked by the tests, sparing every run their parsing) is read with a strict loader: a syntax error, a tab, a duplicated key (PyYAML keeps the last one silently)
    or an unquoted clock time (YAML reads ``13:00`` as the number 780) is one line naming the
    file and line, instead of Hydra's traceback;
  * ``+scenario.groups.g.shifts.night={...}`` (a new entry of a typed mapping, which OmegaConf
    cannot assign) is spelled as the merge Hydra can do: ``+scenario.groups.g.shifts={night: {...}}``.
After Hydra composed the config (:func:`check_overrides`): ``key={}`` on a non-empty mapping is a
no-op in Hydra's merge (``scenario.call_types={}`` leaves every call type), so it is refused.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import List, Sequence

import yaml
from omegaconf import DictConfig, OmegaConf

from sim.errors import ConfigError
from sim.model.config import AppConfig
from sim.model.schema import field_kind, schema_fields

DIR_OPTIONS = ("--config-dir", "-cd")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader refusing duplicate keys and unquoted sexagesimal numbers (``13:00``)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeLoader says so itself
                break
            if first is not None:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r} (first at line {first.line + 1}): "
                                                   "YAML keeps only the last one", problem_mark=key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node):
        if ":" in node.value and node.style is None:
            value = super().construct_yaml_int(node)
            raise yaml.MarkedYAMLError(problem=f"YAML reads an unquoted {node.value} as the number {value}: "
                                               f"quote it, \"{node.value}\"", problem_mark=node.start_mark)
        return super().construct_yaml_int(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)


def config_dirs(argv: Sequence[str]) -> List[Path]:
    """The config directories a command line brings: every ``--config-dir``."""
    dirs = []
    for i, arg in enumerate(argv):
        for option in DIR_OPTIONS:
            if arg == option and i + 1 < len(argv):
                dirs.append(Path(argv[i + 1]))
            elif arg.startswith(option + "="):
                dirs.append(Path(arg.split("=", 1)[1]))
    return dirs


def check_yaml_file(path: Path) -> None:
    """ConfigError ``<file>:<line>: <problem>`` when ``path`` is not a clean YAML file."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = exc.problem or "not valid YAML"
        if "'\\t'" in problem:
            problem = "a tab character: YAML indents with spaces only"
        elif exc.context and exc.context not in problem:
            problem = f"{problem} ({exc.context})"
        raise ConfigError(line, problem) from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), str(exc).splitlines()[0]) from None


def check_config_files(argv: Sequence[str]) -> None:
    """Check every YAML file of the command line's config directories (see the module docstring)."""
    for directory in config_dirs(argv):
        if not directory.is_dir():
            raise ConfigError("--config-dir", f"no such directory: {directory}")
        for path in sorted(directory.rglob("*.yaml")) + sorted(directory.rglob("*.yml")):
            check_yaml_file(path)


def _parent_is_typed_mapping(path: Sequence[str]) -> bool:
    """Whether the key ``path`` names a new entry of a mapping of dataclasses (in AppConfig)."""
    kind, inner = "dataclass", AppConfig
    for segment in path[:-1]:
        if kind == "dataclass":
            fields = schema_fields(inner)
            if segment not in fields:
                return False
            kind, inner = field_kind(fields[segment])
        elif kind == "dict" and dataclasses.is_dataclass(inner):
            kind, inner = "dataclass", inner
        else:
            return False
    return kind == "dict" and dataclasses.is_dataclass(inner)


def spell_additions(argv: Sequence[str]) -> List[str]:
    """``argv`` with each ``+a.b.new={...}`` (a new entry of a typed mapping) spelled ``+a.b={new: {...}}``."""
    out = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        path = key[1:].split(".")
        if (sep and key.startswith("+") and not key.startswith("++") and value.strip().startswith("{")
                and value.strip().endswith("}") and len(path) > 1 and _parent_is_typed_mapping(path)):
            arg = f"+{'.'.join(path[:-1])}={{{path[-1]}: {value}}}"
        out.append(arg)
    return out


def check_overrides(cfg: DictConfig, overrides: Sequence[str]) -> None:
    """Refuse ``key={}`` on a non-empty mapping: Hydra merges it, leaving every entry in place."""
    for text in overrides:
        key, sep, value = text.partition("=")
        if not sep or key.startswith("~") or value.replace(" ", "") != "{}":
            continue
        key = key.lstrip("+")
        node = OmegaConf.select(cfg, key, default=None)
        if isinstance(node, DictConfig) and len(node) > 0:
            names = ", ".join(map(str, node.keys()))
            need = " (a scenario needs at least one)" if key in ("scenario.call_types", "scenario.groups") else ""
            raise ConfigError(key, f"'{key}={{}}' would leave its entries ({names}) unchanged: Hydra merges a "
                                   f"mapping given on the command line into the existing one, so {{}} cannot empty "
                                   f"it{need}; remove entries with ~{key}.<name>")
