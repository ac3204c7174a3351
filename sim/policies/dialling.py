"""Dialling: what a dial attempt reaches, and how many attempts a campaign's dialler places now.

The rules (twin: ``_dialling.pxd``; both engines ask them at the same moments, see
:mod:`sim.core.simpy_engine`):

  dial_result      the first result (protocol.DIAL_RESULTS order) whose cumulative probability in
                   the dial's interval exceeds the attempt's uniform u (the last result if
                   rounding leaves u above every sum).
  attempts_to_place, given the agents free for outbound now (``capacity``, from the blending
                   rule) and the attempts ringing (``in_flight``):
    preview        one record per free agent, dialled by that agent (who is busy while it rings);
    progressive    ``calls_per_agent`` lines per free agent: calls_per_agent x capacity - in_flight;
    predictive     the largest number of lines N (from capacity to max_calls_per_agent x capacity)
                   such that, with connects X ~ Binomial(N, p) for the contact-rate estimate p,
                   the expected share of live answers finding a free agent, E[min(X, capacity)] / E[X],
                   is at least ``target_connect``; minus in_flight. While the rolling nuisance
                   rate is above the cap (``throttled``) it dials as progressive with one line
                   per free agent.
  Never fewer than 0.

The contact-rate estimate and the rolling nuisance rate are kept by the engines in windows
(:class:`RollingShare`, the same arithmetic in both).
"""

from __future__ import annotations

from typing import Sequence

PREVIEW, PROGRESSIVE, PREDICTIVE = range(3)  # codes of protocol.DIALLING_MODES


def dial_result(u: float, probabilities: Sequence[float]) -> int:
    """The result code an attempt's uniform ``u`` gives, for the dial interval's probabilities."""
    cumulative = 0.0
    for code, p in enumerate(probabilities):
        cumulative += p
        if u < cumulative:
            return code
    return len(probabilities) - 1


def share_connected(lines: int, free: int, p: float) -> float:
    """E[min(X, free)] / E[X] for X ~ Binomial(lines, p): the expected share of live answers
    that find one of ``free`` agents (1 if no live answer can occur)."""
    if p <= 0.0 or lines <= 0:
        return 1.0
    if p >= 1.0:
        return (lines if lines < free else free) / lines
    q = 1.0 - p
    pmf = q ** lines
    expected_min = 0.0
    below = 0.0  # P(X < free)
    x = 0
    while x < free and x <= lines:
        expected_min += x * pmf
        below += pmf
        pmf = pmf * (lines - x) / (x + 1) * p / q
        x += 1
    expected_min += free * (1.0 - below)
    return expected_min / (lines * p)


def attempts_to_place(mode: int, capacity: int, in_flight: int, calls_per_agent: int, p: float,
                      target_connect: float, max_calls_per_agent: int, throttled: bool) -> int:
    """How many new attempts the dialler places now (see the module docstring)."""
    if capacity <= 0:
        return 0
    if mode == PREVIEW:
        return capacity
    if mode == PROGRESSIVE:
        lines = calls_per_agent * capacity
    elif throttled:
        lines = capacity
    else:
        lines = capacity
        while lines < max_calls_per_agent * capacity and share_connected(lines + 1, capacity, p) >= target_connect:
            lines += 1
    return lines - in_flight if lines > in_flight else 0


class RollingShare:
    """The share of 1s among the last ``window`` observations (0/1), completed with ``prior``
    while fewer than ``window`` have been seen: (ones + prior x missing) / window. Also counts
    ones and seen over the window for the nuisance rule."""

    __slots__ = ("window", "prior", "values", "position", "seen", "ones")

    def __init__(self, window: int, prior: float = 0.0):
        self.window, self.prior = window, prior
        self.values = [0] * window
        self.position = self.seen = self.ones = 0

    def add(self, value: int) -> None:
        if self.seen >= self.window:
            self.ones -= self.values[self.position]
        else:
            self.seen += 1
        self.values[self.position] = value
        self.ones += value
        self.position = (self.position + 1) % self.window

    def estimate(self) -> float:
        return (self.ones + self.prior * (self.window - self.seen)) / self.window

    def above(self, cap: float) -> bool:
        """Whether the share of 1s among the observations in the window exceeds ``cap``."""
        return self.ones > cap * self.seen
