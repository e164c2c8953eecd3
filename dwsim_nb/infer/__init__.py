"""More data like mine: infer an experiment spec from existing data.

    from dwsim_nb.infer import infer_spec
    spec = infer_spec({"customers": df1, "orders": df2}, name="shop")
    spec = infer_spec("sqlite:///chinook.db", name="music")
    spec = infer_spec("runs/shop/run_3/", name="shop_like", copy_categories=False)

The spec holds types, null rates, ranges, fitted distributions, low-cardinality categories with
their frequencies, unique columns, primary keys and foreign keys found by value inclusion; it
holds no real value except those categories (and none with ``copy_categories=False``).

Statistics come from a reproducible sample of at most ``sample_rows`` rows per table, spread over
the whole table; keys (uniqueness, foreign-key inclusion, single or composite) are checked over
all rows of their columns.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.errors import SpecError
from dwsim_nb.infer.build import InferOptions, column_from_profile, pattern_fits
from dwsim_nb.infer.keys import (
    Reference,
    guess_foreign_keys,
    guess_primary_key,
    settle_uniqueness,
)
from dwsim_nb.infer.profile import ColumnProfile, profile_column
from dwsim_nb.infer.sources import read_source
from dwsim_nb.infer.tables import InferError, SourceData, SourceTable, complete_rows
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import AutoRule, PatternRule
from dwsim_nb.spec.types import parse_type

__all__ = ["InferError", "InferOptions", "infer_spec", "profile_tables"]


def profile_tables(data: SourceData, category_limit: int) -> dict[str, dict[str, ColumnProfile]]:
    """Column profiles per table (declared database types win over the data's).

    Profiles describe the sample; of a sampled table, the columns the sample shows unique are
    checked over all rows (``unique_in_all``).
    """
    out: dict[str, dict[str, ColumnProfile]] = {}
    for t in data.tables:
        out[t.name] = {
            name: profile_column(
                name, t.data.column(name), t.declared.types.get(name), category_limit
            )
            for name in t.data.column_names
        }
        settle_uniqueness(t, out[t.name])
    return out


def infer_spec(
    source: Any,
    name: str = "inferred",
    *,
    tables: list[str] | None = None,
    schema: str | None = None,
    dialect: str | None = None,
    target_warehouse: str = "duckdb",
    category_limit: int = 20,
    min_category_rows: int = 5,
    copy_categories: bool = True,
    fit_distributions: bool = True,
    sample_rows: int = 200_000,
    sample_seed: int = 0,
) -> ExperimentSpec:
    """Infer an :class:`ExperimentSpec` from data, storing nothing.

    ``source``: a DataFrame, a dict of name -> DataFrame, a Parquet file or folder, or a
    SQLAlchemy URL / engine (``tables`` and ``schema`` pick what to read there).
    ``category_limit``: columns with at most this many distinct values become categories with
    their frequencies, keeping values seen in at least ``min_category_rows`` rows;
    ``copy_categories=False`` copies no value at all. Statistics come from at most
    ``sample_rows`` rows per table, drawn over the whole table with ``sample_seed`` (the same
    sample on every run; smaller tables are read whole); keys are checked over all rows.
    """
    opts = InferOptions(
        category_limit=category_limit,
        min_category_rows=min_category_rows,
        copy_categories=copy_categories,
        fit_distributions=fit_distributions,
        sample_rows=sample_rows,
    )
    data = read_source(
        source, sample_rows=sample_rows, sample_seed=sample_seed, tables=tables, schema=schema
    )
    try:
        profiles = profile_tables(data, category_limit)
        primary = {t.name: guess_primary_key(t, profiles[t.name]) for t in data.tables}
        references = guess_foreign_keys(data.tables, profiles, primary)
    finally:
        if data.close is not None:
            data.close()
    # A referenced column must be a unique key of its parent for the spec to accept the edge.
    referenced = {
        (ref.table, ref.references[0])
        for refs in references.values()
        for ref in refs
        if len(ref.references) == 1
    }
    spec_tables = [
        _table(t, profiles[t.name], primary[t.name], references[t.name], referenced, opts)
        for t in data.tables
    ]
    spec_dialect = dialect or data.dialect
    doc: dict[str, Any] = {
        "name": name,
        "description": f"inferred from {data.where}",
        "dialect": spec_dialect,
        "target_warehouse": target_warehouse,
        "tables": spec_tables,
        "notes": [
            f"inferred from {len(data.tables)} table(s) at {data.where}; "
            f"categories {'copied' if copy_categories else 'not copied'} "
            f"(at most {category_limit} distinct values, each in >= {min_category_rows} rows)"
        ],
    }
    try:
        return ExperimentSpec.parse(doc)
    except SpecError as e:
        raise InferError(
            f"the inferred spec is not valid: {'; '.join(e.problems) or e.message}",
            where=data.where,
            hint="pass tables=[...] to leave out the table named, or fix its keys in the source",
        ) from None


def _table(
    t: SourceTable,
    profiles: dict[str, ColumnProfile],
    primary: list[str],
    refs: list[Reference],
    referenced: set[tuple[str, str]],
    opts: InferOptions,
) -> dict[str, Any]:
    ref_cols = {c for ref in refs for c in ref.columns}
    declared_unique = {u[0] for u in t.declared.unique if len(u) == 1}
    declared_unique |= {col for parent, col in referenced if parent == t.name}
    columns = []
    for col_name, p in profiles.items():
        parsed = parse_type(t.declared.types.get(col_name) or "")
        col = column_from_profile(
            p,
            opts,
            declared_length=parsed.length if parsed else None,
            declared_not_null=col_name in t.declared.not_null,
            declared_unique=col_name in declared_unique,
            is_key=col_name in primary,
            is_reference=col_name in ref_cols,
            table=t.name,
        )
        rule = col.get("rule")
        if isinstance(rule, PatternRule) and not pattern_fits(rule.pattern, t.rows * 10):
            # Too few distinct strings of that shape for larger volumes: plain words instead.
            col["rule"] = AutoRule(reason="words")
        columns.append(col)
    fks = []
    for ref in refs:
        # Null rate of the sample; a row with a NULL in any of the columns refers to nothing.
        rows = t.data.num_rows
        complete = complete_rows(t.data, list(ref.columns)).num_rows
        nulls = rows - complete
        fks.append(
            {
                "columns": list(ref.columns),
                "references_table": ref.table,
                "references_columns": list(ref.references),
                "nullable": nulls > 0,
                **({"null_rate": round(nulls / rows, 4)} if nulls else {}),
            }
        )
    unique = [u for u in t.declared.unique if len(u) > 1]
    return {
        "name": t.name,
        "target_rows": t.rows,
        "columns": columns,
        "primary_key": primary,
        "unique": unique,
        "foreign_keys": fks,
    }
