"""A workload's coverage as a table with badges: each query, its row count, ok / empty / error,
and for an empty query the sentence naming the predicate that removed its rows.

:class:`Coverage` is the DataFrame ``exp.coverage()`` returns: every DataFrame operation works
on it, and a notebook shows it through :func:`coverage_html`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dwsim_nb.display.html import esc, grid, wrap

COLUMNS = ["query", "rows", "status", "explanation"]
BADGE_COLORS = {"ok": "#1a7f37", "empty": "#9a6700", "error": "#cf222e"}


def badge(status: Any) -> str:
    """A coloured pill: ok (green), empty (amber), error (red, its message in the tooltip)."""
    text = "" if status is None else str(status)
    kind = text.split(":", 1)[0].strip() or "error"
    color = BADGE_COLORS.get(kind, "#6e7781")
    title = f' title="{esc(text)}"' if kind == "error" else ""
    return (
        f'<span class="dwsim-badge dwsim-coverage-{esc(kind)}" style="background:{color}"'
        f"{title}>{esc(kind)}</span>"
    )


def _count(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def _detail(row: dict[str, Any]) -> str:
    status = str(row.get("status") or "")
    if status.startswith("error"):
        return f'<span class="dwsim-muted">{esc(status.split(":", 1)[-1].strip())}</span>'
    why = row.get("explanation")
    return "" if why is None or (isinstance(why, float) and pd.isna(why)) else esc(why)


def summary(frame: pd.DataFrame) -> str:
    """``20 of 22 queries find rows · 2 empty`` (errors counted when there are any)."""
    status = [str(s).split(":", 1)[0] for s in frame.get("status", [])]
    ok, empty = status.count("ok"), status.count("empty")
    errors = len(status) - ok - empty
    text = f"{ok} of {len(status)} queries find rows"
    if empty:
        text += f" · {empty} empty"
    if errors:
        text += f" · {errors} error{'s' if errors != 1 else ''}"
    return text


def coverage_html(frame: pd.DataFrame) -> str:
    """The coverage table as HTML: badges for the status, the explanation beside it."""
    records = frame.to_dict(orient="records")
    rows = [
        (esc(r.get("query")), _count(r.get("rows")), badge(r.get("status")), _detail(r))
        for r in records
    ]
    head = f'<h4>coverage</h4><div class="dwsim-muted">{esc(summary(frame))}</div>'
    return wrap(head + grid(["query", "rows", "status", "why it is empty"], rows))


def coverage_text(frame: pd.DataFrame) -> str:
    """The same table for a terminal: one line per query, the explanation indented below."""
    lines = [summary(frame)]
    for r in frame.to_dict(orient="records"):
        lines.append(f"  {r.get('query')!s:<16} {_count(r.get('rows')):>10}  {r.get('status')}")
        why = r.get("explanation")
        if isinstance(why, str) and why:
            lines.append(f"      {why}")
    return "\n".join(lines)


class Coverage(pd.DataFrame):
    """A DataFrame of query, rows, status and explanation that a notebook shows with badges."""

    @property
    def _constructor(self) -> Any:
        return Coverage

    def _repr_html_(self) -> str | None:
        if not set(COLUMNS) <= set(self.columns):
            return super()._repr_html_()  # type: ignore[no-any-return]
        return coverage_html(self)


# --- suggested relationships ---------------------------------------------------------------

SUGGESTION_COLUMNS = ["child", "parent", "queries", "key_like", "decision", "accepted", "reason"]
_DECISIONS = {
    "default": "accepted: key-like column",
    "accepted": "accepted by you",
    "rejected": "rejected by you",
    "suggested": "suggested: accept it to use it",
}


def suggestions_html(frame: pd.DataFrame) -> str:
    """The suggested relationships: child → parent, the queries, a badge for whether the
    spec holds it as a foreign key, and how that was decided."""
    rows = []
    for r in frame.to_dict(orient="records"):
        held = bool(r.get("accepted"))
        pill = (
            f'<span class="dwsim-badge" style="background:'
            f'{BADGE_COLORS["ok"] if held else "#6e7781"}">{"accepted" if held else "not used"}'
            "</span>"
        )
        how = _DECISIONS.get(str(r.get("decision")), str(r.get("decision")))
        rows.append(
            (
                esc(f"{r.get('child')} → {r.get('parent')}"),
                esc(r.get("queries") or r.get("reason") or ""),
                pill,
                f'<span class="dwsim-muted">{esc(how)}</span>',
            )
        )
    head = (
        "<h4>suggested relationships</h4>"
        '<div class="dwsim-muted">joins, and columns named like another table\'s key, where no '
        "foreign key is declared; "
        "exp.accept_suggestion('table.column') / exp.reject_suggestion('table.column')</div>"
    )
    return wrap(head + grid(["relationship", "queries or names", "foreign key", "decision"], rows))


class Suggestions(pd.DataFrame):
    """A DataFrame of suggested relationships that a notebook shows as a table with badges."""

    @property
    def _constructor(self) -> Any:
        return Suggestions

    def _repr_html_(self) -> str | None:
        if not set(SUGGESTION_COLUMNS) <= set(self.columns):
            return super()._repr_html_()  # type: ignore[no-any-return]
        return suggestions_html(self)


def suggestions_frame(rows: list[dict[str, Any]]) -> Suggestions:
    return Suggestions(pd.DataFrame(rows, columns=SUGGESTION_COLUMNS))
