"""The ranges a setting may take, with their physical sense, and the checks that state them.

Values outside these ranges are not just unusual: they overflow the engines' C types, exhaust
memory, or give KPIs that are artefacts of floating point (1e-294, inf, blank). Every check
raises :class:`~sim.errors.ConfigError` naming the field and saying "must be between X and Y".
"""

from __future__ import annotations

import math
import numbers

from sim.errors import ConfigError

DAY = 86_400.0  # s
MAX_DURATION = DAY  # a mean talk time, wrap-up, patience, overflow delay or SL threshold over a day is an error
MIN_MEAN_DURATION = 0.001  # s: a random duration's mean below a millisecond is a unit mistake
MAX_RATE_PER_HOUR = 1e7  # calls per hour of one call type (the largest centers take ~1e5)
MAX_VOLUME_SCALE = 1000.0
SPEED = (0.01, 100.0)  # a group 100 times slower or faster than the norm
MAX_BUSYNESS_CV = 1.0  # day-to-day CV of the arrival rates (the bank data: 0.11); above, most days have ~0 calls
MIN_INTERVAL_MINUTES = 1 / 60  # one second
MAX_HOURS = 1_000_000.0  # a horizon over ~114 years
MIN_HOURS = 0.01  # 36 s of steady state
MAX_INTERVALS = 1_000_000  # per-interval tallies and tables (a year of 1-minute intervals is 525,600)
MAX_AGENTS = 100_000  # in all groups together
MAX_SPELLS = 10_000_000  # on-duty spells in all (headcount_per_interval that rises and falls often)
MAX_TRUNKS = 10_000_000
MAX_PRIORITY = 1_000_000  # |priority|: the engines keep it as a 32-bit int
MAX_COST_PER_HOUR = 1e6
MAX_PRICE = 1e6  # a telephony price per minute, a penalty or a revenue per call
MAX_SEED = 2**63 - 1
MAX_REPLICATIONS = 1_000_000


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def in_range(value, where: str, low: float, high: float, unit: str = "", low_text: str = "") -> float:
    """``value`` as a float if it is a finite number in [low, high], else a ConfigError saying so."""
    if is_number(value) and math.isfinite(value) and low <= value <= high:
        return float(value)
    raise ConfigError(where, f"must be between {low_text or f'{low:g}'} and {high:g}{unit}, got {value!r}")


def whole_in_range(value, where: str, low: int, high: int) -> int:
    """``value`` as an int if it is a whole number in [low, high], else a ConfigError saying so."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and low <= value <= high:
        return int(value)
    raise ConfigError(where, f"must be a whole number between {low:,} and {high:,}, got {value!r}")


def duration(value, where: str, minimum: float = 0.0) -> float:
    """A time in seconds between ``minimum`` and a day."""
    return in_range(value, where, minimum, MAX_DURATION, " s (a day)")


def check_seed(seed, where: str = "seed") -> int:
    """A run seed: numpy's SeedSequence takes whole numbers >= 0."""
    return whole_in_range(seed, where, 0, MAX_SEED)


def type_shares(shares, where: str, type_names, joins: str) -> list:
    """[(call type index, probability)] of a mapping call type name -> probability (an IVR's
    zero-outs, a transfer's targets), the zero ones left out; every name must be a call type
    (``joins`` says what the call does there, for the error) and every probability in [0, 1]."""
    names = list(type_names)
    chosen = []
    for name, p in shares.items():
        if name not in names:
            raise ConfigError(f"{where}.{name}", f"unknown call type ({joins})", allowed=names)
        p = in_range(p, f"{where}.{name}", 0.0, 1.0, " (a probability)")
        if p > 0:
            chosen.append((names.index(name), p))
    return chosen
