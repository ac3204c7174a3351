"""callsim: a discrete-event call-center simulator.

The library works from a scenario (a shipped scenario's name, a YAML path, or a plain dict) to KPI
tables::

    from sim import load_scenario, simulate
    scenario = load_scenario("default")                       # a dict: change any field
    scenario["call_types"]["sales"]["volume_scale"] = 1.2
    results = simulate(scenario, seed=1)
"""

import gc as _gc

# Importing the package (numpy, pandas, Hydra, ...) creates hundreds of thousands of objects and
# next to no garbage: the cyclic garbage collector, which would walk them again and again as they
# pile up, is paused meanwhile (about 0.03 s of the ``callsim`` command's start-up), then set back.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from sim.errors import ConfigError
    from sim.simulate import Results, load_scenario, simulate
finally:
    if _collecting:
        _gc.enable()

__all__ = ["ConfigError", "Results", "load_scenario", "simulate"]
__version__ = "0.1.0"
