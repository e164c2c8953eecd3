"""Progress display for generation and loading: the ``progress(table, rows_done, rows_total)``
callback of the engine contract, shown as ipywidgets bars in a notebook and as text elsewhere.

    from dwsim_nb.progress import progress_bar
    exp.generate(rows={"orders": 1_000_000}, progress=progress_bar())

Callbacks may arrive from worker threads, so every update takes a lock; and they may arrive per
block (thousands of times), so screen updates are throttled.
"""

from __future__ import annotations

import html
import sys
import threading
import time
from typing import Any, Protocol, TextIO

_MIN_INTERVAL = 0.1  # seconds between two screen updates of the same table


class ProgressCallback(Protocol):
    def __call__(self, table: str, rows_done: int, rows_total: int) -> None: ...


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets can render), False in terminals and scripts."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Tally:
    """Rows and finished tables of one stage over all its tables, updated in O(1) per report."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, int]] = {}
        self.done = 0
        self.total = 0
        self.tables_done = 0

    def update(self, table: str, rows_done: int, rows_total: int) -> None:
        old = self.rows.get(table)
        old_done, old_total = old if old is not None else (0, 0)
        self.rows[table] = (rows_done, rows_total)
        self.done += rows_done - old_done
        self.total += rows_total - old_total
        # A table may report its last count twice (an empty table's schema file, a retry).
        was_done = old is not None and old_done >= old_total
        self.tables_done += int(rows_done >= rows_total) - int(was_done)


class _Throttle:
    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def due(self, table: str, done: bool) -> bool:
        now = time.monotonic()
        if done or now - self._last.get(table, 0.0) >= _MIN_INTERVAL:
            self._last[table] = now
            return True
        return False


class TextProgress:
    """Progress as text lines (``orders  40,000/100,000  40%``) for terminals and logs.

    On a terminal one line is rewritten in place; in a log a line is written per 25% step.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()
        self._throttle = _Throttle()
        self._steps: dict[str, int] = {}
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.state: dict[str, tuple[int, int]] = {}

    def __call__(self, table: str, rows_done: int, rows_total: int) -> None:
        with self._lock:
            self.state[table] = (rows_done, rows_total)
            pct = 100 if rows_total <= 0 else min(100, int(rows_done * 100 / rows_total))
            done = rows_done >= rows_total
            line = f"{table:<20} {rows_done:>12,}/{rows_total:,} {pct:3d}%"
            if self._tty:
                if self._throttle.due(table, done):
                    self.stream.write("\r" + line + ("\n" if done else ""))
                    self.stream.flush()
                return
            step = pct // 25
            if step > self._steps.get(table, -1):
                self._steps[table] = step
                self.stream.write(line + "\n")
                self.stream.flush()

    def stage(self, name: str) -> None:
        """A new stage ("generate", "load") starts: its tables count from zero again."""
        with self._lock:
            self._steps.clear()
            self.stream.write(f"{name}:\n")
            self.stream.flush()

    def close(self) -> None:
        pass


class WidgetProgress:
    """A bar per table (ipywidgets), added as tables start; ``.widget`` embeds it in a form.

    The first ``max_bars`` tables of a stage get a bar each; later ones share one bar ("+ N more
    tables"), so a schema of thousands of tables sends a bounded number of widgets to the page.
    """

    def __init__(self, *, show: bool = True, max_bars: int = 20) -> None:
        import ipywidgets as w

        self._w = w
        self.max_bars = max_bars
        self.widget = w.VBox([])
        self.widget.add_class("dwsim-progress")
        self._rows: dict[str, tuple[Any, Any]] = {}
        self._more: tuple[Any, Any] | None = None
        self._more_tally = Tally()
        self._lock = threading.Lock()
        self._throttle = _Throttle()
        self.state: dict[str, tuple[int, int]] = {}
        self._all_bars: list[Any] = []
        if show:
            from IPython.display import display

            display(self.widget)

    def _new_row(self, title: str, total: int) -> tuple[Any, Any]:
        w = self._w
        bar = w.IntProgress(
            value=0,
            min=0,
            max=max(total, 1),
            description=title,
            style={"description_width": "initial"},
        )
        bar.add_class("dwsim-progress-bar")
        label = w.Label(f"0/{total:,}")
        label.add_class("dwsim-progress-label")
        self._all_bars.append(bar)
        self.widget.children = (*self.widget.children, w.HBox([bar, label]))
        return bar, label

    def _row(self, table: str, total: int) -> tuple[Any, Any]:
        if table not in self._rows:
            self._rows[table] = self._new_row(table, total)
        return self._rows[table]

    def _update_more(self, table: str, rows_done: int, rows_total: int) -> None:
        tally = self._more_tally
        tally.update(table, rows_done, rows_total)
        finished = tally.tables_done == len(tally.rows)
        if not self._throttle.due("\0more", finished):
            return
        if self._more is None:
            self._more = self._new_row("", tally.total)
        bar, label = self._more
        bar.description = f"+ {len(tally.rows):,} more tables"
        bar.max = max(tally.total, 1)
        bar.value = min(tally.done, bar.max)
        label.value = (
            f"{tally.tables_done:,}/{len(tally.rows):,} tables, {tally.done:,}/{tally.total:,} rows"
        )
        bar.bar_style = "success" if finished else ""

    def __call__(self, table: str, rows_done: int, rows_total: int) -> None:
        with self._lock:
            self.state[table] = (rows_done, rows_total)
            if table not in self._rows and len(self._rows) >= self.max_bars:
                self._update_more(table, rows_done, rows_total)
                return
            done = rows_done >= rows_total
            if not self._throttle.due(table, done):
                return
            bar, label = self._row(table, rows_total)
            bar.max = max(rows_total, 1)
            bar.value = min(rows_done, bar.max) if rows_total > 0 else bar.max
            label.value = f"{rows_done:,}/{rows_total:,}"
            if done:
                bar.bar_style = "success"

    def stage(self, name: str) -> None:
        """A new stage ("generate", "load") starts: a heading, then fresh bars per table."""
        with self._lock:
            self._rows = {}
            self._more = None
            self._more_tally = Tally()
            self._throttle = _Throttle()
            heading = self._w.HTML(f"<b>{html.escape(name)}</b>")
            heading.add_class("dwsim-progress-stage")
            self.widget.children = (*self.widget.children, heading)

    def fail(self) -> None:
        """Mark unfinished bars red (the run failed or was cancelled)."""
        with self._lock:
            for bar in self._all_bars:
                if bar.bar_style != "success":
                    bar.bar_style = "danger"

    def close(self) -> None:
        pass


def progress_bar(kind: str = "auto", *, stream: TextIO | None = None) -> Any:
    """A progress callback: ``"widget"``, ``"text"``, or ``"auto"`` (widgets in a notebook)."""
    if kind == "widget" or (kind == "auto" and in_notebook()):
        try:
            return WidgetProgress()
        except ImportError:  # ipywidgets missing: text still tells the user something
            pass
    return TextProgress(stream)
