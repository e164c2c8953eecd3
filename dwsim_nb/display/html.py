"""Small HTML building blocks shared by every rendering: escaping, badges, the style sheet.

Every rendering is a pure function of its input (no ids, no timestamps of its own), so notebook
outputs stay the same from one run to the next.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

# One scoped style block; classes are prefixed so they never collide with the notebook's own CSS.
STYLE = """<style>
.dwsim{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;line-height:1.4}
.dwsim h3{margin:.4em 0 .2em;font-size:15px}
.dwsim h4{margin:.6em 0 .2em;font-size:13px}
.dwsim table.dwsim-grid{border-collapse:collapse;margin:.2em 0 .6em}
.dwsim table.dwsim-grid th,.dwsim table.dwsim-grid td{border:1px solid #d0d7de;padding:2px 8px;
 text-align:left;vertical-align:top}
.dwsim table.dwsim-grid th{background:#f6f8fa}
.dwsim .dwsim-muted{color:#57606a}
.dwsim .dwsim-key{font-weight:600;color:#8250df}
.dwsim .dwsim-inferred{font-style:italic;color:#0969da}
.dwsim .dwsim-badge{display:inline-block;padding:0 7px;border-radius:9px;color:#fff;
 font-size:11px;font-weight:600}
.dwsim .dwsim-warnings{background:#fff8c5;border-left:3px solid #d4a72c;padding:4px 8px}
.dwsim .dwsim-notes{background:#f6f8fa;border-left:3px solid #8c959f;padding:4px 8px}
.dwsim-error{color:#cf222e;background:#ffebe9;border-left:3px solid #cf222e;padding:4px 8px;
 font-family:var(--jp-ui-font-family,system-ui,sans-serif);white-space:pre-wrap}
</style>"""

STATUS_COLORS = {
    "RUNNING": "#0969da",
    "COMPLETED": "#1a7f37",
    "FAILED": "#cf222e",
    "ABORTED": "#9a6700",
}


def esc(value: Any) -> str:
    """HTML-escape anything (None becomes an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def status_name(status: Any) -> str:
    """The upper-case name of a run status, whether it is an enum, a string or None."""
    if status is None:
        return "UNKNOWN"
    value = getattr(status, "value", status)
    return str(value).split(".")[-1].upper()


def status_badge(status: Any) -> str:
    """A coloured pill for a run status (RUNNING, COMPLETED, FAILED, ABORTED)."""
    name = status_name(status)
    color = STATUS_COLORS.get(name, "#6e7781")
    return (
        f'<span class="dwsim-badge dwsim-status-{name.lower()}" '
        f'style="background:{color}">{esc(name)}</span>'
    )


def grid(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """An HTML table; cells are already-escaped HTML fragments."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    extra = f" {css}" if css else ""
    return (
        f'<table class="dwsim-grid{extra}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def wrap(inner: str, css: str = "") -> str:
    """The outer container with the style sheet; every top-level rendering goes through it."""
    extra = f" {css}" if css else ""
    return f'{STYLE}<div class="dwsim{extra}">{inner}</div>'


def bullet_list(items: Iterable[str], css: str) -> str:
    lis = "".join(f"<li>{esc(i)}</li>" for i in items)
    return f'<div class="{css}"><ul style="margin:0;padding-left:1.2em">{lis}</ul></div>'


def error_html(err: BaseException | str) -> str:
    """A short red message for a user error (no traceback)."""
    kind = type(err).__name__ if isinstance(err, BaseException) else "Error"
    return f'{STYLE}<div class="dwsim-error"><b>{esc(kind)}</b>: {esc(str(err))}</div>'


def fmt_int(n: Any) -> str:
    """Thousands separators for counts (``12,345``); anything else as text."""
    if isinstance(n, bool) or n is None:
        return "" if n is None else str(n)
    if isinstance(n, int):
        return f"{n:,}"
    return str(n)
