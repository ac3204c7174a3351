"""Replications on several processes (sim.experiments.parallel): the very numbers of the serial
run, worker failures raised here (no hang, no process left behind), Ctrl-C as without workers."""

import io
import os
import signal
import subprocess
import threading
import time

import numpy as np
import pandas as pd
import pytest

from sim import ConfigError
from sim.experiments import parallel, replications
from sim.experiments.parallel import WorkerError, shares
from sim.experiments.replications import Precision, replicate
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file
from tests.test_blending_validation import blended
from tests.test_outputs import lines, start_callsim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join(ROOT, "configs", "scenario", "default.yaml")
SINGLE = os.path.join(ROOT, "configs", "scenario", "single_queue.yaml")
TABLES = ("summary", "intervals", "groups", "group_intervals", "per_replication")


def scenario(path, **horizon):
    config = load_scenario_file(path)
    config["horizon"].update(horizon)
    return build_scenario(config)


@pytest.fixture
def forks(monkeypatch):
    """Forking whenever there is work left (no minimum), recording every worker's pid."""
    pids = []
    real = parallel._fork

    def fork(*args):
        worker = real(*args)
        pids.append(worker[0])
        return worker

    monkeypatch.setattr(parallel, "MIN_PARALLEL_SECONDS", 0.0)
    monkeypatch.setattr(parallel, "_fork", fork)
    return pids


def assert_all_reaped(pids):
    """Every worker has ended and was waited for: neither running nor a zombie (after a success,
    a thread waits for the workers that are exiting)."""
    assert pids, "no worker was forked"
    for thread in threading.enumerate():
        if thread.name == "callsim-reaper":
            thread.join(timeout=30)
    for pid in pids:
        with pytest.raises(ChildProcessError):  # not our child any more: reaped
            os.waitpid(pid, os.WNOHANG)


def assert_same(serial, parallel_run):
    assert parallel_run.seeds == serial.seeds and parallel_run.replications == serial.replications
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(parallel_run, table), getattr(serial, table), check_exact=True)
    for a, b in zip(serial.runs.kept, parallel_run.runs.kept):
        assert (a.seed, a.n_calls, a.engine, a.engine_note) == (b.seed, b.n_calls, b.engine, b.engine_note)
        assert a.columns.keys() == b.columns.keys()
        for name in a.columns:
            np.testing.assert_array_equal(a.columns[name], b.columns[name], strict=True)
        if a.agents is not None:
            for field in ("agent", "group", "start", "scheduled_end", "end"):
                np.testing.assert_array_equal(getattr(a.agents, field), getattr(b.agents, field), strict=True)
    for i in (0, serial.replications - 1):  # a run's own tables, made when read
        for table in ("summary", "intervals", "groups", "agents"):
            pd.testing.assert_frame_equal(getattr(parallel_run.runs[i], table), getattr(serial.runs[i], table),
                                          check_exact=True)


@pytest.mark.parametrize("path, horizon, count, jobs", [
    (DEFAULT, {}, 7, 2),  # odd: shares of 3 and 2 after the first two
    (DEFAULT, {}, 3, 2),  # one left after the first two: fewer than the processes
    (SINGLE, {"hours": 3, "warmup_hours": 1}, 12, 3),
    (SINGLE, {"hours": 3, "warmup_hours": 1}, 4, 5),  # more processes than replications left
])
def test_parallel_replications_equal_the_serial_ones(forks, path, horizon, count, jobs):
    built = scenario(path, **horizon)
    serial = replicate(built, count, seed=5, n_jobs=1, progress=False)
    assert forks == []  # one process: never forks
    parallel_run = replicate(built, count, seed=5, n_jobs=jobs, progress=False)
    assert len(forks) == min(jobs, count - parallel.SERIAL_FIRST) - 1
    assert_same(serial, parallel_run)
    if forks:
        assert_all_reaped(forks)


def test_parallel_equals_serial_without_common_random_numbers(forks):
    built = scenario(SINGLE, hours=2, warmup_hours=0)
    assert_same(replicate(built, 6, seed=2, crn=False, n_jobs=1, progress=False),
                replicate(built, 6, seed=2, crn=False, n_jobs=2, progress=False))
    assert_all_reaped(forks)


def test_parallel_simpy_replications_equal_the_serial_ones(forks):
    built = scenario(SINGLE, hours=1, warmup_hours=0)  # Results made in the workers, sent whole
    serial = replicate(built, 5, seed=3, engine="simpy", n_jobs=1, progress=False)
    parallel_run = replicate(built, 5, seed=3, engine="simpy", n_jobs=2, progress=False)
    assert_same(serial, parallel_run)
    assert all(run.scenario is built for run in parallel_run.runs)  # the scenario itself, not a copy
    assert_all_reaped(forks)


OUTBOUND = ("campaigns", "campaign_intervals", "group_time", "group_time_intervals")
BLENDED = os.path.join(ROOT, "configs", "scenario", "blended.yaml")


@pytest.mark.parametrize("engine, count", [("auto", 7), ("simpy", 4)])
def test_parallel_replications_with_campaigns_equal_the_serial_ones(forks, engine, count):
    built = scenario(BLENDED)  # outbound tables and dial attempts travel back from the workers
    serial = replicate(built, count, seed=8, engine=engine, n_jobs=1, progress=False)
    parallel_run = replicate(built, count, seed=8, engine=engine, n_jobs=2, progress=False)
    assert_same(serial, parallel_run)
    assert serial.campaigns is not None
    for table in OUTBOUND + ("per_replication_campaigns",):
        pd.testing.assert_frame_equal(getattr(parallel_run, table), getattr(serial, table), check_exact=True)
    for i in (0, count - 1):
        for table in OUTBOUND:
            pd.testing.assert_frame_equal(getattr(parallel_run.runs[i], table), getattr(serial.runs[i], table),
                                          check_exact=True)
    assert_all_reaped(forks)


def test_parallel_blending_theory_runs_keep_their_dial_attempts(forks):
    built = build_scenario(blended(100, 180, 8, 2, 120, 4))
    serial = replicate(built, 5, seed=3, n_jobs=1, progress=False)
    parallel_run = replicate(built, 5, seed=3, n_jobs=2, progress=False)
    assert_same(serial, parallel_run)
    for a, b in zip(serial.runs.theories(), parallel_run.runs.theories()):
        assert "outbound_per_hour" in set(a.metric)
        pd.testing.assert_frame_equal(b, a, check_exact=True)
    assert_all_reaped(forks)


def test_sequential_stopping_stops_where_the_serial_run_does(forks):
    built = scenario(SINGLE, hours=2, warmup_hours=0)
    target = Precision(kpi="service_level", half_width=0.02, max_replications=200)
    serial = replicate(built, 3, seed=4, precision=target, n_jobs=1, progress=False)
    parallel_run = replicate(built, 3, seed=4, precision=target, n_jobs=2, progress=False)
    assert 10 < serial.replications < 200 and serial.precision_met  # stopped by the rule, after rounds
    assert parallel_run.precision_met == serial.precision_met
    assert_same(serial, parallel_run)
    assert_all_reaped(forks)


def test_the_cap_of_sequential_stopping_holds_in_parallel(forks):
    built = scenario(SINGLE, hours=1, warmup_hours=0)
    target = Precision(kpi="service_level", half_width=1e-6, max_replications=9)
    serial = replicate(built, 2, seed=4, precision=target, n_jobs=1, progress=False)
    parallel_run = replicate(built, 2, seed=4, precision=target, n_jobs=2, progress=False)
    assert serial.replications == 9 and serial.precision_met is False
    assert_same(serial, parallel_run)


def failing_in_workers(monkeypatch, fail):
    """run_replication that calls ``fail()`` in worker processes only (slow here, so that the
    worker sharing this process's items from the other end surely gets some)."""
    parent = os.getpid()
    real = replications.run_replication

    def run(*args, **kwargs):
        if os.getpid() != parent:
            fail()
        time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(replications, "run_replication", run)


def test_a_worker_that_raises_raises_here_with_its_traceback(forks, monkeypatch):
    def fail():
        raise ValueError("broken in the worker")

    failing_in_workers(monkeypatch, fail)
    built = scenario(SINGLE, hours=2, warmup_hours=0)
    started = time.monotonic()
    with pytest.raises(ValueError, match="broken in the worker") as raised:
        replicate(built, 8, n_jobs=3, progress=False)
    assert time.monotonic() - started < 30
    assert isinstance(raised.value.__cause__, WorkerError)
    assert "in a worker process" in str(raised.value.__cause__)
    assert "raise ValueError" in str(raised.value.__cause__)  # the worker's traceback
    assert_all_reaped(forks)


def test_a_failing_worker_is_reported_before_this_process_finishes_its_own_work(forks, monkeypatch):
    parent, real = os.getpid(), replications.run_replication

    def run(*args, **kwargs):
        if os.getpid() != parent:
            raise ValueError("broken at once")
        time.sleep(0.1)  # here: 200 replications would take 20 s
        return real(*args, **kwargs)

    monkeypatch.setattr(replications, "run_replication", run)
    started = time.monotonic()
    with pytest.raises(ValueError, match="broken at once"):
        replicate(scenario(SINGLE, hours=1, warmup_hours=0), 202, n_jobs=2, progress=False)
    assert time.monotonic() - started < 5
    assert_all_reaped(forks)


def test_an_exception_that_cannot_be_pickled_arrives_as_its_traceback(forks, monkeypatch):
    class Local(Exception):  # (a local class: pickling it fails)
        pass

    def fail():
        raise Local("not picklable")

    failing_in_workers(monkeypatch, fail)
    with pytest.raises(WorkerError, match="Local: not picklable"):
        replicate(scenario(SINGLE, hours=2, warmup_hours=0), 20, n_jobs=2, progress=False)
    assert_all_reaped(forks)


def test_a_worker_that_dies_silently_is_an_error_naming_its_exit(forks, monkeypatch):
    failing_in_workers(monkeypatch, lambda: os._exit(7))
    with pytest.raises(WorkerError, match=r"ended without its results \(exit code 7\)"):
        replicate(scenario(SINGLE, hours=2, warmup_hours=0), 20, n_jobs=2, progress=False)
    assert_all_reaped(forks)


def test_a_failure_here_ends_the_workers_still_running(forks, monkeypatch):
    parent, real = os.getpid(), replications.run_replication
    calls = []

    def run(*args, **kwargs):
        if os.getpid() != parent:
            time.sleep(60)  # a worker that would take long
        calls.append(1)
        if len(calls) > parallel.SERIAL_FIRST:  # here, in this process's share
            raise RuntimeError("broken here")
        return real(*args, **kwargs)

    monkeypatch.setattr(replications, "run_replication", run)
    ignoring = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a handler the workers inherit must not delay them
    try:
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="broken here"):
            replicate(scenario(SINGLE, hours=1, warmup_hours=0), 8, n_jobs=2, progress=False)
    finally:
        signal.signal(signal.SIGTERM, ignoring)
    assert time.monotonic() - started < 30  # the sleeping worker was ended, not waited for
    assert_all_reaped(forks)


@pytest.mark.parametrize("refused", ["every fork", "the second fork", "shared memory"])
def test_when_the_system_refuses_a_process_the_share_is_computed_here(forks, monkeypatch, refused):
    real_fork, forked = os.fork, []

    def fork():
        forked.append(1)
        if refused == "every fork" or len(forked) == 2:
            raise BlockingIOError("Resource temporarily unavailable")
        return real_fork()

    def no_semaphores(*args):
        raise PermissionError("no /dev/shm")

    built = scenario(SINGLE, hours=2, warmup_hours=0)
    serial = replicate(built, 9, seed=9, n_jobs=1, progress=False)
    if refused == "shared memory":
        monkeypatch.setattr(parallel, "_TwoEnds", no_semaphores)
    else:
        monkeypatch.setattr(parallel.os, "fork", fork)
    assert_same(serial, replicate(built, 9, seed=9, n_jobs=3, progress=False))
    assert len(forks) == {"every fork": 0, "the second fork": 1, "shared memory": 2}[refused]
    if forks:
        assert_all_reaped(forks)


def test_half_width_computes_each_t_quantile_once_with_the_same_floats():
    from scipy.special import stdtrit

    count = np.array([[0, 1, 2, 3], [200, 3, 2, np.nan], [7, 7, 7, 1]])
    std = np.linspace(0.1, 2.0, 12).reshape(3, 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = stdtrit(np.where(count > 1, count - 1, np.nan), 0.975) * std / np.sqrt(count)
        got = replications.half_width(std, count, 0.95)
    np.testing.assert_array_equal(got, expected)
    assert np.isnan(got[0, :2]).all() and np.isfinite(got[1, 0])
    assert replications.half_width(1.5, 10, 0.9) == stdtrit(9, 0.95) * 1.5 / np.sqrt(10)


@pytest.mark.parametrize("slow", ["worker", "here"])
def test_the_faster_process_does_more_of_the_work_the_numbers_stay_the_same(forks, monkeypatch, slow):
    parent, real = os.getpid(), replications.run_replication
    here = []

    def run(*args, **kwargs):
        if (os.getpid() == parent) == (slow == "here"):
            time.sleep(0.05)
        if os.getpid() == parent:
            here.append(1)
        return real(*args, **kwargs)

    built = scenario(SINGLE, hours=1, warmup_hours=0)
    serial = replicate(built, 42, seed=6, n_jobs=1, progress=False)
    monkeypatch.setattr(replications, "run_replication", run)
    parallel_run = replicate(built, 42, seed=6, n_jobs=2, progress=False)
    assert_same(serial, parallel_run)
    mine = len(here) - parallel.SERIAL_FIRST  # of the 40 shared from both ends, 20 each if fixed
    assert (mine > 30) if slow == "worker" else (mine < 10)
    assert_all_reaped(forks)


def test_by_default_only_cpus_that_other_programs_leave_idle_are_used(forks, monkeypatch):
    built = scenario(SINGLE, hours=2, warmup_hours=0)
    loadavg = {"text": ""}
    real_open = open

    def fake_open(path, *args, **kwargs):
        if path == "/proc/loadavg":
            return io.StringIO(loadavg["text"])
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(parallel, "open", fake_open, raising=False)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 2)
    loadavg["text"] = "9.5 9.1 8.7 3/800 4242\n"  # this process and two others running: no CPU spare
    assert parallel.spare_cpus() == 1
    replicate(built, 9, progress=False)
    assert forks == []
    replicate(built, 9, n_jobs=2, progress=False)  # as asked
    assert len(forks) == 1
    loadavg["text"] = "0.9 0.5 0.4 1/800 4242\n"  # this process alone
    assert parallel.spare_cpus() == 2
    replicate(built, 9, progress=False)
    assert len(forks) == 2
    assert_all_reaped(forks)


def test_shares_are_contiguous_balanced_and_never_empty():
    for start, stop, parts in [(2, 9, 2), (0, 1, 4), (5, 105, 3), (0, 10, 10)]:
        cut = shares(start, stop, parts)
        assert cut[0][0] == start and cut[-1][1] == stop
        assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
        sizes = [last - first for first, last in cut]
        assert min(sizes) >= 1 and max(sizes) - min(sizes) <= 1 and len(cut) == min(parts, stop - start)


@pytest.mark.parametrize("n_jobs", [0, -1, 1.5, True, "2"])
def test_n_jobs_must_be_a_positive_whole_number(n_jobs):
    with pytest.raises(ConfigError, match="n_jobs: must be a whole number of at least 1"):
        replicate(scenario(SINGLE, hours=1, warmup_hours=0), 2, n_jobs=n_jobs)


def test_the_environment_can_set_the_number_of_processes(forks, monkeypatch):
    built = scenario(SINGLE, hours=2, warmup_hours=0)
    monkeypatch.setattr(parallel, "spare_cpus", lambda: 1)  # a busy machine: automatic means one
    replicate(built, 9, progress=False)
    assert forks == []
    monkeypatch.setenv("CALLSIM_JOBS", "3")
    replicate(built, 9, progress=False)
    assert len(forks) == 2
    assert parallel.requested_jobs(1) == 1  # n_jobs given: the environment is not asked
    for bad in ("0", "two", "1.5"):
        monkeypatch.setenv("CALLSIM_JOBS", bad)
        with pytest.raises(ConfigError, match="CALLSIM_JOBS: must be a whole number of at least 1"):
            replicate(built, 2, progress=False)
    assert_all_reaped(forks)


def test_the_default_is_the_usable_cpus_but_one_in_a_pool_worker(monkeypatch):
    assert parallel.check_jobs(None) == len(os.sched_getaffinity(0))
    monkeypatch.setattr(parallel.multiprocessing, "parent_process", lambda: object())  # as in a sweep's job
    assert parallel.check_jobs(None) == 1
    assert parallel.check_jobs(2) == 2


def test_ctrl_c_during_parallel_replications_ends_as_without_workers(tmp_path):
    out = tmp_path / "run"
    os.environ[parallel.JOBS_VARIABLE] = "2"  # (workers even on a busy machine; the child inherits it)
    os.environ["CALLSIM_PLOT_PROCESS"] = "0"  # no SciPy helper forked at start-up: the only children are workers
    try:
        process = start_callsim("replications=20000", "output.plots=false", f"hydra.run.dir={out}", cwd=tmp_path)
    finally:
        del os.environ[parallel.JOBS_VARIABLE], os.environ["CALLSIM_PLOT_PROCESS"]
    group = os.getpgid(process.pid)
    deadline = time.monotonic() + 60
    while not _has_children(process.pid):  # its workers are running
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.05)
    os.killpg(group, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert lines(stderr) == [f"callsim: interrupted: nothing complete was written in {out} (no run.json); "
                             "rerun the same command to start again"]
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no process of the group is left
        os.killpg(group, 0)


def _has_children(pid: int) -> bool:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return bool(out.stdout.strip())


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_worker_digests_its_items_as_it_goes_all_but_the_last_few(forks, jobs):
    """A worker passes its items through ``digest`` DIGEST_EVERY at a time while it runs, so that
    little is left once the shares meet: every item a worker made comes back digested except
    the last fewer than DIGEST_EVERY of its share (those ``send`` finishes); the items of this
    process are never digested (its consumer batches them); the order is the serial one."""
    n = 60

    def task(i):
        time.sleep(0.002)  # (both processes get a share)
        return ("made", i, os.getpid())

    def digest(items):
        return [("digested", i, pid) for _, i, pid in items]

    items = list(parallel.ordered(task, n, jobs, digest=digest))
    assert [i for _, i, _ in items] == list(range(n))
    here = os.getpid()
    assert all(kind == "made" for kind, _, pid in items if pid == here)
    by_worker = {}
    for kind, i, pid in items:
        if pid != here:
            by_worker.setdefault(pid, []).append(kind)
    assert by_worker, "no worker made any item"
    for kinds in by_worker.values():
        undigested = kinds.count("made")
        assert undigested < parallel.DIGEST_EVERY
        assert kinds.count("digested") == len(kinds) - undigested
        assert kinds.count("digested") % parallel.DIGEST_EVERY == 0
    assert_all_reaped(forks)


def test_while_waiting_for_the_first_worker_this_process_does_its_idle_work_once(forks):
    """When this process's share is done and the first worker's items are not there yet,
    ``idle`` runs here, once, before the worker's items are yielded (a worker made slow here, so
    that this process waits); the items keep the serial order."""
    n, here, events = 24, os.getpid(), []

    def task(i):
        time.sleep(0.002 if os.getpid() == here else 0.02)
        events.append(("made", i))
        return i

    def idle():
        events.append(("idle", None))

    items = []
    for item in parallel.ordered(task, n, 2, idle=idle):
        items.append(item)
        events.append(("yielded", item))
    assert items == list(range(n))
    assert [kind for kind, _ in events].count("idle") == 1
    at = events.index(("idle", None))
    mine = [i for kind, i in events[:at] if kind == "made"]  # this process's items, all yielded before
    assert mine == list(range(len(mine))) and 0 < len(mine) < n
    assert [i for kind, i in events[at:] if kind == "yielded"] == list(range(len(mine), n))
    assert_all_reaped(forks)


def test_no_idle_work_when_the_worker_is_done_first(forks):
    """A worker whose items are already there when this process's share ends: no idle call."""
    n, here, calls = 24, os.getpid(), []

    def task(i):
        time.sleep(0.03 if os.getpid() == here and i >= parallel.SERIAL_FIRST else 0.0005)
        return i

    assert list(parallel.ordered(task, n, 2, idle=lambda: calls.append(1))) == list(range(n))
    assert calls == []
    assert_all_reaped(forks)


def test_a_workers_arrays_come_through_shared_memory_as_views(forks):
    """A worker's arrays reach this process as views of the shared arena (no copy through the
    pipe), with their values; an array too big for what is left of the arena, and a
    non-contiguous one, come through the pipe instead, equal all the same."""
    import mmap

    from sim.experiments import arena

    n = 12

    def task(i):
        time.sleep(0.002)
        return np.full((3, 5), float(i)) if i % 2 else (np.arange(40.0).reshape(5, 8) + i)[:, ::2]

    def in_arena(array) -> bool:  # whether an array's memory is a shared mapping's
        while isinstance(array, np.ndarray) and array.base is not None:
            array = array.base
        return isinstance(array, memoryview) and isinstance(array.obj, mmap.mmap)

    items = list(parallel.ordered(task, n, 2, room=lambda k: 1 << 16))
    for i, item in enumerate(items):
        assert item.tolist() == (np.full((3, 5), float(i)) if i % 2 else (np.arange(40.0).reshape(5, 8) + i)[:, ::2]).tolist()
    shared = [i for i, item in enumerate(items) if in_arena(item)]
    assert shared and all(i % 2 for i in shared), "the worker's contiguous arrays come through the arena"
    room = arena.Arena(size=256)
    stream, spans = arena.dumps([np.ones(10), np.ones(100), np.arange(10.0)[::2]], room)
    assert [length for _, length in spans] == [80]  # the big one and the strided one in the stream
    again = arena.loads(stream, spans, room)
    assert [a.tolist() for a in again] == [[1.0] * 10, [1.0] * 100, [0.0, 2.0, 4.0, 6.0, 8.0]]
    assert in_arena(again[0]) and not in_arena(again[1])
    assert_all_reaped(forks)


def test_a_workers_kpi_numbers_reach_replicate_through_shared_memory(forks, monkeypatch):
    """``replicate`` sizes each worker's shared memory (runs.message_bytes) so that the KPI
    numbers of all its runs come through it (views, no copy through the pipe), equal to the
    serial ones (this process made slow, so that the worker makes most runs)."""
    import mmap

    from sim.experiments import replications

    built = scenario(DEFAULT)
    serial = replicate(built, 10, seed=4, n_jobs=1, progress=False)
    here, real = os.getpid(), replications.run_replication

    def slow_here(*args, **kwargs):
        if os.getpid() == here:
            time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(replications, "run_replication", slow_here)
    parallel_run = replicate(built, 10, seed=4, n_jobs=2, progress=False)
    assert_same(serial, parallel_run)

    def in_arena(array) -> bool:
        while isinstance(array, np.ndarray) and array.base is not None:
            array = array.base
        return isinstance(array, memoryview) and isinstance(array.obj, mmap.mmap)

    shared = [i for i, run in enumerate(parallel_run.runs.kept) if all(map(in_arena, run.columns.values()))]
    assert len(shared) >= 4 and shared == list(range(10 - len(shared), 10))  # the worker's: from the back
    assert_all_reaped(forks)
