"""The scenario compiled once into plain arrays: the one model description both engines read.

Routes are compressed sparse rows (type k's route steps are ``route_start[k]:route_start[k+1]``
of ``route_group`` / ``route_delay``, in preference order); so is the list of call types each
group serves (``served_start`` / ``served_type`` / ``served_delay``: by call type, then route
step); agents are numbered group by group, their planned spells on the phones flattened the same
way (:class:`sim.agents.shrinkage.SpellTables`; a replication with absences or adherence runs its
realised ones instead). Policy
choices are integer codes (see :mod:`sim.policies`). Outbound campaigns are compiled the same
way (:class:`CampaignTables`). The tables are computed once per Scenario object and are
read-only, so replications share them safely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.roster import roster
from sim.agents.shrinkage import SpellTables, planned
from sim.core import protocol
from sim.model.cache import per_scenario
from sim.model.scenario import Scenario
from sim.policies.registry import policy_code


@dataclass(frozen=True)
class ModelTables:
    """Typed arrays of a Scenario (see the module docstring for the layout)."""

    priority: np.ndarray  # int32, per call type
    route_start: np.ndarray  # int32, n_types + 1
    route_group: np.ndarray  # int32, per route step
    route_delay: np.ndarray  # float64, per route step
    served_start: np.ndarray  # int32, n_groups + 1
    served_type: np.ndarray  # int32
    served_delay: np.ndarray  # float64
    speed: np.ndarray  # float64, [group * n_types + type]
    agent_group: np.ndarray  # int32, per agent
    planned: SpellTables  # the rostered spells on the phones, with their rests, everyone present
    trunks: int  # -1: no limit
    talk_end_event: bool  # the end of talk is observed (it frees a trunk, or a transfer follows): an event of its own
    head_start: np.ndarray  # float64, per call type (call selection priority_head_start)
    group_skills: np.ndarray  # int32, per group: how many call types it serves (agent selection)
    call_selection: int  # policy codes (sim.core.protocol.CALL_SELECTION, AGENT_SELECTION)
    agent_selection: int
    campaigns: "CampaignTables"  # outbound campaigns (none: n_campaigns == 0)
    ivr: np.ndarray  # int8, per call type: its calls pass an IVR menu first (sim.model.ivr)
    ivr_ports: int  # -1: no limit

    @property
    def n_types(self) -> int:
        return len(self.priority)

    @property
    def n_groups(self) -> int:
        return len(self.served_start) - 1

    @property
    def n_agents(self) -> int:
        return len(self.agent_group)

    def route(self, call_type: int):
        """[(group, delay), ...] of a call type, in preference order."""
        steps = range(self.route_start[call_type], self.route_start[call_type + 1])
        return [(int(self.route_group[j]), float(self.route_delay[j])) for j in steps]

    def served(self, group: int):
        """[(call type, delay), ...] a group serves, by call type, then route step."""
        steps = range(self.served_start[group], self.served_start[group + 1])
        return [(int(self.served_type[j]), float(self.served_delay[j])) for j in steps]


def model_tables(scenario: Scenario) -> ModelTables:
    """The scenario's tables (computed once per Scenario object)."""
    return per_scenario(scenario, "model_tables", _compile)


def _compile(scenario: Scenario) -> ModelTables:
    types, groups = scenario.call_types, scenario.groups
    served = [[] for _ in groups]
    for t in types:
        for g, delay in t.route:
            served[g].append((t.index, delay))
    agents = roster(scenario)
    return ModelTables(
        priority=np.array([t.priority for t in types], np.int32),
        route_start=np.cumsum([0] + [len(t.route) for t in types]).astype(np.int32),
        route_group=np.array([g for t in types for g, _ in t.route], np.int32),
        route_delay=np.array([d for t in types for _, d in t.route], np.float64),
        served_start=np.cumsum([0] + [len(s) for s in served]).astype(np.int32),
        served_type=np.array([k for s in served for k, _ in s], np.int32),
        served_delay=np.array([d for s in served for _, d in s], np.float64),
        speed=np.array([g.speed for g in groups], np.float64).reshape(-1),
        agent_group=np.array([entry.group for entry in agents], np.int32),
        planned=planned(scenario),
        trunks=-1 if scenario.trunks is None else int(scenario.trunks),
        talk_end_event=scenario.trunks is not None or scenario.transfer_max_legs is not None,
        head_start=np.array([t.head_start for t in types], np.float64),
        group_skills=np.array([len(s) for s in served], np.int32),
        call_selection=policy_code("call_selection", scenario.call_selection, "routing.call_selection"),
        agent_selection=policy_code("agent_selection", scenario.agent_selection, "routing.agent_selection"),
        campaigns=_campaign_tables(scenario, served),
        ivr=np.array([t.ivr is not None for t in types], np.int8),
        ivr_ports=-1 if scenario.ivr_ports is None else int(scenario.ivr_ports),
    )


@dataclass(frozen=True)
class CampaignTables:
    """The outbound campaigns (sim.model.campaigns) in arrays, indexed by campaign c.

    Campaign c's groups are ``group_start[c]:group_start[c+1]`` of ``groups`` (in the order
    agents are taken for outbound work), ``blended`` (int8) saying which also serve inbound;
    ``campaign_of_group[g]`` is the campaign group g works, or -1. ``served_start`` /
    ``served_type``: per campaign, the inbound call types its blended groups serve (sorted, each
    once). Per campaign and interval: ``dial_open`` (int8, [c, interval]) and the plain
    probabilities of each result (``probabilities``, [c, interval, result], protocol.DIAL_RESULTS
    order). Per campaign: ``retry_delay`` ([c, result or NUISANCE_RETRY], s, inf: never), the
    dialler's settings, ``mode`` (protocol.DIALLING_MODES code), ``list_size`` (-1: unlimited).
    """

    group_start: np.ndarray  # int32, n_campaigns + 1
    groups: np.ndarray  # int32
    blended: np.ndarray  # int8
    campaign_of_group: np.ndarray  # int32, per group
    served_start: np.ndarray  # int32, n_campaigns + 1
    served_type: np.ndarray  # int32
    dial_open: np.ndarray  # int8, [campaign, interval]
    probabilities: np.ndarray  # float64, [campaign, interval, result]
    retry_delay: np.ndarray  # float64, [campaign, NUISANCE_RETRY + 1]
    list_size: np.ndarray  # int64
    max_attempts: np.ndarray  # int32
    mode: np.ndarray  # int32
    calls_per_agent: np.ndarray  # int32
    max_calls_per_agent: np.ndarray  # int32
    target_connect: np.ndarray  # float64
    initial_contact_rate: np.ndarray  # float64
    estimate_window: np.ndarray  # int32
    nuisance_wait: np.ndarray  # float64
    nuisance_cap: np.ndarray  # float64
    nuisance_window: np.ndarray  # int32
    blending_policy: int  # protocol.BLENDING code
    threshold: int
    sl_floor: float

    @property
    def n_campaigns(self) -> int:
        return len(self.group_start) - 1


def _campaign_tables(scenario: Scenario, served) -> CampaignTables:
    campaigns, n = scenario.campaigns, scenario.n_intervals
    of_group = np.full(len(scenario.groups), -1, np.int32)
    types = []
    for c in campaigns:
        of_group[list(c.groups)] = c.index
        types.append(sorted({k for g, b in zip(c.groups, c.blended) if b for k, _ in served[g]}))

    def column(name, dtype):
        return np.array([getattr(c, name) for c in campaigns], dtype)

    return CampaignTables(
        group_start=np.cumsum([0] + [len(c.groups) for c in campaigns]).astype(np.int32),
        groups=np.array([g for c in campaigns for g in c.groups], np.int32),
        blended=np.array([b for c in campaigns for b in c.blended], np.int8),
        campaign_of_group=of_group,
        served_start=np.cumsum([0] + [len(t) for t in types]).astype(np.int32),
        served_type=np.array([k for t in types for k in t], np.int32),
        dial_open=np.array([c.dial_open for c in campaigns], np.int8).reshape(len(campaigns), n),
        probabilities=np.array([c.probabilities for c in campaigns], np.float64).reshape(
            len(campaigns), n, len(protocol.DIAL_RESULTS)),
        retry_delay=np.array([c.retry_delay for c in campaigns], np.float64).reshape(
            len(campaigns), protocol.NUISANCE_RETRY + 1),
        list_size=column("list_size", np.int64), max_attempts=column("max_attempts", np.int32),
        mode=np.array([protocol.DIALLING_MODES.index(c.mode) for c in campaigns], np.int32),
        calls_per_agent=column("calls_per_agent", np.int32), max_calls_per_agent=column("max_calls_per_agent", np.int32),
        target_connect=column("target_connect", np.float64),
        initial_contact_rate=column("initial_contact_rate", np.float64),
        estimate_window=column("estimate_window", np.int32), nuisance_wait=column("nuisance_wait", np.float64),
        nuisance_cap=column("nuisance_cap", np.float64), nuisance_window=column("nuisance_window", np.int32),
        blending_policy=protocol.BLENDING.index(scenario.blending.policy), threshold=int(scenario.blending.threshold),
        sl_floor=float(scenario.blending.sl_floor),
    )
