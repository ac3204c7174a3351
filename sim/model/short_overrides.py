"""The blending short overrides of a single-queue scenario: ``threshold`` and ``outbound_aht``.

Either one adds to the scenario the outbound side of the Markov threshold model of call blending
(Bhulai & Koole 2003; the analytic companion is in :mod:`sim.analytic`): one campaign, named
``outbound``, worked by the scenario's one group, with an unlimited list whose every attempt
reaches the right party at once (no ring time), dialled progressively, one line per agent the
blending rule frees, with exponential talk times of mean ``outbound_aht`` and no wrap-up; the
blending policy ``threshold`` with the reservation threshold ``threshold``. So an agent freed
while more than ``threshold`` agents are idle starts an outbound call at once, and inbound calls
are served first. Defaults when only one is given: ``threshold`` 0 (no reservation), and
``outbound_aht`` the mean of the inbound talk time (as written, or as set by ``aht``).
"""

from __future__ import annotations

from sim.errors import ConfigError
from sim.model.config import (BlendingConfig, CampaignConfig, DiallerConfig, DialOutcomesConfig,
                              DistributionConfig)
from sim.model.distributions import parse_distribution

BLENDING_SHORTCUTS = ("threshold", "outbound_aht")
CAMPAIGN = "outbound"
DEFAULT_THRESHOLD = 0


def threshold_campaign(group: str, outbound_aht: float) -> CampaignConfig:
    """The campaign of the Markov threshold model (see the module docstring)."""
    return CampaignConfig(
        groups=[group], list_size=None, dialler=DiallerConfig(mode="progressive", calls_per_agent=1),
        outcomes=DialOutcomesConfig(right_party=1.0, wrong_party=0.0, busy=0.0, no_answer=0.0, machine=0.0),
        ring_time=None, talk_time=DistributionConfig(kind="exponential", mean=outbound_aht), wrapup_time=None)


def add_threshold_campaign(scenario, threshold, outbound_aht) -> None:
    """Add the model's campaign and blending policy to ``scenario`` (a single-queue scenario
    config, changed in place); ``threshold`` or ``outbound_aht`` may be None (the defaults)."""
    given = "threshold" if threshold is not None else "outbound_aht"
    if scenario.campaigns:
        raise ConfigError(given, f"the scenario already has campaigns ({', '.join(scenario.campaigns)}): the short "
                                 "overrides threshold and outbound_aht add one; set scenario.blending.threshold and "
                                 "the campaign's own fields instead")
    (group,) = scenario.groups
    (call_type,) = scenario.call_types.values()
    if outbound_aht is None:
        where = f"call_types.{next(iter(scenario.call_types))}.talk_time"
        outbound_aht = parse_distribution(dict(call_type.talk_time), where).mean
    scenario.campaigns = {CAMPAIGN: threshold_campaign(group, outbound_aht)}
    scenario.blending = BlendingConfig(policy="threshold", threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
