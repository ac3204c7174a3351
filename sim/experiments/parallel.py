"""Work items of one call on several cores: contiguous shares computed in forked processes, the
results handed back in item order, so they are the very results of computing them one by one.

:func:`ordered` yields ``task(i)`` for i = 0, 1, ..., n - 1. It computes the first two items in
this process and times the second (the first pays for warming the caches); when the remaining
items are expected to take at least :data:`MIN_PARALLEL_SECONDS` and ``jobs > 1`` and the
platform can fork, it cuts them into ``jobs`` contiguous shares and forks ``jobs - 1`` workers.
This process and the first worker take the items of the first two shares one at a time from
both ends (this process from the front, yielding each as it is made; the worker from the back),
so whichever runs faster (the other may have its core taken by another program) does more and
neither waits; the other workers compute their own shares. Each worker sends its items through a
pipe when it is done, and they are yielded in order. Forking, not spawning: a worker imports
nothing and inherits the built scenario and the warm caches; it starts in a few milliseconds,
which is why the work must be long enough to pay for it. Asked for automatically (``spare_only``),
it uses only the CPUs that other programs leave idle: on a busy machine workers only add their cost.

A worker's exception is raised again in this process (the worker's traceback chained to it as a
:class:`WorkerError`); a worker that dies without a word is a :class:`WorkerError` naming its exit
status. Workers ignore Ctrl-C (SIGINT reaches the whole process group): this process handles it as
it would without workers, and whenever it leaves early (an error, Ctrl-C, a consumer that stops
reading) it ends the workers still running (SIGKILL) and reaps every worker, so none is left behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
import traceback
from functools import partial
from multiprocessing.connection import Connection
from typing import Callable, Iterator, List, Optional, Sequence, Tuple, TypeVar

from sim import forking
from sim.errors import ConfigError
from sim.experiments import arena

T = TypeVar("T")
MIN_PARALLEL_SECONDS = 0.05  # expected work of the remaining items below which forking does not pay
DIGEST_EVERY = 16  # a worker's items digested together as it goes (see ordered)
SERIAL_FIRST = 2  # items computed here before deciding (the first warms the caches, the second is timed)


class WorkerError(RuntimeError):
    """A worker process failed: its traceback, or how it ended."""


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether worker processes can be forked here (POSIX, and not inside a daemonic process,
    which multiprocessing forbids to have children)."""
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods() and \
        not multiprocessing.current_process().daemon


def default_jobs() -> int:
    """The usable CPUs; 1 in a worker of a process pool (a sweep's job on the joblib launcher),
    whose pool already keeps the cores busy."""
    return 1 if multiprocessing.parent_process() is not None else usable_cpus()


def spare_cpus() -> int:
    """The usable CPUs less the other programs' processes running right now (Linux's count of
    runnable threads, this one excluded); the usable CPUs where it cannot be read. Measured: on
    a machine kept busy by other programs, a second process made replications slower, not
    faster (the scheduler shares the CPUs by session, and the workers share this one's)."""
    others = []
    for _ in range(3):  # (the fewest of three looks 0.2 ms apart: a moment's spike is no load)
        try:
            with open("/proc/loadavg") as loadavg:
                others.append(int(loadavg.read().split()[3].split("/")[0]) - 1)
        except (OSError, ValueError, IndexError):
            return usable_cpus()
        time.sleep(0.0002)
    return max(1, usable_cpus() - max(0, min(others)))


JOBS_VARIABLE = "CALLSIM_JOBS"  # the environment's say on the number of processes (callsim has no setting)


def requested_jobs(n_jobs: Optional[int]) -> Optional[int]:
    """The number of processes asked for: ``n_jobs``, else the environment's ``CALLSIM_JOBS``, else
    None (automatic: :func:`default_jobs`, only the CPUs other programs leave idle)."""
    if n_jobs is not None:
        return check_jobs(n_jobs)
    text = os.environ.get(JOBS_VARIABLE, "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = text
    return check_jobs(value, JOBS_VARIABLE)


def check_jobs(n_jobs: Optional[int], field: str = "n_jobs") -> int:
    """The number of processes to use: ``n_jobs``, or :func:`default_jobs` when it is None."""
    if n_jobs is None:
        return default_jobs()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ConfigError(field, f"must be a whole number of at least 1 (or None: the usable CPUs, "
                                 f"{usable_cpus()} here), got {n_jobs!r}")
    return int(n_jobs)


def shares(start: int, stop: int, parts: int) -> List[Tuple[int, int]]:
    """[start, stop) cut into ``parts`` contiguous shares of sizes differing by at most one (none empty)."""
    parts = max(1, min(parts, stop - start))
    size, extra = divmod(stop - start, parts)
    out, first = [], start
    for part in range(parts):
        last = first + size + (1 if part < extra else 0)
        out.append((first, last))
        first = last
    return out


def ordered(task: Callable[[int], T], n: int, jobs: int, send: Callable[[List[T]], object] = lambda items: items,
            receive: Callable[[object], List[T]] = lambda payload: payload, spare_only: bool = False,
            digest: Callable[[List[T]], List[T]] = lambda items: items,
            idle: Callable[[], object] = lambda: None, room: Callable[[int], int] = lambda items: 0) -> Iterator[T]:
    """``task(0)``, ..., ``task(n - 1)`` in order, computed on up to ``jobs`` processes when it pays
    (see the module docstring). A worker's share goes through ``send`` (in the worker: to
    something picklable) and ``receive`` (here: back to the items). ``digest``: in a worker, what
    ``send`` would do to the items anyway that can be done a few at a time (:data:`DIGEST_EVERY`)
    while the worker runs, so that little is left to do once the shares meet and this process
    waits (the KPI numbers of a batch of runs). ``idle``: called here (once) when this process's
    share is done and the first worker's items are not there yet: the consumer's own pending
    work, done while it would wait (the KPI numbers of the runs it holds). ``spare_only``: no
    more processes than CPUs that other programs leave idle (:func:`spare_cpus`). ``room(k)``: the
    bytes of shared memory for the arrays of a worker's message of k items
    (:mod:`sim.experiments.arena`; 0: all through the pipe)."""
    done = 0
    took = 0.0
    while done < min(n, SERIAL_FIRST):
        started = time.perf_counter()
        item = task(done)
        took = time.perf_counter() - started
        done += 1
        yield item
    if done >= n:
        return
    if spare_only and jobs > 1 and took * (n - done) >= MIN_PARALLEL_SECONDS:
        jobs = min(jobs, spare_cpus())
    if jobs > 1 and can_fork() and took * (n - done) >= MIN_PARALLEL_SECONDS:
        yield from forked(task, done, n, jobs, send, receive, digest, idle, room)
    else:
        for i in range(done, n):
            yield task(i)


class _TwoEnds:
    """Items [first, stop) taken one at a time from both ends by two processes (this one from the
    front, a worker from the back) until they meet: whichever runs faster does more, and each
    one's items stay contiguous. In shared memory, behind a lock."""

    def __init__(self, first: int, stop: int):
        fork = multiprocessing.get_context("fork")
        self.lock = fork.Lock()
        self.ends = fork.RawArray("q", [first, stop])

    def front(self) -> Optional[int]:
        with self.lock:
            i = self.ends[0]
            if i >= self.ends[1]:
                return None
            self.ends[0] = i + 1
            return i

    def back(self) -> Optional[int]:
        with self.lock:
            i = self.ends[1] - 1
            if i < self.ends[0]:
                return None
            self.ends[1] = i
            return i


def forked(task: Callable[[int], T], start: int, stop: int, jobs: int, send: Callable[[List[T]], object],
           receive: Callable[[object], List[T]], digest: Callable[[List[T]], List[T]] = lambda items: items,
           idle: Callable[[], object] = lambda: None, room: Callable[[int], int] = lambda items: 0
           ) -> Iterator[T]:
    """``task(i)`` for i in [start, stop), in order: the first share here, the others in forked
    workers (or here too, if the system refuses a process). This process and the first worker
    share their two shares from both ends (:class:`_TwoEnds`), so neither waits for the other."""
    parts = shares(start, stop, jobs)
    _reaped_earlier()
    try:
        both = _TwoEnds(parts[0][0], parts[1][1]) if len(parts) > 1 else None
    except OSError:  # (no shared semaphores here: fixed shares)
        both = None
    sources: List[Optional[_Worker]] = []  # per share after the first: its worker, or None
    finished = False
    try:
        for k, (first, last) in enumerate(parts[1:]):
            work = partial(_from_back, both, task, digest) if k == 0 and both is not None else \
                partial(_share, first, last, task, digest)
            most = (parts[1][1] - parts[0][0]) if k == 0 and both is not None else last - first
            try:
                sources.append(_fork(work, send, room(most)))
            except OSError:  # (no process to be had: too many, or no memory for one)
                sources.append(None)
        mine = range(*parts[0])
        if both is not None:
            mine = iter(both.front, None)  # (all of both shares if the first worker could not start)
        partner = sources[0][1] if both is not None and sources[0] is not None else None
        for i in mine:
            yield task(i)
            if partner is not None and partner.poll():  # it spoke before the ends met: it failed
                break
        for k, ((first, last), source) in enumerate(zip(parts[1:], sources)):
            if source is not None:
                if k == 0 and not source[1].poll():
                    idle()
                yield from _received(*source, receive)
            elif k > 0 or both is None:  # (else taken from the front above)
                for i in range(first, last):
                    yield task(i)
        finished = True
    finally:
        _end([source for source in sources if source is not None], terminate=not finished)


def _share(first: int, last: int, task: Callable[[int], T], digest: Callable[[List[T]], List[T]]) -> List[T]:
    return _digested((task(i) for i in range(first, last)), digest)


def _from_back(both: _TwoEnds, task: Callable[[int], T], digest: Callable[[List[T]], List[T]]) -> List[T]:
    items = _digested((task(i) for i in iter(both.back, None)), digest)
    items.reverse()
    return items


def _digested(items: Iterator[T], digest: Callable[[List[T]], List[T]]) -> List[T]:
    """The items, passed through ``digest`` :data:`DIGEST_EVERY` at a time as they come."""
    done: List[T] = []
    fresh: List[T] = []
    for item in items:
        fresh.append(item)
        if len(fresh) >= DIGEST_EVERY:
            done.extend(digest(fresh))
            fresh = []
    return done + fresh  # (the last few: to ``send``, which finishes them)


_Worker = Tuple[int, Connection, Optional[arena.Arena]]  # a worker's pid, its pipe's end to read, its arena


def _fork(work: Callable[[], List[T]], send: Callable[[List[T]], object], room_bytes: int = 0) -> _Worker:
    """Start a worker computing ``work()``; returns its pid, the end of its pipe to read and the
    shared memory of ``room_bytes`` its message's arrays come in (:mod:`sim.experiments.arena`;
    None without, or if the system refused it: then everything comes through the pipe)."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    room = None
    if room_bytes > 0:
        try:
            room = arena.Arena(room_bytes)
        except (OSError, ValueError):
            pass
    pid = forking.fork()
    if pid == 0:  # the worker: never returns, whatever happens
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            forking.release()  # (a SIGTERM sent meanwhile arrives now: the finally ends the worker)
            gc.freeze()  # the inherited objects: collections here never walk (and copy) them
            reader.close()
            try:
                message = ("done", send(work()))
            except BaseException as error:  # (reported, never raised here)
                message = ("failed", _picklable(error), traceback.format_exc())
            writer.send(arena.dumps(message, room))
            writer.close()
            status = 0 if message[0] == "done" else 1
        finally:
            os._exit(status)
    writer.close()  # this process's copy: the pipe ends (EOFError) when the worker does
    return pid, reader, room


def _picklable(error: BaseException) -> Optional[BaseException]:
    """The exception itself if it survives pickling (to be raised again in the parent), else None."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return None


def _received(pid: int, reader: Connection, room: Optional[arena.Arena],
              receive: Callable[[object], List[T]]) -> Sequence[T]:
    """A worker's items, or its failure raised here."""
    try:
        message = arena.loads(*reader.recv(), room)
    except EOFError:
        status = _reap(pid)
        raise WorkerError(f"a worker process (pid {pid}) ended without its results ({_describe(status)})") from None
    if message[0] == "done":
        return receive(message[1])
    _, error, text = message
    cause = WorkerError(f"in a worker process (pid {pid}):\n{text}")
    if error is None:
        raise cause
    raise error from cause


def _end(workers: List[_Worker], terminate: bool) -> None:
    """Close the pipes and reap every worker. ``terminate``: end those still running first
    (SIGKILL: a worker holds nothing to clean up, and no handler it inherited can delay it) and
    wait for them here; else (they sent their results and are exiting, which takes a few
    milliseconds for a large process) a thread waits for them, so none is left a zombie."""
    for pid, reader, _ in workers:
        reader.close()
        if terminate:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if terminate:
        for pid, _, _ in workers:
            _reap(pid)
    elif workers:
        reaper = threading.Thread(target=lambda: [_reap(pid) for pid, _, _ in workers], name="callsim-reaper",
                                  daemon=True)
        reaper.start()
        _REAPERS.append(reaper)


_REAPERS: List[threading.Thread] = []  # reaping workers of earlier calls


def _reaped_earlier() -> None:
    """Wait for the workers of earlier calls to be reaped (they are exiting, or gone): forking
    while another thread runs is best avoided."""
    while _REAPERS:
        _REAPERS.pop().join()


def _reap(pid: int) -> Optional[int]:
    """Wait for a worker to end (so it leaves no zombie); its wait status, or None if already reaped."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def _describe(status: Optional[int]) -> str:
    if status is None:
        return "exit status unknown"
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
