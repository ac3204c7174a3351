"""The caller's journey in the reports (sim.reports.journey_report): the summary's block, the
HTML sections and callbacks.csv, with the numbers of the KPI tables; nothing for a scenario
without journey features."""

import pandas as pd

from sim import simulate
from sim.reports.files import format_summary, write_run
from sim.reports.journey_report import journey_view


def block(text: str, title: str) -> list:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1:end]


def test_the_support_desk_summary_shows_the_journey_with_the_tables_numbers(tmp_path):
    results = simulate("support_desk", seed=3)
    rows = block(format_summary(results), "Caller's journey")
    header, support = rows[0].split(), rows[1].split()
    assert support[0] == "support" and "FCR" in header
    s = results.summary.set_index("call_type").loc["support"]
    cb = results.callbacks.set_index("call_type").loc["support"]
    assert support[1] == f"{int(s.arrived):,}"
    assert support[2] == f"{100 * s.self_served / s.arrived:.1f}%" and support[3] == f"{100 * s.ivr_abandoned / s.arrived:.1f}%"
    assert support[4:8] == [f"{int(cb.offers):,}", f"{int(cb.accepted):,}", f"{int(cb.completed):,}", f"{int(cb.failed):,}"]
    assert support[-1] == f"{100 * s.first_resolved / s.first_answered:.1f}%"
    assert block(format_summary(results), "Callers (with redials")  # redials: the callers block too
    write_run(results, tmp_path, plots=False)
    written = pd.read_csv(tmp_path / "callbacks.csv")
    assert written.offers.tolist() == results.callbacks.offers.tolist()
    html = (tmp_path / "report.html").read_text()
    assert "Caller&#x27;s journey" in html or "Caller's journey" in html
    assert "Callbacks" in html


def test_a_scenario_without_journey_features_gets_none_of_it():
    results = simulate("single_queue", seed=1)
    assert journey_view(results) is None and "Caller's journey" not in format_summary(results)
