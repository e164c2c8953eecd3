"""The "show why" part of an import result: inferred rules with their reason, grouped by the
kind of source (CHECK, DEFAULT, comment, calendar ... name), and the import's warnings and notes
grouped by template and counted.

HTML for notebooks and the import form, text for terminals; the grouping itself lives in
:mod:`dwsim_nb.spec.notes` and :mod:`dwsim_nb.spec.why` so every shell shows the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence

from dwsim_nb.display.html import esc, grid
from dwsim_nb.display.rule_labels import describe_rule
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.notes import group_messages
from dwsim_nb.spec.why import inferred_rules, source_counts

MAX_EXAMPLES = 3


def counts_label(spec: ExperimentSpec) -> str:
    """``45 inferred rules: CHECK 3 · DEFAULT 4 · name 38`` (empty when there are none)."""
    rules = inferred_rules(spec)
    if not rules:
        return ""
    parts = " · ".join(f"{kind} {n}" for kind, n in source_counts(rules))
    return f"{len(rules)} inferred rule{'s' if len(rules) != 1 else ''}: {parts}"


def why_rows(spec: ExperimentSpec) -> list[tuple[str, str, str, str, str]]:
    """(source, table, column, rule, reason) for every inferred rule, grouped by source."""
    return [
        (r.source, r.table, r.column.name, describe_rule(r.column), r.reason)
        for r in inferred_rules(spec)
    ]


def why_html(spec: ExperimentSpec, collapsed: bool = False) -> str:
    """The inferred rules as one grid, the source kind named on the first row of its group."""
    rows = why_rows(spec)
    if not rows:
        return ""
    cells = []
    previous = None
    for source, table, column, rule, reason in rows:
        label = f"<b>{esc(source)}</b>" if source != previous else ""
        previous = source
        cells.append([label, esc(table), esc(column), esc(rule), esc(reason)])
    return (
        f'<details class="dwsim-why"{"" if collapsed else " open"}><summary><b>Why</b> '
        f'<span class="dwsim-muted">{esc(counts_label(spec))}</span></summary>'
        + grid(["source", "table", "column", "rule", "reason"], cells, css="dwsim-why-rules")
        + "</details>"
    )


def _group_items(messages: Sequence[str]) -> list[str]:
    items = []
    for g in group_messages(messages):
        if g.count == 1:
            items.append(esc(g.messages[0]))
            continue
        span = g.line_span()
        text = f"<b>{g.count}×</b> {esc(g.template)}"
        if span:
            text += f' <span class="dwsim-muted">({esc(span)})</span>'
        if g.examples:
            shown = ", ".join(esc(e) for e in g.examples[:MAX_EXAMPLES])
            more = len(g.examples) - MAX_EXAMPLES
            text += f'<br><small class="dwsim-muted">e.g. {shown}'
            text += f", … {more} more" if more > 0 else ""
            text += "</small>"
        items.append(text)
    return items


def messages_html(title: str, messages: Sequence[str], css: str, collapsed: bool = False) -> str:
    """Warnings or notes, grouped by template and counted, under a heading with the totals
    (``collapsed``: in a closed <details> whose summary is that heading)."""
    if not messages:
        return ""
    items = _group_items(messages)
    count = f"{len(messages)}" + (f" in {len(items)} groups" if len(items) < len(messages) else "")
    lis = "".join(f"<li>{i}</li>" for i in items)
    head = f'<h4>{esc(title)} <span class="dwsim-muted">({esc(count)})</span></h4>'
    body = f'<div class="{css}"><ul style="margin:0;padding-left:1.2em">{lis}</ul></div>'
    if collapsed:
        head = head.replace("<h4>", '<h4 style="display:inline">')
        return f"<details><summary>{head}</summary>{body}</details>"
    return head + body


def group_summaries(messages: Sequence[str]) -> list[str]:
    """One line per group of alike messages (the message itself when it is alone)."""
    return [g.summary(MAX_EXAMPLES) for g in group_messages(messages)]


def messages_text(kind: str, messages: Sequence[str]) -> list[str]:
    """``kind: summary`` lines, one per group."""
    return [f"{kind}: {line}" for line in group_summaries(messages)]


def why_text(spec: ExperimentSpec) -> str:
    """The inferred rules as aligned text columns, grouped by source kind."""
    rows = why_rows(spec)
    if not rows:
        return "no inferred rules: every column's rule was written by the user or left to its type"
    head = ("source", "table", "column", "rule", "reason")
    widths = [max(len(r[i]) for r in [*rows, head]) for i in range(4)]
    out = [counts_label(spec)]
    out.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)) + "  reason")
    previous = None
    for row in rows:
        source = row[0] if row[0] != previous else ""
        previous = row[0]
        cells = (source, *row[1:4])
        out.append(
            "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + row[4]
        )
    return "\n".join(out)
