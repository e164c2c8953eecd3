"""Terminal output for the CLI with rich: tables, progress bars, error paragraphs.

Names, values, messages and paths come from users and their data, so they are shown through
:func:`plain` (never parsed as rich markup or ``:emoji:`` codes); only this module's own
styling is markup.
"""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dwsim_nb.progress import Tally

if TYPE_CHECKING:
    import pandas as pd
    from rich.progress import Progress, TaskID

    from dwsim_nb.run import Run
    from dwsim_nb.spec.models import ExperimentSpec
    from dwsim_nb.workspace import Experiment

MAX_ROWS = 50

# C0/C1 control characters except tab and newline: shown as \\xNN so a value cannot move the
# cursor, clear the screen or set the terminal's title.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> Text:
    """``value`` as literal terminal text: no markup, no emoji codes, control codes escaped."""
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


def console(stderr: bool = False) -> Console:
    """A console that replaces no ``:emoji:`` codes (markup stays on for this module's styles)."""
    return Console(stderr=stderr, soft_wrap=not stderr, emoji=False)


def say(*parts: Any, stderr: bool = False) -> None:
    """Print one line of literal parts (names, values, paths) and ``(part, style)`` pairs."""
    line = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, None)
        line.append(plain(text).plain, style)
    console(stderr).print(line)


def short(e: BaseException, limit: int = 300) -> str:
    """An exception's message on one line, cut at ``limit`` characters."""
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_error(e: Exception, command: str) -> int:
    """Print the one paragraph for an exception out of ``command``; return the exit code.

    A DwsimError is the user's to fix (1), and so is an OSError: no space, no permission, a name
    too long for a file (1). Anything else is a bug (3): re-raised when DWSIM_DEBUG is set.
    """
    import os
    import sys

    if isinstance(e, BrokenPipeError):
        # The reader (head, less) went away: stop quietly; no flush at exit may fail either.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    from dwsim_nb.errors import DwsimError

    if isinstance(e, DwsimError):
        say(("error:", "bold red"), " ", str(e), stderr=True)
        return 1
    if isinstance(e, OSError):
        where = f" ({e.filename})" if e.filename else ""
        say(
            ("error:", "bold red"),
            f" {e.strerror or short(e)}{where}. Fix: check the path, its permissions, the free "
            "space, and that names fit in a file name (255 bytes)",
            stderr=True,
        )
        return 1
    if os.environ.get("DWSIM_DEBUG", "") not in ("", "0"):
        raise e
    say(
        ("internal error:", "bold red"),
        f" `{command}` failed unexpectedly ({type(e).__name__}: {short(e)}). This is a bug in "
        "dwsim: please report it with the command you ran; set DWSIM_DEBUG=1 to see the "
        "traceback.",
        stderr=True,
    )
    return 3


def report_created(out: Console, exp: Experiment) -> None:
    import shlex

    from dwsim_nb.display.why_view import counts_label, group_summaries

    out.print(spec_table(exp))
    # Grouped by template: a pg_dump's 55 alike warnings are one line with a count.
    for w in group_summaries(exp.spec.warnings):
        say(("warning:", "yellow"), " ", w)
    why = counts_label(exp.spec)
    if why:
        say(why, f"; the reasons: dwsim show {shlex.quote(exp.name)} --why")
    say(
        "created experiment ",
        (exp.name, "bold"),
        f"; next: dwsim generate {shlex.quote(exp.name)}",
    )


def why_table(spec: ExperimentSpec) -> Table:
    """Each inferred rule with its reason, grouped by the kind of source (CHECK ... name)."""
    from dwsim_nb.display.why_view import counts_label, why_rows

    table = Table(
        title=plain(counts_label(spec) or "no inferred rules"),
        title_justify="left",
        header_style="bold",
    )
    for name in ("source", "table", "column", "rule", "reason"):
        table.add_column(name)
    previous = None
    for row in why_rows(spec):
        cells = (row[0] if row[0] != previous else "", *row[1:])
        previous = row[0]
        table.add_row(*(plain(v) for v in cells))
    return table


def report_why(out: Console, spec: ExperimentSpec) -> None:
    """``dwsim show NAME --why``: the inferred rules, then the grouped warnings and notes."""
    from dwsim_nb.display.why_view import group_summaries

    out.print(why_table(spec))
    for w in group_summaries(spec.warnings):
        say(("warning:", "yellow"), " ", w)
    for n in group_summaries(spec.notes):
        say(("note:", "dim"), " ", n)


def export_query(exp: Any, sql: str, output: Path) -> Path:
    """``exp.export_query`` with a path under a file and what a format cannot hold as
    DwsimErrors."""
    import pyarrow as pa

    from dwsim_nb.errors import QueryError

    # Found before the query runs: a path that cannot be a file's. Other OSErrors (permission,
    # space) reach the group's error path with their path.
    parent = next((p for p in output.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise QueryError(
            f"cannot write {str(output)!r}: {str(parent)!r} is a file, not a folder.",
            hint="choose a path inside a folder",
        )
    try:
        return Path(exp.export_query(sql, output))
    except pa.ArrowException as e:
        csv = output.suffix.lower() == ".csv"
        raise QueryError(
            f"the result cannot be written as {'CSV' if csv else 'Parquet'}: {short(e)}.",
            hint="cast list, struct, map and interval columns to text in the query"
            + (" (or write .parquet)" if csv else ""),
        ) from None


def report_run(out: Console, run: Run, what: str) -> None:
    secs = run.seconds
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in run.timings.items() if "." not in k)
    out.print(
        plain(
            f"run {run.id} {what}: {run.total_rows:,} rows in {len(run.rows)} tables"
            + (f" in {secs:.2f} s" if secs is not None else "")
            + (f" ({timing})" if timing else "")
        )
    )


def df_table(df: pd.DataFrame, title: str | None = None, max_rows: int = MAX_ROWS) -> Table:
    """A DataFrame as a rich table (first ``max_rows`` rows)."""
    table = Table(
        title=None if title is None else plain(title), title_justify="left", header_style="bold"
    )
    # By position: result columns may share a name (select 1 as a, 2 as a).
    for i, name in enumerate(df.columns):
        numeric = _is_numeric(df.iloc[:, i])
        table.add_column(plain(name), justify="right" if numeric else "left")
    for row in df.head(max_rows).itertuples(index=False, name=None):
        table.add_row(*(plain(_cell(v)) for v in row))
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
            plain((r.error or "")[:80]),
        )
    return table


def _status(status: str) -> Text:
    color = {"COMPLETED": "green", "FAILED": "red", "ABORTED": "yellow"}.get(status, "cyan")
    return Text(status, style=color)


def experiments_table(experiments: list[Experiment]) -> Table:
    table = Table(header_style="bold")
    for name in ("name", "dialect", "warehouse", "tables", "spec", "runs", "loaded run"):
        table.add_column(name)
    for e in experiments:
        runs = e.runs()
        loaded = next((r for r in runs if r.loaded), None)
        table.add_row(
            plain(e.name),
            plain(e.dialect),
            plain(e.warehouse_name),
            str(len(e.spec.tables)),
            f"v{e.spec_version}",
            str(len(runs)),
            f"{loaded.id} ({loaded.total_rows:,} rows)" if loaded else "",
        )
    return table


def spec_table(exp: Experiment) -> Table:
    """Tables and columns of an experiment's spec."""
    table = Table(
        title=plain(f"{exp.name}: {exp.dialect} SQL on {exp.warehouse_name}"),
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
            cells = (t.name if i == 0 else "", c.name, c.data_type, key, rule)
            table.add_row(*(plain(v) for v in cells))
    return table


class RichProgress:
    """The ``progress(table, rows_done, rows_total)`` callback as one rich bar per stage
    (generate, load): tables done of ``tables``, rows so far, and the table reported last.

    A report costs O(1) and a screen refresh draws one line per stage, whatever the number of
    tables. Thread-safe: the engine may report from worker threads.
    """

    def __init__(self, console: Console, tables: int | None = None) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        self._tables = tables
        self._progress: Progress = Progress(
            TextColumn("{task.description:<9}", markup=False),
            BarColumn(),
            TextColumn("{task.fields[counts]}", markup=False),
            TimeElapsedColumn(),
            # The current table's name is data: literal, cut to one line.
            TextColumn(
                "{task.fields[current]}",
                markup=False,
                table_column=Column(no_wrap=True, overflow="ellipsis", max_width=40),
            ),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._tally = Tally()
        self._lock = threading.Lock()

    def stage(self, name: str) -> None:
        with self._lock:
            self._finish()
            self._tally = Tally()
            self._task = self._progress.add_task(name, total=self._tables, counts="", current="")

    def __call__(self, table: str, rows_done: int, rows_total: int) -> None:
        with self._lock:
            if self._task is None:
                self._task = self._progress.add_task(
                    "generate", total=self._tables, counts="", current=""
                )
            t = self._tally
            t.update(table, rows_done, rows_total)
            self._progress.update(
                self._task,
                completed=t.tables_done,
                counts=self._counts(),
                current=plain(f"{table} {rows_done:,}/{rows_total:,}").plain,
            )

    def _counts(self) -> str:
        t = self._tally
        of = f"/{self._tables:,}" if self._tables is not None else ""
        return f"{t.tables_done:,}{of} tables, {t.done:,} rows"

    def _finish(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, counts=self._counts(), current="")

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._finish()
        self._progress.stop()
