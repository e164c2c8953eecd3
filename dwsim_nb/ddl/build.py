"""Turn a read :class:`Script` into a valid :class:`ExperimentSpec`.

Runs once the whole script is read, because keys and comments may refer to tables defined later.
Whatever would make the spec invalid (a key to a missing table, a cycle of required keys, a
duplicate column) is repaired or dropped with a warning, so an import of real DDL always yields a
spec the user can generate from; the warnings say what was changed and why.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from dwsim_nb.ddl.script import RawForeignKey, RawTable, Script
from dwsim_nb.dialects import canonical
from dwsim_nb.errors import DDLError, SpecError
from dwsim_nb.spec.models import Column, ExperimentSpec, ForeignKey, Table
from dwsim_nb.spec.types import type_family
from dwsim_nb.spec.validate import check_name, find_cycle, unique_domain_size


def _fk_identity(fk: RawForeignKey) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    cols = tuple(c.lower() for c in fk.columns)
    return cols, fk.ref_parts[-1].lower(), tuple(c.lower() for c in fk.ref_columns)


def _move_foreign_keys(child: RawTable, parent: RawTable) -> None:
    """pg_dump declares a partitioned table's foreign keys on each partition (``ALTER TABLE
    ONLY payment_p2022_01 ADD CONSTRAINT ... FOREIGN KEY``); the rows are the parent's, so the
    keys are too, once each. A partition's CHECKs and indexes repeat the parent's: not copied."""
    seen = {_fk_identity(fk) for fk in parent.foreign_keys}
    for fk in child.foreign_keys:
        if _fk_identity(fk) not in seen and all(parent.column(c) for c in fk.columns):
            seen.add(_fk_identity(fk))
            parent.foreign_keys.append(fk)


def _fold_partitions(script: Script) -> None:
    for child_parts, parent_parts, line in script.partitions:
        child = script.find_table(child_parts)
        parent = script.find_table(parent_parts)
        shown = ".".join(child_parts)
        if child is not None and parent is not None and child is not parent:
            del script.tables[_raw_key(child)]
            _move_foreign_keys(child, parent)
            for table in script.tables.values():
                for fk in table.foreign_keys:
                    if (
                        script.find_table(fk.ref_parts) is None
                        and fk.ref_parts[-1].lower() == child.name.lower()
                    ):
                        fk.ref_parts = list(parent.parts)
        script.notes.append(
            f"line {line}: skipped partition {shown} of {'.'.join(parent_parts)} "
            "(a partition holds the parent table's rows, so it is the same table)"
        )


def _apply_comments(script: Script) -> None:
    for path, text, line in script.comments:
        kind, parts = path[0], path[1:]
        if kind == "TABLE":
            table = script.find_table(parts)
            if table is not None:
                table.comment = text
                continue
        elif len(parts) >= 2:
            table = script.find_table(parts[:-1])
            col = table.column(parts[-1]) if table is not None else None
            if col is not None:
                col.fields["comment"] = text
                continue
        script.warnings.append(
            f"line {line}: COMMENT ON {kind} {'.'.join(parts)}: not found; ignored"
        )


def _column(
    raw_fields: dict[str, Any],
    name: str,
    required: bool,
    unique: bool,
    where: str,
    warnings: list[str],
) -> Column | None:
    data = {k: v for k, v in raw_fields.items() if v is not None and v != {}}
    data.update(name=name, required=required, is_unique=unique)
    data.setdefault("data_type", "TEXT")
    try:
        return Column.model_validate(data)
    except (ValidationError, SpecError, ValueError) as e:
        first = str(e).splitlines()
        reason = first[1].strip() if len(first) > 1 else first[0]
    warnings.append(f"{where}: {reason}; the column's rule was dropped")
    keep = {k: data[k] for k in ("name", "required", "is_unique", "comment") if k in data}
    try:
        return Column.model_validate(
            {**keep, "data_type": "TEXT"}
            if "data_type" not in data
            else {**keep, "data_type": str(data["data_type"]).split("(")[0]}
        )
    except (ValidationError, SpecError, ValueError):
        return None


def _table(raw: RawTable, warnings: list[str]) -> Table | None:
    where = f"line {raw.line}: table '{'.'.join(raw.parts)}'"
    if (p := check_name("table", raw.name)) is not None:
        warnings.append(f"{where}: {p}; the table was skipped")
        return None
    columns: list[Column] = []
    seen: set[str] = set()
    for small, large, strict, reason in raw.orders:
        target = raw.column(large)
        if target is not None and raw.column(small) is not None:
            hint = {"column": small, "strict": strict, "reason": reason}
            target.fields.setdefault("physical", {})["check_after"] = hint
    for rc in raw.columns:
        cwhere = f"line {rc.line}: table '{raw.name}', column '{rc.name}'"
        if (p := check_name("column", rc.name)) is not None:
            warnings.append(f"{cwhere}: {p}; the column was skipped")
            continue
        if rc.name.lower() in seen:
            warnings.append(f"{cwhere}: defined twice; the second definition was skipped")
            continue
        col = _column(rc.fields, rc.name, rc.required, rc.unique, cwhere, warnings)
        if col is not None:
            seen.add(rc.name.lower())
            columns.append(col)
    if not columns:
        warnings.append(f"{where}: no usable columns; the table was skipped")
        return None
    names = {c.name.lower(): c.name for c in columns}

    def fix_key(key: list[str], what: str) -> list[str] | None:
        out = [names.get(k.lower()) for k in key]
        if not key or None in out or len(set(out)) != len(out):
            warnings.append(
                f"{where}: {what} ({', '.join(key)}) names columns the table does "
                f"not have; the key was dropped"
            )
            return None
        return [o for o in out if o is not None]

    pk = fix_key(raw.primary_key, "primary key") if raw.primary_key else []
    uniques = []
    for u in raw.unique:
        fixed = fix_key(u, "unique key")
        if fixed and fixed not in uniques:
            uniques.append(fixed)
    physical = {k: v for k, v in raw.physical.items() if v is not None}
    try:
        return Table(
            name=raw.name,
            schema_name=raw.parts[-2] if len(raw.parts) > 1 else None,
            database=raw.parts[-3] if len(raw.parts) > 2 else None,
            columns=columns,
            primary_key=pk or [],
            unique=uniques,
            comment=raw.comment,
            physical=physical,
            source_name=raw.source_name if raw.source_name != raw.name else None,
        )
    except (ValidationError, SpecError, ValueError) as e:
        warnings.append(f"{where}: {str(e).splitlines()[0]}; the table was skipped")
        return None


def _foreign_key(
    script: Script, child: Table, fk: RawForeignKey, tables: dict[str, Table], warnings: list[str]
) -> ForeignKey | None:
    ref = ".".join(fk.ref_parts)
    where = f"line {fk.line}: table '{child.name}', foreign key ({', '.join(fk.columns)})"
    raw_parent = script.find_table(fk.ref_parts)
    parent = tables.get(_raw_key(raw_parent)) if raw_parent is not None else None
    if parent is None:
        warnings.append(
            f"{where} references '{ref}', which is not in the script; the key was "
            "dropped (add the table to keep it)"
        )
        return None
    cols = [child.column(c).name if child.has_column(c) else _ci(child, c) for c in fk.columns]
    ref_cols = list(fk.ref_columns) or list(parent.primary_key)
    if not ref_cols:
        warnings.append(
            f"{where} references '{parent.name}' without columns, and '{parent.name}' "
            "has no primary key; the key was dropped (name the referenced columns)"
        )
        return None
    ref_cols = [_ci(parent, c) or c for c in ref_cols]
    if (
        None in cols
        or any(not parent.has_column(c) for c in ref_cols)
        or len(cols) != len(ref_cols)
    ):
        warnings.append(
            f"{where}: the columns do not match {parent.name}({', '.join(ref_cols)}); "
            "the key was dropped"
        )
        return None
    child_cols = [c for c in cols if c is not None]
    for a, b in zip(child_cols, ref_cols, strict=True):
        ca, cb = child.column(a), parent.column(b)
        if type_family(ca.data_type, ca.scale) != type_family(cb.data_type, cb.scale):
            warnings.append(
                f"{where}: column '{a}' is {ca.data_type} but {parent.name}.{b} is "
                f"{cb.data_type}; the key was dropped (give them the same type)"
            )
            return None
    if sorted(ref_cols) not in [sorted(k) for k in parent.unique_keys()]:
        parent.unique.append(list(ref_cols))
        warnings.append(
            f"{where}: {parent.name}({', '.join(ref_cols)}) is not declared unique; "
            "it is now a unique key so every reference finds one row"
        )
    nullable = all(not child.column(c).required for c in child_cols)
    return ForeignKey(
        columns=child_cols,
        references_table=parent.key,
        references_columns=ref_cols,
        nullable=nullable,
        name=fk.name,
    )


def _raw_key(raw: RawTable) -> str:
    """A read table's identity: its placed name (``raw.orders``), without case."""
    return ".".join(raw.parts).lower()


def _ci(table: Table, name: str) -> str | None:
    low = name.lower()
    for c in table.columns:
        if c.name.lower() == low:
            return c.name
    return None


def _break_cycles(tables: list[Table], warnings: list[str]) -> None:
    for table in tables:
        for fk in table.foreign_keys:
            if fk.references_table == table.key and not fk.nullable:
                fk.nullable = True
                warnings.append(
                    f"table '{table.key}': the self-reference ({', '.join(fk.columns)}) "
                    "is NOT NULL; it is treated as nullable so the first row can exist"
                )
    for _ in range(len(tables) * 4):
        edges = {
            t.key: [
                fk.references_table
                for fk in t.foreign_keys
                if not fk.nullable and fk.references_table != t.key
            ]
            for t in tables
        }
        cycle = find_cycle(edges)
        if cycle is None:
            return
        table = next(t for t in tables if t.key == cycle[0])
        fk = next(f for f in table.foreign_keys if not f.nullable and f.references_table in cycle)
        fk.nullable = True
        warnings.append(
            f"required foreign keys form a cycle ({' -> '.join([*cycle, cycle[0]])}); "
            f"{table.key}({', '.join(fk.columns)}) is treated as nullable to break it"
        )


def _fit_unique_domains(tables: list[Table], warnings: list[str]) -> None:
    for table in tables:
        for col in table.columns:
            if col.is_unique:
                size = unique_domain_size(col)
                if size is not None and size < table.target_rows:
                    table.target_rows = max(size, 0)
                    warnings.append(
                        f"table '{table.name}': column '{col.name}' is unique but can "
                        f"hold only {size} values; target_rows lowered to {size}"
                    )


def build_spec(
    script: Script, name: str, target_warehouse: str, source: str | None
) -> ExperimentSpec:
    """Resolve keys, partitions and comments, then validate the spec."""
    _fold_partitions(script)
    _apply_comments(script)
    warnings = script.warnings
    tables: dict[str, Table] = {}
    for raw in script.tables.values():
        table = _table(raw, warnings)
        if table is not None:
            tables[_raw_key(raw)] = table
    for raw in script.tables.values():
        child = tables.get(_raw_key(raw))
        if child is None:
            continue
        for rfk in raw.foreign_keys:
            fk = _foreign_key(script, child, rfk, tables, warnings)
            if fk is not None and all(
                (f.columns, f.references_table) != (fk.columns, fk.references_table)
                for f in child.foreign_keys
            ):
                child.foreign_keys.append(fk)
    if not tables:
        skipped = [n.split(": ", 1)[-1] for n in script.notes]
        listing = "; ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else "")
        problems = "; ".join(w for w in warnings[:3])
        raise DDLError(
            "no CREATE TABLE statement was found"
            + (f" (skipped: {listing})" if listing else "")
            + (f" (problems: {problems})" if problems else ""),
            source=source,
            hint="import a script that creates at least one table",
        )
    table_list = list(tables.values())
    _break_cycles(table_list, warnings)
    _fit_unique_domains(table_list, warnings)
    dialect = canonical(script.dialect)
    try:
        return ExperimentSpec(
            name=name,
            dialect=dialect,
            target_warehouse=target_warehouse,
            tables=table_list,
            warnings=warnings,
            notes=script.notes,
        )
    except SpecError as e:
        raise DDLError(
            f"the imported tables do not form a valid spec: {e.message}",
            source=source,
            hint="see the problems listed and correct the DDL",
        ) from None
    except ValidationError as e:
        raise DDLError(
            f"the imported tables do not form a valid spec: {str(e).splitlines()[0]}", source=source
        ) from None
