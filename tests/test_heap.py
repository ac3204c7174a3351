"""The fast engine's event heap against a reference (heapq), pushes and pops interleaved.

The heap keeps sentinels beyond its last event (sim/core/_heap.pxi); an interleaved run that
grows it past its first capacity, empties it and fills it again exercises every way that
invariant could break, and the order of the events popped must be exactly heapq's."""

import heapq

import numpy as np
import pytest

fast = pytest.importorskip("sim.core._loop", reason="the fast engine is not built")


def reference_pops(pushes, times, classes, entities):
    """The targets in the order popped, and the sizes the heap went through."""
    heap, order, pushed, sizes = [], [], 0, []
    for push in list(pushes) + [0] * len(times):
        if push:
            heapq.heappush(heap, (times[pushed], classes[pushed], entities[pushed], pushed))
            pushed += 1
        elif heap:
            order.append(heapq.heappop(heap)[3])
        sizes.append(len(heap))
    return order, np.array(sizes)


@pytest.mark.parametrize("seed", range(6))
def test_interleaved_pushes_and_pops_come_out_in_event_order(seed):
    rng = np.random.default_rng(seed)
    n = 8000
    # phases that fill the heap past its first capacity (256), drain it to empty, and refill it
    p_push = np.concatenate([np.full(3000, 0.9), np.full(5000, 0.25), np.full(4000, 0.7)])
    pushes = (rng.random(len(p_push)) < p_push).astype(np.int8)
    pushes[np.flatnonzero(np.cumsum(pushes) > n)] = 0  # no more pushes than events
    times = rng.choice(np.arange(40.0), n)  # a coarse grid: many equal times and classes
    classes = rng.integers(1, 6, n).astype(np.int32)
    entities = rng.permutation(n).astype(np.int64)  # unique keys, as the engine's are
    expected, sizes = reference_pops(pushes, times, classes, entities)
    peak = int(np.argmax(sizes))
    assert sizes[peak] > 1024 and 0 in sizes[peak:len(pushes)] and sizes[len(pushes) - 1] > 1000  # the phases happen
    got = fast.heap_pops(pushes, times, classes, entities).tolist()
    assert got == expected and len(got) == int(pushes.sum())
