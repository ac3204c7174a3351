"""Staffing plans: per-interval requirements (Erlang C / A), the simulation-based optimiser, and
shift scheduling (an integer program): from a forecast to a roster, verified by simulation."""
