"""callsim: a discrete-event call-center simulator.

The library works from a scenario (a config or a plain dict) to KPI tables::

    from sim import simulate
    results = simulate(scenario_dict, seed=1)
"""

from sim.errors import ConfigError
from sim.simulate import Results, simulate

__all__ = ["ConfigError", "Results", "simulate"]
__version__ = "0.1.0"
