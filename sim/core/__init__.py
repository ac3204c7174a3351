"""The engines and what they share: the protocol (:mod:`protocol`), the scenario compiled into
model tables (:mod:`model_tables`), the record types they return (:mod:`records`), the SimPy
reference engine (:mod:`simpy_engine`), the compiled fast engine (:mod:`fast_engine`, event loop
in ``_loop.pyx``) and the dispatcher that picks one by name (:mod:`engines`)."""
