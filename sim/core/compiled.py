"""The compiled core (``sim/core/_fast.pyx``), loaded once for every module that uses it.

``CORE`` is the extension module, or None when it was not built (no C compiler at install
time); ``IMPORT_ERROR`` then says why. Callers fall back to the SimPy engine or to numpy.
"""

from importlib import import_module

try:  # (import_module: a missing extension is reported as such, not as a circular import)
    CORE = import_module("sim.core._fast")
except ImportError as error:  # built without a compiler, or not built yet
    CORE, IMPORT_ERROR = None, str(error)
else:
    IMPORT_ERROR = None
