"""Policies: the model's decisions, each a small readable Python rule with a Cython twin.

    routing.py          when a route's group becomes eligible for a call (overflow delays)
    agent_selection.py  which idle agent gets a call: route_order | least_skilled
    call_selection.py   which waiting call a freed agent takes: priority_fifo | priority_head_start
    staffing.py         who is on duty when: headcount | headcount_per_interval | shifts

A scenario names its choices (``routing.call_selection: priority_fifo``); :mod:`registry` turns a
name into the code the engines receive, with a clear error for an unknown name. The SimPy engine
calls the Python rules; the compiled loop calls their twins (``_routing.pxd``,
``_call_selection.pxd``, ``_agent_selection.pxd``), which ``tests/test_policies.py`` compares with
the Python rules directly on many inputs (through ``_twins.pyx``).

A new rule goes into the module of its decision: the Python rule, its twin beside it, its name
appended in :mod:`sim.core.protocol` (which numbers it), a branch where each engine asks for the
decision, and an exact-trace test. Policies import only the model.
"""
