"""Terminal output for the CLI with rich: tables, progress bars, error paragraphs."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd
    from rich.progress import Progress, TaskID

    from dwsim_nb.run import Run
    from dwsim_nb.workspace import Experiment

MAX_ROWS = 50


def df_table(df: pd.DataFrame, title: str | None = None, max_rows: int = MAX_ROWS) -> Table:
    """A DataFrame as a rich table (first ``max_rows`` rows)."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for name in df.columns:
        numeric = _is_numeric(df[name])
        table.add_column(str(name), justify="right" if numeric else "left")
    for row in df.head(max_rows).itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    if len(df) > max_rows:
        table.caption = f"first {max_rows} of {len(df):,} rows"
    elif title is not None:
        table.caption = f"{len(df):,} rows"
    return table


def _is_numeric(series: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.api.types.is_numeric_dtype(series.dtype))
    except TypeError:
        return False


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    try:
        import pandas as pd

        if pd.isna(value):
            return "NULL"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.2f}"
    return str(value)


def runs_table(runs: list[Run]) -> Table:
    table = Table(header_style="bold")
    for name in ("run", "status", "started", "seconds", "rows", "seed", "loaded", "error"):
        table.add_column(name, justify="right" if name in ("run", "seconds", "rows") else "left")
    for r in runs:
        secs = r.seconds
        table.add_row(
            str(r.id),
            _status(r.status),
            r.started_at[:19].replace("T", " "),
            f"{secs:.2f}" if secs is not None else "",
            f"{r.total_rows:,}",
            "" if r.seed is None else str(r.seed),
            "yes" if r.loaded else "",
            (r.error or "")[:80],
        )
    return table


def _status(status: str) -> str:
    color = {"COMPLETED": "green", "FAILED": "red", "ABORTED": "yellow"}.get(status, "cyan")
    return f"[{color}]{status}[/{color}]"


def experiments_table(experiments: list[Experiment]) -> Table:
    table = Table(header_style="bold")
    for name in ("name", "dialect", "warehouse", "tables", "spec", "runs", "loaded run"):
        table.add_column(name)
    for e in experiments:
        runs = e.runs()
        loaded = next((r for r in runs if r.loaded), None)
        table.add_row(
            e.name,
            e.dialect,
            e.warehouse_name,
            str(len(e.spec.tables)),
            f"v{e.spec_version}",
            str(len(runs)),
            f"{loaded.id} ({loaded.total_rows:,} rows)" if loaded else "",
        )
    return table


def spec_table(exp: Experiment) -> Table:
    """Tables and columns of an experiment's spec."""
    table = Table(
        title=f"{exp.name}: {exp.dialect} SQL on {exp.warehouse_name}",
        title_justify="left",
        header_style="bold",
    )
    for name in ("table", "column", "type", "key", "rule"):
        table.add_column(name)
    for t in exp.spec.tables:
        fks = {c: fk for fk in t.foreign_keys for c in fk.columns}
        for i, c in enumerate(t.columns):
            key = "PK" if c.name in t.primary_key else ""
            if c.name in fks:
                key = (key + " " if key else "") + f"FK {fks[c.name].references_table}"
            rule = c.rule_kind() or ""
            table.add_row(t.name if i == 0 else "", c.name, c.data_type, key, rule)
    return table


class RichProgress:
    """The ``progress(table, rows_done, rows_total)`` callback as rich bars, one per table and
    stage (generate, load). Thread-safe: the engine may report from worker threads."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress: Progress = Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._stage = "generate"
        self._lock = threading.Lock()

    def stage(self, name: str) -> None:
        self._stage = name

    def __call__(self, table: str, rows_done: int, rows_total: int) -> None:
        with self._lock:
            key = (self._stage, table)
            task = self._tasks.get(key)
            if task is None:
                task = self._progress.add_task(f"{self._stage} {table}", total=rows_total)
                self._tasks[key] = task
            self._progress.update(task, completed=rows_done, total=rows_total)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
