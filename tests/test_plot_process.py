"""Plots drawn in a forked child (sim.reports.plot_process) are the plots drawn in-process, byte
for byte, in the PNG files and in the report; a child that fails is said on stderr and the
plots are drawn in-process (an error in the plotting code raised as before, the run left
incomplete); no process is left behind, however the run ends."""

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from sim import simulate
from sim.cli import config_dir, run, start_plot_process, start_plot_process_early
import sim.cli as cli
from sim.experiments.replications import replicate
from sim.model.config import register_configs
from sim.reports import files, plot_process, plots
from sim.simulate import load_scenario_file

from test_outputs import lines, start_callsim, wait_for

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork: the plots are always drawn in-process")


@pytest.fixture(autouse=True)
def plot_process_however_busy(monkeypatch):
    """The command's plot process whatever the machine's load (the tests run in parallel)."""
    monkeypatch.setenv("CALLSIM_PLOT_PROCESS", "1")

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"
SMALL = ["scenario=single_queue", "scenario.horizon.hours=2", "scenario.horizon.warmup_hours=0"]
FAILED = "callsim: the plot process failed ({}); drawing the plots in this process instead"


def single_queue(hours=2):
    scenario = load_scenario_file(CONFIGS / "single_queue.yaml")
    scenario["horizon"].update(hours=hours, warmup_hours=0)
    return scenario


def children(pid):
    """The processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def in_session(sid):
    """The processes (zombies too) of session ``sid``: a callsim started by start_callsim and
    everything it forked, reparented or not."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[3]) == sid:
            found.append(int(entry.name))
    return found


def gone(pid):
    """Whether ``pid`` has ended and been reaped (a zombie still has its /proc entry)."""
    return not Path(f"/proc/{pid}").exists()


def drawn_by_child(results):
    process = plot_process.start()
    try:
        process.submit(results)
        pngs = process.pngs(results)
    finally:
        process.close()
    return process, pngs


@pytest.fixture(params=["single run", "replications", "blended"])
def results(request):
    if request.param == "single run":
        return simulate(single_queue(), seed=3)
    if request.param == "blended":  # the outbound figures too (nuisance rate, time split)
        return simulate(load_scenario_file(CONFIGS / "blended.yaml"), seed=3)
    return replicate(single_queue(), 3, seed=3)  # confidence bands: the *_ci columns are sent too


def test_the_child_draws_the_very_pngs_drawn_in_process(results, capfd):
    process, pngs = drawn_by_child(results)
    assert process.failure is None and "plot process" not in capfd.readouterr().err
    expected = plots.run_pngs(results)
    assert list(pngs) == list(expected) == plots.run_figure_names(results)  # files and report in the same order
    assert ("nuisance_rate" in pngs) == (results.scenario.campaigns != ())
    assert pngs == expected and all(png.startswith(b"\x89PNG") for png in pngs.values())
    assert gone(process.pid)


def test_the_files_and_the_report_are_those_written_in_process(tmp_path):
    results = simulate(single_queue(), seed=5)
    here, there = tmp_path / "here", tmp_path / "there"
    files.write_run(results, here, plots=True)
    process = plot_process.start()
    try:
        process.submit(results)
        files.write_run(results, there, plots=True, render=process.pngs)
    finally:
        process.close()
    assert process.failure is None
    names = sorted(p.name for p in here.iterdir())
    assert names == sorted(p.name for p in there.iterdir()) and "service_level.png" in names
    for name in names:
        mine, theirs = (here / name).read_bytes(), (there / name).read_bytes()
        if name in ("report.html", "run.json"):  # (the time it was written)
            mine, theirs = (re.sub(rb"\d{4}-\d\d-\d\d \d\d:\d\d UTC", b"", text) for text in (mine, theirs))
        assert mine == theirs, name


def test_the_command_writes_the_pngs_drawn_in_process(tmp_path):
    """The command's child imports matplotlib itself (forked before the parent ever has)."""
    out = tmp_path / "run"
    process = start_callsim(*SMALL, f"hydra.run.dir={out}", cwd=tmp_path)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "plot process" not in stderr
    assert in_session(process.pid) == []  # the child reaped by callsim, its helper by the child
    expected = plots.run_pngs(simulate(single_queue(), seed=1))  # the command's default seed
    assert {name: (out / f"{name}.png").read_bytes() for name in expected} == expected


def test_a_child_that_dies_is_said_and_the_plots_are_drawn_here(monkeypatch, capfd):
    results = simulate(single_queue(), seed=3)
    expected = plots.run_pngs(results)
    draw, parent = plots.RUN_FIGURES["service_level"], os.getpid()

    def dies_in_the_child(r):
        if os.getpid() != parent:
            os._exit(3)
        return draw(r)

    monkeypatch.setitem(plots.RUN_FIGURES, "service_level", dies_in_the_child)
    process, pngs = drawn_by_child(results)
    assert process.failure == "it ended without an answer (EOFError)"
    assert lines(capfd.readouterr().err) == [FAILED.format(process.failure)]
    assert pngs == expected
    assert gone(process.pid)


def test_an_error_in_the_plots_is_said_then_raised_as_in_process(monkeypatch, capfd):
    results = simulate(single_queue(), seed=3)

    def broken(r):
        raise ValueError("no axis for this")

    monkeypatch.setitem(plots.RUN_FIGURES, "queue_and_staffing", broken)  # drawn by the child's helper
    process = plot_process.start()
    try:
        process.submit(results)
        with pytest.raises(ValueError, match="no axis for this"):
            process.pngs(results)
    finally:
        process.close()
    err = lines(capfd.readouterr().err)
    # the helper's failure, said by the child (which drew it itself, and failed too), then the parent's
    assert err[-1] == FAILED.format("ValueError: no axis for this")
    assert gone(process.pid)


def test_a_run_whose_plots_fail_is_left_incomplete(tmp_path, monkeypatch, capfd):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=SMALL)
    monkeypatch.setitem(plots.RUN_FIGURES, "service_level", lambda r: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run(cfg, str(tmp_path / "run"))
    assert FAILED.format("ZeroDivisionError: division by zero") in lines(capfd.readouterr().err)
    assert not (tmp_path / "run" / "run.json").exists() and (tmp_path / "run" / "summary.csv").exists()
    assert children(os.getpid()) == []


def test_without_fork_the_plots_are_drawn_in_process(tmp_path, monkeypatch):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=SMALL)
    monkeypatch.delattr(os, "fork")
    assert plot_process.start() is None
    assert run(cfg, str(tmp_path / "run")) == 0
    assert files.read_manifest(tmp_path / "run") is not None and (tmp_path / "run" / "service_level.png").exists()


@pytest.mark.parametrize("argv, started", [
    (SMALL, True), ([*SMALL, "output.plots=true"], True), ([*SMALL, "output.plots=false"], False),
    ([*SMALL, "++output.plots=False"], False), (["-m", *SMALL], False), (["--cfg", "job"], False)])
def test_the_command_starts_its_plot_process_before_hydra_only_when_plots_may_be_drawn(argv, started):
    start_plot_process_early(argv)
    early = cli._started_plot_process
    try:
        assert (early is not None) == started
    finally:
        cli.end_plot_process()
    assert cli._started_plot_process is None and (early is None or gone(early.pid))


def test_an_early_plot_process_is_ended_when_the_config_turns_the_plots_off():
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[*SMALL, "output.plots=false"])
    start_plot_process_early([])
    early = cli._started_plot_process
    assert early is not None
    assert start_plot_process(cfg, multirun=False) is None
    assert gone(early.pid) and cli._started_plot_process is None


def test_a_hydra_error_leaves_no_plot_process_behind(tmp_path):
    process = start_callsim(*SMALL, "no_such_key=1", cwd=tmp_path)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and "no_such_key" in stderr
    assert "plot process" not in stderr
    assert in_session(process.pid) == []  # the plot process started before Hydra was ended and reaped


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_run_with_plots_says_one_line_and_leaves_no_process(tmp_path, how):
    out = tmp_path / "run"
    process = start_callsim(*SMALL, "engine=simpy", "scenario.horizon.hours=2000", f"hydra.run.dir={out}",
                            cwd=tmp_path)
    wait_for((out / ".hydra" / "overrides.yaml").exists, process)
    helpers = children(process.pid)
    assert len(helpers) == 2  # the plot process, waiting for the tables, and SciPy's (sim.analytic_special)
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C
    else:
        process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + (signal.SIGINT if how == "ctrl-c" else signal.SIGTERM), stderr
    assert lines(stderr) == [f"callsim: interrupted: nothing complete was written in {out} (no run.json); "
                             "rerun the same command to start again"]
    assert all(gone(pid) for pid in helpers) and in_session(process.pid) == []  # reaped by callsim


def test_a_busy_machine_draws_in_process(monkeypatch):
    monkeypatch.setenv("CALLSIM_PLOT_PROCESS", "0")
    start_plot_process_early([])
    assert cli._started_plot_process is None
    monkeypatch.delenv("CALLSIM_PLOT_PROCESS")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)  # one CPU: never free
    assert not plot_process.second_core_free()


def test_a_sigterm_inside_a_finaliser_still_ends_the_child():
    """The child's SIGTERM raised in a weak reference's callback (during a garbage collection) is
    dropped there by Python; the child arms its handler again and is ended a moment later (seen in
    CI: the child printed "Exception ignored" and waited to be killed)."""
    code = textwrap.dedent("""
        import signal, sys, time, weakref
        from sim.reports import plot_process
        signal.signal(signal.SIGTERM, plot_process._end)
        sys.unraisablehook = plot_process._end_again
        class A: pass
        a = A(); ref = weakref.ref(a, lambda r: plot_process._end(signal.SIGTERM, None))
        try:
            del a
            began = time.time()
            while time.time() - began < 5:
                pass
            print("still running")
        except SystemExit as ended:
            print("ended", ended.code)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["ended 143"], (done.stdout, done.stderr)
    assert "Exception ignored" not in done.stderr
