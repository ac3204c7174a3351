"""The run's files and its HTML report show the same plots: each figure is rendered once."""

import base64
import re
from pathlib import Path

from sim import simulate
from sim.reports.files import write_run
from sim.simulate import load_scenario_file

CONFIGS = Path(__file__).resolve().parents[1] / "configs" / "scenario"


def test_the_report_embeds_the_very_png_files_written_beside_it(tmp_path):
    scenario = load_scenario_file(CONFIGS / "single_queue.yaml")
    scenario["horizon"].update(hours=2, warmup_hours=0)
    write_run(simulate(scenario, seed=3), tmp_path, plots=True)
    embedded = [base64.b64decode(data) for data in
                re.findall(r'src="data:image/png;base64,([^"]+)"', (tmp_path / "report.html").read_text())]
    files = [(tmp_path / f"{name}.png").read_bytes() for name in ("service_level", "queue_and_staffing")]
    assert embedded == files and all(png.startswith(b"\x89PNG") for png in files)
