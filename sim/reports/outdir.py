"""Output directories the command line can trust: checked writable before anything starts, and
written by one run at a time.

A run holds an OS lock (``flock``) on ``<dir>/.callsim.lock`` while it decides, runs and writes;
a second run into the same directory is refused with one line instead of mixing its files with
the first one's. The lock is released by the OS when the process ends, however it ends, so a
crashed or killed run never leaves the directory locked. The lock file stays: removing it would
let two runs lock two different files of the same name.
"""

from __future__ import annotations

import errno
import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

try:
    import fcntl
except ImportError:  # Windows: no flock; runs are not protected from each other there
    fcntl = None

LOCK_FILE = ".callsim.lock"

last_locked: Optional[Path] = None  # the directory this process last wrote (for the Ctrl-C message)


class OutputDirError(Exception):
    """An output directory that cannot be used; the message names it and the setting to change."""


def _reason(error: OSError, path: Path) -> str:
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in [path, *path.parents] if p.exists() and not p.is_dir()), None)
        return f"{blocker} is a file, not a directory" if blocker else "a file is in the way"
    return error.strerror or str(error)


def check_writable(directory, setting: str) -> None:
    """Create ``directory`` if needed and write a probe file in it, or raise :class:`OutputDirError`."""
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".callsim-probe.{os.getpid()}.{secrets.token_hex(4)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        probe.unlink()
    except OSError as error:
        raise OutputDirError(f"cannot write the output directory {path}: {_reason(error, path)}; "
                             f"choose another with {setting}=<directory>") from None


@contextmanager
def locked(directory, setting: str) -> Iterator[Path]:
    """Hold ``directory``'s lock for the ``with`` block, or raise :class:`OutputDirError` at once
    if another process holds it (refused, not queued: the other run would be overwritten)."""
    global last_locked
    path = Path(directory)
    check_writable(path, setting)
    fd = os.open(path / LOCK_FILE, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputDirError(f"another callsim run is writing {path}; wait for it to finish or "
                                     f"choose another directory with {setting}=<directory>") from None
        last_locked = path
        yield path
    finally:
        os.close(fd)  # closing releases the lock
