"""The trainers' what-if page (issue 15): a Panel app over the fast engine (``callsim-ui``).

Modules, one purpose each: :mod:`~sim.ui.form` (the settings a trainer changes, read from the
scenario and its schema, and written back), :mod:`~sim.ui.running` (runs with common random
numbers), :mod:`~sim.ui.timeline` (the day's queues and agents over time, from the per-call
records, dial attempts and agent log), :mod:`~sim.ui.day_view` (the animation and its KPI
tiles, played in the browser), :mod:`~sim.ui.interval_plots` (the report's interval plots under
it), :mod:`~sim.ui.compare` (runs side by side), :mod:`~sim.ui.export` (a standalone HTML file), :mod:`~sim.ui.page` (the page) and :mod:`~sim.ui.app` (the command).
Nothing of sim imports this package; it needs the ``ui`` extra (``pip install -e ".[ui]"``).
"""
