"""The arithmetic of KPI tables from tallies, call records and agent logs: compiled (``_kernels_c``) when built,
else pure Python (``_kernels_py``); both give the same numbers to the last bit (see
:mod:`sim._twins`)."""

from sim._twins import load_twin

_impl, COMPILED, IMPORT_ERROR = load_twin("sim.kpi._kernels_c", "sim.kpi._kernels_py")

histogram_quantiles = _impl.histogram_quantiles
interval_quantiles = _impl.interval_quantiles
grouped_sum_min = _impl.grouped_sum_min
call_tallies = _impl.call_tallies
wait_quantiles = _impl.wait_quantiles
sorted_sum_min = _impl.sorted_sum_min
sorted_level_maxima = _impl.sorted_level_maxima
cell_moments = _impl.cell_moments
