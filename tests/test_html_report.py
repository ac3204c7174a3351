"""The HTML report is one self-contained file (no fetches), carries the run's identity, and renders
in headless Chromium."""

import base64
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.experiments.replications import replicate
from sim.reports import html as html_report
from sim.reports.files import write_run
from sim.simulate import simulate

SCENARIO = {"name": "tiny_center", "description": "two call types, one group",
            "horizon": {"kind": "day", "intervals": 6, "interval_minutes": 30, "day_start": "09:00"},
            "call_types": {"sales": {"arrival_rate": 120, "talk_time": {"mean": 180}, "route": [{"group": "desk"}],
                                     "patience": {"mean": 120}},
                           "help": {"arrival_rate": 60, "talk_time": {"mean": 240}, "route": [{"group": "desk"}]}},
            "groups": {"desk": {"headcount": 10, "cost_per_hour": 25}}}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


class Resources(HTMLParser):
    """Every URL the page would load, and the text of its tables."""

    def __init__(self):
        super().__init__()
        self.urls, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    results = replicate(SCENARIO, 3, seed=42)
    write_run(results, out, config={"seed": 42, "scenario": {"name": "tiny_center"}}, method="3 replications")
    return out / "report.html", results.engine_note


def test_report_is_self_contained_and_names_the_run(report):
    path, engine_note = report
    page = Resources()
    page.feed(path.read_text())
    assert "script" not in page.tags and "link" not in page.tags
    assert page.urls and all(url.startswith("data:image/png;base64,") for url in page.urls)
    for url in page.urls:  # every embedded image is a real PNG
        assert base64.b64decode(url.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    text = " ".join(page.text)
    for expected in ("tiny_center", engine_note, "42", "3 replications",
                     "sales", "help", "desk", "±", "Configuration"):
        assert expected in text, expected


def test_single_run_report_has_the_theory_table(tmp_path):
    results = simulate({**SCENARIO, "name": "erlang", "horizon": {"kind": "steady_state", "hours": 4},
                        "call_types": {"c": {"arrival_rate": 100, "talk_time": {"mean": 60},
                                             "patience": {"mean": 100}, "route": [{"group": "desk"}]}},
                        "kpi": {"short_abandon": 0}}, seed=1, records=False)
    write_run(results, tmp_path, plots=False)
    text = (tmp_path / "report.html").read_text()
    assert "Against Erlang A" in text and "<img" not in text  # no plots asked for, none embedded


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(chromium() is None, reason="no Chromium on this machine (Debian: apt-get install chromium); "
                                               ".ci/run installs it")
def test_report_renders_in_headless_chromium(report, tmp_path):
    report = report[0]
    dom = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          report.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "tiny_center" in dom.stdout and "Service by call type" in dom.stdout
    shot = tmp_path / "shot.png"
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}",
                           f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int)
    colourful = (pixels.max(axis=2) - pixels.min(axis=2)) > 60  # plot lines and bands, not grey text
    assert colourful.mean() > 0.001, "the embedded plots did not render"


def interval_section(text: str) -> str:
    start = text.index("<h2>Per interval (total of all call types)</h2>")
    return text[start:text.index("<h2>", start + 4)]


def test_long_interval_table_is_summarised_and_names_the_full_file(tmp_path):
    """A long run's report shows the first and last MAX_ROWS / 2 intervals, says how many there are
    and which file beside it has them all; that file does."""
    long_run = dict(SCENARIO, horizon={"kind": "steady_state", "interval_minutes": 5, "hours": 30})
    results = simulate(long_run, seed=3, records=False)
    totals = results.intervals[results.intervals.call_type == "total"]
    assert len(totals) == 360 > html_report.MAX_ROWS
    write_run(results, tmp_path, calls=False, plots=False)
    section = interval_section((tmp_path / "report.html").read_text())
    assert section.count("<tr") == html_report.MAX_ROWS + 1  # + the header row
    assert "360 intervals" in section and f"<code>{html_report.INTERVALS_FILE}</code> beside this report" in section
    shown = section.split("<tr>")[1:]  # the data rows (the header row has a style)
    first, last = totals.iloc[0], totals.iloc[-1]
    assert f"<td>{first.start}</td>" in shown[0] and f"<td>{last.start}</td>" in shown[-1]
    assert f"<td>{totals.iloc[html_report.MAX_ROWS // 2].start}</td>" not in section  # the middle is left out
    full = pd.read_csv(tmp_path / html_report.INTERVALS_FILE)
    assert len(full) == len(results.intervals) and full.start.tolist() == results.intervals.start.tolist()


def test_short_interval_table_is_shown_whole(tmp_path):
    results = simulate(SCENARIO, seed=3)
    write_run(results, tmp_path, calls=False, plots=False)
    section = interval_section((tmp_path / "report.html").read_text())
    assert html_report.table_html(results.intervals[results.intervals.call_type == "total"]) in section
    assert "beside this report" not in section
