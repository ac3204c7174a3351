"""The ``callsim`` command: a thin Hydra wrapper over :func:`sim.simulate` and :mod:`sim.reports.files`.

    callsim                                    # the default one-day multi-skill center
    callsim scenario=single_queue agents=46    # what-if on the Erlang single queue
    callsim scenario.groups.retail.shifts.early.count=14 seed=7
    callsim replications=20                    # KPIs as mean ± 95 % confidence half-width
    callsim staffing=erlang staffing.shrinkage=0.3   # staffed by per-interval Erlang A requirements
    callsim -m scenario.groups.retail.shifts.early.count=10,12,14 replications=20 sweep=retail
    callsim-aggregate results/sweeps/retail    # one table, plots and report.html for the sweep

Bad input exits with status 2 and one line naming the field; nothing is written as complete.
In a multirun (``-m``) a failing job records ``failed.json`` and the others go on; per-call
records are off unless ``output.calls=true`` is given (sweeps keep memory flat).
"""

from __future__ import annotations

import gc
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim import analytic_special, interrupts
from sim.model import command_line
from sim.model.config import AppConfig, ScenarioConfig, register_configs
from sim.model.scenario_files import shipped_config_dir
from sim.model.short_overrides import BLENDING_SHORTCUTS, add_threshold_campaign
from sim.model.schema import conform_node, plain_data
from sim.errors import ConfigError
from sim.model.scenario import build_scenario, scenario_dict
from sim.planning.policies import plan_staffing

SHORTCUTS = ("rate", "aht", "patience", "agents", "trunks", "threshold", "outbound_aht")


def config_dir() -> str:
    """The configs shipped with the package (installed copy first, then the source tree)."""
    return str(shipped_config_dir())


def apply_shortcuts(cfg: DictConfig) -> DictConfig:
    """The scenario with the single-queue short overrides (rate, aht, ...) applied."""
    scenario = cfg.scenario
    given = [name for name in SHORTCUTS if cfg.get(name) is not None]
    if not given:
        return scenario
    if len(scenario.call_types) != 1 or len(scenario.groups) != 1:
        example = "scenario.blending.threshold=..." if given[0] in BLENDING_SHORTCUTS else "scenario.groups.<name>.headcount=..."
        raise ConfigError(given[0], "the short overrides apply to single-queue scenarios (one call type, "
                                    f"one group); use the full path, e.g. {example}")
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
    if any(cfg.get(name) is not None for name in BLENDING_SHORTCUTS):
        add_threshold_campaign(scenario, cfg.threshold, cfg.outbound_aht)
    return scenario


def _set_mean(distribution, mean, shortcut: str) -> None:
    """Set a distribution's mean; only kinds given by their mean have one to set."""
    if distribution.kind in ("uniform", "empirical"):
        raise ConfigError(shortcut, f"the scenario's distribution is {distribution.kind}, which has no mean to set; "
                                    "override its own fields instead (low/high or values)")
    distribution.mean = mean


def job_config(cfg: DictConfig, scenario_cfg, records: bool) -> dict:
    """The settings that determine a job's output: written to config.yaml, digested for reruns."""
    return {"seed": cfg.seed, "engine": cfg.engine, "replications": cfg.replications,
            "experiment": plain_data(cfg.experiment, throw_on_missing=False),
            "output": {**plain_data(cfg.output, throw_on_missing=False), "calls": records},
            "scenario": scenario_dict(scenario_cfg), **staffing_config(cfg)}


def staffing_config(cfg: DictConfig) -> dict:
    """``{"staffing": ...}`` when a policy plans the staffing (a run staffed as its scenario says
    records nothing more, so its config and fingerprint are as before staffing policies existed)."""
    planning = {"task": "plan", "plan": plain_data(cfg.plan, throw_on_missing=False)} if cfg.task == "plan" else {}
    if cfg.staffing.policy == "scenario" and not planning:
        return {}
    return {"staffing": plain_data(cfg.staffing, throw_on_missing=False), **planning}


def run(cfg: DictConfig, out_dir: str, multirun: bool = False, overrides: Sequence[str] = ()) -> int:
    """One job: run, write the reports, print the summary. Returns the exit status.

    In a multirun, a job whose complete output exists is skipped, and a failure is recorded in
    the job's directory instead of stopping the sweep.
    """
    from sim.reports import files as report
    from sim.experiments import sweep
    from sim.experiments.job import ExperimentSettings, run_experiment, uses_special_functions

    started = time.perf_counter()
    plot_process = None
    try:
        app = check_command_line(cfg, overrides)
        plot_process = start_plot_process(cfg, multirun)
        scenario_cfg = apply_shortcuts(cfg)
        # the scenario checked against the schema once: the Scenario and config.yaml both come from it
        scenario_cfg = app.scenario if scenario_cfg is cfg.scenario else conform_node(scenario_cfg, ScenarioConfig)
        scenario = build_scenario(scenario_cfg)
        task = check_task(cfg.task)
        plan = None if task == "plan" else plan_staffing(app, scenario_cfg, scenario, progress=cfg.progress)
        if plan is not None:
            scenario = build_scenario(plan.scenario_cfg)
        settings = ExperimentSettings.from_config(cfg.replications, cfg.experiment)
        if task == "run" and not uses_special_functions(scenario, settings):
            analytic_special.stop_helper()  # (its core free at once, e.g. for the plot process)
        explicit_calls = any(o.lstrip("+~").startswith("output.calls=") for o in overrides)
        records = bool(cfg.output.calls) and (explicit_calls or not multirun)
        config = job_config(cfg, scenario_cfg, records)  # the scenario as given, with the staffing policy
        fingerprint = sweep.config_fingerprint(config)
        if multirun and sweep.is_complete(out_dir, fingerprint):
            print(f"callsim: skipped {out_dir}: its complete output exists")
            return 0
        begin_output(cfg, out_dir)
        if task == "plan":  # requirements, a roster, and the roster simulated (sim.planning.plan)
            from sim.planning.plan import planned_results

            results, method = planned_results(app, scenario_cfg, scenario, progress=cfg.progress)
        else:
            results, method = run_experiment(scenario, cfg.seed, cfg.engine, settings, records, progress=cfg.progress)
            results.requirements = None if plan is None else plan.requirements  # requirements.csv and its report
        if plot_process is not None:
            plot_process.submit(results)  # drawn in the child while the tables are written here
        report.write_run(results, out_dir, config, calls=records, calls_format=cfg.output.calls_format,
                         plots=cfg.output.plots, elapsed=time.perf_counter() - started, method=method,
                         extra={"config_sha256": fingerprint, "overrides": list(overrides)},
                         render=plot_process.pngs if plot_process is not None else None)
        sweep.clear_failure(out_dir)
    except Exception as error:
        if multirun:
            begin_output(cfg, out_dir)  # the job's .hydra/ lists it among the sweep's jobs
            sweep.record_failure(out_dir, error, overrides)
        if isinstance(error, ConfigError):
            print(f"callsim: invalid input: {error}", file=sys.stderr)
            return 2
        if not multirun:
            raise
        print(f"callsim: job failed ({' '.join(overrides)}): {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    finally:
        if plot_process is not None:
            plot_process.close()
    if multirun:
        total = results.summary.set_index("call_type").loc["total"]
        print(f"callsim: {' '.join(overrides)}: service level {100 * total.service_level:.1f}%, "
              f"abandoned {100 * total.abandon_rate:.1f}% -> {out_dir}")
    else:
        print(report.format_summary(results, out_dir))
    return 0


_started_plot_process = None  # forked by entry() before Hydra composes the config, for run()


def start_plot_process(cfg: DictConfig, multirun: bool):
    """A single run with plots draws them in a child process (:mod:`sim.reports.plot_process`),
    which imports matplotlib while this one simulates: the one :func:`entry` started (ended here
    if the run wants no plots after all), or one started now; None when no plots are drawn, or
    in a sweep, whose jobs draw their own (its workers already keep the cores busy, and import
    matplotlib once each)."""
    global _started_plot_process
    started, _started_plot_process = _started_plot_process, None
    if not cfg.output.plots or multirun:
        if started is not None:
            started.close()
        return None
    if started is not None:
        return started
    from sim.reports import plot_process

    return plot_process.start() if plot_process.second_core_free() else None


def start_plot_process_early(argv: Sequence[str]) -> None:
    """Start the plot process before Hydra composes the config (its matplotlib import then
    overlaps the composition too), unless the command line says the run draws no plots, or has
    an option (``-m``, ``--help``, ``--cfg``, ...): those runs start theirs later, if at all; nor
    on a busy machine (:func:`sim.reports.plot_process.second_core_free`)."""
    global _started_plot_process
    plots = [arg.split("=", 1)[1] for arg in argv if arg.lstrip("+~").startswith("output.plots=")]
    if any(arg.startswith("-") for arg in argv) or any(value.lower() != "true" for value in plots):
        return
    from sim.reports import plot_process

    if plot_process.second_core_free():
        _started_plot_process = plot_process.start()


def start_special_helper_early(argv: Sequence[str]) -> None:
    """Fork the helper that imports SciPy's special functions on the other core while this
    process composes the config and simulates (:mod:`sim.analytic_special`: the Erlang comparison
    needs them), under the plot process's conditions: a plain run (no option) on a free core."""
    from sim.reports import plot_process

    if not any(arg.startswith("-") for arg in argv) and plot_process.second_core_free():
        analytic_special.start_helper()


def end_plot_process() -> None:
    """End a plot process that no run took (Hydra ended before the run: an error, ``--help``)."""
    global _started_plot_process
    if _started_plot_process is not None:
        _started_plot_process.close()
        _started_plot_process = None


TASKS = ("run", "plan")  # run: simulate the scenario; plan: requirements, a roster, its verification


def check_task(task) -> str:
    if task not in TASKS:
        raise ConfigError("task", f"unknown task {task!r}", allowed=TASKS)
    return task


def check_command_line(cfg: DictConfig, overrides: Sequence[str]) -> AppConfig:
    """What Hydra lets through: keys added with + that the schema lacks, ``key={}`` no-ops, an
    unknown output format (checked again when writing; here before the run). Returns the config
    as the schema's dataclasses."""
    from sim.reports.files import CALL_FORMATS

    app = conform_node(cfg, AppConfig)  # unknown keys (added with +) and wrong types, named
    command_line.check_overrides(cfg, overrides)
    if cfg.output.calls_format not in CALL_FORMATS:
        raise ConfigError("output.calls_format", f"unknown format {cfg.output.calls_format!r}", allowed=CALL_FORMATS)
    return app


def preflight(argv: Sequence[str]) -> list:
    """The command line before Hydra reads it: config files checked (one line and exit 2 on a
    problem), new entries of typed mappings spelled as Hydra can add them."""
    try:
        command_line.check_config_files(argv)
    except ConfigError as error:
        print(f"callsim: invalid input: {error}", file=sys.stderr)
        sys.exit(2)
    return command_line.spell_additions(argv)


@contextmanager
def skip_mode_probe(argv: Sequence[str]):
    """Spare Hydra one of its two config compositions (about 0.1 s of every run).

    Before running, Hydra composes the whole config once only to read ``hydra.mode``, then
    composes it again to run. callsim's shipped configs never set ``hydra.mode``, so unless the
    command line sets it or brings its own primary config, the probe's answer is known: none
    (``-m`` alone decides). Anything else keeps Hydra's own probe.
    """
    from hydra._internal.hydra import Hydra  # (private: guarded, Hydra's probe is kept if it moves)

    own_config = ("--config-dir", "-cd", "--config-path", "-cp", "--config-name", "-cn")
    probe = Hydra.__dict__.get("get_mode")
    if probe is None or any(arg.startswith(own_config) or "hydra.mode" in arg for arg in argv[1:]):
        yield
        return
    Hydra.get_mode = lambda self, config_name, overrides: None
    try:
        yield
    finally:
        Hydra.get_mode = probe


def begin_output(cfg: DictConfig, out_dir: str) -> None:
    """Before a run rewrites anything in ``out_dir``: mark it incomplete (no ``run.json``), then
    save Hydra's record of the run (``.hydra/``, which configs/config.yaml tells Hydra not to
    write itself before the run has its directory's lock)."""
    from sim.reports import files

    files.mark_incomplete(out_dir)
    hydra_cfg = HydraConfig.instance().cfg if HydraConfig.initialized() else None
    job_dir = OmegaConf.select(hydra_cfg, "hydra.runtime.output_dir", throw_on_missing=False) if hydra_cfg else None
    if job_dir is None or Path(job_dir) != Path(out_dir).absolute():  # run() called from Python
        return
    saved = Path(out_dir) / ".hydra"
    saved.mkdir(parents=True, exist_ok=True)
    for name, node in (("config.yaml", cfg), ("hydra.yaml", hydra_cfg), ("overrides.yaml", hydra_cfg.hydra.overrides.task)):
        files.write_atomically(saved / name, lambda tmp, n=node: Path(tmp).write_text(OmegaConf.to_yaml(n)))


register_configs()


@hydra.main(version_base=None, config_path=config_dir(), config_name="config")
def main(cfg: DictConfig) -> None:
    from sim.reports.outdir import OutputDirError, locked

    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    out_dir = hydra_cfg.runtime.output_dir
    try:
        with locked(out_dir, "hydra.sweep.dir" if multirun else "hydra.run.dir"):
            status = run(cfg, out_dir, multirun=multirun, overrides=list(hydra_cfg.overrides.task))
    except OutputDirError as error:
        print(f"callsim: {error}", file=sys.stderr)
        status = 2
    if status and not multirun:  # a sweep goes on; SweepCallback reports its failures at the end
        sys.exit(status)


def entry() -> None:
    """The ``callsim`` console command: :func:`preflight`, then :func:`main`, with Ctrl-C (or
    SIGTERM) ending in one line that says what was kept, and exit status 130 (143), instead of a
    traceback. As the process's own command, it then ends the process at once
    (:func:`_exit_process`); called from Python, it returns (or raises SystemExit)."""
    if getattr(sys.modules.get("__main__"), "entry", None) is not entry:  # called from Python
        _command()
        return
    try:
        _command()
    except SystemExit as done:
        _exit_process(done.code)
    _exit_process(0)


def _command() -> None:
    """What ``callsim`` does (see :func:`entry`)."""
    sys.argv[1:] = preflight(sys.argv[1:])
    signal.signal(signal.SIGTERM, interrupts.interrupt)
    signal.signal(signal.SIGINT, interrupts.interrupt)
    sys.unraisablehook = interrupts.interrupt_again
    # The modules imported so far (pandas, Hydra, ...) live until the command ends: frozen, the
    # garbage collector no longer walks them in every full collection of the run, nor once more
    # while the interpreter shuts down (together about 0.2 s of a short run). Objects created
    # later, the run's, are collected as usual.
    gc.freeze()
    try:
        start_plot_process_early(sys.argv[1:])
        start_special_helper_early(sys.argv[1:])
        with skip_mode_probe(sys.argv):
            main()
    except KeyboardInterrupt as interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the message short
        from sim.experiments.sweep import interrupted_message

        print(interrupted_message(), file=sys.stderr)
        signum = interrupt.args[0] if interrupt.args and isinstance(interrupt.args[0], int) else signal.SIGINT
        sys.exit(128 + signum)
    finally:
        end_plot_process()
        analytic_special.stop_helper()
        gc.freeze()  # the run's survivors too: the shutdown's collection has nothing left to walk


def _exit_process(code) -> None:
    """End the process with ``code`` (as ``sys.exit`` would) without the interpreter's teardown of
    every module it imported (pandas, Hydra, ...: about 0.04 s of a short run): the exit handlers
    run (logging flushes its handlers), the output is flushed, then ``os._exit``. Every file the
    run wrote is closed by then and its child processes are reaped; with another thread still
    running (a sweep's launcher), the interpreter ends as usual, waiting for it."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # (a closed pipe: the interpreter would also exit with 120)
            code = code or 120
    os._exit(code)


if __name__ == "__main__":
    entry()
