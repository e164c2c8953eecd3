"""Row counts and rule overrides on top of a spec, as written in a ``%%dwsim_generate`` cell.

    customers: 10_000
    rows: {products: 500}          # counts may also sit under one `rows:` key
    orders:
      rows: 50_000
      columns:
        status: {values: [placed, shipped], weights: [0.8, 0.2]}
      foreign_keys:
        customer_id: {cardinality: {kind: zipf, s: 1.3}}

:func:`parse_overrides` reads that text into rows per table and per-table overrides;
:func:`apply_overrides` returns a new spec with them merged in (the input spec is not changed).
A new rule on a column replaces the old one, so ``values`` over an inferred Faker rule just
works. Rules are written either in the flat spellings (``values: [...]``, ``min_value: 1``,
which may change one part of a rule: ``max_value`` keeps the distribution) or as a whole rule
(``rule: {kind: range, min: 1, max: 9}``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from dwsim_nb.errors import SpecError, did_you_mean
from dwsim_nb.limits import MAX_SPEC_BYTES, read_text
from dwsim_nb.spec.flat import flat_fields
from dwsim_nb.spec.io import load_text
from dwsim_nb.spec.models import ExperimentSpec, parse_spec
from dwsim_nb.spec.rules import Rule

# Fields that belong together for one rule kind; a column keeps only the groups an override touches.
RULE_GROUPS: dict[str, frozenset[str]] = {
    "derived": frozenset({"expression"}),
    "constant": frozenset({"constant"}),
    "sequence": frozenset({"sequence"}),
    "values": frozenset({"values", "weights"}),
    "pattern": frozenset({"pattern"}),
    "faker": frozenset({"faker_rule", "locale"}),
    "json": frozenset({"json_shape", "json_items"}),
    "distribution": frozenset({"distribution", "min_value", "max_value"}),
    "datetime": frozenset({"date_start", "date_end", "after", "after_strict", "before"}),
    "range": frozenset({"min_value", "max_value"}),
    "boolean": frozenset({"true_probability"}),
}
RULE_FIELDS = frozenset().union(*RULE_GROUPS.values())
_RULE: TypeAdapter[Any] = TypeAdapter(Rule)
_TABLE_KEYS = ("rows", "target_rows", "columns", "foreign_keys")


def parse_overrides(text: str | dict[str, Any] | None) -> tuple[dict[str, int], dict[str, Any]]:
    """Split a generate cell (YAML/JSON text or a dict) into ``(rows, overrides)``.

    ``rows`` maps table -> row count; ``overrides`` maps table -> {columns: ..., foreign_keys: ...}.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}, {}
    data = load_text(text, "%%dwsim_generate cell") if isinstance(text, str) else text
    if not isinstance(data, dict):
        raise SpecError(
            "the cell must map table names to row counts or settings",
            where="%%dwsim_generate cell",
            hint="write e.g. 'customers: 1000' on one line per table",
        )
    rows: dict[str, int] = {}
    overrides: dict[str, Any] = {}
    for table, value in data.items():
        if _is_rows_mapping(table, value):
            # `rows: {orders: 5000, customers: 800}`, the shape of `dwsim generate --rows-file`
            rows.update({str(t): _count(str(t), n) for t, n in value.items()})
            continue
        if isinstance(value, bool) or not isinstance(value, int | dict):
            raise SpecError(
                f"table '{table}': expected a row count or a mapping, got {value!r}",
                where="%%dwsim_generate cell",
                hint=f"write '{table}: 1000' or '{table}: {{rows: 1000, columns: {{...}}}}'",
            )
        if isinstance(value, int):
            rows[str(table)] = _count(str(table), value)
            continue
        unknown = sorted(set(value) - set(_TABLE_KEYS))
        if unknown:
            raise SpecError(
                f"table '{table}': unknown setting(s) {unknown}",
                where="%%dwsim_generate cell",
                hint="use rows, columns (rules per column) and foreign_keys (per FK column)",
            )
        count = value.get("rows", value.get("target_rows"))
        if count is not None:
            rows[str(table)] = _count(str(table), count)
        rest = {k: v for k, v in value.items() if k in ("columns", "foreign_keys")}
        if rest:
            overrides[str(table)] = rest
    return rows, overrides


def _is_rows_mapping(key: object, value: object) -> bool:
    """A top-level ``rows:`` holding counts per table, not the settings of a table named rows."""
    return (
        key == "rows"
        and isinstance(value, dict)
        and bool(value)
        and not set(value) <= set(_TABLE_KEYS)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value.values())
    )


def column_overrides(columns: Any) -> dict[str, Any]:
    """``{table: {column: rule fields}}`` (``exp.generate(columns=...)``) as the overrides of a
    generate cell: ``{table: {"columns": {column: rule fields}}}``."""
    hint = "write e.g. columns={'orders': {'status': {'values': ['placed', 'shipped']}}}"
    if not isinstance(columns, dict):
        raise SpecError(
            f"columns must map table names to column overrides, got {columns!r}",
            where="columns=",
            hint=hint,
        )
    out: dict[str, Any] = {}
    for table, cols in columns.items():
        if not isinstance(cols, dict):
            raise SpecError(
                f"table '{table}': expected a mapping of column -> rule fields, got {cols!r}",
                where="columns=",
                hint=hint,
            )
        out[str(table)] = {"columns": cols}
    return out


class _Updatable(Protocol):
    """An experiment as far as the overrides go: its spec, and a new version of it."""

    @property
    def spec(self) -> ExperimentSpec: ...

    def update(self, spec: Any) -> Any: ...


def overrides_file_rows(
    path: str | Path, exp: _Updatable, rows: dict[str, int] | None
) -> dict[str, int]:
    """``dwsim generate --overrides FILE``: apply a generate cell kept in a file as
    ``%%dwsim_generate`` does (rule overrides kept as a new spec version); return its rows,
    those given on the command line winning."""
    text = read_text(path, what="overrides file", limit=MAX_SPEC_BYTES, error=SpecError)
    file_rows, overrides = parse_overrides(text)
    if overrides:
        exp.update(apply_overrides(exp.spec, overrides))
    return {**file_rows, **(rows or {})}


def _count(table: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SpecError(
            f"table '{table}': row count must be a whole number >= 0, got {value!r}",
            where="%%dwsim_generate cell",
        )
    return value


def _merge_column(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    touched = RULE_FIELDS & set(new)
    if not touched:
        return {**old, **new}
    old = dict(old)
    rule = old.pop("rule", None)
    # A rule not of the spec's own making (it failed to validate) is replaced by the new fields.
    with contextlib.suppress(ValidationError):
        old.update(flat_fields(_RULE.validate_python(rule)) if rule is not None else {})
    keep: set[str] = set()
    for fields in RULE_GROUPS.values():
        if fields & touched:
            keep |= fields
    merged = {k: v for k, v in old.items() if k not in RULE_FIELDS or k in keep}
    if "values" in new and "weights" not in new:
        merged.pop("weights", None)  # old weights would not match the new list of values
    merged["inferred_rule"] = None  # the user chose this rule; it is no longer a guess
    merged.update(new)
    return merged


def _find(items: list[dict[str, Any]], name: str, what: str, where: str) -> dict[str, Any]:
    for item in items:
        if item.get("name") == name:
            return item
    for item in items:
        if str(item.get("name", "")).lower() == name.lower():
            return item
    names = ", ".join(str(i.get("name")) for i in items)
    hint = did_you_mean(name, [i.get("name") for i in items]) + f"choose one of: {names}"
    raise SpecError(f"no {what} '{name}'", where=where, hint=hint)


def _find_fk(fks: list[dict[str, Any]], key: str, where: str) -> dict[str, Any]:
    for fk in fks:
        if fk.get("name") == key or key in fk.get("columns", []):
            return fk
    names = ", ".join(fk.get("columns", ["?"])[0] for fk in fks) or "none"
    raise SpecError(
        f"no foreign key on column '{key}'",
        where=where,
        hint=f"name a foreign key by its first column: {names}",
    )


def apply_overrides(
    spec: ExperimentSpec, overrides: dict[str, Any], rows: dict[str, int] | None = None
) -> ExperimentSpec:
    """A new spec with column/FK overrides (and, if given, default row counts) merged in."""
    data = spec.model_dump()
    tables = data["tables"]
    for tname, count in (rows or {}).items():
        _find(tables, tname, "table", "%%dwsim_generate cell")["target_rows"] = count
    for tname, settings in overrides.items():
        table = _find(tables, tname, "table", "%%dwsim_generate cell")
        where = f"%%dwsim_generate cell, table '{table['name']}'"
        for cname, change in (settings.get("columns") or {}).items():
            if not isinstance(change, dict):
                raise SpecError(
                    f"column '{cname}': expected a mapping of rule fields, got {change!r}",
                    where=where,
                    hint="write e.g. 'status: {values: [a, b]}'",
                )
            col = _find(table["columns"], str(cname), "column", where)
            table["columns"][table["columns"].index(col)] = _merge_column(col, change)
        for key, change in (settings.get("foreign_keys") or {}).items():
            fk = _find_fk(table["foreign_keys"], str(key), where)
            fk.update(change if isinstance(change, dict) else {})
    # Strict: a field a cell writes is meant to change the data, never to be dropped quietly.
    return parse_spec(data, strict=True)
