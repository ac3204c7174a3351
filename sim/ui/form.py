"""The settings a trainer changes, read from a scenario (a plain dict, as
:func:`sim.simulate.load_scenario_file` gives it) and written back into a copy of it.

Which settings: headcount per group (or the count of each of its shifts), volume scale per call
type, the patience mean, the delay of every overflow route step (every step after the first),
the priority per call type and the routing policies (call and agent selection). Each field is named by its config path, the
very name a :class:`~sim.errors.ConfigError` gives (``groups.sales_team.shifts.day.count``,
``call_types.retail.route[1].delay``), so the page shows the engine's own validation, in the
command line's words, beside the field it concerns. A field's kind (whole number, number, word)
comes from the scenario schema (:mod:`sim.model.config`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from sim.core.protocol import AGENT_SELECTION, CALL_SELECTION
from sim.errors import ConfigError
from sim.model.config import CallTypeConfig, GroupConfig, RouteStepConfig, RoutingConfig, ShiftConfig
from sim.model.distribution_config import DistributionConfig
from sim.model.schema import field_kind, schema_fields
from sim.model.scenario import build_scenario

Path = Tuple  # a config path: keys and list indices, e.g. ("call_types", "retail", "route", 1, "delay")


@dataclass(frozen=True)
class FormField:
    path: Path
    label: str
    kind: type  # int, float or str, from the schema
    value: str  # the scenario's value, as the form shows it
    section: str  # what the field belongs to: a group, a call type, or "routing"
    choices: Optional[Tuple[str, ...]] = None

    @property
    def name(self) -> str:
        """The config path as ConfigError spells it."""
        return field_name(self.path)


def field_name(path: Path) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _kind(schema: type, name: str) -> type:
    hint = schema_fields(schema)[name]
    kind, _ = field_kind(hint)
    if kind != "other":
        raise TypeError(f"{schema.__name__}.{name} is not a single value")  # a bug here, not bad input
    inner = [a for a in getattr(hint, "__args__", (hint,)) if a is not type(None)]
    return inner[0]


def _text(value) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def form_fields(scenario: dict) -> List[FormField]:
    """The form of ``scenario``: groups first (in the file's order), then call types, then routing."""
    fields = []
    for group, spec in (scenario.get("groups") or {}).items():
        spec = spec or {}
        if spec.get("headcount") is not None:
            fields.append(FormField(("groups", group, "headcount"), "agents", _kind(GroupConfig, "headcount"),
                                    _text(spec["headcount"]), group))
        for shift, times in (spec.get("shifts") or {}).items():
            fields.append(FormField(("groups", group, "shifts", shift, "count"),
                                    f"{shift} shift {times.get('start', '')}-{times.get('end', '')} agents",
                                    _kind(ShiftConfig, "count"), _text(times.get("count")), group))
    for name, spec in (scenario.get("call_types") or {}).items():
        at = ("call_types", name)
        fields.append(FormField(at + ("volume_scale",), "volume scale", _kind(CallTypeConfig, "volume_scale"),
                                _text(spec.get("volume_scale", 1.0)), name))
        patience = spec.get("patience")
        if isinstance(patience, dict) and patience.get("mean") is not None:
            fields.append(FormField(at + ("patience", "mean"), "patience mean (s)",
                                    _kind(DistributionConfig, "mean"), _text(patience["mean"]), name))
        fields.append(FormField(at + ("priority",), "priority", _kind(CallTypeConfig, "priority"),
                                _text(spec.get("priority", 0)), name))
        for step, route in enumerate(spec.get("route") or []):
            if step > 0:
                fields.append(FormField(at + ("route", step, "delay"), f"overflow to {route.get('group')} after (s)",
                                        _kind(RouteStepConfig, "delay"), _text(route.get("delay", 0.0)), name))
    routing = scenario.get("routing") or {}
    fields.append(FormField(("routing", "call_selection"), "call selection", _kind(RoutingConfig, "call_selection"),
                            str(routing.get("call_selection", RoutingConfig.call_selection)), "routing",
                            tuple(CALL_SELECTION)))
    fields.append(FormField(("routing", "agent_selection"), "agent selection", _kind(RoutingConfig, "agent_selection"),
                            str(routing.get("agent_selection", RoutingConfig.agent_selection)), "routing",
                            tuple(AGENT_SELECTION)))
    return fields


def _typed(text: str, kind: type):
    """The form's text as the schema's kind when it reads as one; otherwise the text itself, for
    the schema to refuse in its own words."""
    text = text.strip()
    if kind is str:
        return text
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind is float:
        try:
            return float(text)
        except ValueError:
            pass
    return text


def apply(scenario: dict, values: Dict[str, str]) -> dict:
    """A copy of ``scenario`` with the form's ``values`` (field name -> text) written in."""
    changed = copy.deepcopy(scenario)
    by_name = {f.name: f for f in form_fields(scenario)}
    for name, text in values.items():
        field = by_name[name]
        node = changed
        for key in field.path[:-1]:
            if isinstance(node, dict) and node.get(key) is None:
                node[key] = {}
            node = node[key]
        node[field.path[-1]] = _typed(text, field.kind)
    return changed


def check(scenario: dict, fields: List[FormField]):
    """None if ``scenario`` is valid; otherwise (the form field the error belongs to, or None when it
    is about no field of the form, and the error's one line as the command line prints it)."""
    try:
        build_scenario(scenario)
    except ConfigError as error:
        names = sorted((f.name for f in fields if error.field == f.name or error.field.startswith(f.name + ".")),
                       key=len)
        return (names[-1] if names else None), str(error)
    return None
