"""A worker's message to its parent with its arrays' data in shared memory instead of the pipe.

A worker of :mod:`sim.experiments.parallel` sends its share's numbers (megabytes of float64
arrays) to the parent. Through a pipe they are pickled into one bytes object (a copy), written in
64 KiB pieces that the parent reads and joins (two more copies, and a context switch per piece),
and unpickled (another copy): ~15 ms for the 4 MB of 100 default-day replications, while the
parent waits with nothing else to do. Here the parent maps an :class:`Arena` (anonymous shared
memory) before forking the worker; the worker pickles its message with protocol 5, placing each
array's data in the arena (one copy) and only the small rest in the pipe, and the parent's
arrays are views of the arena (no copy). An array that does not fit in what is left of the arena
travels in the pipe as before (:func:`dumps`), so nothing depends on the arena's size.
"""

from __future__ import annotations

import mmap
import pickle
from typing import List, Optional, Tuple

ALIGN = 64  # each array's data starts on a cache line (numpy wants at least its item size)


class Arena:
    """Anonymous shared memory mapped before a fork: the worker writes, the parent reads."""

    def __init__(self, size: int):
        self.memory = mmap.mmap(-1, size, flags=mmap.MAP_SHARED)  # (pages used only as written)
        self.used = 0  # (in the worker) bytes taken so far

    def place(self, buffer: pickle.PickleBuffer, spans: List[Tuple[int, int]]) -> bool:
        """Copy ``buffer`` into the arena and note its (offset, length) in ``spans``; False (so
        pickle keeps it in its stream) when it is not contiguous or there is no room left."""
        try:
            data = buffer.raw()
        except BufferError:  # (not contiguous: pickled in the stream)
            return False
        start = -(-self.used // ALIGN) * ALIGN
        if start + data.nbytes > len(self.memory):
            return False
        self.memory[start:start + data.nbytes] = data
        self.used = start + data.nbytes
        spans.append((start, data.nbytes))
        return True


def dumps(message, arena: Optional[Arena]) -> Tuple[bytes, List[Tuple[int, int]]]:
    """``message`` pickled, the data of its arrays in ``arena`` where they fit: (the pickle, the
    (offset, length) of each array placed, in order). Without an arena: the plain pickle."""
    spans: List[Tuple[int, int]] = []
    if arena is None:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL), spans
    # buffer_callback: a true value keeps the buffer in the pickle's stream
    stream = pickle.dumps(message, protocol=5, buffer_callback=lambda buffer: not arena.place(buffer, spans))
    return stream, spans


def loads(stream: bytes, spans: List[Tuple[int, int]], arena: Optional[Arena]):
    """:func:`dumps`'s message again, its arrays views of ``arena`` (which they keep mapped)."""
    if not spans:
        return pickle.loads(stream)
    view = memoryview(arena.memory)
    return pickle.loads(stream, buffers=[view[start:start + length] for start, length in spans])
