"""ipywidgets forms over the workspace API: import, generate, dashboard, query.

    from dwsim_nb.widgets import app
    app(ws)                      # all five in tabs (what %dwsim_ui shows)

Each form is an ipywidgets box (display it, or put it in your own layout) whose parts carry CSS
classes such as ``dwsim-import-ddl`` so tests and browser automation can find them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from dwsim_nb.widgets.dashboard import Dashboard
from dwsim_nb.widgets.experiment_view import CoverageView
from dwsim_nb.widgets.generate_form import GenerateForm
from dwsim_nb.widgets.import_form import ImportForm
from dwsim_nb.widgets.query_panel import QueryPanel

__all__ = [
    "App",
    "CoverageView",
    "Dashboard",
    "GenerateForm",
    "ImportForm",
    "QueryPanel",
    "app",
    "coverage_view",
    "dashboard",
    "generate_form",
    "import_form",
    "query_panel",
]


def _workspace(ws: Any) -> Any:
    if ws is None:
        from dwsim_nb.workspace import Workspace

        return Workspace()
    return ws


def import_form(ws: Any = None) -> ImportForm:
    return ImportForm(_workspace(ws))


def generate_form(ws: Any = None, name: str | None = None, client: Any = None) -> GenerateForm:
    """The generate form; ``client`` (a ``distributed.Client`` or address) fills its Dask field."""
    return GenerateForm(_workspace(ws), name, client=client)


def dashboard(ws: Any = None) -> Dashboard:
    return Dashboard(_workspace(ws))


def coverage_view(ws: Any = None, name: str | None = None) -> CoverageView:
    """The workload's coverage of one experiment, measured when its button is pressed."""
    return CoverageView(_workspace(ws), name)


def query_panel(ws: Any = None, name: str | None = None) -> QueryPanel:
    return QueryPanel(_workspace(ws), name)


class App(w.Tab):
    """The forms and the coverage view in tabs, kept in step: a saved import shows up in the
    other tabs."""

    def __init__(self, ws: Any, client: Any = None) -> None:
        self.ws = ws
        self.query = QueryPanel(ws)
        self.dashboard = Dashboard(ws, on_changed=self._changed)
        self.generate = GenerateForm(
            ws, on_finished=lambda _: self.dashboard.refresh(), client=client
        )
        self.importer = ImportForm(ws, on_saved=self._saved)
        self.coverage = CoverageView(ws)
        super().__init__(
            children=[self.importer, self.generate, self.dashboard, self.query, self.coverage]
        )
        for i, title in enumerate(("Import", "Generate", "Experiments", "Query", "Coverage")):
            self.set_title(i, title)
        self.add_class("dwsim-app")

    def _saved(self, name: str) -> None:
        self.generate.refresh(keep=name)
        self.query.refresh(keep=name)
        self.coverage.refresh(keep=name)
        self.dashboard.refresh()

    def _changed(self) -> None:
        self.generate.refresh()
        self.query.refresh()
        self.coverage.refresh()
        self.dashboard.refresh()


def app(ws: Any = None, client: Any = None) -> App:
    """All forms in tabs: Import, Generate, Experiments, Query, Coverage.

    ``client`` (a ``distributed.Client`` or scheduler address) fills the Generate tab's Dask field.
    """
    return App(_workspace(ws), client=client)
