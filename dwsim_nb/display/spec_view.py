"""How a spec reads to a person: its tables, types, keys, rules (inferred ones marked), warnings.

``spec_html`` is for notebooks, ``spec_text`` for terminals; both read only the spec models.
"""

from __future__ import annotations

from dwsim_nb.display.html import esc, fmt_int, grid, wrap
from dwsim_nb.display.rule_labels import describe_rule
from dwsim_nb.display.why_view import counts_label, messages_html, messages_text, why_html
from dwsim_nb.spec.models import Column, ExperimentSpec, Table


def type_label(col: Column) -> str:
    """The logical type with its parameters, e.g. ``VARCHAR(20)`` or ``DECIMAL(10,2)``."""
    if col.data_type == "DECIMAL" and col.precision is not None:
        return f"DECIMAL({col.precision},{col.scale or 0})"
    if col.varchar_length is not None and col.data_type in ("CHAR", "VARCHAR", "BINARY"):
        return f"{col.data_type}({col.varchar_length})"
    return col.data_type


def _reason(col: Column) -> str | None:
    return col.rule.reason if col.rule is not None else None


def _fk_by_column(table: Table) -> dict[str, str]:
    out: dict[str, str] = {}
    for fk in table.foreign_keys:
        refs = fk.references_columns or ["?"] * len(fk.columns)
        for i, c in enumerate(fk.columns):
            ref = refs[i] if i < len(refs) else refs[-1]
            out[c] = f"{fk.references_table}.{ref}"
    return out


def key_markers(table: Table, col: Column) -> list[str]:
    """Short key labels for a column: ``PK``, ``FK → t.c``, ``UQ``."""
    marks: list[str] = []
    if col.name in table.primary_key:
        marks.append("PK")
    fk = _fk_by_column(table).get(col.name)
    if fk:
        marks.append(f"FK → {fk}")
    in_unique = any(col.name in u for u in table.unique)
    if (col.is_unique or in_unique) and col.name not in table.primary_key:
        marks.append("UQ")
    return marks


def _nullable(col: Column) -> str:
    if col.required:
        return "NOT NULL"
    return f"null {col.null_rate:.0%}" if col.null_rate else "nullable"


def _table_html(table: Table, collapsed: bool = False) -> str:
    rows = []
    for col in table.columns:
        rule = esc(describe_rule(col))
        reason = _reason(col)
        if reason:
            rule = (
                f'<span class="dwsim-inferred" title="{esc(reason)}">{rule} '
                f"<small>(inferred: {esc(reason)})</small></span>"
            )
        keys = " ".join(f'<span class="dwsim-key">{esc(k)}</span>' for k in key_markers(table, col))
        src = ""
        if col.source_type:
            src = f' <small class="dwsim-muted">{esc(col.source_type)}</small>'
        rows.append([esc(col.name), esc(type_label(col)) + src, esc(_nullable(col)), keys, rule])
    meta = [f"{fmt_int(table.target_rows)} rows by default"]
    if table.primary_key:
        meta.append("primary key (" + ", ".join(table.primary_key) + ")")
    for u in table.unique:
        meta.append("unique (" + ", ".join(u) + ")")
    for fk in table.foreign_keys:
        meta.append(
            f"foreign key ({', '.join(fk.columns)}) → {fk.references_table}"
            f"({', '.join(fk.references_columns)})"
        )
    head = (
        f'<h4 class="dwsim-table" data-table="{esc(table.name)}" style="display:inline">'
        f'{esc(table.name)} <span class="dwsim-muted">— {esc("; ".join(meta))}</span></h4>'
    )
    # A <details> per table: a big schema reads as a list of tables, each opened on demand.
    return (
        f'<details class="dwsim-table-details"{"" if collapsed else " open"}><summary>{head}'
        "</summary>"
        + grid(["column", "type", "nulls", "keys", "rule"], rows, css="dwsim-columns")
        + "</details>"
    )


# Above this many tables the tables, the Why table and the notes start closed: a 16-table
# import is a page of table names to open, not 9,000 pixels to scroll.
BIG_SCHEMA = 8


def spec_header_html(spec: ExperimentSpec) -> str:
    """The one line naming dialect, warehouse and table count (once per rendering)."""
    tables = len(spec.tables)
    return (
        f'<div class="dwsim-muted">dialect <b>{esc(spec.dialect)}</b> · warehouse '
        f"<b>{esc(spec.target_warehouse)}</b> · {tables} table{'s' * (tables != 1)}"
        + (f" · {esc(spec.description)}" if spec.description else "")
        + "</div>"
    )


def spec_body_html(spec: ExperimentSpec, *, header: bool = True) -> str:
    """The spec without the outer container (for embedding in a larger rendering);
    ``header=False`` leaves out the dialect/warehouse line when the caller shows it."""
    big = len(spec.tables) > BIG_SCHEMA
    parts = [spec_header_html(spec)] if header else []
    # Warnings and notes are grouped by template (55 partition notes are one line), and the
    # inferred rules are listed with their reason before the tables: the import result says why.
    parts.append(messages_html("Warnings", spec.warnings, "dwsim-warnings"))
    parts.append(why_html(spec, collapsed=big))
    if big:
        parts.append(
            f'<div class="dwsim-muted">{len(spec.tables)} tables: click a table to see its '
            "columns</div>"
        )
    parts.extend(_table_html(t, collapsed=big) for t in spec.tables)
    parts.append(messages_html("Notes", spec.notes, "dwsim-notes", collapsed=big))
    return "".join(parts)


def spec_html(spec: ExperimentSpec) -> str:
    """The whole spec as HTML: tables, types, keys, rules (inferred marked), warnings, notes."""
    return wrap(f"<h3>{esc(spec.name)}</h3>" + spec_body_html(spec), css="dwsim-spec")


def spec_text(spec: ExperimentSpec) -> str:
    """The spec as plain text for terminals."""
    lines = [
        f"{spec.name}  (dialect {spec.dialect}, warehouse {spec.target_warehouse}, "
        f"{len(spec.tables)} tables)"
    ]
    lines.extend(f"  {line}" for line in messages_text("warning", spec.warnings))
    why = counts_label(spec)
    if why:
        lines.append(f"  {why}")
    for table in spec.tables:
        lines.append(f"\n  {table.name}  ({table.target_rows:,} rows)")
        width = max((len(c.name) for c in table.columns), default=0)
        for col in table.columns:
            keys = " ".join(key_markers(table, col))
            rule = describe_rule(col) + (" [inferred]" if _reason(col) else "")
            keys = keys + "  " if keys else ""
            lines.append(f"    {col.name:<{width}}  {type_label(col):<14} {keys}{rule}")
    lines.extend(f"  {line}" for line in messages_text("note", spec.notes))
    return "\n".join(lines)
