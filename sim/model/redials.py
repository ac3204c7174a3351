"""Redials: a call type's callers who do not get through call again, validated from
:class:`sim.model.redial_config.RedialConfig`, and the per-caller draws both engines read.

The rule. A caller's attempt that ends ABANDONED (left the queue: short abandons included) or
BLOCKED (trunks or IVR ports full) is followed, with probability ``probability_abandoned`` or
``probability_blocked``, by a new attempt of the same call type ``delay`` after that end (the
abandon time, or the blocked arrival), unless the caller has made ``max_attempts`` attempts (the
first one counts), and unless that redial would come at or after the horizon's end (no call,
fresh or redial, arrives after it: the caller is then lost). A caller who hangs up in an IVR menu, is self-served, is answered or is still
waiting at the end makes no further attempt. A redial is a new call of the caller's dialled type:
its route and priority, and its IVR menu if the type has one.

What a redial reuses and what it draws. The caller's need is the same, so a redial keeps the
first attempt's talk time and wrap-up (before the serving group's speed factor) and, with an IVR,
its menu time and way out. Per caller three rows of ``max_attempts - 1`` values are drawn up front
(Decisions, one stream per purpose and call type, the i-th caller of a type taking the i-th row),
column a - 1 deciding what follows attempt a (and how attempt a + 1 behaves):

    redial_u (purpose 18)         uniform in [0, 1): it redials if u < the outcome's probability;
    redial_delay (purpose 19)     the delay before attempt a + 1 (the type's ``delay``);
    redial_patience (purpose 20)  attempt a + 1's patience, drawn afresh from the type's patience
                                  distribution (inf when its callers never abandon).

Rows are padded with NaN to the widest type of the scenario (a type without redials draws
nothing), so a type's values never depend on another type's settings.

With transfers (sim.model.transfers, "With redials"): a redial also reuses the first attempt's
transfer plan; only an attempt's own first leg can fail into a redial (a transferred leg that is
abandoned makes none: the caller had reached an agent).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from sim.errors import ConfigError
from sim.model import bounds
from sim.model.distributions import Distribution, parse_distribution

U_PURPOSE, DELAY_PURPOSE, PATIENCE_PURPOSE = 18, 19, 20  # stream purposes (never renumbered)
DECISION_NAMES = ("redial_u", "redial_delay", "redial_patience")
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class Redial:
    """A validated redial rule (see the module docstring)."""

    probability_abandoned: float
    probability_blocked: float
    delay: Distribution
    max_attempts: int

    @property
    def width(self) -> int:
        """Redials a caller may make: the columns of its draws."""
        return self.max_attempts - 1 if self.probability_abandoned > 0 or self.probability_blocked > 0 else 0


def build_redial(c, where: str) -> Optional[Redial]:
    """The call type's Redial (None without one); ``c`` is its RedialConfig, ``where`` its field path."""
    if c is None:
        return None
    where = f"{where}.redial"
    abandoned = bounds.in_range(c.probability_abandoned, f"{where}.probability_abandoned", 0.0, 1.0, " (a probability)")
    blocked = bounds.in_range(c.probability_blocked, f"{where}.probability_blocked", 0.0, 1.0, " (a probability)")
    if c.max_attempts is None:
        if abandoned > 0 or blocked > 0:
            raise ConfigError(f"{where}.max_attempts", "a redial loop with no attempt limit: give max_attempts "
                                                       f"(attempts per caller, the first included, 1 to {MAX_ATTEMPTS})")
        max_attempts = 1
    else:
        max_attempts = bounds.whole_in_range(c.max_attempts, f"{where}.max_attempts", 1, MAX_ATTEMPTS)
    delay = parse_distribution(dataclasses.asdict(c.delay), f"{where}.delay")
    return Redial(abandoned, blocked, delay, max_attempts)


def width(scenario) -> int:
    """The widest type's redial draws (0: the scenario has no redials)."""
    return max((ct.redial.width for ct in scenario.call_types if ct.redial is not None), default=0)


def has_redials(scenario) -> bool:
    return width(scenario) > 0


def _padded(values: np.ndarray, n: int, m: int, w: int) -> np.ndarray:
    out = np.full((n, w), np.nan)
    out[:, :m] = values.reshape(n, m)
    return out


def draw_u(w: int, ct, gen: np.random.Generator, n: int) -> np.ndarray:
    m = ct.redial.width if ct.redial is not None else 0
    return _padded(gen.random(n * m), n, m, w)


def draw_delay(w: int, ct, gen: np.random.Generator, n: int) -> np.ndarray:
    m = ct.redial.width if ct.redial is not None else 0
    return _padded(ct.redial.delay.sample(gen, n * m) if m else np.zeros(0), n, m, w)


def draw_patience(w: int, ct, gen: np.random.Generator, n: int) -> np.ndarray:
    m = ct.redial.width if ct.redial is not None else 0
    values = ct.patience.sample(gen, n * m) if ct.patience and m else np.full(n * m, math.inf)
    return _padded(values, n, m, w)


def draw_functions(scenario) -> Tuple[tuple, ...]:
    """(name, purpose, draw(ct, gen, n)) of the three redial decisions for the scenario's width."""
    w = width(scenario)
    return tuple((name, purpose, functools.partial(f, w)) for name, purpose, f in
                 zip(DECISION_NAMES, (U_PURPOSE, DELAY_PURPOSE, PATIENCE_PURPOSE), (draw_u, draw_delay, draw_patience)))


def tables(scenario) -> dict:
    """Per call type the engines' arrays: probability after an abandon and after a block,
    and attempts allowed (1: no redials)."""
    types = scenario.call_types
    return {"redial_abandoned": np.array([ct.redial.probability_abandoned if ct.redial else 0.0 for ct in types]),
            "redial_blocked": np.array([ct.redial.probability_blocked if ct.redial else 0.0 for ct in types]),
            "redial_max": np.array([1 + (ct.redial.width if ct.redial else 0) for ct in types], np.int32)}
