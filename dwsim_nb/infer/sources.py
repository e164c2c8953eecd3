"""Read what a spec is inferred from into Arrow tables, with whatever keys the source declares.

A source is a pandas DataFrame, a dict of name -> DataFrame (or Arrow table), a Parquet file, a
folder of Parquet files (one table per file, or one table per sub-folder as a dwsim run is laid
out), or a database reached by a SQLAlchemy URL or engine. Databases also tell their declared
types, primary keys, unique constraints and foreign keys; those win over what the data suggests.

Only a sample of each table is profiled: at most ``sample_rows`` rows, drawn at random over the
whole table with a fixed seed (``sample_seed``), so the same data gives the same sample on every
run and the rows after the first ``sample_rows`` count too. A table with at most ``sample_rows``
rows is read whole. The statistics of a large table settle long before its end, and the whole
table never has to fit in memory. Row counts are always the real ones.

Checks that a sample cannot answer (is a key unique, are a child's values all among a parent's)
read only the key columns, over all rows: :meth:`SourceTable.key_tuples`. In memory that is the
DataFrame itself, for Parquet the columns are read from every file, and a database answers with
``SELECT DISTINCT`` and ``COUNT(*)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dwsim_nb.infer.tables import (
    Declared,
    InferError,
    KeyTuples,
    SourceData,
    SourceTable,
    distinct_tuples,
    sample_positions,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "Declared",
    "InferError",
    "SourceData",
    "SourceTable",
    "distinct_tuples",
    "read_source",
    "sample_positions",
]


def read_source(
    source: Any,
    *,
    sample_rows: int = 200_000,
    sample_seed: int = 0,
    tables: list[str] | None = None,
    schema: str | None = None,
) -> SourceData:
    """Turn any supported source into Arrow tables (at most ``sample_rows`` rows each).

    Larger tables are sampled: ``sample_rows`` rows at positions drawn with ``sample_seed``
    over the whole table (the same positions on every run).
    """
    sample = _Sample(sample_rows, sample_seed)
    import pandas as pd
    import pyarrow as pa

    if isinstance(source, pd.DataFrame | pa.Table):
        source = {"data": source}
    if isinstance(source, dict):
        out = [_in_memory(str(k), v, sample) for k, v in source.items()]
        return SourceData(_pick(out, tables, "the dict"), "duckdb", "<dict>")
    if _is_engine(source):
        return _from_database(source, sample, tables, schema)
    if isinstance(source, str) and "://" in source:
        return _from_database(source, sample, tables, schema)
    if isinstance(source, str | Path):
        return _from_parquet(Path(source).expanduser(), sample, tables)
    raise InferError(
        f"cannot infer a spec from a {type(source).__name__}.",
        hint="pass a DataFrame, a dict of name -> DataFrame, a Parquet file or folder, "
        "or a database URL such as sqlite:///shop.db",
    )


@dataclass(frozen=True)
class _Sample:
    rows: int
    seed: int

    def positions(self, total: int) -> np.ndarray | None:
        return sample_positions(total, self.rows, self.seed)


def _is_engine(obj: Any) -> bool:
    return type(obj).__module__.startswith("sqlalchemy") and hasattr(obj, "connect")


def _pick(found: list[SourceTable], wanted: list[str] | None, where: str) -> list[SourceTable]:
    if not found:
        raise InferError(f"{where} holds no tables.", hint="point at data with at least one table")
    picked = found if wanted is None else _wanted(found, wanted, where)
    for t in picked:
        _check_names(t, where)
    return picked


def _check_names(table: SourceTable, where: str) -> None:
    # Parquet files and DataFrames may repeat a column name; a table of a warehouse may not,
    # and Arrow answers a lookup of the repeated name with a KeyError.
    names = table.data.column_names
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InferError(
            f"table {table.name!r} has more than one column named "
            f"{', '.join(repr(n) for n in repeated)}.",
            where=where,
            hint="rename the repeated columns (each column of a table needs its own name)",
        )


def _wanted(found: list[SourceTable], wanted: list[str], where: str) -> list[SourceTable]:
    by_name = {t.name.lower(): t for t in found}
    missing = [w for w in wanted if w.lower() not in by_name]
    if missing:
        raise InferError(
            f"{where} has no table(s) {', '.join(missing)}.",
            hint=f"choose from: {', '.join(t.name for t in found)}",
        )
    return [by_name[w.lower()] for w in wanted]


def _in_memory(name: str, value: Any, sample: _Sample) -> SourceTable:
    import pandas as pd
    import pyarrow as pa

    if isinstance(value, pd.DataFrame):
        table = _frame_to_arrow(name, value)
    elif isinstance(value, pa.Table):
        table = value
    else:
        raise InferError(
            f"table {name!r} is a {type(value).__name__}, not a DataFrame.",
            hint="give each name a pandas DataFrame or a pyarrow Table",
        )
    picks = sample.positions(table.num_rows)
    if picks is None:
        return SourceTable(name, table, table.num_rows)
    full = table
    return SourceTable(
        name,
        table.take(picks),
        table.num_rows,
        all_rows=lambda columns: distinct_tuples(full, columns),
    )


def _frame_to_arrow(name: str, df: Any) -> pa.Table:
    import pyarrow as pa

    repeated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
    if repeated:
        raise InferError(
            f"table {name!r} has more than one column named "
            f"{', '.join(repr(n) for n in repeated)}.",
            hint="rename the repeated columns (each column of a table needs its own name)",
        )
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Mixed Python objects in a column: read those columns as text rather than fail.
        fixed = df.copy()
        for col in fixed.columns:
            if fixed[col].dtype == object:
                fixed[col] = fixed[col].map(lambda v: None if v is None else str(v))
        try:
            return pa.Table.from_pandas(fixed, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InferError(
                f"cannot read DataFrame {name!r}: {e}.",
                hint="give every column one type (cast mixed columns with .astype(str))",
            ) from None


# --- Parquet ------------------------------------------------------------------------------------


def _from_parquet(path: Path, sample: _Sample, wanted: list[str] | None) -> SourceData:
    if not path.exists():
        raise InferError(
            "no such file or folder.",
            where=str(path),
            hint="give a Parquet file, a folder of them, or a database URL",
        )
    found: list[SourceTable] = []
    if path.is_file():
        found.append(_parquet_table(path.stem, [path], sample))
    else:
        direct = sorted(path.glob("*.parquet"))
        folders = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.parquet")))
        if direct and all(p.name.startswith("part-") for p in direct):
            # One table written in parts (a dwsim run's table folder).
            found.append(_parquet_table(path.name, direct, sample))
        else:
            found.extend(_parquet_table(p.stem, [p], sample) for p in direct)
            found.extend(
                _parquet_table(d.name, sorted(d.glob("*.parquet")), sample) for d in folders
            )
    return SourceData(_pick(found, wanted, str(path)), "duckdb", str(path))


def _parquet_table(name: str, files: list[Path], sample: _Sample) -> SourceTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = files[0]
    try:
        metas = []
        for f in files:
            metas.append(pq.ParquetFile(f))
        rows = sum(m.metadata.num_rows for m in metas)
        picks = sample.positions(rows)
        parts = [m.read() for m in metas] if picks is None else _parquet_sample(metas, picks)
    except (OSError, pa.ArrowInvalid) as e:
        raise InferError(
            f"cannot read Parquet: {e}.", where=str(f), hint="check that the file is Parquet"
        ) from None
    data = pa.concat_tables(parts)
    if picks is None:
        return SourceTable(name, data, rows)

    def all_rows(columns: list[str]) -> KeyTuples:
        # Only the key's columns, from every file: a fraction of the table's bytes.
        whole = pa.concat_tables([pq.read_table(p, columns=columns) for p in files])
        return distinct_tuples(whole, columns)

    return SourceTable(name, data, rows, all_rows=all_rows)


def _parquet_sample(metas: list[Any], picks: np.ndarray) -> list[pa.Table]:
    """The rows at ``picks`` (positions over all files), reading one row group at a time."""
    parts = []
    start = 0
    for meta in metas:
        for g in range(meta.metadata.num_row_groups):
            size = meta.metadata.row_group(g).num_rows
            lo, hi = np.searchsorted(picks, [start, start + size])
            if hi > lo:
                parts.append(meta.read_row_group(g).take(picks[lo:hi] - start))
            start += size
    if not parts:  # a sample of no rows still needs the schema
        parts.append(metas[0].schema_arrow.empty_table())
    return parts


# --- databases ----------------------------------------------------------------------------------


_DB_BATCH = 50_000


def _dialect_of(url: str) -> str:
    from dwsim_nb.dialects import UnknownDialectError, canonical

    try:
        return canonical(url.split("://", 1)[0].split("+", 1)[0])
    except UnknownDialectError:
        return "ansi"


def _from_database(
    source: Any, sample: _Sample, wanted: list[str] | None, schema: str | None
) -> SourceData:
    import sqlalchemy as sa

    from dwsim_nb.redact import redact_url

    if isinstance(source, str):
        where = redact_url(source)
        try:
            engine = sa.create_engine(source)
        except Exception as e:  # unknown driver, malformed URL
            raise InferError(
                f"cannot open the database: {e}.",
                where=where,
                hint="check the URL (e.g. postgresql://user@host/db, sqlite:///file.db) and "
                "that its driver is installed",
            ) from None
        owned = True
    else:
        engine, owned = source, False
        where = redact_url(str(engine.url))
    dialect = _dialect_of(str(engine.url))
    try:
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            names = insp.get_table_names(schema=schema)
            if wanted is not None:
                lowered = {n.lower(): n for n in names}
                missing = [w for w in wanted if w.lower() not in lowered]
                if missing:
                    raise InferError(
                        f"the database has no table(s) {', '.join(missing)}"
                        + (f" in schema {schema}" if schema else "")
                        + ".",
                        where=where,
                        hint=f"choose from: {', '.join(names) or '(none)'}",
                    )
                names = [lowered[w.lower()] for w in wanted]
            found = [_db_table(conn, insp, n, schema, sample) for n in names]
    except sa.exc.SQLAlchemyError as e:
        if owned:
            engine.dispose()
        raise InferError(
            f"reading the database failed: {str(e).splitlines()[0]}",
            where=where,
            hint="check the URL, the credentials and that the tables can be read",
        ) from None
    except BaseException:
        if owned:
            engine.dispose()
        raise
    for t in found:
        if t.sampled:
            t.all_rows = _db_key_tuples(engine, schema, t.name, where)
    # Key checks on sampled tables still ask the database: the engine stays open until then.
    return SourceData(
        _pick(found, None, where), dialect, where, close=engine.dispose if owned else None
    )


def _literal_sql(sql: str) -> Any:
    """``sql`` as SQLAlchemy text with no bind parameters: a quoted name holding ``:b`` stays
    a name (``text()`` would read it as a parameter)."""
    import sqlalchemy as sa

    return sa.text(sql.replace(":", r"\:"))


def _db_key_tuples(
    engine: Any, schema: str | None, name: str, where: str
) -> Callable[[list[str]], KeyTuples]:
    """Exact key checks in the database: ``SELECT DISTINCT`` of the key's columns and a count."""
    import sqlalchemy as sa

    def key_tuples(columns: list[str]) -> KeyTuples:
        try:
            with engine.connect() as conn:
                quote = conn.dialect.identifier_preparer.quote
                target = (f"{quote(schema)}." if schema else "") + quote(name)
                cols = ", ".join(quote(c) for c in columns)
                complete = " AND ".join(f"{quote(c)} IS NOT NULL" for c in columns)
                count = conn.execute(
                    _literal_sql(f"SELECT COUNT(*) FROM {target} WHERE {complete}")
                ).scalar()
                result = conn.execute(
                    _literal_sql(f"SELECT DISTINCT {cols} FROM {target} WHERE {complete}")
                )
                table = _to_arrow(list(columns), result.fetchall())
        except sa.exc.SQLAlchemyError as e:
            raise InferError(
                f"checking the key ({', '.join(columns)}) of {name} failed: "
                f"{str(e).splitlines()[0]}",
                where=where,
                hint="check that the table can still be read",
            ) from None
        return table, int(count or 0)

    return key_tuples


def _to_arrow(keys: list[str], records: list[Any]) -> pa.Table:
    import pyarrow as pa

    columns = {}
    for i, key in enumerate(keys):
        values = [r[i] for r in records]
        try:
            columns[key] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[key] = pa.array([None if v is None else str(v) for v in values], pa.string())
    return pa.table(columns) if columns else pa.table({})


def _db_table(conn: Any, insp: Any, name: str, schema: str | None, sample: _Sample) -> SourceTable:

    # Plain SQL rather than reflected Table objects: reflection also reads indexes and keys,
    # which some dialects (duckdb-engine) answer with catalog queries their engine rejects.
    quote = conn.dialect.identifier_preparer.quote
    target = (f"{quote(schema)}." if schema else "") + quote(name)
    rows = int(conn.execute(_literal_sql(f"SELECT COUNT(*) FROM {target}")).scalar() or 0)
    picks = sample.positions(rows)
    if picks is None:
        result = conn.execute(_literal_sql(f"SELECT * FROM {target} LIMIT {int(sample.rows)}"))
        keys = list(result.keys())
        records = list(result.fetchall())
    else:
        # No portable SQL draws a reproducible sample (TABLESAMPLE differs or is missing per
        # database), so the rows are streamed once in batches and the drawn positions kept.
        # The sample is the same as long as the database returns the rows in the same order.
        result = conn.execute(
            _literal_sql(f"SELECT * FROM {target}").execution_options(stream_results=True)
        )
        keys = list(result.keys())
        records = []
        start = 0
        for batch in result.partitions(_DB_BATCH):
            lo, hi = np.searchsorted(picks, [start, start + len(batch)])
            records.extend(batch[int(i)] for i in picks[lo:hi] - start)
            start += len(batch)
    data = _to_arrow(keys, records)
    declared = Declared()
    for col in _ask(conn, lambda: insp.get_columns(name, schema=schema)) or []:
        try:
            declared.types[col["name"]] = str(col["type"].compile(dialect=conn.dialect))
        except Exception:  # a type the dialect cannot print: fall back to the data's type
            declared.types[col["name"]] = str(col["type"])
        if not col.get("nullable", True):
            declared.not_null.add(col["name"])
    pk = _ask(conn, lambda: insp.get_pk_constraint(name, schema=schema)) or {}
    declared.primary_key = list(pk.get("constrained_columns") or [])
    for uq in _ask(conn, lambda: insp.get_unique_constraints(name, schema=schema)) or []:
        declared.unique.append(list(uq["column_names"]))
    for fk in _ask(conn, lambda: insp.get_foreign_keys(name, schema=schema)) or []:
        if fk.get("referred_table") and fk.get("constrained_columns"):
            declared.foreign_keys.append(
                (
                    list(fk["constrained_columns"]),
                    fk["referred_table"],
                    list(fk.get("referred_columns") or []),
                )
            )
    return SourceTable(name, data, rows, declared)


def _ask(conn: Any, question: Any) -> Any:
    """A constraint lookup, or None where the dialect cannot answer it (duckdb-engine runs
    PostgreSQL catalog queries DuckDB rejects); the data then decides the keys."""
    import sqlalchemy as sa

    try:
        return question()
    except (sa.exc.SQLAlchemyError, NotImplementedError):
        conn.rollback()
        return None
