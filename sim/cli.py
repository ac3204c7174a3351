"""The ``callsim`` command: a thin Hydra wrapper over :func:`sim.simulate` and :mod:`sim.report`.

    callsim                                    # the default one-day multi-skill center
    callsim scenario=single_queue agents=46    # what-if on the Erlang single queue
    callsim scenario.groups.retail.shifts.early.count=14 seed=7

Bad input exits with status 2 and one line naming the field; nothing is written as complete.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import register_configs
from sim.errors import ConfigError
from sim.scenario import build_scenario, scenario_dict

SHORTCUTS = ("rate", "aht", "patience", "agents", "trunks")


def config_dir() -> str:
    """The configs shipped with the package (installed copy first, then the source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "configs", here.parent / "configs"):
        if (candidate / "config.yaml").exists():
            return str(candidate)
    raise FileNotFoundError("callsim's configs/ directory is missing from the installation")


def apply_shortcuts(cfg: DictConfig) -> DictConfig:
    """The scenario with the single-queue short overrides (rate, aht, ...) applied."""
    scenario = cfg.scenario
    given = [name for name in SHORTCUTS if cfg.get(name) is not None]
    if not given:
        return scenario
    if len(scenario.call_types) != 1 or len(scenario.groups) != 1:
        raise ConfigError(given[0], "the short overrides apply to single-queue scenarios (one call type, "
                                    "one group); use the full path, e.g. scenario.groups.<name>.headcount=...")
    scenario = scenario.copy()
    call_type = next(iter(scenario.call_types.values()))
    group = next(iter(scenario.groups.values()))
    if cfg.rate is not None:
        call_type.arrival_rate, call_type.volumes = cfg.rate, None
    if cfg.aht is not None:
        _set_mean(call_type.talk_time, cfg.aht, "aht")
    if cfg.patience is not None:
        if str(cfg.patience).lower() in ("none", "inf", "off"):
            call_type.patience = None
        else:
            try:
                mean = float(cfg.patience)
            except ValueError:
                raise ConfigError("patience", f"expected a mean patience in seconds or 'none', got {cfg.patience!r}") from None
            if call_type.patience is None:
                call_type.patience = {"kind": "exponential", "mean": mean}
            else:
                _set_mean(call_type.patience, mean, "patience")
    if cfg.agents is not None:
        group.headcount, group.headcount_per_interval, group.shifts = cfg.agents, None, None
    if cfg.trunks is not None:
        scenario.trunks = cfg.trunks
    return scenario


def _set_mean(distribution, mean, shortcut: str) -> None:
    """Set a distribution's mean; only kinds given by their mean have one to set."""
    if distribution.kind in ("uniform", "empirical"):
        raise ConfigError(shortcut, f"the scenario's distribution is {distribution.kind}, which has no mean to set; "
                                    "override its own fields instead (low/high or values)")
    distribution.mean = mean


def run(cfg: DictConfig, out_dir: str) -> int:
    from sim import report
    from sim.simulate import simulate

    started = time.perf_counter()
    try:
        scenario_cfg = apply_shortcuts(cfg)
        scenario = build_scenario(scenario_cfg)
        results = simulate(scenario, seed=cfg.seed, engine=cfg.engine, records=bool(cfg.output.calls))
        config = {"seed": cfg.seed, "engine": results.engine, "scenario": scenario_dict(scenario_cfg)}
        report.write_run(results, out_dir, config, calls=cfg.output.calls, calls_format=cfg.output.calls_format,
                         plots=cfg.output.plots, elapsed=time.perf_counter() - started)
    except ConfigError as error:
        print(f"callsim: invalid input: {error}", file=sys.stderr)
        return 2
    print(report.format_summary(results, out_dir))
    return 0


register_configs()


@hydra.main(version_base=None, config_path=config_dir(), config_name="config")
def main(cfg: DictConfig) -> None:
    status = run(cfg, HydraConfig.get().runtime.output_dir)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()
