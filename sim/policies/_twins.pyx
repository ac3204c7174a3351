# cython: language_level=3
"""Python-callable wrappers of the policies' Cython twins (the .pxd files beside this one), so
that tests can compare each twin with its Python rule directly, on many inputs."""

import numpy as np

from sim.policies cimport _agent_selection, _blending, _call_selection, _dialling, _routing


def eligible(double arrival, double delay, double now):
    return _routing.eligible(arrival, delay, now)


def needs_overflow_timer(double arrival, double delay, double patience, double now):
    return _routing.needs_overflow_timer(arrival, delay, patience, now)


def call_before(str rule, int priority_a, double arrival_a, double head_start_a, long long id_a,
                int priority_b, double arrival_b, double head_start_b, long long id_b):
    """Whether head call a is taken before head call b under ``rule``."""
    if rule == "priority_fifo":
        return _call_selection.priority_fifo_before(priority_a, arrival_a, id_a, priority_b, arrival_b, id_b)
    if rule == "priority_head_start":
        return _call_selection.priority_head_start_before(priority_a, arrival_a, head_start_a, id_a,
                                                          priority_b, arrival_b, head_start_b, id_b)
    raise ValueError(f"no twin for call selection {rule!r}")


def group_before(str rule, int step_a, int skills_a, int step_b, int skills_b):
    """Whether candidate group a is chosen before candidate group b under ``rule``."""
    if rule == "route_order":
        return _agent_selection.route_order_before(step_a, skills_a, step_b, skills_b)
    if rule == "least_skilled":
        return _agent_selection.least_skilled_before(step_a, skills_a, step_b, skills_b)
    raise ValueError(f"no twin for agent selection {rule!r}")


def dial_result(double u, probabilities):
    cdef double[::1] p = np.ascontiguousarray(probabilities, np.float64)
    return _dialling.dial_result(u, &p[0], <int>p.shape[0])


def share_connected(long long lines, long long free, double p):
    return _dialling.share_connected(lines, free, p)


def attempts_to_place(int mode, long long capacity, long long in_flight, long long calls_per_agent, double p,
                      double target_connect, long long max_calls_per_agent, bint throttled):
    return _dialling.attempts_to_place(mode, capacity, in_flight, calls_per_agent, p, target_connect,
                                       max_calls_per_agent, throttled)


cdef class RollingShare:
    """The twin of sim.policies.dialling.RollingShare (a C struct), with the same methods."""

    cdef _dialling.RollingShare share

    def __cinit__(self, long long window, double prior=0.0):
        _dialling.rolling_init(&self.share, window, prior)

    def __dealloc__(self):
        _dialling.rolling_free(&self.share)

    def add(self, int value):
        _dialling.rolling_add(&self.share, <char>value)

    def estimate(self):
        return _dialling.rolling_estimate(&self.share)

    def above(self, double cap):
        return _dialling.rolling_above(&self.share, cap)


def outbound_capacity(long long idle_dedicated, long long idle_blended, long long threshold, bint allowed):
    return _blending.outbound_capacity(idle_dedicated, idle_blended, threshold, allowed)


def blended_allowed(int policy, long long inbound_waiting, bint sl_met):
    return _blending.blended_allowed(policy, inbound_waiting, sl_met)


def sl_met(long long answered_within, long long left, double floor):
    return _blending.sl_met(answered_within, left, floor)
