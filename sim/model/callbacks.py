"""Callbacks (virtual hold): a call type's offer rule, validated from
:class:`sim.model.callback_config.CallbackConfig`, and the per-call decisions both engines read
(drawn up front from named streams, purposes 21-24, and 26 for scheduled ones' delays).

The rule, at the moment a call joins its queue (no agent was free for it; after its IVR menu if
it has one): its predicted wait is

    (calls waiting in its queue ahead of it + 1) x mean handle time of its type / agents on duty
    in the first group of its route

(mean handle time: the means of its talk and wrap-up distributions, before any speed factor;
agents on duty: those whose spell has begun and who have not gone off, busy or not; none on
duty: an infinite prediction). Calls ahead are the calls of its queue still waiting, accepted
callbacks in line included. Above ``offer_above`` a callback is offered; the caller accepts it
with probability ``accept`` (its pre-drawn ``callback_accept``). An accepted caller hangs up:
it never abandons and keeps its trunk until the callback ends. Mode ``keep_place``: it keeps its
place in line. Mode ``scheduled``: it leaves its queue at once (no longer counted in it nor
taken from it) and is due ``delay`` after the acceptance (its pre-drawn ``callback_schedule``,
stream purpose 26); then it rejoins its queue at the back, or an idle agent of a group eligible
for it takes it at once; its route's overflow delays and its wait still count from its first
queue entry. One due at or after the horizon's end never rejoins (pending at the end). The agent that takes it (as it would take the call) dials: busy (DIALING) for
the ring time of the attempt; reached (its pre-drawn ``callback_reach``): the agent talks the
call's own talk time and wrap-up; not reached: the agent is free again, and the callback
rejoins its queue at the head (it had reached the head) ``retry_delay`` later, at most
``retries`` times; after the last attempt fails, it ends (failed).

With transfers (sim.model.transfers): a callback is offered in a caller's first leg only (when it
joins its queue, after its IVR menu if any); a transferred leg joining a queue is never offered
one (the caller is already talking to the center). A completed callback is an answered call and
follows its transfer plan as any answered call does.

With redials (sim.model.redials): a failed callback is an abandon of the attempt, so the caller
may redial by its rule (``probability_abandoned``, the delay from the failure). A redial joining
its queue is offered a callback as any call; its decisions are its caller's, the first attempt's
(acceptance, ring, reach and delay draws): the caller's disposition is the same (a redial keeps
its talk time and wrap-up too), and no stream is added, so redials move no draw. A redial that
accepts again is thus dialled with the first attempt's ring and reach values. Callback records
are per record row (per attempt): the redials' rows come after the input calls', as theirs do.
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
SCHEDULE_PURPOSE = 26  # a scheduled callback's delay (drawn only for scenarios that schedule some)
SCHEDULED = "scheduled"
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
    delay: Optional[Distribution] = None  # (mode scheduled) from the acceptance to its due time


def build_callback(c, where: str) -> Optional[Callback]:
    """The call type's Callback (None without one); ``c`` is its CallbackConfig."""
    if c is None:
        return None
    where = f"{where}.callback"
    if c.mode not in CALLBACK_MODES:
        raise ConfigError(f"{where}.mode", f"unknown callback mode {c.mode!r}", allowed=CALLBACK_MODES)
    if c.mode == SCHEDULED and c.delay is None:
        raise ConfigError(f"{where}.delay", "mode scheduled needs a delay distribution (acceptance to the callback)")
    if c.mode != SCHEDULED and c.delay is not None:
        raise ConfigError(f"{where}.delay", f"a delay is for mode scheduled, not {c.mode!r}: remove it")
    delay = None if c.delay is None else parse_distribution(dataclasses.asdict(c.delay), f"{where}.delay")
    offer_above = bounds.duration(c.offer_above, f"{where}.offer_above")
    accept = bounds.in_range(c.accept, f"{where}.accept", 0.0, 1.0, " (a probability)")
    reach = bounds.in_range(c.reach, f"{where}.reach", 0.0, 1.0, " (a probability)")
    retries = bounds.whole_in_range(c.retries, f"{where}.retries", 0, MAX_RETRIES)
    if retries > 0 and c.retry_delay is None:
        raise ConfigError(f"{where}.retry_delay", f"retries = {retries} needs a retry_delay distribution")
    ring = parse_distribution(dataclasses.asdict(c.ring), f"{where}.ring")
    retry_delay = None if c.retry_delay is None else parse_distribution(dataclasses.asdict(c.retry_delay),
                                                                        f"{where}.retry_delay")
    return Callback(offer_above, accept, c.mode, ring, reach, retries, retry_delay, delay)


def has_callbacks(scenario) -> bool:
    return any(ct.callback is not None for ct in scenario.call_types)


def has_scheduled(scenario) -> bool:
    return any(ct.callback is not None and ct.callback.mode == SCHEDULED for ct in scenario.call_types)


def width(scenario) -> int:
    """Columns of the per-attempt decisions: the most dial attempts of any type (retries + 1)."""
    return max((ct.callback.retries + 1 for ct in scenario.call_types if ct.callback is not None), default=1)


def predicted_wait(ahead: int, mean_handle: float, on_duty: int) -> float:
    """The rule of the module docstring (the engines compute it with this very arithmetic)."""
    return (ahead + 1) * mean_handle / on_duty if on_duty > 0 else math.inf


@dataclass(frozen=True)
class CallbackTables:
    """Per call type: whether it offers callbacks, the threshold, its mean handle time, the group
    whose agents on duty the rule divides by, its dial attempts (retries + 1), and whether its
    callbacks are scheduled."""

    offers: np.ndarray  # int8
    offer_above: np.ndarray  # float64
    mean_handle: np.ndarray  # float64
    first_group: np.ndarray  # int32
    attempts: np.ndarray  # int32
    width: int
    scheduled: np.ndarray  # int8


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
        width=width(scenario),
        scheduled=np.array([ct.callback is not None and ct.callback.mode == SCHEDULED for ct in types], np.int8))


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


def draw_schedule(ct, gen: np.random.Generator, n: int) -> np.ndarray:
    """A scheduled callback's delay from its acceptance to its due time (0 for other types)."""
    cb = ct.callback
    return cb.delay.sample(gen, n).astype(np.float64) if cb is not None and cb.mode == SCHEDULED else np.zeros(n)


def dial_delays(decisions) -> np.ndarray:
    """The (n, width) delays both engines read: ``callback_delay`` with, in column 0, the
    scheduled delay (``callback_schedule``, if the scenario schedules callbacks)."""
    delays = np.asarray(decisions["callback_delay"], np.float64)
    if "callback_schedule" not in decisions:
        return delays
    delays = delays.copy()
    delays[:, 0] = decisions["callback_schedule"]
    return delays


def _delay(cb, gen, n):
    """Column 0: 0 (a scheduled callback's delay goes there: dial_delays); column a: the wait
    before attempt a."""
    rows = n // (cb.retries + 1)
    delays = np.zeros((rows, cb.retries + 1))
    if cb.retries > 0:
        delays[:, 1:] = cb.retry_delay.sample(gen, rows * cb.retries).reshape(rows, cb.retries)
    return delays.reshape(-1)
