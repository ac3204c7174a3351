"""Output directories: one writer at a time, never a mix of two runs, one line (no traceback) on
Ctrl-C and for a directory that cannot be written, files as readable as the umask says."""

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf

from sim.cli import begin_output, config_dir, run
from sim.experiments.sweep import job_dirs
from sim.model.config import register_configs
from sim.reports import files, outdir
from sim.reports.files import write_atomically

SMALL = ["scenario=single_queue", "scenario.horizon.hours=1", "scenario.horizon.warmup_hours=0", "output.plots=false"]
LONG = ["engine=simpy", "scenario.horizon.hours=2000"]  # runs for many seconds: there is time to interrupt it


def callsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def _interruptible() -> None:
    """Ctrl-C as in a terminal: a shell starts background commands (``cmd &``, a CI runner's
    steps) with SIGINT ignored, and a process keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_callsim(*args, cwd):
    """callsim in its own process group, so a signal reaches it and its workers as Ctrl-C would."""
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_interruptible)


def wait_for(condition, process, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"callsim ended early: {process.communicate()}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def lines(stderr: str):
    """stderr's lines as a terminal shows them (a progress bar rewrites its line after '\\r')."""
    return [line.rsplit("\r", 1)[-1].strip() for line in stderr.splitlines() if line.rsplit("\r", 1)[-1].strip()]


def complete_run(out_dir: Path, seed: int) -> None:
    """A complete single-queue run in ``out_dir``, written in this process."""
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[*SMALL, f"seed={seed}"])
    assert run(cfg, str(out_dir)) == 0


def assert_one_complete_run(out_dir: Path, seed: int) -> None:
    """run.json, config.yaml and the tables are all from the run with ``seed``."""
    manifest = json.loads((out_dir / "run.json").read_text())
    assert manifest["status"] == "complete" and manifest["seed"] == seed
    assert yaml.safe_load((out_dir / "config.yaml").read_text())["seed"] == seed
    summary = pd.read_csv(out_dir / "summary.csv").set_index("call_type")
    assert summary.loc["total", "arrived"] == manifest["calls"]
    assert len(pd.read_parquet(out_dir / "calls.parquet")) == manifest["calls"]


def test_a_second_writer_is_refused_and_the_directory_stays_one_run(tmp_path):
    out = tmp_path / "run"
    complete_run(out, seed=1)
    first = json.loads((out / "run.json").read_text())
    with outdir.locked(out, "hydra.run.dir"):  # as a run still writing ``out`` holds it
        done = callsim(*SMALL, "seed=2", f"hydra.run.dir={out}", cwd=tmp_path)
        with pytest.raises(outdir.OutputDirError, match="another callsim run is writing"):
            with outdir.locked(out, "hydra.run.dir"):
                pass
    assert done.returncode == 2, done.stdout + done.stderr
    assert lines(done.stderr) == [f"callsim: another callsim run is writing {out}; wait for it to finish "
                                  "or choose another directory with hydra.run.dir=<directory>"]
    assert_one_complete_run(out, seed=1)
    assert json.loads((out / "run.json").read_text()) == first  # untouched
    with outdir.locked(out, "hydra.run.dir"):  # released when the holder let go
        pass


def test_a_sweep_job_whose_directory_is_being_written_is_refused_alone(tmp_path):
    sweep = tmp_path / "sweep"
    busy = sweep / "job1"  # seed=2's
    busy.mkdir(parents=True)
    with outdir.locked(busy, "hydra.sweep.dir"):
        done = callsim("-m", *SMALL, "seed=1,2", "hydra/launcher=basic", f"hydra.sweep.dir={sweep}",
                       "hydra.sweep.subdir=job${hydra.job.num}", cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # the sweep ends with a job not complete
    assert f"callsim: another callsim run is writing {busy}; wait for it to finish or choose another " \
           "directory with hydra.sweep.dir=<directory>" in lines(done.stderr)
    assert "Traceback" not in done.stderr
    assert not (busy / "run.json").exists() and not (busy / ".hydra").exists()  # nothing written into it
    other = sweep / "job0"
    assert json.loads((other / "run.json").read_text())["seed"] == 1
    assert "seed=1" in yaml.safe_load((other / ".hydra" / "overrides.yaml").read_text())
    assert job_dirs(sweep) == [other, busy]
    assert "1 of 2 jobs complete" in done.stderr and "incomplete: job1" in done.stderr
    assert not list(other.glob("*.log"))  # no empty cli.log


def test_an_interrupted_rerun_leaves_the_directory_clearly_incomplete(tmp_path):
    out = tmp_path / "run"
    complete_run(out, seed=1)
    process = start_callsim(*SMALL, *LONG, "seed=2", f"hydra.run.dir={out}", cwd=tmp_path)
    overrides = out / ".hydra" / "overrides.yaml"
    wait_for(lambda: overrides.exists() and "seed=2" in overrides.read_text(), process)
    assert not (out / "run.json").exists()  # marked incomplete before the new .hydra/ was written
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert lines(stderr) == [f"callsim: interrupted: nothing complete was written in {out} (no run.json); "
                             "rerun the same command to start again"]
    assert not (out / "run.json").exists()
    assert not (out / "cli.log").exists()


def test_a_rerun_marks_the_directory_incomplete_before_it_rewrites_anything(tmp_path, monkeypatch):
    out = tmp_path / "run"
    complete_run(out, seed=1)
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[*SMALL, "seed=2"], return_hydra_config=True)
    cfg.hydra.runtime.output_dir = str(out)  # as Hydra sets it for the job
    task_cfg = OmegaConf.masked_copy(cfg, [key for key in cfg if key != "hydra"])
    written, real_write = [], files.write_atomically  # (file, whether run.json was still there)

    def spy(path, write):
        written.append((path.name, (out / "run.json").exists()))
        real_write(path, write)

    monkeypatch.setattr(files, "write_atomically", spy)
    HydraConfig.instance().set_config(cfg)  # as in the job Hydra runs
    try:
        begin_output(task_cfg, str(out))
    finally:
        HydraConfig.instance().cfg = None
    assert written == [("config.yaml", False), ("hydra.yaml", False), ("overrides.yaml", False)]
    assert "seed=2" in yaml.safe_load((out / ".hydra" / "overrides.yaml").read_text())
    assert yaml.safe_load((out / ".hydra" / "config.yaml").read_text())["seed"] == 2


def test_sigterm_ends_a_run_with_one_line(tmp_path):
    out = tmp_path / "run"
    process = start_callsim(*SMALL, *LONG, f"hydra.run.dir={out}", cwd=tmp_path)
    wait_for((out / ".hydra" / "overrides.yaml").exists, process)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert lines(stderr) == [f"callsim: interrupted: nothing complete was written in {out} (no run.json); "
                             "rerun the same command to start again"]


@pytest.mark.slow  # worker processes start, one job completes, another shows its progress bar
def test_ctrl_c_in_a_sweep_says_how_many_jobs_are_kept(tmp_path):
    sweep = tmp_path / "sweep"
    process = start_callsim("-m", *SMALL, "engine=simpy", "scenario.horizon.hours=1,2000", "sweep=demo",
                            "progress=true", "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={sweep}",
                            "hydra.sweep.subdir=job${hydra.job.num}", cwd=tmp_path)
    stderr = []  # read as it comes: the slow job's progress bar shows it is simulating in its worker
    reader = threading.Thread(target=lambda: stderr.extend(iter(lambda: process.stderr.read(1), "")))
    reader.start()
    quick, slow = (sweep / f"job{n}" for n in (0, 1))
    wait_for(lambda: (quick / "run.json").exists() and "simulated hours" in "".join(stderr), process)
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    reader.join(timeout=60)
    stderr = "".join(stderr)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "leaked semaphore" not in stderr, stderr
    assert [line for line in lines(stderr) if "callsim" in line] == [
        f"callsim: interrupted: 1 of 2 jobs complete in {sweep}; rerun the same command with sweep=demo "
        "to resume (complete jobs are skipped)"], stderr
    assert not (slow / "run.json").exists()


UNWRITABLE = {  # case: (setting, its value, the directory the message names); {tmp} is the test's directory
    "under a file": ("hydra.run.dir", "{tmp}/a_file/run", "{tmp}/a_file/run"),
    "under a file, named by Hydra": ("hydra.run.dir", "{tmp}/a_file/${{hydra:job.name}}", "{tmp}/a_file/cli"),
    "sweep under a file": ("hydra.sweep.dir", "{tmp}/a_file/sweep", "{tmp}/a_file/sweep"),
    "in /proc": ("hydra.run.dir", "/proc/callsim-run", "/proc/callsim-run"),
    "read-only dir": ("hydra.run.dir", "{tmp}/ro/run", "{tmp}/ro/run"),
    "read-only cwd": ("hydra.run.dir", None, "results/single_queue/"),  # the default, relative to the cwd
}


@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def test_an_output_directory_that_cannot_be_written_gets_one_line(tmp_path, case):
    if case.startswith("read-only") and os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    setting, value, named = (None if v is None else v.format(tmp=tmp_path) for v in UNWRITABLE[case])
    (tmp_path / "a_file").write_text("")
    (tmp_path / "ro").mkdir(mode=0o500)
    if setting == "hydra.sweep.dir":
        done = callsim("-m", *SMALL, "seed=1,2", f"{setting}={value}", cwd=tmp_path)
    else:
        done = callsim(*SMALL, *([f"{setting}={value}"] if value else []), cwd=tmp_path / "ro" if value is None else tmp_path)
    assert done.returncode == 2, done.stderr
    [line] = lines(done.stderr)
    assert line.startswith(f"callsim: cannot write the output directory {named}")
    assert line.endswith(f"; choose another with {setting}=<directory>")
    if "a_file" in named:
        assert f"{tmp_path / 'a_file'} is a file, not a directory" in line


def test_a_sweep_job_directory_that_cannot_be_created_gets_one_line(tmp_path):
    sweep, subdir = tmp_path / "sweep", "job${hydra.job.num}" + "x" * 300  # names over 255 characters
    done = callsim("-m", *SMALL, "seed=1,2", "hydra.launcher.n_jobs=1", f"hydra.sweep.dir={sweep}",
                   f"hydra.sweep.subdir={subdir}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    [line] = lines(done.stderr)
    assert line.startswith(f"callsim: cannot create the job directory {sweep / ('job0' + 'x' * 300)}: ")
    assert line.endswith("choose shorter or other names with hydra.sweep.subdir=<name>, e.g. job${hydra.job.num}")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_result_files_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        write_atomically(tmp_path / "one.txt", lambda tmp: Path(tmp).write_text("x"))
        complete_run(tmp_path / "run", seed=1)
    finally:
        os.umask(previous)
    files = [tmp_path / "one.txt", *(p for p in (tmp_path / "run").iterdir() if p.is_file())]
    assert len(files) > 8
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
    assert {p.name for p in tmp_path.iterdir()} == {"one.txt", "run"}  # no temporary file left
