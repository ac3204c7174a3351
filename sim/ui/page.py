"""The page: pick a scenario, change the form, run, play the day, keep runs to compare, export.

Built with HoloViz Panel (its Bokeh JavaScript is served by the app itself: the page needs
nothing from the internet). One :class:`WhatIfPage` per browser session.
"""

from __future__ import annotations

import html
import io
from typing import Dict, List, Optional

import panel as pn

from sim.errors import ConfigError
from sim.model.scenario import build_scenario
from sim.model.scenario_files import shipped_scenarios
from sim.simulate import load_scenario_file
from sim.ui import compare
from sim.ui.day_view import DayView
from sim.ui.export import html_text
from sim.ui.form import FormField, apply, check, form_fields
from sim.ui.running import Run, run

ERROR_STYLE = {"color": "#c62828", "font-size": "12px"}
FILE_CHOICE = "a file…"


class WhatIfPage:
    """The widgets and what they do; ``layout`` is the page."""

    def __init__(self, scenario: str = "default"):
        names = shipped_scenarios()
        self.scenario_choice = pn.widgets.Select(label="scenario", options=names + [FILE_CHOICE],
                                                 value=scenario if scenario in names else FILE_CHOICE)
        self.path = pn.widgets.TextInput(label="scenario file (path to a YAML)", value="" if scenario in names else scenario,
                                         css_classes=["callsim-path"],
                                         visible=scenario not in names)
        self.load_button = pn.widgets.Button(label="Load")
        self.load_error = pn.pane.HTML("", styles=ERROR_STYLE, css_classes=["callsim-load-error"])
        self.replications = pn.widgets.IntInput(label="replications (same seeds; >1: confidence intervals)",
                                                value=1, start=1, end=50)
        self.run_button = pn.widgets.Button(label="Run", color="primary", css_classes=["callsim-run"])
        # not empty: a pane that changes size lays the whole page out again (seconds on the first Run)
        self.status = pn.pane.HTML("<span>Press Run to simulate the day.</span>", css_classes=["callsim-status"])
        self.general_error = pn.pane.HTML("", styles=ERROR_STYLE, css_classes=["callsim-form-error"])
        self.form = pn.Column()
        self.day = pn.pane.Bokeh(None)  # one pane, showing view's layout
        self.view: Optional[DayView] = None  # refilled in place by each run of the same call types and groups
        self.keep_button = pn.widgets.Button(label="Keep for comparison", disabled=True)
        self.clear_button = pn.widgets.Button(label="Clear comparison")
        self.comparison = pn.pane.HTML("", css_classes=["callsim-compare"])
        self.download = pn.widgets.FileDownload(callback=self._export, filename="callsim_day.html",
                                                label="Export HTML (plays offline)", disabled=True)
        self.scenario: dict = {}
        self.fields: List[FormField] = []
        self.inputs: Dict[str, pn.widgets.Widget] = {}
        self.errors: Dict[str, pn.pane.HTML] = {}
        self.current: Optional[Run] = None
        self.kept: List[Run] = []
        self.runs = 0
        self.scenario_choice.param.watch(self._chose, "value")
        self.load_button.on_click(lambda _: self.load())
        self.run_button.on_click(lambda _: self.run())
        self.keep_button.on_click(lambda _: self.keep())
        self.clear_button.on_click(lambda _: self.clear())
        self.load()
        controls = pn.Column("## callsim: what if?", self.scenario_choice, self.path, self.load_button, self.load_error,
                             self.form, self.general_error, self.replications, self.run_button, self.status, width=360)
        results = pn.Column(self.day, pn.Row(self.keep_button, self.clear_button, self.download), self.comparison)
        self.layout = pn.Row(controls, results)

    # scenario and form
    def _chose(self, event) -> None:
        self.path.visible = event.new == FILE_CHOICE
        if event.new != FILE_CHOICE:
            self.load()

    def load(self) -> None:
        source = self.path.value.strip() if self.scenario_choice.value == FILE_CHOICE else self.scenario_choice.value
        try:
            self.scenario = load_scenario_file(source)
            fields = form_fields(self.scenario)
        except ConfigError as error:
            self.load_error.object = f"<span class='field-error'>{html.escape(str(error))}</span>"
            return
        self.load_error.object = ""
        self.fields = fields
        self.inputs, self.errors, sections = {}, {}, {}
        for field in fields:
            if field.choices:
                widget = pn.widgets.Select(label=field.label, options=list(field.choices), value=field.value, width=300)
            else:
                widget = pn.widgets.TextInput(label=field.label, value=field.value, value_input=field.value, width=300)
            widget.css_classes = ["callsim-field", "field-" + _css(field.name)]
            self.inputs[field.name] = widget
            self.errors[field.name] = pn.pane.HTML("", styles=ERROR_STYLE, css_classes=["error-" + _css(field.name)])
            sections.setdefault(field.section, []).extend([widget, self.errors[field.name]])
        self.form.objects = [pn.Card(*items, title=section, collapsed=False, width=340) for section, items in sections.items()]
        self.general_error.object = ""
        try:
            self.prepare_day(build_scenario(self.scenario))
        except ConfigError:
            pass  # Run shows the error beside its field

    def values(self) -> Dict[str, str]:
        """The form as typed (the text inputs' live text, whether or not Enter was pressed)."""
        return {name: (w.value_input if hasattr(w, "value_input") and w.value_input is not None else w.value)
                for name, w in self.inputs.items()}

    # running
    def run(self) -> Optional[Run]:
        """Validate the form; show the error beside its field and run nothing, or run and show the day."""
        scenario = apply(self.scenario, self.values())
        for pane in self.errors.values():
            pane.object = ""
        self.general_error.object = ""
        problem = check(scenario, self.fields)
        if problem is None and not (1 <= int(self.replications.value or 0) <= 50):
            problem = None, "replications: must be a whole number between 1 and 50"
        if problem is not None:
            field, message = problem
            (self.errors[field] if field else self.general_error).object = f"<span class='field-error'>{html.escape(message)}</span>"
            self._say("Not run: correct the value shown in red.")
            return None
        self.runs += 1
        label = f"run {self.runs}"
        self._say(f"Running {label}…")
        try:
            self.current = run(scenario, label, replications=int(self.replications.value))
        except ConfigError as error:  # e.g. no fast engine built on this machine
            self.general_error.object = f"<span class='field-error'>{html.escape(str(error))}</span>"
            self._say(f"{label} did not run.")
            return None
        self.show_day(self.current)
        self._say(f"{label} ready in {self.current.seconds:.2f} s")
        self.keep_button.disabled = False
        self.download.disabled = False
        return self.current

    def prepare_day(self, scenario) -> None:
        """The day's models for ``scenario`` (a Scenario), built before any run so that Run only
        fills them; kept while the call types and groups stay the same (BokehJS never frees
        replaced models: see :mod:`sim.ui.day_view`). Drawn empty until a run fills them (a
        hidden layout would be laid out on the first Run, which would then take seconds)."""
        if self.view is None or not self.view.fits(scenario):
            self.view = DayView(scenario)
            self.day.object = self.view.layout

    def show_day(self, current: Run) -> None:
        self.prepare_day(current.results.scenario)
        with pn.io.unlocked():  # models changed by hand (not through a pane) are sent from here
            self.view.show(current)

    def _say(self, message: str) -> None:
        self.status.object = f"<span class='status-text'>{html.escape(message)}</span>"

    # comparison and export
    def keep(self) -> None:
        if self.current is not None and self.current not in self.kept:
            self.kept = (self.kept + [self.current])[-compare.MAX_RUNS:]
            self.comparison.object = compare.table_html(self.kept)

    def clear(self) -> None:
        self.kept = []
        self.comparison.object = ""

    def _export(self):
        return io.StringIO(html_text(self.current)) if self.current is not None else None


def _css(name: str) -> str:
    """A field name as a CSS class (letters, digits and dashes)."""
    return "".join(c if c.isalnum() else "-" for c in name)


def create_page(scenario: str = "default"):
    """A new page (Panel calls this once per browser session)."""
    return WhatIfPage(scenario).layout
