"""A standalone HTML file of a run's day: the animation, its controls and its KPI tiles, with
Bokeh's JavaScript inlined, so it plays offline (for slides or a learning platform)."""

from __future__ import annotations

from pathlib import Path

from bokeh.embed import file_html
from bokeh.resources import INLINE

from sim.ui.day_view import day_view
from sim.ui.running import Run


def html_text(run: Run) -> str:
    """``run``'s day as one HTML document with everything inline."""
    return file_html(day_view(run), resources=INLINE, title=f"callsim: {run.label} ({run.results.scenario.name})")


def export_html(run: Run, path) -> Path:
    """Write ``run``'s day to ``path`` (an .html file); returns the path."""
    path = Path(path)
    path.write_text(html_text(run), encoding="utf-8")
    return path
