"""Transfers and escalation: a call type's transfer rule, validated from
:class:`sim.model.transfer_config.TransferConfig`, the leg limit, and each call's pre-drawn plan of
legs that both engines read.

A caller's first leg is its wait in the queue it joined (its type's, or its IVR zero-out's) and
its service there. When an answered leg's talk ends, with its type's transfer probability the
caller is transferred: it keeps its trunk and joins the queue of the target type (drawn from the
``to`` table) as a new leg: that type's route and priority, a talk time, wrap-up and patience
drawn from that type's distributions; its wait and patience count from the transfer. With a
``consult`` time (the transferring type's), the first agent stays busy with the caller for the
consult after the talk (not scaled by speed factors), and the caller joins the next queue at its
end; the first agent then goes on to its wrap-up. A caller has at most ``max_legs`` legs
(``transfer_max_legs``; required when the transfers can loop, else the longest chain of
transfers the table allows): the last leg is never transferred.

Randomness: one Decision (purpose 25, per call type of the call): per call and per possible
transfer (max_legs - 1 of them) six uniforms: whether it is transferred, the target, the consult
time, the new leg's talk, wrap-up and patience (inverse distribution functions of the
target type's distributions). :func:`plan` turns them into per-call leg plans, the same for
both engines; a call's uniforms are consecutive in its stream, so block boundaries change none.

With redials (sim.model.redials). A redial attempt reuses its caller's plan: the first attempt's
uniforms (plans are indexed by input call id), as it reuses its talk time, wrap-up and IVR way
out, the caller's need being the same; so a redial that is answered is transferred (or not)
exactly as its first attempt would have been had it been answered. A transferred leg that is
abandoned leads to no redial (the caller had reached an agent); an attempt abandoned in its first
queue may redial as without transfers. Each attempt's legs name its call row (leg 0: the
attempt's own first leg).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from sim.errors import ConfigError
from sim.model import bounds
from sim.model.distributions import Distribution, _weibull_shape, parse_distribution

PURPOSE = 25  # the stream purpose of the transfer uniforms (never renumbered)
DRAW_TRANSFER, DRAW_TARGET, DRAW_CONSULT, DRAW_TALK, DRAW_WRAPUP, DRAW_PATIENCE = range(6)
UNIFORMS = 6  # per call and possible transfer
MAX_LEGS = 16
TOLERANCE = 1e-9  # how far from 1 the probabilities of a ``to`` table may sum


@dataclass(frozen=True)
class Transfer:
    """A validated transfer rule: the probability, and the targets (type index, probability)."""

    probability: float
    to: Tuple[Tuple[int, float], ...]
    consult: Optional[Distribution] = None  # the first agent's consult before the caller moves on

    def targets(self, u: np.ndarray) -> np.ndarray:
        """The target type of uniforms u: the first whose cumulative probability exceeds u."""
        codes = np.array([k for k, _ in self.to], np.int32)
        cumulative = np.cumsum([p for _, p in self.to])
        return codes[np.minimum(np.searchsorted(cumulative, u, side="right"), len(codes) - 1)]


def with_transfers(call_types, configs, type_names, groups) -> tuple:
    """The call types with their transfer rules, built from their configs (``groups``: the built
    groups, to tell a target no agent ever serves)."""
    served = [any(groups[g].spells for g, _ in ct.route) for ct in call_types]
    return tuple(dataclasses.replace(ct, transfer=build_transfer(configs[ct.name].transfer, f"call_types.{ct.name}",
                                                                 type_names, served)) for ct in call_types)


def build_transfer(c, where: str, type_names, served) -> Optional[Transfer]:
    """The call type's Transfer (None without one, or with probability 0); ``c`` its TransferConfig,
    ``where`` its field path, ``served`` per type whether an agent of its route is ever on duty
    (a target needs one: no queue without a route, the scenario checks, and none nobody serves)."""
    if c is None:
        return None
    where = f"{where}.transfer"
    p = bounds.in_range(c.probability, f"{where}.probability", 0.0, 1.0, " (a probability)")
    consult = None if c.consult is None else parse_distribution(dataclasses.asdict(c.consult), f"{where}.consult")
    if not c.to:
        if p > 0:
            raise ConfigError(f"{where}.to", "a transfer needs its targets: call type names with probabilities "
                                             "summing to 1", allowed=type_names)
        return None
    to = bounds.type_shares(c.to, f"{where}.to", type_names, "a transfer joins a call type's queue")
    for k, _ in to:
        if not served[k]:
            raise ConfigError(f"{where}.to.{list(type_names)[k]}", "no agent of this call type's route is ever on "
                                                                   "duty: a transferred call would never be served")
    total = sum(c.to.values())
    if abs(total - 1.0) > TOLERANCE:
        raise ConfigError(f"{where}.to", f"the probabilities sum to {total:g}, not 1")
    return Transfer(p, tuple(to), consult) if p > 0 else None


def build_max_legs(value, call_types) -> Optional[int]:
    """The most legs a caller may have (None without transfers): ``transfer_max_legs``, required
    when the transfers can loop (a cycle of call types), else at most the longest chain + 1."""
    edges = {ct.index: [k for k, _ in ct.transfer.to] for ct in call_types if ct.transfer is not None}
    if not edges:
        if value is not None:
            raise ConfigError("transfer_max_legs", "no call type has a transfer: set call_types.<name>.transfer, "
                                                   "or remove transfer_max_legs")
        return None
    longest = _longest_chain(edges, len(call_types))
    if value is None:
        if longest is None:
            raise ConfigError("transfer_max_legs", "the transfers can loop (a call type is transferred back to "
                                                   "itself, directly or not): give the most legs a caller may have")
        return min(longest + 1, MAX_LEGS)
    return bounds.whole_in_range(value, "transfer_max_legs", 1, MAX_LEGS)


def _longest_chain(edges: dict, n_types: int) -> Optional[int]:
    """The most transfers in a row the table allows, or None if they can loop."""
    memo, active = {}, set()

    def depth(k: int) -> Optional[int]:
        if k in memo:
            return memo[k]
        if k in active:
            return None
        active.add(k)
        best = 0
        for target in edges.get(k, ()):
            d = depth(target)
            if d is None:
                return None
            best = max(best, d + 1)
        active.discard(k)
        memo[k] = best
        return best

    depths = [depth(k) for k in range(n_types)]
    return None if any(d is None for d in depths) else max(depths)


def has_transfers(scenario) -> bool:
    return getattr(scenario, "transfer_max_legs", None) is not None


def quantile(dist: Optional[Distribution], u: np.ndarray, missing: float) -> np.ndarray:
    """The distribution's inverse distribution function at uniforms u in [0, 1) (``missing`` for
    every u without a distribution: no wrap-up is 0, no patience is inf)."""
    u = np.asarray(u, float)
    if dist is None:
        return np.full(u.shape, missing)
    kind = dist.kind
    if kind == "exponential":
        return -dist.mean * np.log1p(-u)
    if kind == "deterministic":
        return np.full(u.shape, dist.mean)
    if kind == "uniform":
        return dist.low + u * (dist.high - dist.low)
    if kind == "empirical":
        values = np.asarray(dist.values, float)
        return values[np.minimum((u * len(values)).astype(np.int64), len(values) - 1)]
    from scipy import special  # (scipy only for these kinds)

    if kind == "lognormal":
        sigma2 = math.log1p(dist.cv**2)
        return np.exp(math.log(dist.mean) - sigma2 / 2 + math.sqrt(sigma2) * special.ndtri(u))
    if kind == "gamma":
        shape = 1.0 / dist.cv**2
        return special.gammaincinv(shape, u) * (dist.mean / shape)
    shape = _weibull_shape(dist.cv)  # weibull
    return dist.mean / special.gamma(1 + 1 / shape) * (-np.log1p(-u)) ** (1 / shape)


def decision(scenario):
    """The Decision that draws the transfer uniforms (sim.model.random_inputs)."""
    from sim.model.random_inputs import Decision

    slots = scenario.transfer_max_legs - 1
    return Decision("transfer_draws", PURPOSE, lambda ct, gen, n: gen.random((n, slots, UNIFORMS)))


@dataclass(frozen=True)
class LegPlan:
    """Per call (rows) and possible transfer (columns: after leg 0, 1, ...): the type whose queue
    the caller joins (-1: not transferred), the consult before it (0: none), and the new leg's
    talk, wrap-up and patience."""

    to: np.ndarray  # int32
    consult: np.ndarray
    talk: np.ndarray
    wrapup: np.ndarray
    patience: np.ndarray


def first_queue(scenario, block) -> np.ndarray:
    """The type whose queue each call of the block joins first (-1: none, it leaves in an IVR)."""
    k = np.asarray(block.call_type, np.int32)
    if "ivr_choice" in block.decisions:
        has_ivr = np.array([ct.ivr is not None for ct in scenario.call_types])
        return np.where(has_ivr[k], np.asarray(block.decisions["ivr_choice"], np.int32), k).astype(np.int32)
    return k


PLAN_COLUMNS = ("to", "consult", "talk", "wrapup", "patience")  # a LegPlan's, kept as decisions "transfer_<name>"


def with_plan(scenario, block):
    """The block with its leg plan among its decisions (``transfer_to``, ...): worked out once when
    the inputs are drawn (sim.model.random_inputs), as other draws are turned into durations
    there, so that engines and replications read it rather than work it out again."""
    legs = plan(scenario, block)
    block.decisions.update({f"transfer_{name}": getattr(legs, name) for name in PLAN_COLUMNS})
    return block


def plan(scenario, block) -> LegPlan:
    """The legs of every call of a block, from its transfer uniforms (``transfer_draws``), or as
    worked out when the block was drawn (:func:`with_plan`)."""
    if all(f"transfer_{name}" in block.decisions for name in PLAN_COLUMNS):
        return LegPlan(*(block.decisions[f"transfer_{name}"] for name in PLAN_COLUMNS))
    if "transfer_draws" not in block.decisions:
        raise ValueError("the scenario has transfers: the call blocks need the decision transfer_draws")
    u = np.asarray(block.decisions["transfer_draws"], float)
    n, slots = len(block), scenario.transfer_max_legs - 1
    if u.shape != (n, slots, UNIFORMS):
        raise ValueError(f"transfer_draws: shape {u.shape}, not {(n, slots, UNIFORMS)}")
    to = np.full((n, slots), -1, np.int32)
    talk, wrapup, patience = np.zeros((n, slots)), np.zeros((n, slots)), np.full((n, slots), math.inf)
    consult = np.zeros((n, slots))
    current = first_queue(scenario, block)
    for j in range(slots):
        for ct in scenario.call_types:
            rule = ct.transfer
            rows = np.flatnonzero(current == ct.index)
            if rule is None or not len(rows):
                continue
            moved = rows[u[rows, j, DRAW_TRANSFER] < rule.probability]
            to[moved, j] = rule.targets(u[moved, j, DRAW_TARGET])
            if rule.consult is not None:
                consult[moved, j] = quantile(rule.consult, u[moved, j, DRAW_CONSULT], 0.0)
        for ct in scenario.call_types:
            rows = np.flatnonzero(to[:, j] == ct.index)
            talk[rows, j] = quantile(ct.talk, u[rows, j, DRAW_TALK], 0.0)
            wrapup[rows, j] = quantile(ct.wrapup, u[rows, j, DRAW_WRAPUP], 0.0)
            patience[rows, j] = quantile(ct.patience, u[rows, j, DRAW_PATIENCE], math.inf)
        current = to[:, j]
    return LegPlan(to, consult, talk, wrapup, patience)
