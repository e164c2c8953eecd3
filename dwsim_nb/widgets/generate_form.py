"""The generate form: rows per table, seed, a Dask scheduler, a progress bar per table, Cancel.

Generation runs on a background thread so the notebook keeps answering clicks (Cancel works only
because the kernel is free to receive it); :meth:`GenerateForm.wait` joins that thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from dwsim_nb.display.html import error_html
from dwsim_nb.display.runs_view import run_html
from dwsim_nb.errors import DwsimError
from dwsim_nb.progress import WidgetProgress
from dwsim_nb.widgets.common import accepts, button, classed, experiment_names, refresh_dropdown


class GenerateForm(w.VBox):
    """Pick an experiment, set rows per table and a seed, Generate; watch the bars; Cancel.

    The *Dask scheduler* field (``tcp://HOST:8786``) runs the blocks on that cluster, as
    ``%%dwsim_generate --dask`` does; empty, they run in this kernel. ``client=`` takes a
    ``distributed.Client`` made in the notebook (or an address) and fills the field with its
    scheduler: the form uses that client while the field shows its address.

        cluster = LocalCluster(host="127.0.0.1", dashboard_address=None)
        form = GenerateForm(ws, "shop", client=Client(cluster))
    """

    def __init__(
        self,
        ws: Any,
        name: str | None = None,
        *,
        background: bool = True,
        on_finished: Callable[[str], None] | None = None,
        client: Any = None,
    ) -> None:
        self.ws = ws
        self.background = background
        self.on_finished = on_finished
        self.client = client
        self.experiment = classed(w.Dropdown(description="Experiment"), "dwsim-gen-experiment")
        self.seed = classed(w.IntText(value=42, description="Seed"), "dwsim-gen-seed")
        self.load = classed(w.Checkbox(value=True, description="Load"), "dwsim-gen-load")
        self.dask = classed(
            w.Text(
                value=_client_address(client),
                description="Dask scheduler",
                placeholder="tcp://HOST:8786 (empty: run here)",
                style={"description_width": "initial"},
                layout=w.Layout(width="32em"),
            ),
            "dwsim-gen-dask",
        )
        self.rows_box = classed(w.VBox(), "dwsim-gen-rows-box")
        self.rows: dict[str, w.IntText] = {}
        # Row boxes per experiment, and the spec's counts they started from.
        self._boxes: dict[str, dict[str, w.IntText]] = {}
        self._defaults: dict[str, dict[str, int]] = {}
        self.run_button = button("Generate", "dwsim-gen-run", "primary")
        self.cancel_button = button("Cancel", "dwsim-gen-cancel", "warning")
        self.cancel_button.disabled = True
        self.progress_box = classed(w.VBox(), "dwsim-gen-progress")
        self.result = classed(w.HTML(), "dwsim-gen-result")
        self.progress: WidgetProgress | None = None
        self.last_run: Any = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.run_button.on_click(lambda _: self.generate())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.experiment.observe(lambda _: self._fill_rows(), names="value")
        super().__init__(
            [
                self.experiment,
                self.rows_box,
                w.HBox([self.seed, self.load]),
                self.dask,
                w.HBox([self.run_button, self.cancel_button]),
                self.progress_box,
                self.result,
            ]
        )
        self.add_class("dwsim-generate-form")
        self.refresh(keep=name)

    def refresh(self, keep: str | None = None) -> None:
        """Re-read the workspace's experiments (after an import or a delete)."""
        names = experiment_names(self.ws)
        refresh_dropdown(self.experiment, names, keep)
        for gone in set(self._boxes) - set(names):
            del self._boxes[gone], self._defaults[gone]
        self._fill_rows()

    def _fill_rows(self) -> None:
        name = self.experiment.value
        if not name:
            self.rows = {}
            self.rows_box.children = ()
            return
        try:
            spec = self.ws.experiment(name).spec
        except DwsimError as err:
            self.result.value = error_html(err)
            return
        # An experiment keeps its boxes and what was typed in them: a refresh after an import
        # passes the dropdown through other values, and new boxes each time lost typed counts.
        kept = self._boxes.get(name, {})
        defaults = self._defaults.get(name, {})
        rows: dict[str, w.IntText] = {}
        for table in spec.tables:
            box = kept.get(table.name)
            if box is None:
                box = w.IntText(
                    value=table.target_rows,
                    description=table.name,
                    style={"description_width": "initial"},
                )
                box.add_class("dwsim-gen-rows")
                box.add_class(f"dwsim-gen-rows-{table.name}")
            elif box.value == defaults.get(table.name):
                box.value = table.target_rows  # untouched: follow the spec's new count
            rows[table.name] = box
        self.rows = self._boxes[name] = rows
        self._defaults[name] = {t.name: t.target_rows for t in spec.tables}
        if self.rows_box.children != tuple(rows.values()):
            self.rows_box.children = tuple(rows.values())

    # --- running -----------------------------------------------------------------------------

    def generate(self) -> None:
        """Start a run with the form's values (on a thread unless ``background=False``)."""
        if self._thread is not None and self._thread.is_alive():
            return
        name = self.experiment.value
        if not name:
            self.result.value = error_html(
                DwsimError(
                    "no experiment to generate",
                    where="generate form",
                    hint="import one first (Import tab)",
                )
            )
            return
        try:
            # Checked before anything starts: no run is recorded for a mistyped address.
            client = self._dask_client()
        except DwsimError as err:
            self.result.value = error_html(err)
            return
        self._cancel.clear()
        self.progress = WidgetProgress(show=False)
        self.progress_box.children = (self.progress.widget,)
        self.result.value = ""
        self.run_button.disabled = True
        exp = self.ws.experiment(name)
        can_cancel = accepts(exp.generate, "cancel")
        self.cancel_button.disabled = not can_cancel
        kwargs: dict[str, Any] = {
            "rows": {t: int(box.value) for t, box in self.rows.items()},
            "seed": int(self.seed.value),
            "load": bool(self.load.value),
            "progress": self.progress,
        }
        if can_cancel:
            kwargs["cancel"] = self._cancel
        if client is not None:
            # As the CLI's --dask: client= selects the Dask executor; an address is opened for
            # this run only and closed after it.
            kwargs["client"] = client
        if self.background:
            self._thread = threading.Thread(
                target=self._run, args=(exp, kwargs), name="dwsim-generate", daemon=True
            )
            self._thread.start()
        else:
            self._run(exp, kwargs)

    def _run(self, exp: Any, kwargs: dict[str, Any]) -> None:
        try:
            run = exp.generate(**kwargs)
        except DwsimError as err:
            if self.progress is not None:
                self.progress.fail()
            self.result.value = error_html(err)
        except Exception as err:  # a thread's exception would vanish; show it instead
            if self.progress is not None:
                self.progress.fail()
            self.result.value = error_html(f"{type(err).__name__}: {err}")
        else:
            self.last_run = run
            self.result.value = run_html(run)
            if self.on_finished is not None:
                self.on_finished(exp.name)
        finally:
            self.run_button.disabled = False
            self.cancel_button.disabled = True

    def _dask_client(self) -> Any:
        """The field's scheduler: None (run here), the given client, or a checked address."""
        from dwsim_nb.workspace import scheduler_address

        where = "generate form, Dask scheduler"
        try:
            address = scheduler_address(self.dask.value, where=where)
        except DwsimError as err:
            raise DwsimError(
                err.message,
                where=where,
                hint=f"{err.hint}, or empty the field to generate in this kernel",
            ) from None
        if address is None:
            return None
        # A client made in the notebook is used as long as the field names its scheduler.
        if self.client is not None and not isinstance(self.client, str):
            given = _client_address(self.client)
            if given and scheduler_address(given) == address:
                return self.client
        return address

    def cancel(self) -> None:
        """Ask the running generation to stop; the run ends ABORTED and earlier data stays."""
        self._cancel.set()
        self.cancel_button.disabled = True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run to finish; True if it did within ``timeout`` seconds."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def _client_address(client: Any) -> str:
    """The scheduler address of a ``distributed.Client`` (or an address given as text)."""
    if client is None:
        return ""
    if isinstance(client, str):
        return client.strip()
    scheduler = getattr(client, "scheduler", None)
    return str(getattr(scheduler, "address", "") or "")
