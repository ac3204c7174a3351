"""Compiled twins and their pure-Python originals, behind one loader (in the style of yarl).

Each compiled helper module (``*_c.pyx``) stands beside a pure-Python module (``*_py.py``) with
the same functions, giving the very same numbers; tests compare the two directly. The
dispatcher modules (:mod:`sim.model.input_kernels`, :mod:`sim.kpi.kernels`) load the compiled
twin when it was built, else the Python one. ``CALLSIM_NO_EXTENSIONS=1`` forces the Python
twins (and rules out the fast engine), to test or debug without compiled code.
"""

from __future__ import annotations

import os
from importlib import import_module
from types import ModuleType
from typing import Optional, Tuple

NO_EXTENSIONS = os.environ.get("CALLSIM_NO_EXTENSIONS", "") not in ("", "0")


def load_compiled(name: str) -> Tuple[Optional[ModuleType], Optional[str]]:
    """(the compiled module, None), or (None, why it is not available)."""
    if NO_EXTENSIONS:
        return None, "CALLSIM_NO_EXTENSIONS is set"
    try:  # import_module: a missing extension is reported as such, not as a circular import
        return import_module(name), None
    except ImportError as error:  # built without a compiler, or not built yet
        return None, str(error)


def load_twin(compiled: str, python: str) -> Tuple[ModuleType, bool, Optional[str]]:
    """(the module to use, whether it is the compiled twin, why the compiled one is not used)."""
    module, error = load_compiled(compiled)
    if module is not None:
        return module, True, None
    return import_module(python), False, error
