"""callsim: a discrete-event call-center simulator.

The library works from a scenario (a shipped scenario's name, a YAML path, or a plain dict) to KPI
tables::

    from sim import load_scenario, simulate
    scenario = load_scenario("default")                       # a dict: change any field
    scenario["call_types"]["sales"]["volume_scale"] = 1.2
    results = simulate(scenario, seed=1)
"""

from sim.errors import ConfigError
from sim.simulate import Results, load_scenario, simulate

__all__ = ["ConfigError", "Results", "load_scenario", "simulate"]
__version__ = "0.1.0"
