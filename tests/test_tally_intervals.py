"""The streaming tallies' interval of an arrival (sim/core/_tallies.pxi) is exactly
Scenario.arrival_interval's, also when it is read off the span the previous arrival's division
established instead of being divided again: next to every interval edge, where the rounded
quotient of a time just below an edge may already be the next interval, in time order (the
loop's order) and in any order."""

import numpy as np
import pytest

fast = pytest.importorskip("sim.core._loop", reason="the fast engine is not built")


def arrival_interval(arrivals, length, n):
    """Scenario.arrival_interval's arithmetic (sim/model/scenario.py)."""
    return np.minimum((np.asarray(arrivals, float) / length).astype(np.int64), n - 1)


def near_edges(length, n, ulps=3):
    """Times within a few ulps of every interval edge (and of the horizon's end, and past it)."""
    times = []
    for i in range(n + 2):
        edge = i * length
        t = edge
        for _ in range(ulps):
            t = np.nextafter(t, -np.inf)
        for _ in range(2 * ulps + 1):
            times.append(t)
            t = np.nextafter(t, np.inf)
    times += [0.37 * length, (n + 5.5) * length, 1e6 * length]
    return np.array([t for t in times if t >= 0])


@pytest.mark.parametrize("length", [1800.0, 900.0, 0.1, 1.0 / 3.0, 7.0])
@pytest.mark.parametrize("order", ["time", "shuffled"])
def test_interval_of_matches_the_scenarios_arithmetic_next_to_every_edge(length, order):
    n = 34
    times = near_edges(length, n)
    if order == "shuffled":
        times = np.random.default_rng(1).permutation(times)
    edges = np.arange(n, dtype=np.float64) * length
    got = fast.tally_intervals(np.ascontiguousarray(times), n, length, edges)
    np.testing.assert_array_equal(got, arrival_interval(times, length, n))


def test_some_time_just_below_an_edge_rounds_into_the_next_interval():
    """(The test above would pass with a span ending at the edge itself unless such times exist:
    with lengths of 0.1 s and 1/3 s they do; with whole seconds, e.g. 1800, they do not.)"""
    n = 34
    for length in (0.1, 1.0 / 3.0):
        times = near_edges(length, n)
        edge = np.rint(times / length)  # the nearest edge's index
        below = (times < edge * length) & (edge >= 1) & (edge <= n - 1)  # truly in interval edge - 1
        assert (arrival_interval(times[below], length, n) == edge[below]).any()
