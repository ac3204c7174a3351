"""The arithmetic of random inputs: compiled (``_inputs_c``) when built, else pure Python
(``_inputs_py``); both give the same numbers to the last bit (see :mod:`sim._twins`)."""

from sim._twins import load_twin

_impl, COMPILED, IMPORT_ERROR = load_twin("sim.model._inputs_c", "sim.model._inputs_py")

seed_words = _impl.seed_words
arrival_times = _impl.arrival_times
merge_calls = _impl.merge_calls
reseed_pcg64 = _impl.reseed_pcg64
