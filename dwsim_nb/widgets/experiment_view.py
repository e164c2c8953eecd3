"""Tabs that show one experiment picked in their own dropdown: the workload's coverage (in the
notebook's app and the web app alike) and the base the web app's ER diagram tab builds on.

    from dwsim_nb.widgets import coverage_view
    coverage_view(ws, "shop")    # pick an experiment, press Measure: exp.coverage() with badges
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from dwsim_nb.widgets.common import (
    button,
    classed,
    experiment_names,
    message_html,
    refresh_dropdown,
    run_safely,
)


class ExperimentView(w.VBox):
    """An experiment dropdown, a button and an HTML area; subclasses say what to render."""

    css = "dwsim-view"
    label = "Refresh"

    def __init__(self, ws: Any, name: str | None = None) -> None:
        self.ws = ws
        self.experiment = classed(w.Dropdown(description="Experiment"), f"{self.css}-experiment")
        self.action = button(self.label, f"{self.css}-run")
        self.output = classed(w.HTML(), f"{self.css}-output")
        self.action.on_click(lambda _: self.draw())
        super().__init__([w.HBox([self.experiment, self.action]), self.output])
        self.add_class(self.css)
        self.refresh(keep=name)

    def refresh(self, keep: str | None = None) -> None:
        refresh_dropdown(self.experiment, experiment_names(self.ws), keep)

    def draw(self) -> str:
        """Render the selected experiment into the output; returns the HTML shown."""

        def act() -> str:
            name = self.experiment.value
            if not name:
                html = message_html("No experiments yet: import one.")
            else:
                html = self.render(self.ws.experiment(name))
            self.output.value = html
            return html

        return run_safely(self.output, act) or ""

    def render(self, exp: Any) -> str:
        raise NotImplementedError


class CoverageView(ExperimentView):
    """The rows each workload query returns on the loaded data (``exp.coverage()``), shown as
    ``%dwsim_coverage`` shows it: a badge per query and why an empty one is empty. Measuring
    runs every query, so it waits for the button."""

    css = "dwsim-coverage-view"
    label = "Measure"

    def render(self, exp: Any) -> str:
        from dwsim_nb.display.coverage_view import coverage_html

        if not exp.workload:
            return message_html(
                f"{exp.name} has no workload queries yet. "
                f"Add some with: dwsim workload {exp.name} queries.sql"
            )
        return coverage_html(exp.coverage())
