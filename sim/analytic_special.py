"""SciPy's special functions for the textbook models (:mod:`sim.analytic`, the Erlang comparison's
confidence intervals), which the ``callsim`` command can have computed in a helper process.

Importing ``scipy.special`` costs a small run about 0.12 s (0.05 s of it ``numpy.f2py``, which
SciPy's array-API layer imports by cloning numpy's namespace), four times its simulation. So the
command forks a helper at start-up (:func:`start_helper`, when a second core is free): the helper
imports ``scipy.special`` on the other core while the command composes its config and simulates,
then evaluates :func:`betainc`, :func:`logsumexp` and :func:`stdtrit` on the arguments sent to it:
the same SciPy functions on the same numbers, so the same bits as in-process. They are computed
in this process instead when there is no helper (the library, a sweep's jobs, a busy machine, no
``os.fork``), once scipy.special is imported here anyway, after :data:`HELPER_CALLS` calls (a
staffing search makes thousands: the import then pays), or when the helper fails (an error is
then raised here, as it always was). The helper ends when the pipe from this process closes or on
:func:`stop_helper`, which also reaps it.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Optional, Tuple

from sim import forking

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

HELPER_CALLS = 32  # calls sent to the helper at most; later ones import scipy.special here
_helper: Optional[Tuple[int, "Connection"]] = None  # (pid, this end of the pipe)
_owner: Optional[int] = None  # the process that forked the helper: only it talks to it (not its forks)
_calls = 0


def betainc(a, b, x):
    """``scipy.special.betainc``: the regularised incomplete beta function."""
    return _special("betainc", a, b, x)


def logsumexp(a):
    """``scipy.special.logsumexp`` of an array."""
    return _special("logsumexp", a)


def stdtrit(df, p):
    """``scipy.special.stdtrit``: the Student t quantile."""
    return _special("stdtrit", df, p)


def _special(name: str, *args):
    global _calls
    if _helper is not None and _owner == os.getpid() and "scipy.special" not in sys.modules and _calls < HELPER_CALLS:
        _calls += 1
        try:
            _helper[1].send((name, args))
            ok, value = _helper[1].recv()
        except (OSError, EOFError):
            ok, value = False, None
        if ok:
            return value
    stop_helper()
    import scipy.special

    return getattr(scipy.special, name)(*args)


def start_helper() -> bool:
    """Fork the helper (once; not where scipy.special is imported already or ``os.fork`` is
    missing). Returns whether one runs."""
    global _helper, _owner, _calls
    if _helper is not None and _owner == os.getpid():
        return True
    if "scipy.special" in sys.modules or not hasattr(os, "fork"):
        return False
    from multiprocessing.connection import Pipe

    here, there = Pipe()
    pid = forking.fork()
    if pid == 0:  # the helper
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            forking.release()
            here.close()
            _serve(there)
            status = 0
        finally:
            os._exit(status)
    there.close()
    _helper, _owner, _calls = (pid, here), os.getpid(), 0
    return True


def _serve(connection: "Connection") -> None:
    """The helper's loop: import scipy.special, then answer each (name, args) with (True, value),
    or (False, None) if it raised (the caller then computes it itself), until the pipe closes."""
    import scipy.special

    while True:
        try:
            name, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = (True, getattr(scipy.special, name)(*args))
        except Exception:
            answer = (False, None)
        connection.send(answer)


def stop_helper() -> None:
    """End the helper, if one runs, and reap it (in a process forked from its owner, such as a
    replication worker: only forget it)."""
    global _helper
    if _helper is None:
        return
    (pid, connection), _helper = _helper, None
    connection.close()
    if _owner != os.getpid():
        return
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
