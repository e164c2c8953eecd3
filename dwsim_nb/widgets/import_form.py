"""The import form: paste DDL, pick the dialect and warehouse, preview, then save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from dwsim_nb.display.spec_view import spec_html
from dwsim_nb.widgets.common import (
    DIALECTS,
    button,
    classed,
    message_html,
    run_safely,
    warehouse_names,
)


class ImportForm(w.VBox):
    """DDL text area, dialect, warehouse and name; Preview shows the interpreted schema and
    warnings before Save stores it. On an error the message shows and every input stays."""

    def __init__(self, ws: Any, on_saved: Callable[[str], None] | None = None) -> None:
        self.ws = ws
        self.on_saved = on_saved
        self.name = classed(w.Text(description="Name", placeholder="shop"), "dwsim-import-name")
        self.dialect = classed(
            w.Dropdown(options=DIALECTS, value="redshift", description="Dialect"),
            "dwsim-import-dialect",
        )
        self.warehouse = classed(
            w.Dropdown(options=warehouse_names(), description="Warehouse"),
            "dwsim-import-warehouse",
        )
        self.ddl = classed(
            w.Textarea(
                placeholder="CREATE TABLE customers (...);",
                layout=w.Layout(width="100%", height="180px"),
            ),
            "dwsim-import-ddl",
        )
        self.preview_button = button("Preview", "dwsim-import-preview")
        self.save_button = button("Save", "dwsim-import-save", "primary")
        self.output = classed(w.HTML(), "dwsim-import-output")
        self.preview_button.on_click(lambda _: self.preview())
        self.save_button.on_click(lambda _: self.save())
        super().__init__(
            [
                w.HBox([self.name, self.dialect, self.warehouse]),
                self.ddl,
                w.HBox([self.preview_button, self.save_button]),
                self.output,
            ]
        )
        self.add_class("dwsim-import-form")

    def _spec(self) -> Any:
        from dwsim_nb.workspace import import_sql

        return import_sql(
            self.ddl.value,
            dialect=self.dialect.value,
            name=self.name.value.strip() or "imported",
            target_warehouse=self.warehouse.value,
        )

    def preview(self) -> Any:
        """Show the interpreted schema without storing anything."""

        def act() -> Any:
            spec = self._spec()
            self.output.value = spec_html(spec)
            return spec

        return run_safely(self.output, act)

    def save(self) -> Any:
        """Store the experiment in the workspace; returns it (None on error)."""

        def act() -> Any:
            name = self.name.value.strip()
            if not name:
                from dwsim_nb.errors import DwsimError

                raise DwsimError(
                    "the experiment needs a name", where="import form", hint="fill in Name"
                )
            exp = self.ws.import_sql(
                self.ddl.value,
                name=name,
                dialect=self.dialect.value,
                warehouse=self.warehouse.value,
            )
            self.output.value = message_html(f"Saved experiment {exp.name}.") + spec_html(exp.spec)
            if self.on_saved is not None:
                self.on_saved(exp.name)
            return exp

        return run_safely(self.output, act)
