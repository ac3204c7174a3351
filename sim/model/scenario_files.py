"""Find and read scenario YAML files: the public way to load a scenario, change it and simulate.

    >>> from sim import load_scenario, simulate
    >>> scenario = load_scenario("default")          # a shipped scenario by name, or a path
    >>> scenario["groups"]["retail_team"]["shifts"]["day"]["count"] += 2
    >>> results = simulate(scenario, seed=1)

A scenario file is a Hydra config (``configs/scenario/*.yaml``): its ``defaults:`` list names the
schema for Hydra and is not part of the scenario, so it is dropped here. The dict returned is the
caller's own (nothing is cached or shared), with the values as written; :func:`sim.simulate`
validates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Union

from sim.errors import ConfigError

SCENARIO_DIR = "scenario"  # the scenarios' folder inside a config directory


def shipped_config_dir() -> Path:
    """callsim's own ``configs/`` directory (the installed copy, ``sim/configs``, first; then the
    source tree's)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "configs", package.parent / "configs"):
        if (candidate / SCENARIO_DIR).is_dir():
            return candidate
    raise FileNotFoundError("callsim's configs/ directory is missing from the installation")


def shipped_scenarios() -> List[str]:
    """The names of the scenarios shipped with callsim (``default``, ``single_queue``, ...)."""
    return sorted(p.stem for p in (shipped_config_dir() / SCENARIO_DIR).glob("*.yaml"))


def scenario_path(source: Union[str, Path]) -> Path:
    """The file a scenario source names: an existing path, or the name of a shipped scenario."""
    path = Path(source)
    if path.is_file():
        return path
    if isinstance(source, str) and path.name == source and path.suffix not in (".yaml", ".yml"):
        shipped = shipped_config_dir() / SCENARIO_DIR / f"{source}.yaml"
        if shipped.is_file():
            return shipped
    raise ConfigError("scenario", f"no scenario file {str(source)!r} (give a path to a scenario YAML, "
                                  "or the name of a shipped scenario)", allowed=shipped_scenarios())


def load_scenario(source: Union[str, Path]) -> dict:
    """A scenario as a plain dict, to change and pass to :func:`sim.simulate` or
    :func:`sim.experiments.replications.replicate`.

    ``source``: a path to a scenario YAML, or the name of a shipped scenario (``"default"``,
    ``"single_queue"``: see :func:`shipped_scenarios`).
    """
    import yaml

    path = scenario_path(source)
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())  # one line
        raise ConfigError(str(path), f"not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), f"a scenario file holds a mapping of settings, got a {type(data).__name__}")
    data.pop("defaults", None)
    return data
