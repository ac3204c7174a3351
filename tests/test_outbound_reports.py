"""The outbound parts of a run's reports: the tables written beside the inbound ones (only with
campaigns), the summary's "Outbound" block, the HTML sections and the two plots, on the
hand-built run of tests/test_outbound_kpi.py (its expected values are worked out there)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.kpi import outbound, record_tables
from sim.reports import outbound_plots
from sim.reports.files import format_summary, write_run
from sim.reports.plots import close
from sim.simulate import Results, agents_frame, load_scenario_file

from test_outbound_kpi import output, scenario

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"
OUTBOUND_FILES = ["campaigns.csv", "campaign_intervals.csv", "group_time.csv", "group_time_intervals.csv"]


@pytest.fixture(scope="module")
def results():
    """Results of the hand-built run, made as simulate() makes them from an engine's output."""
    s, out = scenario(), output()
    calls, summary, intervals, groups, group_intervals = record_tables.tables(s, out)
    made = Results(scenario=s, seed=1, engine="hand", engine_note="hand-built records", busyness=1.0, n_calls=2,
                   calls=calls, agents=agents_frame(s, out.agents), summary=summary, intervals=intervals,
                   groups=groups, group_intervals=group_intervals,
                   **outbound.tables(s, out.attempts, 7200.0, groups, group_intervals))
    made.attempts = out.attempts
    return made


def test_outbound_tables_and_attempts_are_written_with_campaigns(results, tmp_path):
    write_run(results, tmp_path, plots=False, calls_format="csv")
    for name in OUTBOUND_FILES + ["attempts.csv.gz"]:
        assert (tmp_path / name).exists(), name
    campaigns = pd.read_csv(tmp_path / "campaigns.csv")
    assert campaigns.rpc.tolist() == [2, 2]
    assert campaigns.list_size.isna().tolist() == [False, True]  # an unlimited list: empty, not -1
    attempts = pd.read_csv(tmp_path / "attempts.csv.gz")
    assert len(attempts) == 11 and attempts.result.iloc[0] == "right_party" and attempts.campaign.iloc[-1] == "survey"
    assert set(OUTBOUND_FILES) <= set(json.loads((tmp_path / "run.json").read_text())["files"])


def test_attempts_as_parquet_and_not_without_calls(results, tmp_path):
    write_run(results, tmp_path / "p", plots=False, calls_format="parquet")
    assert len(pd.read_parquet(tmp_path / "p" / "attempts.parquet")) == 11
    write_run(results, tmp_path / "n", plots=False, calls=False)
    assert not (tmp_path / "n" / "attempts.parquet").exists()


def test_no_outbound_files_or_text_without_campaigns(tmp_path):
    scenario = load_scenario_file(CONFIGS / "single_queue.yaml")
    scenario["horizon"].update(hours=1, warmup_hours=0)
    r = simulate(scenario, seed=2)
    assert r.campaigns is None and r.group_time is None
    write_run(r, tmp_path, plots=False)
    for name in OUTBOUND_FILES:
        assert not (tmp_path / name).exists()
    assert "Outbound" not in format_summary(r)
    assert "Outbound" not in (tmp_path / "report.html").read_text()


def test_summary_has_the_outbound_block(results):
    text = format_summary(results)
    block = text[text.index("Outbound"):]
    sales = next(line for line in block.splitlines() if line.lstrip().startswith("sales"))
    # 8 attempts, 3 connects, 2 RPC, 2 / 1.5917 h = 1.26 RPC per agent-hour, nuisance 1/4 = 25 % against 3 %,
    # penetration 7/10
    assert sales.split()[:8] == ["sales", "8", "3", "2", "1.26", "25.0%", "3.0%", "70.0%"]
    # interval 0 (00:00): nuisance 1/2 > 3 %; interval 1: 0 %
    assert "Intervals above the nuisance cap, sales: 00:00 (1 of 2)" in block
    assert "Intervals above the nuisance cap, survey: none" in block
    prev = next(line for line in block.splitlines() if line.lstrip().startswith("prev"))
    assert prev.split() == ["prev", "outbound", "survey", "0.0%", "3.2%", "0.7%", "96.8%"]  # 227, 49, 6973 of 7200 s


def test_html_report_has_the_outbound_sections(results, tmp_path):
    write_run(results, tmp_path, plots=True)
    page = (tmp_path / "report.html").read_text()
    for heading in ("Outbound campaigns", "Time on duty by group (shares)", "Outbound per interval and campaign"):
        assert f"<h2>{heading}</h2>" in page
    assert "rpc per agent hour" in page
    for name in ("nuisance_rate", "time_split"):
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")
        assert f'alt="{name}"' in page


def test_nuisance_plot_draws_each_campaign_against_its_cap(results):
    figure = outbound_plots.nuisance_figure(results)
    sales, survey = figure.axes
    rate, cap = sales.lines
    np.testing.assert_allclose(rate.get_ydata(), [50.0, 0.0, 0.0])  # 1/2, 0/2 live answers dropped (steps)
    np.testing.assert_allclose(cap.get_ydata(), [3.0, 3.0, 3.0])  # the cap, as steps over both intervals
    assert np.isnan(survey.lines[0].get_ydata()[1])  # no live answer: no rate drawn
    close(figure)


def test_time_split_plot_stacks_the_shares_to_the_whole_time_on_duty(results):
    figure = outbound_plots.time_split_figure(results)
    assert [ax.get_ylabel().split("\n")[0] for ax in figure.axes] == ["inb", "blend", "out", "prev"]
    prev = figure.axes[3]
    inbound, outbound_, idle = prev.collections
    top = idle.get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(100.0)  # inbound + outbound + idle: all the time on duty
    assert outbound_.get_paths()[0].vertices[:, 1].max() == pytest.approx(100 * 167 / 3600)
    close(figure)


BLENDED_YAML = """
defaults:
  - scenario_schema
  - _self_
name: blend
horizon: {kind: day, intervals: 4, interval_minutes: 30}
call_types:
  service:
    arrival_rate: 40.0
    talk_time: {kind: exponential, mean: 180.0}
    patience: {kind: exponential, mean: 120.0}
    route: [{group: inbound}, {group: blended}]
groups:
  inbound: {headcount: 2}
  blended: {headcount: 2}
  outbound: {headcount: 2}
campaigns:
  renewals:
    groups: [blended, outbound]
    list_size: 150
    dialler: {mode: progressive, calls_per_agent: 2}
    wrapup_time: {kind: deterministic, mean: 30.0}
blending: {policy: threshold, threshold: 1}
"""


def test_callsim_writes_the_outbound_files_of_a_blended_scenario(tmp_path):
    (tmp_path / "conf" / "scenario").mkdir(parents=True)
    (tmp_path / "conf" / "scenario" / "blend.yaml").write_text(BLENDED_YAML)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "sim.cli", "--config-dir", str(tmp_path / "conf"), "scenario=blend",
                           f"hydra.run.dir={out}"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    files = {p.name for p in out.iterdir()}
    assert set(OUTBOUND_FILES) | {"attempts.parquet", "nuisance_rate.png", "time_split.png"} <= files
    assert set(OUTBOUND_FILES) <= set(json.loads((out / "run.json").read_text())["files"])
    attempts = pd.read_parquet(out / "attempts.parquet")
    campaigns = pd.read_csv(out / "campaigns.csv")
    assert campaigns.attempts.tolist() == [len(attempts)]
    assert campaigns.rpc.tolist() == [int(((attempts.result == "right_party") & attempts.connect_time.notna()).sum())]
    assert "Outbound" in done.stdout and "renewals" in done.stdout
    assert "<h2>Outbound campaigns</h2>" in (out / "report.html").read_text()
