"""IVR self-service: a call type's menu, validated from :class:`sim.model.ivr_config.IvrConfig`,
and the two per-call decisions both engines read (drawn up front from named streams).

A call of a type with an IVR arrives (a trunk, if trunks are limited, is taken and held until
the call ends), takes an IVR port (``ivr_ports``; none free: the call is blocked), spends its
``ivr_time`` in the menu, and then, by its ``ivr_choice``: is self-served (leaves), hangs up in
the menu (leaves), or zeroes out and joins the queue of a call type (that type's route,
priority and overflow delays; its own talk time, wrap-up and patience, drawn for the type it
dialled). Its wait, patience and overflow delays count from the end of the IVR. A call that
zeroes out to a type which has an IVR itself joins that queue directly (one menu per call).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from sim.core.protocol import IVR_CHOICES
from sim.errors import ConfigError
from sim.model import bounds
from sim.model.distributions import Distribution, parse_distribution

SELF_SERVED, HUNG_UP = IVR_CHOICES["IVR_SELF_SERVED"], IVR_CHOICES["IVR_HUNG_UP"]
DURATION_PURPOSE, CHOICE_PURPOSE = 16, 17  # stream purposes of the two decisions (never renumbered)
TOLERANCE = 1e-9  # how far from 1 the probabilities of a menu may sum (rounding of decimal inputs)


@dataclass(frozen=True)
class Ivr:
    """A validated IVR menu: its duration, and the probability of each way out, in the order the
    choice draw is inverted: self-served, hung up, then each zero-out queue (type index)."""

    duration: Distribution
    finish: float
    hang_up: float
    zero_out: Tuple[Tuple[int, float], ...]  # (call type index, probability)

    def choices(self, u: np.ndarray) -> np.ndarray:
        """The choice codes of uniforms u in [0, 1): SELF_SERVED, HUNG_UP or a queue's type index,
        the first way out whose cumulative probability exceeds u (the last one if rounding leaves
        u above them all)."""
        codes = np.array([SELF_SERVED, HUNG_UP] + [k for k, _ in self.zero_out], np.int32)
        cumulative = np.cumsum([self.finish, self.hang_up] + [p for _, p in self.zero_out])
        return codes[np.minimum(np.searchsorted(cumulative, u, side="right"), len(codes) - 1)]


def build_ivr(c, where: str, index: int, type_names) -> Optional[Ivr]:
    """The call type's Ivr (None without one); ``c`` is its IvrConfig, ``where`` its field path."""
    if c is None:
        return None
    where = f"{where}.ivr"
    finish = bounds.in_range(c.finish, f"{where}.finish", 0.0, 1.0, " (a probability)")
    hang_up = bounds.in_range(c.hang_up, f"{where}.hang_up", 0.0, 1.0, " (a probability)")
    if c.zero_out is None:
        rest = 1.0 - finish - hang_up
        if rest < -TOLERANCE:
            raise ConfigError(where, f"finish + hang_up = {finish + hang_up:g}: must not exceed 1")
        zero_out = ((index, rest),) if rest > 0 else ()
    else:
        zero_out = bounds.type_shares(c.zero_out, f"{where}.zero_out", type_names,
                                      "a zero-out joins a call type's queue")
        total = finish + hang_up + sum(c.zero_out.values())
        if abs(total - 1.0) > TOLERANCE:
            raise ConfigError(where, f"finish + hang_up + zero_out sum to {total:g}, not 1")
        zero_out = tuple(zero_out)
    duration = parse_distribution(dataclasses.asdict(c.duration), f"{where}.duration")
    return Ivr(duration, finish, hang_up, zero_out)


def build_ports(ports, call_types) -> Optional[int]:
    """The scenario's IVR port limit (None: unlimited)."""
    if ports is None:
        return None
    if not any(ct.ivr is not None for ct in call_types):
        raise ConfigError("ivr_ports", "no call type has an ivr: set call_types.<name>.ivr, or remove ivr_ports")
    return bounds.whole_in_range(ports, "ivr_ports", 1, bounds.MAX_TRUNKS)


def has_ivr(scenario) -> bool:
    return any(ct.ivr is not None for ct in scenario.call_types)


def draw_ivr_time(ct, gen: np.random.Generator, n: int) -> np.ndarray:
    """The next n IVR times of the type's stream (0 for a type without an IVR: never drawn)."""
    return ct.ivr.duration.sample(gen, n) if ct.ivr is not None else np.zeros(n)


def draw_ivr_choice(ct, gen: np.random.Generator, n: int) -> np.ndarray:
    """The next n IVR choices of the type's stream (its own index for a type without an IVR)."""
    return ct.ivr.choices(gen.random(n)) if ct.ivr is not None else np.full(n, ct.index, np.int32)
