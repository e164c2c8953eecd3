"""The web app that ``dwsim ui`` serves: the notebook's forms (:class:`dwsim_nb.widgets.App`)
plus two views a browser user cannot ask for with a magic: the ER diagram and the workload's
coverage, each for the experiment picked in its own dropdown.

    from dwsim_nb.widgets.web_app import web_app
    web_app(ws)         # Import, Generate, Experiments, Query, ER diagram, Coverage
"""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as w

from dwsim_nb.display.html import esc, wrap
from dwsim_nb.widgets import App
from dwsim_nb.widgets.common import (
    button,
    classed,
    experiment_names,
    message_html,
    refresh_dropdown,
    run_safely,
)


class _ExperimentView(w.VBox):
    """An experiment dropdown, a button and an HTML area: the shape of both extra tabs."""

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


class ErdView(_ExperimentView):
    """The ER diagram of an experiment's spec, redrawn whenever it is shown, with an SVG
    download (a data URL, so it works through the browser without touching the server)."""

    css = "dwsim-erd-view"
    label = "Redraw"

    def render(self, exp: Any) -> str:
        from dwsim_nb.display.erd import ERD

        svg = ERD(exp.spec)._repr_svg_()
        b64 = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        link = (
            f'<a download="{esc(exp.name)}-erd.svg" href="data:image/svg+xml;base64,{b64}">'
            "download SVG</a>"
        )
        n = len(exp.spec.tables)
        head = wrap(f"{n} table{'s' if n != 1 else ''} · {link}")
        # The diagram keeps its own size; the box scrolls instead of squeezing it.
        return (
            head + f'<div class="dwsim-erd-box" style="overflow:auto;max-height:75vh">{svg}</div>'
        )


class CoverageView(_ExperimentView):
    """The rows each workload query returns on the loaded data (``exp.coverage()``)."""

    css = "dwsim-coverage-view"
    label = "Measure"

    def render(self, exp: Any) -> str:
        if not exp.workload:
            return message_html(
                f"{exp.name} has no workload queries yet. "
                f"Add some with: dwsim workload {exp.name} queries.sql"
            )
        frame = exp.coverage()
        counts = frame["status"].astype(str).str.split(":").str[0].value_counts()
        summary = ", ".join(f"{counts[k]} {k}" for k in counts.index)
        # Counts as whole numbers: a failed query's None would otherwise make them floats.
        shown = frame.astype({"rows": "Int64"}) if "rows" in frame else frame
        table = shown.to_html(classes="dataframe", index=False, na_rep="")
        return wrap(esc(f"{len(frame)} queries: {summary}")) + wrap(table, css="dwsim-q-frame")


class WebApp(App):
    """Import, Generate, Experiments, Query, ER diagram and Coverage in tabs, kept in step."""

    def __init__(self, ws: Any, client: Any = None) -> None:
        super().__init__(ws, client=client)
        self.erd = ErdView(ws)
        self.coverage = CoverageView(ws)
        # After the App's own tabs, whatever they are.
        base: tuple[Any, ...] = tuple(self.children)  # type: ignore[has-type]
        self.children = (*base, self.erd, self.coverage)
        self.erd_index = len(base)
        self.set_title(self.erd_index, "ER diagram")
        self.set_title(self.erd_index + 1, "Coverage")
        self.erd.experiment.observe(lambda _: self._shown(), names="value")
        self.observe(lambda _: self._shown(), names="selected_index")
        self.add_class("dwsim-web-app")

    def _shown(self) -> None:
        """Draw the ER diagram when its tab is open: the spec may have changed meanwhile."""
        if self.selected_index == self.erd_index:
            self.erd.draw()

    def _saved(self, name: str) -> None:
        super()._saved(name)
        self.erd.refresh(keep=name)
        self.coverage.refresh(keep=name)

    def _changed(self) -> None:
        super()._changed()
        self.erd.refresh()
        self.coverage.refresh()


def web_app(ws: Any = None, client: Any = None) -> WebApp:
    """The web app's tabs over ``ws`` (default: ``$DWSIM_HOME``, else ``./.dwsim``)."""
    if ws is None:
        from dwsim_nb.workspace import Workspace

        ws = Workspace()
    return WebApp(ws, client=client)
