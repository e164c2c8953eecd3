"""Read what a spec is inferred from into Arrow tables, with whatever keys the source declares.

A source is a pandas DataFrame, a dict of name -> DataFrame (or Arrow table), a Parquet file, a
folder of Parquet files (one table per file, or one table per sub-folder as a dwsim run is laid
out), or a database reached by a SQLAlchemy URL or engine. Databases also tell their declared
types, primary keys, unique constraints and foreign keys; those win over what the data suggests.

Only a sample of each table is read (``sample_rows``, the first rows the database returns): the
statistics of a large table settle long before its end, and the whole table never has to fit in
memory. Row counts are always the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import DwsimError

if TYPE_CHECKING:
    import pyarrow as pa


class InferError(DwsimError):
    """A spec could not be inferred from the given data."""


@dataclass
class Declared:
    """What a database says about one table besides its rows."""

    types: dict[str, str] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    # (child columns, parent table, parent columns)
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    not_null: set[str] = field(default_factory=set)


@dataclass
class SourceTable:
    name: str
    data: pa.Table
    rows: int
    declared: Declared = field(default_factory=Declared)


@dataclass
class SourceData:
    tables: list[SourceTable]
    dialect: str = "duckdb"
    where: str = "<data>"


def read_source(
    source: Any,
    *,
    sample_rows: int = 200_000,
    tables: list[str] | None = None,
    schema: str | None = None,
) -> SourceData:
    """Turn any supported source into Arrow tables (at most ``sample_rows`` rows each)."""
    import pandas as pd
    import pyarrow as pa

    if isinstance(source, pd.DataFrame | pa.Table):
        source = {"data": source}
    if isinstance(source, dict):
        out = [_in_memory(str(k), v, sample_rows) for k, v in source.items()]
        return SourceData(_pick(out, tables, "the dict"), "duckdb", "<dict>")
    if _is_engine(source):
        return _from_database(source, sample_rows, tables, schema)
    if isinstance(source, str) and "://" in source:
        return _from_database(source, sample_rows, tables, schema)
    if isinstance(source, str | Path):
        return _from_parquet(Path(source).expanduser(), sample_rows, tables)
    raise InferError(
        f"cannot infer a spec from a {type(source).__name__}.",
        hint="pass a DataFrame, a dict of name -> DataFrame, a Parquet file or folder, "
        "or a database URL such as sqlite:///shop.db",
    )


def _is_engine(obj: Any) -> bool:
    return type(obj).__module__.startswith("sqlalchemy") and hasattr(obj, "connect")


def _pick(found: list[SourceTable], wanted: list[str] | None, where: str) -> list[SourceTable]:
    if not found:
        raise InferError(f"{where} holds no tables.", hint="point at data with at least one table")
    if wanted is None:
        return found
    by_name = {t.name.lower(): t for t in found}
    missing = [w for w in wanted if w.lower() not in by_name]
    if missing:
        raise InferError(
            f"{where} has no table(s) {', '.join(missing)}.",
            hint=f"choose from: {', '.join(t.name for t in found)}",
        )
    return [by_name[w.lower()] for w in wanted]


def _in_memory(name: str, value: Any, sample_rows: int) -> SourceTable:
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
    return SourceTable(name, table.slice(0, sample_rows), table.num_rows)


def _frame_to_arrow(name: str, df: Any) -> pa.Table:
    import pyarrow as pa

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


def _from_parquet(path: Path, sample_rows: int, wanted: list[str] | None) -> SourceData:
    if not path.exists():
        raise InferError(
            "no such file or folder.",
            where=str(path),
            hint="give a Parquet file, a folder of them, or a database URL",
        )
    found: list[SourceTable] = []
    if path.is_file():
        found.append(_parquet_table(path.stem, [path], sample_rows))
    else:
        direct = sorted(path.glob("*.parquet"))
        folders = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.parquet")))
        if direct and all(p.name.startswith("part-") for p in direct):
            # One table written in parts (a dwsim run's table folder).
            found.append(_parquet_table(path.name, direct, sample_rows))
        else:
            found.extend(_parquet_table(p.stem, [p], sample_rows) for p in direct)
            found.extend(
                _parquet_table(d.name, sorted(d.glob("*.parquet")), sample_rows) for d in folders
            )
    return SourceData(_pick(found, wanted, str(path)), "duckdb", str(path))


def _parquet_table(name: str, files: list[Path], sample_rows: int) -> SourceTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    parts: list[pa.Table] = []
    taken = 0
    try:
        for f in files:
            meta = pq.ParquetFile(f)
            rows += meta.metadata.num_rows
            if taken < sample_rows:
                part = meta.read().slice(0, sample_rows - taken)
                parts.append(part)
                taken += part.num_rows
    except (OSError, pa.ArrowInvalid) as e:
        raise InferError(
            f"cannot read Parquet: {e}.", where=str(f), hint="check that the file is Parquet"
        ) from None
    return SourceTable(name, pa.concat_tables(parts), rows)


# --- databases ----------------------------------------------------------------------------------


def _dialect_of(url: str) -> str:
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    return {
        "postgresql": "postgres",
        "postgres": "postgres",
        "redshift": "redshift",
        "snowflake": "snowflake",
        "duckdb": "duckdb",
        "sqlite": "sqlite",
    }.get(scheme, "ansi")


def _from_database(
    source: Any, sample_rows: int, wanted: list[str] | None, schema: str | None
) -> SourceData:
    import sqlalchemy as sa

    from dwsim_nb.staging import redact_url

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
            found = [_db_table(conn, insp, n, schema, sample_rows) for n in names]
    except sa.exc.SQLAlchemyError as e:
        raise InferError(
            f"reading the database failed: {str(e).splitlines()[0]}",
            where=where,
            hint="check the URL, the credentials and that the tables can be read",
        ) from None
    finally:
        if owned:
            engine.dispose()
    return SourceData(_pick(found, None, where), dialect, where)


def _db_table(conn: Any, insp: Any, name: str, schema: str | None, sample_rows: int) -> SourceTable:
    import pyarrow as pa
    import sqlalchemy as sa

    # Plain SQL rather than reflected Table objects: reflection also reads indexes and keys,
    # which some dialects (duckdb-engine) answer with catalog queries their engine rejects.
    quote = conn.dialect.identifier_preparer.quote
    target = (f"{quote(schema)}." if schema else "") + quote(name)
    rows = int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {target}")).scalar() or 0)
    result = conn.execute(sa.text(f"SELECT * FROM {target} LIMIT {int(sample_rows)}"))
    keys = list(result.keys())
    records = result.fetchall()
    columns = {}
    for i, key in enumerate(keys):
        values = [r[i] for r in records]
        try:
            columns[key] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[key] = pa.array([None if v is None else str(v) for v in values], pa.string())
    data = pa.table(columns) if columns else pa.table({})
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
