"""Forking a child process that must never run its parent's code (the plot process, replication
workers): SIGINT and SIGTERM are held (blocked) across ``os.fork``. A signal arriving at that
moment would otherwise run the parent's handler in the child before the child has installed its
own and entered the ``try``/``finally`` that ends it with ``os._exit``: its KeyboardInterrupt
would carry the child on into the parent's code (seen as a test worker reporting a Ctrl-C)."""

from __future__ import annotations

import os
import signal

HELD = {signal.SIGINT, signal.SIGTERM}
_CAN_HOLD = hasattr(signal, "pthread_sigmask")
_child_mask = None  # in a child: the signal mask to go back to (the parent's before the fork)


def fork() -> int:
    """``os.fork()``: in the parent the signals are released at once; the child holds them until
    it calls :func:`release` (after installing its handlers, inside its ``try``)."""
    global _child_mask
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD) if _CAN_HOLD else None
    try:
        pid = os.fork()
    except BaseException:
        _restore(previous)
        raise
    if pid:
        _restore(previous)
    else:
        _child_mask = previous
    return pid


def release() -> None:
    """In a child from :func:`fork`: let the held signals in (one sent meanwhile arrives now)."""
    _restore(_child_mask)


def _restore(mask) -> None:
    if _CAN_HOLD and mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
