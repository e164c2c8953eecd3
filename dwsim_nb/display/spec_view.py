"""How a spec reads to a person: its tables, types, keys, rules (inferred ones marked), warnings.

``spec_html`` is for notebooks, ``spec_text`` for terminals; both read only the spec models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dwsim_nb.display.html import bullet_list, esc, fmt_int, grid, wrap
from dwsim_nb.spec.models import Column, ExperimentSpec, Table
from dwsim_nb.spec.rules import (
    BooleanRule,
    ConstantRule,
    DatetimeRule,
    DerivedRule,
    DistributionRule,
    FakerRule,
    JsonRule,
    MixRule,
    PatternRule,
    RangeRule,
    SequenceRule,
    UuidRule,
    ValuesRule,
)

_MAX_VALUES_SHOWN = 6


def type_label(col: Column) -> str:
    """The logical type with its parameters, e.g. ``VARCHAR(20)`` or ``DECIMAL(10,2)``."""
    if col.data_type == "DECIMAL" and col.precision is not None:
        return f"DECIMAL({col.precision},{col.scale or 0})"
    if col.varchar_length is not None and col.data_type in ("CHAR", "VARCHAR", "BINARY"):
        return f"{col.data_type}({col.varchar_length})"
    return col.data_type


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _values_label(rule: ValuesRule) -> str:
    vals = rule.values
    shown = vals[:_MAX_VALUES_SHOWN]
    if rule.weights:
        total = sum(rule.weights)
        parts = [f"{v} ({w / total:.0%})" for v, w in zip(shown, rule.weights, strict=False)]
    else:
        parts = [str(v) for v in shown]
    more = f", … {len(vals) - len(shown)} more" if len(vals) > len(shown) else ""
    return "one of " + ", ".join(parts) + more


def _json_label(rule: JsonRule) -> str:
    if isinstance(rule.shape, dict):
        return "JSON {" + ", ".join(map(str, rule.shape)) + "}"
    return f"JSON array of {len(rule.shape)} items"


def _distribution_label(rule: DistributionRule) -> str:
    params = ", ".join(f"{k}={_num(v)}" for k, v in rule.parameters.items())
    text = f"{rule.type}({params})"
    if rule.min is not None or rule.max is not None:
        text += f" within [{_num(rule.min)}, {_num(rule.max)}]"
    return text


def _datetime_label(rule: DatetimeRule) -> str:
    if rule.after:
        return f"after {rule.after}"
    return f"between {rule.start or '…'} and {rule.end or '…'}"


def _faker_label(rule: FakerRule) -> str:
    return f"faker {rule.provider}" + (f" ({rule.locale})" if rule.locale else "")


def _mix_label(rule: MixRule) -> str:
    entries = [f"{v!r} {s:.0%}" for v, s in zip(rule.values, rule.shares, strict=False)]
    entries += [f"like {p!r} {s:.0%}" for p, s in zip(rule.like, rule.like_shares, strict=False)]
    shown = ", ".join(entries[:_MAX_VALUES_SHOWN]) + (
        ", ..." if len(entries) > _MAX_VALUES_SHOWN else ""
    )
    label = _LABELS.get(type(rule.base))
    return f"{shown}; else {label(rule.base) if label else 'auto (from type)'}"


# One line per kind of rule, by the rule's type.
_LABELS: dict[type, Callable[[Any], str]] = {
    DerivedRule: lambda r: f"= {r.expression}",
    ConstantRule: lambda r: f"constant {r.value!r}",
    SequenceRule: lambda r: f"sequence from {r.start} step {r.step}",
    ValuesRule: _values_label,
    PatternRule: lambda r: f"pattern {r.pattern}",
    FakerRule: _faker_label,
    JsonRule: _json_label,
    DistributionRule: _distribution_label,
    DatetimeRule: _datetime_label,
    RangeRule: lambda r: f"range {_num(r.min)} … {_num(r.max)}",
    BooleanRule: lambda r: f"true {r.true_probability:.0%}",
    UuidRule: lambda r: "uuid",
    MixRule: _mix_label,
}


def describe_rule(col: Column) -> str:
    """One line saying how a column's values are made (``auto`` when the engine picks)."""
    label = _LABELS.get(type(col.rule))
    if label is not None:
        return label(col.rule)
    return "uuid" if col.data_type == "UUID" else "auto (from type)"


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


def _table_html(table: Table) -> str:
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
        f'<h4 class="dwsim-table" data-table="{esc(table.name)}">{esc(table.name)} '
        f'<span class="dwsim-muted">— {esc("; ".join(meta))}</span></h4>'
    )
    return head + grid(["column", "type", "nulls", "keys", "rule"], rows, css="dwsim-columns")


def spec_body_html(spec: ExperimentSpec) -> str:
    """The spec without the outer container (for embedding in a larger rendering)."""
    parts = [
        f'<div class="dwsim-muted">dialect <b>{esc(spec.dialect)}</b> · warehouse '
        f"<b>{esc(spec.target_warehouse)}</b> · {len(spec.tables)} table(s)"
        + (f" · {esc(spec.description)}" if spec.description else "")
        + "</div>"
    ]
    if spec.warnings:
        parts.append("<h4>Warnings</h4>" + bullet_list(spec.warnings, "dwsim-warnings"))
    parts.extend(_table_html(t) for t in spec.tables)
    if spec.notes:
        parts.append("<h4>Notes</h4>" + bullet_list(spec.notes, "dwsim-notes"))
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
    for w in spec.warnings:
        lines.append(f"  warning: {w}")
    for table in spec.tables:
        lines.append(f"\n  {table.name}  ({table.target_rows:,} rows)")
        width = max((len(c.name) for c in table.columns), default=0)
        for col in table.columns:
            keys = " ".join(key_markers(table, col))
            rule = describe_rule(col) + (" [inferred]" if _reason(col) else "")
            keys = keys + "  " if keys else ""
            lines.append(f"    {col.name:<{width}}  {type_label(col):<14} {keys}{rule}")
    for n in spec.notes:
        lines.append(f"  note: {n}")
    return "\n".join(lines)
