"""Experiments and runs as HTML (notebooks) and text (terminals).

These read attributes only (``name``, ``spec``, ``runs()``, ``status``, ``rows`` ...), so the
workspace's classes can call them from ``_repr_html_`` without this module importing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dwsim_nb.display.html import esc, fmt_int, grid, status_badge, status_name, wrap
from dwsim_nb.display.spec_view import spec_body_html


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _when(value: Any) -> str:
    when = _as_datetime(value)
    if when is not None:
        return when.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else str(value)


def _duration(run: Any) -> str:
    start = _as_datetime(getattr(run, "started_at", None))
    end = _as_datetime(getattr(run, "finished_at", None))
    if start is not None and end is not None:
        try:
            return f"{(end - start).total_seconds():.2f} s"
        except TypeError:  # one aware and one naive timestamp
            pass
    timings = getattr(run, "timings", None) or {}
    total = timings.get("total") if isinstance(timings, dict) else None
    return f"{float(total):.2f} s" if isinstance(total, int | float) else ""


def _rows_total(run: Any) -> int:
    rows = getattr(run, "rows", None) or {}
    return sum(int(v) for v in rows.values()) if isinstance(rows, dict) else 0


def _rows_label(run: Any) -> str:
    rows = getattr(run, "rows", None) or {}
    if not isinstance(rows, dict) or not rows:
        return ""
    return ", ".join(f"{t} {fmt_int(n)}" for t, n in rows.items())


def run_html(run: Any) -> str:
    """One run: status badge, seed, rows per table, timings, error."""
    rows = getattr(run, "rows", None) or {}
    parts = [
        f"<h3>Run {esc(getattr(run, 'id', ''))} {status_badge(getattr(run, 'status', None))}</h3>",
        f'<div class="dwsim-muted">experiment <b>{esc(getattr(run, "experiment", ""))}</b>'
        f" · seed {esc(getattr(run, 'seed', ''))}"
        f" · started {esc(_when(getattr(run, 'started_at', None)))}"
        f" · {esc(_duration(run))}</div>",
    ]
    if isinstance(rows, dict) and rows:
        parts.append(
            grid(["table", "rows"], [[esc(t), fmt_int(n)] for t, n in rows.items()], "dwsim-rows")
        )
    timings = getattr(run, "timings", None) or {}
    if isinstance(timings, dict) and timings:
        cells = [
            [esc(k), f"{float(v):.3f} s" if isinstance(v, int | float) else esc(v)]
            for k, v in timings.items()
        ]
        parts.append(grid(["step", "time"], cells, "dwsim-timings"))
    error = getattr(run, "error", None)
    if error:
        parts.append(f'<div class="dwsim-error">{esc(error)}</div>')
    return wrap("".join(parts), css="dwsim-run")


def _run_row(run: Any) -> list[str]:
    return [
        esc(getattr(run, "id", "")),
        status_badge(getattr(run, "status", None)),
        esc(_when(getattr(run, "started_at", None))),
        esc(_duration(run)),
        esc(getattr(run, "seed", "")),
        fmt_int(_rows_total(run)),
        esc(_rows_label(run)),
        esc(getattr(run, "error", None) or ""),
    ]


_RUN_HEADERS = ["run", "status", "started", "took", "seed", "rows", "per table", "error"]


def newest_first(runs: Sequence[Any]) -> list[Any]:
    """Runs ordered newest first (by id when ids are numbers, else reversed as given)."""
    items = list(runs)
    if all(isinstance(getattr(r, "id", None), int) for r in items):
        return sorted(items, key=lambda r: r.id, reverse=True)
    return items[::-1]


def runs_table_html(runs: Sequence[Any]) -> str:
    """The runs grid, newest first, without the container (also used in the experiment view)."""
    if not runs:
        return '<div class="dwsim-muted">No runs yet.</div>'
    return grid(_RUN_HEADERS, [_run_row(r) for r in newest_first(runs)], "dwsim-runs")


def runs_html(runs: Sequence[Any]) -> str:
    """A list of runs, newest first, with status badges."""
    return wrap(runs_table_html(list(runs)), css="dwsim-runs-list")


def _safe_runs(exp: Any) -> list[Any]:
    runs = getattr(exp, "runs", None)
    if callable(runs):
        try:
            return list(runs())
        except Exception:  # a display must never raise; the runs simply are not shown
            return []
    return list(runs or [])


def experiment_html(exp: Any, *, show_spec: bool = True) -> str:
    """An experiment: name, dialect, warehouse, its tables and its recent runs."""
    spec = getattr(exp, "spec", None)
    parts = [
        f"<h3>Experiment {esc(getattr(exp, 'name', ''))}</h3>",
        f'<div class="dwsim-muted">dialect <b>{esc(getattr(exp, "dialect", ""))}</b> · '
        f"warehouse <b>{esc(getattr(exp, 'warehouse_name', ''))}</b>"
        + (f" · {len(spec.tables)} table{'s' * (len(spec.tables) != 1)}" if spec else "")
        + "</div>",
    ]
    if show_spec and spec is not None:
        # The line above already names dialect and warehouse: the spec's own is left out.
        parts.append(spec_body_html(spec, header=False))
    for line in getattr(exp, "workload_lines", list)():
        parts.append(f'<div class="dwsim-muted">{esc(line.strip())}</div>')
    runs = newest_first(_safe_runs(exp))
    parts.append("<h4>Runs</h4>" + runs_table_html(runs[:10]))
    return wrap("".join(parts), css="dwsim-experiment")


def experiments_html(experiments: Sequence[Any]) -> str:
    """The workspace's experiments with their table count and latest run."""
    if not experiments:
        return wrap('<div class="dwsim-muted">No experiments yet.</div>', css="dwsim-experiments")
    rows = []
    for exp in experiments:
        spec = getattr(exp, "spec", None)
        runs = newest_first(_safe_runs(exp))
        last = runs[0] if runs else None
        rows.append(
            [
                esc(getattr(exp, "name", "")),
                esc(getattr(exp, "dialect", "")),
                esc(getattr(exp, "warehouse_name", "")),
                fmt_int(len(spec.tables) if spec is not None else 0),
                fmt_int(len(runs)),
                status_badge(last.status) if last is not None else "",
            ]
        )
    table = grid(["experiment", "dialect", "warehouse", "tables", "runs", "last run"], rows)
    return wrap(table, css="dwsim-experiments")


# --- text ------------------------------------------------------------------------------------


def run_text(run: Any) -> str:
    line = (
        f"run {getattr(run, 'id', '')} [{status_name(getattr(run, 'status', None))}] "
        f"seed {getattr(run, 'seed', '')}, {_rows_total(run):,} rows"
    )
    detail = _rows_label(run)
    if detail:
        line += f" ({detail})"
    took = _duration(run)
    if took:
        line += f" in {took}"
    error = getattr(run, "error", None)
    if error:
        line += f"\n  error: {error}"
    return line


def runs_text(runs: Sequence[Any]) -> str:
    return "\n".join(run_text(r) for r in newest_first(runs)) if runs else "No runs yet."


def experiment_text(exp: Any) -> str:
    spec = getattr(exp, "spec", None)
    tables = ", ".join(t.name for t in spec.tables) if spec is not None else ""
    runs = newest_first(_safe_runs(exp))
    head = (
        f"experiment {getattr(exp, 'name', '')} (dialect {getattr(exp, 'dialect', '')}, "
        f"warehouse {getattr(exp, 'warehouse_name', '')}): {tables}"
    )
    return head + ("\n" + runs_text(runs[:5]) if runs else "")


def experiments_text(experiments: Sequence[Any]) -> str:
    if not experiments:
        return "No experiments yet."
    return "\n".join(experiment_text(e).splitlines()[0] for e in experiments)
