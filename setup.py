"""Packaging for callsim: the ``sim`` package, its configs, and the ``callsim`` command."""

from setuptools import find_packages, setup

setup(
    name="callsim",
    version="0.1.0",
    description="Discrete-event call-center simulator: skill-based routing, staffing, KPIs, Erlang validation",
    python_requires=">=3.10",
    packages=find_packages(include=["sim", "sim.*"]) + ["sim.configs"],
    package_dir={"sim.configs": "configs"},
    package_data={"sim.configs": ["*.yaml", "scenario/*.yaml"]},
    install_requires=[
        "simpy>=4.1",
        "numpy>=1.24",
        "pandas>=2.0",
        "scipy>=1.10",
        "matplotlib>=3.7",
        "hydra-core>=1.3",
        "pyarrow>=12",
        "pyyaml>=6",
    ],
    extras_require={"test": ["pytest>=7", "hypothesis>=6"]},
    entry_points={"console_scripts": ["callsim=sim.cli:main"]},
)
