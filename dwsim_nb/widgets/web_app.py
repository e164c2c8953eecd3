"""The web app that ``dwsim ui`` serves: the notebook's tabs (:class:`dwsim_nb.widgets.App`,
coverage included) plus a view a browser user cannot ask for with a magic: the ER diagram of the
experiment picked in its own dropdown, with an SVG download.

    from dwsim_nb.widgets.web_app import web_app
    web_app(ws)         # Import, Generate, Experiments, Query, ER diagram, Coverage
"""

from __future__ import annotations

import base64
from typing import Any

from dwsim_nb.display.html import esc, wrap
from dwsim_nb.widgets import App
from dwsim_nb.widgets.experiment_view import CoverageView, ExperimentView

__all__ = ["CoverageView", "ErdView", "WebApp", "web_app"]


class ErdView(ExperimentView):
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


class WebApp(App):
    """Import, Generate, Experiments, Query, ER diagram and Coverage in tabs, kept in step."""

    def __init__(self, ws: Any, client: Any = None) -> None:
        super().__init__(ws, client=client)
        self.erd = ErdView(ws)
        # The diagram goes just before the Coverage tab the App already has.
        tabs: list[Any] = list(self.children)  # type: ignore[has-type]
        titles = list(self.titles)
        self.erd_index = tabs.index(self.coverage)
        tabs.insert(self.erd_index, self.erd)
        titles.insert(self.erd_index, "ER diagram")
        self.children = tuple(tabs)
        for i, title in enumerate(titles):
            self.set_title(i, title)
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

    def _changed(self) -> None:
        super()._changed()
        self.erd.refresh()


def web_app(ws: Any = None, client: Any = None) -> WebApp:
    """The web app's tabs over ``ws`` (default: ``$DWSIM_HOME``, else ``./.dwsim``)."""
    if ws is None:
        from dwsim_nb.workspace import Workspace

        ws = Workspace()
    return WebApp(ws, client=client)
