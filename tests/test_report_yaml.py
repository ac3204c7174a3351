"""config.yaml (and the report's copy) is written by libyaml's emitter: the very text of
``yaml.safe_dump(config, sort_keys=False)``, for the shipped scenarios' job configs and awkward values."""

from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir

from sim.cli import config_dir, job_config
from sim.model.config import register_configs
from sim.reports.html import yaml_text

SCENARIOS = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "configs" / "scenario").glob("*.yaml"))


@pytest.mark.parametrize("name", SCENARIOS)
def test_job_configs_as_safe_dump_writes_them(name):
    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base=None):
        cfg = compose("config", overrides=[f"scenario={name}", "replications=20"])
    config = job_config(cfg, cfg.scenario, False)
    assert yaml_text(config) == yaml.safe_dump(config, sort_keys=False)


def test_awkward_values_as_safe_dump_writes_them():
    config = {"description": "A long description. " * 12, "ünïcode": "naïve café ☎", "quote": "it's \"q\"",
              "colon": "a: b", "empty": "", "none": None, "numbers": [1, 2.5, 1e-12, float("inf"), -0.0],
              "flag": True, "nested": {"list": [{"a": 1}, [1, 2]], "multi": "line one\nline two\n"},
              "leading": " space", "yes": "yes", "date": "2026-01-01", "hash": "#x", "tab": "a\tb"}
    assert yaml_text(config) == yaml.safe_dump(config, sort_keys=False)
