"""The ``callsim`` command: the default scenario end to end, what-if overrides, bad input."""

import json
import signal
import subprocess
import sys

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.analytic import erlang_a_metrics
from sim.cli import apply_shortcuts, config_dir, run
from sim.model.config import register_configs
from sim.model.scenario import build_scenario

EXPECTED_FILES = {"summary.csv", "intervals.csv", "groups.csv", "group_intervals.csv", "agents.csv",
                  "calls.parquet", "config.yaml", "service_level.png", "queue_and_staffing.png", "run.json"}


def callsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def composed(*overrides):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        return compose("config", overrides=list(overrides))


def test_default_scenario_runs_from_the_command_line(tmp_path):
    out = tmp_path / "run"
    done = callsim(f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert EXPECTED_FILES <= {p.name for p in out.iterdir()}
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["status"] == "complete" and manifest["scenario"] == "default"
    summary = pd.read_csv(out / "summary.csv").set_index("call_type")
    assert {"retail", "sales", "stocks", "english", "total"} <= set(summary.index)
    assert summary.loc["total", "arrived"] == manifest["calls"] > 3000
    calls = pd.read_parquet(out / "calls.parquet")
    assert len(calls) == manifest["calls"]
    for text in ("Service (target", "retail", "Agent groups", "bilingual", str(out)):
        assert text in done.stdout
    intervals = pd.read_csv(out / "intervals.csv")
    assert intervals.interval.nunique() == 34 and intervals.start.iloc[0] == "07:00"

    lean = tmp_path / "lean"  # no per-call records: the same counts from the streaming tallies
    done = callsim(f"hydra.run.dir={lean}", "output.calls=false", "engine=fast", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "calls.parquet" not in {p.name for p in lean.iterdir()}
    lean_summary = pd.read_csv(lean / "summary.csv").set_index("call_type")
    counts = ["arrived", "offered", "answered", "abandoned", "answered_within_T", "blocked"]
    pd.testing.assert_frame_equal(summary[counts], lean_summary[counts])


def test_single_queue_what_if_shows_erlang_a(tmp_path):
    done = callsim("scenario=single_queue", "agents=46", "rate=650", "scenario.horizon.hours=20",
                   f"hydra.run.dir={tmp_path / 'sq'}", "output.plots=false", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Against Erlang A" in done.stdout
    theory = pd.read_csv(tmp_path / "sq" / "theory.csv").set_index("metric")
    assert theory.loc["service_level", "theory"] == pytest.approx(
        erlang_a_metrics(650 / 3600, 240, 46, 180, 20).service_level)


def test_shortcuts_map_onto_the_single_queue_scenario():
    cfg = composed("scenario=single_queue", "rate=700", "aht=200", "patience=none", "agents=50", "trunks=60")
    scenario = build_scenario(apply_shortcuts(cfg))
    ct, group = scenario.call_types[0], scenario.groups[0]
    assert ct.rates[0] == pytest.approx(700 / 3600)
    assert ct.talk.mean == 200 and ct.talk.kind == "exponential"
    assert ct.patience is None
    assert len(group.spells) == 50 and scenario.trunks == 60
    cfg = composed("scenario=single_queue", "patience=90")
    assert build_scenario(apply_shortcuts(cfg)).call_types[0].patience.mean == 90


def test_overrides_reach_the_default_scenario():
    cfg = composed("scenario.groups.retail_team.shifts.day.count=12", "scenario.call_types.sales.volume_scale=1.5",
                   "scenario.kpi.sl_threshold=30")
    base = build_scenario(composed().scenario)
    changed = build_scenario(apply_shortcuts(cfg))
    assert len(changed.groups[0].spells) == len(base.groups[0].spells) + 2
    assert sum(changed.call_types[1].rates) == pytest.approx(1.5 * sum(base.call_types[1].rates))
    assert changed.kpi.sl_threshold == 30


def test_bad_input_names_the_field_and_writes_no_complete_run(tmp_path):
    out = tmp_path / "bad"
    done = callsim("scenario.call_types.retail.talk_time.kind=normal", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 2
    assert "call_types.retail.talk_time.kind" in done.stderr and "lognormal" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (out / "run.json").exists()


def test_in_process_run_writes_csv_calls(tmp_path):
    cfg = composed("scenario=single_queue", "scenario.horizon.hours=5", "output.calls_format=csv", "output.plots=false")
    assert run(cfg, str(tmp_path)) == 0
    assert (tmp_path / "calls.csv.gz").exists() and (tmp_path / "run.json").exists()


def heavy_modules_loaded(tmp_path, *overrides):
    """Which of matplotlib and scipy a fresh process has loaded after one in-process run."""
    code = ("import sys; from hydra import compose, initialize_config_dir;"
            "from sim.cli import config_dir, run; from sim.model.config import register_configs;"
            "register_configs(); initialize_config_dir(config_dir=config_dir(), version_base=None).__enter__();"
            f"cfg = compose('config', overrides={list(overrides)!r}); assert run(cfg, {str(tmp_path)!r}) == 0;"
            "print(sorted(m for m in ('matplotlib', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run.json").exists()
    return done.stdout.strip().splitlines()[-1]


def test_start_up_loads_only_what_the_run_uses(tmp_path, monkeypatch):
    """matplotlib (about 0.5 s to import) only to draw plots, and then in the plot process
    (sim.reports.plot_process), not in the run's; scipy only for the Erlang comparison, Weibull
    durations and confidence intervals: a single default day without plots needs neither."""
    monkeypatch.setenv("CALLSIM_PLOT_PROCESS", "1")  # (on a busy machine the plots are drawn in-process)
    assert heavy_modules_loaded(tmp_path / "a", "output.plots=false") == "[]"
    assert heavy_modules_loaded(tmp_path / "b", "scenario=single_queue", "scenario.horizon.hours=1",
                                "output.plots=false") == "['scipy']"
    assert heavy_modules_loaded(tmp_path / "c", "scenario.horizon.intervals=34") == "[]"
    assert (tmp_path / "c" / "service_level.png").exists()


@pytest.mark.parametrize("extra, probes", [([], 0), (["hydra.mode=RUN"], 1), (["--config-dir", "configs"], 1)])
def test_hydra_composes_once_unless_the_mode_can_come_from_elsewhere(tmp_path, monkeypatch, extra, probes):
    """The console command skips Hydra's mode probe (a whole extra composition) only when nothing
    but -m could set hydra.mode; a hydra.mode override or another primary config keeps it."""
    from hydra._internal.hydra import Hydra
    import sim.cli

    composed = []
    original = Hydra.compose_config
    monkeypatch.setattr(Hydra, "compose_config", lambda self, *a, **k: composed.append(k.get("run_mode")) or original(self, *a, **k))
    argv = ["callsim", "scenario=single_queue", "scenario.horizon.hours=1", "scenario.horizon.warmup_hours=0",
            "output.plots=false", "output.calls=false", f"hydra.run.dir={tmp_path / 'run'}", *extra]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(config_dir().rsplit("/", 1)[0])
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # (the command installs its own: put back)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        sim.cli.entry()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert len(composed) == 1 + probes
    assert (tmp_path / "run" / "run.json").exists()
    assert Hydra.__dict__["get_mode"].__name__ == "get_mode"  # Hydra's own probe is back afterwards
