"""Packaging for callsim: the ``sim`` package, its configs, the ``callsim`` command, and the
compiled fast engine (``sim/core/_loop.pyx``) and the compiled twins of the model's and the KPIs'
helpers.

The extension is optional at install time: without a C compiler the package still installs,
and ``engine=auto`` falls back to the SimPy engine with a one-line notice.
"""

import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build the fast engine if possible; never fail the install because of it."""

    def run(self):
        try:
            super().run()
        except Exception as error:  # no compiler, no Python headers, ...
            self._skip(error)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as error:
            self._skip(error)

    @staticmethod
    def _skip(error):
        print(f"callsim: the fast engine was not built ({error}); the SimPy engine will be used", file=sys.stderr)


def write_protocol() -> None:
    """Render sim/core/protocol.py into sim/core/_protocol.pxi, the constants the event loop is
    compiled with (the module is read on its own: numpy and the package need not be installed)."""
    import importlib.util
    from pathlib import Path

    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("callsim_protocol", here / "sim" / "core" / "protocol.py")
    protocol = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(protocol)
    target = here / "sim" / "core" / "_protocol.pxi"
    text = protocol.cython_source()
    if not target.exists() or target.read_text() != text:  # unchanged: no rebuild
        target.write_text(text)


# The compiled twins: the event loop, and the helpers of the model and of the KPIs, each beside
# the pure-Python code it stands in for (see sim/_twins.py).
EXTENSIONS = {
    "sim.core._loop": "sim/core/_loop.pyx",
    "sim.model._inputs_c": "sim/model/_inputs_c.pyx",
    "sim.kpi._kernels_c": "sim/kpi/_kernels_c.pyx",
    "sim.reports._csv_c": "sim/reports/_csv_c.pyx",  # the float fields of CSV tables
    "sim.policies._twins": "sim/policies/_twins.pyx",  # the policies' twins, callable from the tests
}


def extensions():
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("callsim: Cython is not installed; the fast engine will not be built", file=sys.stderr)
        return []
    write_protocol()
    # no fused multiply-add contraction: the engines must agree to the last bit whatever -march
    flags = [] if sys.platform == "win32" else ["-ffp-contract=off"]
    return cythonize([Extension(name, [source], extra_compile_args=flags) for name, source in EXTENSIONS.items()],
                     language_level=3, quiet=True)


setup(
    name="callsim",
    version="0.1.0",
    description="Discrete-event call-center simulator: skill-based routing, staffing, KPIs, Erlang validation",
    python_requires=">=3.10",
    packages=find_packages(include=["sim", "sim.*"]) + ["sim.configs"],
    package_dir={"sim.configs": "configs"},
    package_data={"sim.configs": ["*.yaml", "scenario/*.yaml", "staffing/*.yaml", "hydra/launcher/*.yaml"], "sim": ["*.pxd", "policies/*.pxd", "core/*.pxi"]},
    install_requires=[
        "simpy>=4.0,<4.2",  # the SimPy engine uses its private event queue: see sim/core/simpy_engine.py
        "numpy>=1.24",
        "pandas>=2.0",
        "scipy>=1.10",
        "matplotlib>=3.7",
        "hydra-core>=1.3",
        "pyarrow>=12",
        "pyyaml>=6",
        "tqdm>=4.60",
        "hydra-joblib-launcher>=1.2",
    ],
    extras_require={
        # pytest-xdist: pytest.ini runs the suite on every core (-n auto); submitit: the SLURM config test
        "test": ["pytest>=7", "pytest-xdist>=3", "hypothesis>=6", "hydra-submitit-launcher>=1.2"],
        "slurm": ["hydra-submitit-launcher>=1.2"],
        "ray": ["hydra-ray-launcher>=1.2", "ray[default]>=2"],
        # the trainers' what-if page (sim/ui, callsim-ui); playwright drives Debian's chromium in its tests
        "ui": ["panel>=1.9", "bokeh>=3.8", "playwright>=1.40"],
    },
    entry_points={"console_scripts": ["callsim=sim.cli:entry", "callsim-aggregate=sim.experiments.sweep:main",
                                         "callsim-ui=sim.ui.app:main"]},
    ext_modules=extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
)
