"""Start-up of the ``callsim`` command (issue 11): a plain small run imports only what it uses, and
SciPy's special functions come from a helper process (sim/analytic_special.py) with the very
values SciPy gives in-process."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

SMALL_RUN = ["scenario=single_queue", "scenario.horizon.hours=3", "scenario.horizon.warmup_hours=0", "output.plots=false"]
# modules a plain single-queue run does not use (each deferred to where it is used)
NOT_IMPORTED = ("scipy", "matplotlib", "tqdm", "sim.experiments.replications", "sim.experiments.batch_means")


def command_modules(out, *overrides, helper: str = "1") -> list:
    """Run the console command (sim.cli's own code path, in a fresh interpreter) and return which
    of NOT_IMPORTED it imported."""
    argv = ["callsim", *SMALL_RUN, *overrides, f"hydra.run.dir={out}"]
    code = ("import sys, sim.cli\n"
            f"sys.argv = {argv!r}\n"
            "try:\n    sim.cli._command()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
            f"print(sorted(m for m in {NOT_IMPORTED!r} if m in sys.modules))")
    env = {**os.environ, "CALLSIM_PLOT_PROCESS": helper}  # (the plot process's switch: a child on the other core)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_a_plain_run_imports_no_scipy_and_writes_the_same_theory(tmp_path):
    """With its helper, the command never imports scipy (nor matplotlib without plots, tqdm
    without a progress bar, replications or batch means for a single run), and the
    Erlang A comparison (betainc, logsumexp, and the t quantile of its confidence intervals) is
    byte for byte the one computed in-process (no helper: scipy imported here)."""
    assert command_modules(tmp_path / "helper") == []
    assert command_modules(tmp_path / "here", helper="0") == ["scipy"]
    theory = (tmp_path / "helper" / "theory.csv").read_text()
    assert theory == (tmp_path / "here" / "theory.csv").read_text()
    assert "nan" not in theory  # (the confidence intervals are there: stdtrit was called)
    for name in ("summary.csv", "intervals.csv", "groups.csv"):
        assert (tmp_path / "helper" / name).read_text() == (tmp_path / "here" / name).read_text()


HELPER_CHECK = """
import os, sys
import numpy as np
from sim import analytic_special as special
assert special.start_helper()
a = np.arange(1.0, 40.0)
values = [special.betainc(a, 7.5, 0.3), special.logsumexp(np.log(a)), special.stdtrit(a, 0.975)]
assert "scipy.special" not in sys.modules, "computed in-process"
pid = os.fork()
if pid == 0:  # a forked process (a replication worker) computes its own, leaving the helper alone
    ok = special.stdtrit(3.0, 0.975) > 3 and "scipy.special" in sys.modules
    special.stop_helper()
    os._exit(0 if ok else 1)
assert os.waitpid(pid, 0)[1] == 0
assert special._helper is not None
kill = sys.argv[1] == "kill"
if kill:  # a helper that died: computed here
    os.kill(special._helper[0], 9)
    os.waitpid(special._helper[0], 0)
else:
    for _ in range(special.HELPER_CALLS):  # a staffing search: after HELPER_CALLS calls, here
        special.betainc(2.0, 3.0, 0.5)
late = special.betainc(a, 7.5, 0.3)
assert "scipy.special" in sys.modules and special._helper is None
import scipy.special as sc
assert np.array_equal(values[0], sc.betainc(a, 7.5, 0.3)) and np.array_equal(late, values[0])
assert values[1] == sc.logsumexp(np.log(a)) and type(values[1]) is type(sc.logsumexp(np.log(a)))
assert np.array_equal(values[2], sc.stdtrit(a, 0.975))
print("ok")
"""


@pytest.mark.parametrize("ending", ["calls", "kill"])
def test_the_helper_gives_scipys_values_and_hands_over_to_this_process(ending):
    done = subprocess.run([sys.executable, "-c", HELPER_CHECK, ending], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_an_error_is_raised_here_as_scipy_raises_it():
    """A call the helper cannot answer is computed here, so its error is SciPy's own."""
    code = ("from sim import analytic_special as s\nimport numpy as np\ns.start_helper()\n"
            "try:\n    s.logsumexp(np.array(['a']))\nexcept Exception as e:\n    print(type(e).__module__.split('.')[0], type(e).__name__)\n"
            "import sys; print('scipy.special' in sys.modules, s._helper is None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = _local_error()
    assert done.stdout.split("\n")[:2] == [expected, "True True"]


def _local_error() -> str:
    from scipy.special import logsumexp

    try:
        logsumexp(np.array(["a"]))
    except Exception as error:
        return f"{type(error).__module__.split('.')[0]} {type(error).__name__}"
    raise AssertionError("logsumexp of a string did not raise")


def test_a_sweep_jobs_bars_get_a_thread_lock_also_when_tqdm_comes_later():
    """SweepCallback.on_job_start asks for a thread lock (sim.progress.use_thread_lock) before any
    bar imported tqdm: the first bar sets it, instead of tqdm's multiprocessing lock."""
    code = ("import sys, threading\nfrom sim import progress\nprogress.use_thread_lock()\n"
            "assert 'tqdm' not in sys.modules\nbar = progress.progress_bar(3, 'x', 'job', enabled=False)\n"
            "from tqdm import tqdm\nprint(type(tqdm.get_lock()) is type(threading.RLock()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr


STOPPED_CHECK = """
import sys
from hydra import compose, initialize_config_dir
from sim import analytic_special
from sim.cli import config_dir, run
from sim.experiments import job
from sim.model.config import register_configs
assert analytic_special.start_helper()
simulate = job.run_experiment
def watched(*args, **kwargs):
    print("helper running while simulating:", analytic_special._helper is not None)
    return simulate(*args, **kwargs)
job.run_experiment = watched
register_configs()
with initialize_config_dir(config_dir=config_dir(), version_base=None):
    cfg = compose("config", overrides=sys.argv[2:] + ["output.plots=false", "output.calls=false"])
assert run(cfg, sys.argv[1]) == 0
"""


@pytest.mark.parametrize("overrides, running", [
    (["scenario.horizon.hours=2"], False),  # the default day: no textbook queue, one run
    (["scenario.horizon.hours=2", "replications=2"], True),  # confidence intervals (t quantile)
    (["scenario=single_queue", "scenario.horizon.hours=1"], True),  # the Erlang A comparison
])
def test_the_helper_ends_as_soon_as_the_run_is_known_not_to_need_it(tmp_path, overrides, running):
    done = subprocess.run([sys.executable, "-c", STOPPED_CHECK, str(tmp_path), *overrides],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"helper running while simulating: {running}" in done.stdout
