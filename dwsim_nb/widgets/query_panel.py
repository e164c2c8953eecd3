"""The query panel: SQL in the experiment's dialect, Run, the DataFrame, Export CSV, Save .sql."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import ipywidgets as w

from dwsim_nb.display.html import esc, wrap
from dwsim_nb.errors import DwsimError
from dwsim_nb.widgets.common import (
    button,
    classed,
    experiment_names,
    message_html,
    refresh_dropdown,
    run_safely,
)

MAX_ROWS_SHOWN = 200
MAX_DOWNLOAD_BYTES = 5_000_000  # larger exports are written to disk only


class QueryPanel(w.VBox):
    """Write SQL against an experiment and look at, export or save it."""

    def __init__(self, ws: Any, name: str | None = None) -> None:
        self.ws = ws
        self.experiment = classed(w.Dropdown(description="Experiment"), "dwsim-q-experiment")
        self.sql = classed(
            w.Textarea(
                placeholder="select * from orders limit 10",
                layout=w.Layout(width="100%", height="120px"),
            ),
            "dwsim-q-sql",
        )
        self.file = classed(w.Text(value="query", description="File"), "dwsim-q-file")
        self.run_button = button("Run", "dwsim-q-run", "primary")
        self.export_button = button("Export CSV", "dwsim-q-export")
        self.save_button = button("Save .sql", "dwsim-q-save")
        self.status = classed(w.HTML(), "dwsim-q-status")
        self.output = classed(w.HTML(), "dwsim-q-output")
        self.result: Any = None
        self.run_button.on_click(lambda _: self.run())
        self.export_button.on_click(lambda _: self.export_csv())
        self.save_button.on_click(lambda _: self.save_sql())
        super().__init__(
            [
                self.experiment,
                self.sql,
                w.HBox([self.run_button, self.file, self.export_button, self.save_button]),
                self.status,
                self.output,
            ]
        )
        self.add_class("dwsim-query-panel")
        self.refresh(keep=name)

    def refresh(self, keep: str | None = None) -> None:
        refresh_dropdown(self.experiment, experiment_names(self.ws), keep)

    def run(self) -> Any:
        """Run the SQL; the DataFrame shows below (first rows) and is kept in ``.result``."""

        def act() -> Any:
            if not self.experiment.value:
                raise DwsimError(
                    "no experiment selected", where="query panel", hint="import one first"
                )
            df = self.ws.experiment(self.experiment.value).query(self.sql.value)
            self.result = df
            shown = df.head(MAX_ROWS_SHOWN).to_html(classes="dataframe", index=False)
            more = len(df) - min(len(df), MAX_ROWS_SHOWN)
            note = f"{len(df):,} rows" + (f" (first {MAX_ROWS_SHOWN} shown)" if more else "")
            self.status.value = message_html(note)
            self.output.value = wrap(shown, css="dwsim-q-frame")
            return df

        # The error takes the result's place: an old table under a new error would read as
        # the answer to the failed query.
        self.status.value = ""
        self.output.value = ""
        self.result = None
        return run_safely(self.output, act)

    def _path(self, suffix: str) -> Path:
        path = Path(self.file.value.strip() or "query").expanduser()
        return path if path.suffix == suffix else path.with_suffix(suffix)

    def export_csv(self) -> Path | None:
        """Write the query's rows to ``<file>.csv`` and offer the file as a download link."""

        def act() -> Path:
            if self.result is None:
                raise DwsimError(
                    "nothing to export yet", where="query panel", hint="click Run first"
                )
            exp = self.ws.experiment(self.experiment.value)
            path = Path(exp.export_query(self.sql.value, self._path(".csv")))
            data = path.read_bytes()
            link = ""
            if len(data) <= MAX_DOWNLOAD_BYTES:
                b64 = base64.b64encode(data).decode("ascii")
                link = (
                    f' <a download="{esc(path.name)}" href="data:text/csv;base64,{b64}">'
                    "download</a>"
                )
            self.status.value = wrap(f"Wrote {esc(path)} ({len(self.result):,} rows).{link}")
            return path

        return run_safely(self.status, act)  # type: ignore[no-any-return]

    def save_sql(self) -> Path | None:
        """Write the SQL text to ``<file>.sql``."""

        def act() -> Path:
            exp = self.ws.experiment(self.experiment.value)
            path = Path(exp.save_query(self.sql.value, self._path(".sql")))
            self.status.value = message_html(f"Saved the SQL to {path}.")
            return path

        return run_safely(self.status, act)  # type: ignore[no-any-return]
