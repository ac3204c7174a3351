"""Duration distributions: validated from config, sampled in blocks from a numpy Generator.

Every distribution is given by the parameters a planner knows (mean and coefficient of
variation, or bounds, or observed values) and converted here to the parameters numpy wants.
Sampling is vectorised: ``sample(gen, n)`` returns the next ``n`` draws of a stream, and drawing
``n1`` then ``n2`` values gives the same numbers as drawing ``n1 + n2`` at once, so block sizes
never change results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
from sim.errors import ConfigError
from sim.model import bounds

KINDS = ("exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical")
PARAMETERS = {"exponential": ("mean",), "lognormal": ("mean", "cv"), "gamma": ("mean", "cv"), "weibull": ("mean", "cv"),
              "deterministic": ("mean",), "uniform": ("low", "high"), "empirical": ("values", "file", "column")}


@dataclass(frozen=True)
class Distribution:
    """A non-negative duration distribution in seconds."""

    kind: str
    mean: float
    cv: float = 0.0
    low: float = 0.0
    high: float = 0.0
    values: Optional[Tuple[float, ...]] = None

    def sample(self, gen: np.random.Generator, n: int) -> np.ndarray:
        """The next ``n`` draws from stream ``gen``."""
        kind = self.kind
        if kind == "exponential":
            return gen.exponential(self.mean, n)
        if kind == "lognormal":
            sigma2 = math.log1p(self.cv**2)
            return gen.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)
        if kind == "gamma":
            shape = 1.0 / self.cv**2
            return gen.gamma(shape, self.mean / shape, n)
        if kind == "weibull":
            from scipy.special import gamma as gamma_fn  # (scipy only when a Weibull is used)

            shape = _weibull_shape(self.cv)
            return self.mean / gamma_fn(1 + 1 / shape) * gen.weibull(shape, n)
        if kind == "deterministic":
            return np.full(n, self.mean)
        if kind == "uniform":
            return gen.uniform(self.low, self.high, n)
        values = np.asarray(self.values, dtype=float)
        return values[gen.integers(0, len(values), n)]


def _weibull_shape(cv: float) -> float:
    """Weibull shape k whose coefficient of variation is ``cv``."""
    from scipy.optimize import brentq
    from scipy.special import gamma as gamma_fn

    def cv_of(k: float) -> float:
        g1, g2 = gamma_fn(1 + 1 / k), gamma_fn(1 + 2 / k)
        return math.sqrt(max(g2 / g1**2 - 1, 0.0)) - cv

    return brentq(cv_of, 0.05, 500.0)


def parse_distribution(cfg, where: str) -> Distribution:
    """Validate a ``DistributionConfig`` (or mapping) and build a :class:`Distribution`.

    ``where`` is the config path used in error messages, e.g. ``call_types.sales.talk_time``.
    """
    kind = cfg.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind", f"unknown distribution {kind!r}", allowed=KINDS)
    for name in ("mean", "cv", "low", "high", "values", "file", "column"):
        if name not in PARAMETERS[kind] and cfg.get(name) is not None:  # it would be ignored
            raise ConfigError(f"{where}.{name}", f"is not a parameter of the {kind} distribution, which takes "
                                                 f"{' and '.join(PARAMETERS[kind])}: remove it (or set it to null)")

    def need_positive(name: str) -> float:
        value = cfg.get(name)
        if value is None or not bounds.is_number(value) or not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{where}.{name}", f"the {kind} distribution needs {name} > 0, got {value!r}")
        if name == "mean":  # a mean of seconds: at least a millisecond, at most a day
            return bounds.duration(value, f"{where}.mean", bounds.MIN_MEAN_DURATION)
        return float(value)

    if kind == "exponential":
        return Distribution(kind, need_positive("mean"), cv=1.0)
    if kind in ("lognormal", "gamma"):
        cv = need_positive("cv")
        if not 0.001 <= cv <= 100:
            raise ConfigError(f"{where}.cv", f"a {kind} cv must be between 0.001 and 100, got {cv} "
                                             "(use kind=deterministic for a fixed duration)")
        return Distribution(kind, need_positive("mean"), cv=cv)
    if kind == "weibull":
        cv = need_positive("cv")
        if not 0.02 <= cv <= 20:
            raise ConfigError(f"{where}.cv", f"a weibull cv must be between 0.02 and 20, got {cv}")
        return Distribution(kind, need_positive("mean"), cv=cv)
    if kind == "deterministic":
        return Distribution(kind, bounds.duration(cfg.get("mean"), f"{where}.mean"))
    if kind == "uniform":
        low = bounds.duration(cfg.get("low"), f"{where}.low")
        high = cfg.get("high")
        if not (bounds.is_number(high) and low <= high):
            raise ConfigError(f"{where}.high", f"a uniform distribution needs a finite high >= low = {low!r}, got {high!r}")
        high = bounds.duration(high, f"{where}.high")
        return Distribution(kind, (low + high) / 2, low=float(low), high=float(high))
    return _parse_empirical(cfg, where)


def _parse_empirical(cfg, where: str) -> Distribution:
    values = cfg.get("values")
    if values is not None and cfg.get("file") is not None:
        raise ConfigError(f"{where}.file", "give the values or a file to read them from, not both")
    if cfg.get("column") is not None and cfg.get("file") is None:
        raise ConfigError(f"{where}.column", "names a column of a CSV file: give the file too")
    if values is None and cfg.get("file"):
        values = _read_column(cfg.get("file"), cfg.get("column"), where)
    if values is None or len(values) == 0:
        raise ConfigError(f"{where}.values", "an empirical distribution needs a non-empty list of values, or file and column")
    array = np.asarray(list(values), dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array > bounds.MAX_DURATION):
        raise ConfigError(f"{where}.values", f"empirical values must be between 0 and {bounds.MAX_DURATION:g} s (a day)")
    return Distribution("empirical", float(array.mean()), values=tuple(array.tolist()))


def _read_column(path: str, column: Optional[str], where: str):
    """The numbers in one column of a CSV (comma, semicolon, tab or | separated); blanks skipped."""
    import pandas as pd

    if not column:
        raise ConfigError(f"{where}.column", "an empirical distribution read from a file needs the column name")
    try:
        with open(path) as handle:
            header = handle.readline()
        separator = max(",;\t|", key=header.count) if any(c in header for c in ",;\t|") else ","
        frame = pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise ConfigError(f"{where}.file", f"cannot read {path!r}: {exc.strerror or exc}") from None
    except (ValueError, pd.errors.ParserError) as exc:  # EmptyDataError is a ValueError
        raise ConfigError(f"{where}.file", f"cannot read {path!r} as CSV: {exc}") from None
    if column not in frame.columns:
        raise ConfigError(f"{where}.column", f"no column {column!r} in {path}", allowed=tuple(frame.columns))
    raw = frame[column].str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    bad = (raw != "") & values.isna()
    if bad.any():
        row = int(bad.idxmax())
        raise ConfigError(f"{where}.column", f"{path} column {column!r} has a value that is not a number: "
                                             f"{raw[row]!r} (data row {row + 1})")
    return values.dropna().tolist()
