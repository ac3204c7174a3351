"""The printed summary (sim.reports.summary_text, tables by sim.reports.text_table) is byte for byte
the text the pandas version made (tests/summary_reference.py: Series.map for every cell,
DataFrame.to_string for every table), on the runs ``callsim`` makes: the default day replicated
(its costs block) and single, the Erlang single queue with its theory table (batch means,
replications, and too short for a confidence interval), a sparse day, campaigns, IVR with callbacks, transfers
and redials (single and replicated), staffing=erlang, and task=plan."""

import pytest
from hydra import compose, initialize_config_dir

import summary_reference
from sim.cli import config_dir, run
from sim.model.config import register_configs
from sim.reports import files

SHORT_QUEUE = ["scenario=single_queue", "scenario.horizon.hours=2", "scenario.horizon.warmup_hours=0.5"]
SMALL_DAY = ["scenario=single_queue", "scenario.horizon.kind=day", "scenario.horizon.intervals=8",
             "scenario.horizon.day_start=08:00", "scenario.call_types.calls.arrival_rate=300"]
RUNS = {  # name: (overrides, blocks the summary must show)
    "default day, replicated": (["replications=4"], ["± ", "Costs (per day, means over replications)"]),
    "default day, single run": ([], ["Agent groups:", "Costs (per day)"]),
    "single queue, batch means": (SHORT_QUEUE, ["Against Erlang A", "batch means"]),
    "single queue, replicated": ([*SHORT_QUEUE, "replications=3"], ["Against Erlang A", "3 replications"]),
    "single queue, one batch": (["scenario=single_queue", "scenario.horizon.hours=1", "scenario.horizon.warmup_hours=0"],
                                ["Against Erlang A", " n/a", "(no confidence interval"]),
    "campaigns": (["scenario=blended", "replications=2"], ["Outbound (", "Time on duty by group:"]),
    "IVR, callbacks, transfers, redials": (["scenario=support_desk"], ["Caller's journey", "Callers (with redials"]),
    "IVR, callbacks, transfers, redials, replicated": (["scenario=support_desk", "replications=3"],
                                                       ["Caller's journey", "Callers (with redials", "± "]),
    "a sparse day (intervals without calls)": (
        ["scenario=single_queue", "scenario.horizon.kind=day", "scenario.horizon.intervals=16",
         "scenario.horizon.day_start=08:00", "scenario.call_types.calls.arrival_rate=1", "agents=1", "aht=1800"],
        ["(3 of 10)", "23:00-24:00"]),
    "staffing=erlang": ([*SMALL_DAY, "staffing=erlang", "staffing.shrinkage=0.3"], ["Staffing: erlang"]),
    "task=plan": ([*SMALL_DAY, "task=plan", "staffing.replications=4"], ["Plan (roster.csv"]),
}


def results_of(tmp_path, monkeypatch, overrides):
    """The results ``callsim`` prints (captured where it formats them)."""
    shown = []
    monkeypatch.setattr(files, "format_summary", lambda results, out_dir=None: shown.append(results) or "")
    register_configs()
    overrides = [*overrides, "output.plots=false", "progress=false"]
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=overrides)
    assert run(cfg, str(tmp_path), overrides=overrides) == 0
    return shown[0]


@pytest.mark.parametrize("name", RUNS)
def test_the_summary_is_the_pandas_text(name, tmp_path, monkeypatch):
    overrides, blocks = RUNS[name]
    results = results_of(tmp_path, monkeypatch, overrides)
    monkeypatch.undo()
    text = files.format_summary(results, tmp_path)
    assert text == summary_reference.format_summary(results, tmp_path)
    assert all(block in text for block in blocks), [block for block in blocks if block not in text]


@pytest.mark.parametrize("replications", [1, 3])
def test_the_reports_journey_table_is_the_pandas_one(replications, tmp_path, monkeypatch):
    """The report's "Caller's journey" table (journey_view, now made from the summary's cells) is
    the DataFrame the pandas version made: values and dtypes."""
    from pandas.testing import assert_frame_equal

    from sim.reports.journey_report import journey_view

    results = results_of(tmp_path, monkeypatch, ["scenario=support_desk", f"replications={replications}"])
    assert_frame_equal(journey_view(results), summary_reference._journey_view(results))
