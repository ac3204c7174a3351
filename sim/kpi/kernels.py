"""The arithmetic of KPI tables from tallies and agent logs: compiled (``_kernels_c``) when built,
else pure Python (``_kernels_py``); both give the same numbers to the last bit (see
:mod:`sim._twins`)."""

from sim._twins import load_twin

_impl, COMPILED, IMPORT_ERROR = load_twin("sim.kpi._kernels_c", "sim.kpi._kernels_py")

histogram_quantiles = _impl.histogram_quantiles
interval_quantiles = _impl.interval_quantiles
grouped_sum_min = _impl.grouped_sum_min
