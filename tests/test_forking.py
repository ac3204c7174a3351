"""A forked child (plot process, replication worker) holds SIGINT and SIGTERM until it has
installed its own handlers (sim/forking.py): one sent at the moment of the fork must not run the
parent's handler in the child, whose KeyboardInterrupt would carry it on into the parent's code."""

import os
import signal

from sim import forking


def blocked():
    return signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_the_parent_releases_at_once_and_the_child_holds_the_signals_until_it_releases_them():
    reader, writer = os.pipe()
    before = blocked()
    pid = forking.fork()
    if pid == 0:
        status = 1
        try:
            notes = []
            signal.signal(signal.SIGTERM, lambda signum, frame: notes.append("handled"))
            notes.append("held" if forking.HELD <= blocked() else "not held")
            os.kill(os.getpid(), signal.SIGTERM)  # sent before the release: waits for it
            notes.append("sent")
            forking.release()
            notes.append("released")
            os.write(writer, " ".join(notes).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    assert blocked() == before  # the parent: as it was
    with os.fdopen(reader) as replies:
        notes = replies.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert notes == "held sent handled released"
