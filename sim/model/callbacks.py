"""Callbacks (virtual hold): a call type's offer rule, validated from
:class:`sim.model.callback_config.CallbackConfig`, and the per-call decisions both engines read
(drawn up front from named streams, purposes 21-24).

The rule, at the moment a call joins its queue (no agent was free for it; after its IVR menu if
it has one): its predicted wait is

    (calls waiting in its queue ahead of it + 1) x mean handle time of its type / agents on duty
    in the first group of its route

(mean handle time: the means of its talk and wrap-up distributions, before any speed factor;
agents on duty: those whose spell has begun and who have not gone off, busy or not; none on
duty: an infinite prediction). Calls ahead are the calls of its queue still waiting, accepted
callbacks in line included. Above ``offer_above`` a callback is offered; the caller accepts it
with probability ``accept`` (its pre-drawn ``callback_accept``). An accepted caller hangs up:
it never abandons, keeps its place in line (mode ``keep_place``) and its trunk until the
callback ends. The agent that takes it (as it would take the call) dials: busy (DIALING) for
the ring time of the attempt; reached (its pre-drawn ``callback_reach``): the agent talks the
call's own talk time and wrap-up; not reached: the agent is free again, and the callback
rejoins its queue at the head (it had reached the head) ``retry_delay`` later, at most
``retries`` times; after the last attempt fails, it ends (failed).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from sim.core.protocol import CALLBACK_MODES
from sim.errors import ConfigError
from sim.model import bounds
from sim.model.cache import per_scenario
from sim.model.distributions import Distribution, parse_distribution

# stream purposes of the four decisions (never renumbered)
ACCEPT_PURPOSE, RING_PURPOSE, REACH_PURPOSE, DELAY_PURPOSE = 21, 22, 23, 24
MAX_RETRIES = 20


@dataclass(frozen=True)
class Callback:
    """A validated callback offer of a call type (see the module docstring)."""

    offer_above: float
    accept: float
    mode: str
    ring: Distribution
    reach: float
    retries: int
    retry_delay: Optional[Distribution]


def build_callback(c, where: str) -> Optional[Callback]:
    """The call type's Callback (None without one); ``c`` is its CallbackConfig."""
    if c is None:
        return None
    where = f"{where}.callback"
    if c.mode not in CALLBACK_MODES:
        raise ConfigError(f"{where}.mode", f"unknown callback mode {c.mode!r}"
                          + (" (scheduled callbacks are not implemented yet)" if c.mode == "scheduled" else ""),
                          allowed=CALLBACK_MODES)
    if c.delay is not None:
        raise ConfigError(f"{where}.delay", "a delay is for scheduled callbacks (not implemented yet): remove it")
    offer_above = bounds.duration(c.offer_above, f"{where}.offer_above")
    accept = bounds.in_range(c.accept, f"{where}.accept", 0.0, 1.0, " (a probability)")
    reach = bounds.in_range(c.reach, f"{where}.reach", 0.0, 1.0, " (a probability)")
    retries = bounds.whole_in_range(c.retries, f"{where}.retries", 0, MAX_RETRIES)
    if retries > 0 and c.retry_delay is None:
        raise ConfigError(f"{where}.retry_delay", f"retries = {retries} needs a retry_delay distribution")
    ring = parse_distribution(dataclasses.asdict(c.ring), f"{where}.ring")
    retry_delay = None if c.retry_delay is None else parse_distribution(dataclasses.asdict(c.retry_delay),
                                                                        f"{where}.retry_delay")
    return Callback(offer_above, accept, c.mode, ring, reach, retries, retry_delay)


def has_callbacks(scenario) -> bool:
    return any(ct.callback is not None for ct in scenario.call_types)


def width(scenario) -> int:
    """Columns of the per-attempt decisions: the most dial attempts of any type (retries + 1)."""
    return max((ct.callback.retries + 1 for ct in scenario.call_types if ct.callback is not None), default=1)


def predicted_wait(ahead: int, mean_handle: float, on_duty: int) -> float:
    """The rule of the module docstring (the engines compute it with this very arithmetic)."""
    return (ahead + 1) * mean_handle / on_duty if on_duty > 0 else math.inf


@dataclass(frozen=True)
class CallbackTables:
    """Per call type: whether it offers callbacks, the threshold, its mean handle time, the group
    whose agents on duty the rule divides by, and its dial attempts (retries + 1)."""

    offers: np.ndarray  # int8
    offer_above: np.ndarray  # float64
    mean_handle: np.ndarray  # float64
    first_group: np.ndarray  # int32
    attempts: np.ndarray  # int32
    width: int


def callback_tables(scenario) -> CallbackTables:
    return per_scenario(scenario, "callbacks.tables", _tables)


def _tables(scenario) -> CallbackTables:
    types = scenario.call_types
    return CallbackTables(
        offers=np.array([ct.callback is not None for ct in types], np.int8),
        offer_above=np.array([ct.callback.offer_above if ct.callback else math.inf for ct in types], np.float64),
        mean_handle=np.array([ct.talk.mean + (ct.wrapup.mean if ct.wrapup else 0.0) for ct in types], np.float64),
        first_group=np.array([ct.route[0][0] for ct in types], np.int32),
        attempts=np.array([ct.callback.retries + 1 if ct.callback else 1 for ct in types], np.int32),
        width=width(scenario))


# -- the per-call decisions (sim.model.random_inputs.Decision draws): of a type without callbacks
# nothing is drawn; per-attempt ones are (n, width) arrays, a call's attempts in a row.

def draw_accept(ct, gen: np.random.Generator, n: int) -> np.ndarray:
    """Whether each call would accept an offer (int8)."""
    return (gen.random(n) < ct.callback.accept).astype(np.int8) if ct.callback else np.zeros(n, np.int8)


def per_attempt(columns: int, draw):
    """A draw of (n, columns) values, the first ``retries + 1`` of a row drawn call by call (0 beyond)."""
    def drawn(ct, gen, n):
        out = np.zeros((n, columns))
        if ct.callback is not None:
            attempts = ct.callback.retries + 1
            out[:, :attempts] = draw(ct.callback, gen, n * attempts).reshape(n, attempts)
        return out
    return drawn


def _ring(cb, gen, n):
    return cb.ring.sample(gen, n)


def _reach(cb, gen, n):
    return (gen.random(n) < cb.reach).astype(float)


def _delay(cb, gen, n):
    """Column 0: 0 (reserved for a scheduled callback's delay); column a: the wait before attempt a."""
    rows = n // (cb.retries + 1)
    delays = np.zeros((rows, cb.retries + 1))
    if cb.retries > 0:
        delays[:, 1:] = cb.retry_delay.sample(gen, rows * cb.retries).reshape(rows, cb.retries)
    return delays.reshape(-1)
