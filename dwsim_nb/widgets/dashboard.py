"""The experiments dashboard: one row per experiment with Load / Reset / Delete / Runs buttons,
and a runs table that refreshes by itself while a run is RUNNING."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from dwsim_nb.display.html import esc, status_badge, status_name
from dwsim_nb.display.runs_view import newest_first, run_html, runs_html
from dwsim_nb.widgets.common import button, classed, message_html, run_safely

POLL_SECONDS = 1.0


class Dashboard(w.VBox):
    """Every experiment of the workspace and what can be done with it."""

    def __init__(
        self,
        ws: Any,
        on_changed: Callable[[], None] | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.ws = ws
        self.on_changed = on_changed
        self.poll_seconds = poll_seconds
        self.rows_box = classed(w.VBox(), "dwsim-dash-list")
        self.refresh_button = button("Refresh", "dwsim-dash-refresh")
        self.status = classed(w.HTML(), "dwsim-dash-status")
        self.runs = classed(w.HTML(), "dwsim-dash-runs")
        self.selected: str | None = None
        self.buttons: dict[str, dict[str, w.Button]] = {}
        self._armed_delete: str | None = None
        self._stop_poll = threading.Event()
        self._poller: threading.Thread | None = None
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([self.refresh_button, self.rows_box, self.status, self.runs])
        self.add_class("dwsim-dashboard")
        self.refresh()

    def refresh(self) -> None:
        """Re-read the experiments (and the selected one's runs)."""

        def act() -> None:
            rows = []
            self.buttons = {}
            for exp in self.ws.experiments():
                rows.append(self._row(exp))
            if not rows:
                rows = [w.HTML(message_html("No experiments yet: import one."))]
            self.rows_box.children = tuple(rows)
            if self.selected is not None:
                self.show_runs(self.selected)

        run_safely(self.status, act)

    def _row(self, exp: Any) -> w.HBox:
        runs = newest_first(exp.runs())
        last = status_badge(runs[0].status) if runs else '<span class="dwsim-muted">no runs</span>'
        label = w.HTML(
            f"<b>{esc(exp.name)}</b> <small>{esc(exp.dialect)} → {esc(exp.warehouse_name)}, "
            f"{len(exp.spec.tables)} tables</small> {last}",
            layout=w.Layout(width="420px"),
        )
        buttons = {
            "load": button("Load", "dwsim-dash-load", tooltip="load the latest completed run"),
            "reset": button("Reset", "dwsim-dash-reset", tooltip="empty the tables"),
            "delete": button("Delete", "dwsim-dash-delete", "danger"),
            "runs": button("Runs", "dwsim-dash-runs-button"),
        }
        name = exp.name
        buttons["load"].on_click(lambda _: self.load(name))
        buttons["reset"].on_click(lambda _: self.reset(name))
        buttons["delete"].on_click(lambda _: self.delete(name))
        buttons["runs"].on_click(lambda _: self.show_runs(name))
        self.buttons[name] = buttons
        row = w.HBox([label, *buttons.values()])
        row.add_class("dwsim-dash-row")
        row.add_class(f"dwsim-dash-row-{name}")
        return row

    # --- actions -----------------------------------------------------------------------------

    def load(self, name: str) -> None:
        def act() -> None:
            run = self.ws.experiment(name).load()
            self.status.value = run_html(run)
            self.refresh()

        run_safely(self.status, act)

    def reset(self, name: str) -> None:
        def act() -> None:
            self.ws.experiment(name).reset()
            self.status.value = message_html(f"Experiment {name}: tables emptied.")

        run_safely(self.status, act)

    def delete(self, name: str) -> None:
        """First click arms the button ("Really delete?"), the second deletes."""
        if self._armed_delete != name:
            self._armed_delete = name
            self.buttons[name]["delete"].description = "Really delete?"
            self.status.value = message_html(f"Click again to delete {name} with its runs.")
            return

        def act() -> None:
            self._armed_delete = None
            self.ws.delete(name)
            if self.selected == name:
                self.selected = None
                self.runs.value = ""
            self.status.value = message_html(f"Experiment {name} deleted.")
            self.refresh()
            if self.on_changed is not None:
                self.on_changed()

        run_safely(self.status, act)

    def show_runs(self, name: str) -> None:
        """Show the runs of ``name``; keep refreshing while one of them is RUNNING."""
        self.selected = name

        def act() -> None:
            runs = self.ws.experiment(name).runs()
            self.runs.value = f"<h4>Runs of {esc(name)}</h4>" + runs_html(runs)
            if any(status_name(r.status) == "RUNNING" for r in runs):
                self._start_polling()

        run_safely(self.runs, act)

    def _start_polling(self) -> None:
        if self._poller is not None and self._poller.is_alive():
            return
        self._stop_poll.clear()
        self._poller = threading.Thread(target=self._poll, name="dwsim-dash-poll", daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._stop_poll.wait(self.poll_seconds):
            name = self.selected
            if name is None:
                return
            try:
                runs = self.ws.experiment(name).runs()
            except Exception:  # deleted meanwhile, or the catalog is busy: try again later
                continue
            self.runs.value = f"<h4>Runs of {esc(name)}</h4>" + runs_html(runs)
            if not any(status_name(r.status) == "RUNNING" for r in runs):
                self.refresh()
                return

    def close(self) -> None:
        self._stop_poll.set()
        super().close()
