"""Packaging for callsim: the ``sim`` package, its configs, the ``callsim`` command, and the
compiled fast engine (``sim/core/_fast.pyx``).

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


def extensions():
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("callsim: Cython is not installed; the fast engine will not be built", file=sys.stderr)
        return []
    # no fused multiply-add contraction: the engines must agree to the last bit whatever -march
    flags = [] if sys.platform == "win32" else ["-ffp-contract=off"]
    return cythonize([Extension("sim.core._fast", ["sim/core/_fast.pyx"], extra_compile_args=flags)],
                     language_level=3, quiet=True)


setup(
    name="callsim",
    version="0.1.0",
    description="Discrete-event call-center simulator: skill-based routing, staffing, KPIs, Erlang validation",
    python_requires=">=3.10",
    packages=find_packages(include=["sim", "sim.*"]) + ["sim.configs"],
    package_dir={"sim.configs": "configs"},
    package_data={"sim.configs": ["*.yaml", "scenario/*.yaml", "hydra/launcher/*.yaml"]},
    install_requires=[
        "simpy>=4.1",
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
        "test": ["pytest>=7", "hypothesis>=6", "hydra-submitit-launcher>=1.2"],  # + the SLURM config test
        "slurm": ["hydra-submitit-launcher>=1.2"],
        "ray": ["hydra-ray-launcher>=1.2", "ray[default]>=2"],
    },
    entry_points={"console_scripts": ["callsim=sim.cli:main", "callsim-aggregate=sim.sweep:main"]},
    ext_modules=extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
)
