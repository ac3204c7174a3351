# cython: language_level=3
"""Python-callable wrappers of the policies' Cython twins (the .pxd files beside this one), so
that tests can compare each twin with its Python rule directly, on many inputs."""

from sim.policies cimport _agent_selection, _call_selection, _routing


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
