"""spec -> DDL: round trips through every dialect, and the output executes where it can."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.writer import spec_to_ddl
from dwsim_nb.errors import DDLError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.spec.types import type_family

CORPUS = Path(__file__).parent / "corpus" / "ddl"
SCRIPTS = {
    "tickit_redshift.sql": "redshift",
    "snowflake_shop.sql": "snowflake",
    "pg_dump_library.sql": "postgres",
    "tpch.sql": "ansi",
    "tpcds_subset.sql": "ansi",
    "tpcc.sql": "postgres",
    "duckdb_events.sql": "duckdb",
}
OUT = ["redshift", "snowflake", "postgres", "duckdb", "sqlite", "ansi"]


def family(data_type: str, scale: int | None) -> str:
    # Redshift and Snowflake have no UUID type: it is written as a 36-character string.
    return "string" if data_type == "UUID" else type_family(data_type, scale)


def shape(spec: ExperimentSpec) -> dict[str, object]:
    """Tables, columns (with type families), keys: what a round trip must keep (a table's own
    name: a dialect's script holds fewer namespace parts than another's, SQLite none)."""
    return {
        t.name: (
            [(c.name, family(c.data_type, c.scale), c.required) for c in t.columns],
            t.primary_key,
            sorted(map(sorted, t.unique_keys())),
            sorted(
                (fk.columns, fk.references_table.split(".")[-1], fk.references_columns)
                for fk in t.foreign_keys
            ),
        )
        for t in spec.tables
    }


@pytest.mark.parametrize("out", OUT)
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_round_trip(script: str, out: str) -> None:
    spec = import_sql((CORPUS / script).read_text(), SCRIPTS[script], infer=False)
    again = import_sql(spec.to_ddl(out), out, infer=False)
    assert shape(again) == shape(spec)
    assert [t.name for t in again.tables] != [] and again.warnings == []


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_duckdb_and_sqlite_output_executes(script: str) -> None:
    spec = import_sql((CORPUS / script).read_text(), SCRIPTS[script], infer=False)
    con = duckdb.connect()
    con.execute(spec_to_ddl(spec, "duckdb"))
    tables = {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }
    assert tables == {t.name for t in spec.tables}
    lite = sqlite3.connect(":memory:")
    lite.executescript(spec_to_ddl(spec, "sqlite"))
    names = {r[0] for r in lite.execute("select name from sqlite_master where type='table'")}
    assert names == {t.name for t in spec.tables}


def _postgres() -> object:
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(
            "dbname=postgres host=127.0.0.1 user=postgres", autocommit=True, connect_timeout=2
        )
    except Exception:
        pytest.skip("no PostgreSQL server")


@pytest.mark.postgres
def test_postgres_output_executes() -> None:
    con = _postgres()
    for script, dialect in SCRIPTS.items():
        spec = import_sql((CORPUS / script).read_text(), dialect, infer=False)
        with con.transaction():  # type: ignore[attr-defined]
            cur = con.cursor()  # type: ignore[attr-defined]
            cur.execute("CREATE SCHEMA dwsim_ddl_test; SET LOCAL search_path = dwsim_ddl_test")
            cur.execute(spec_to_ddl(spec, "postgres"))
            schemas = ["dwsim_ddl_test", *{t.schema_name for t in spec.tables if t.schema_name}]
            cur.execute(
                "select count(*) from information_schema.tables where table_schema = ANY(%s)",
                (schemas,),
            )
            assert cur.fetchone()[0] == len(spec.tables)
            for schema in schemas:
                cur.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_redshift_physical_options_written_back() -> None:
    spec = import_sql((CORPUS / "tickit_redshift.sql").read_text(), "redshift", infer=False)
    ddl = spec.to_ddl("redshift")
    assert 'DISTKEY ("userid")' in ddl
    assert 'INTERLEAVED SORTKEY ("dateid", "listtime")' in ddl
    assert 'COMPOUND SORTKEY ("dateid", "saletime")' in ddl
    assert "SORTKEY AUTO" in ddl and "BACKUP NO" in ddl and "DISTSTYLE ALL" in ddl
    assert '"venuename" VARCHAR(100) ENCODE zstd' in ddl
    assert '"catid" SMALLINT IDENTITY(1,1) NOT NULL' in ddl
    again = import_sql(ddl, "redshift", infer=False)
    assert again.table("listing").physical == spec.table("listing").physical
    assert "DISTKEY" not in spec.to_ddl("duckdb") and "ENCODE" not in spec.to_ddl("postgres")


def test_snowflake_cluster_by_written_back() -> None:
    spec = import_sql((CORPUS / "snowflake_shop.sql").read_text(), "snowflake", infer=False)
    ddl = spec.to_ddl("snowflake")
    assert 'CLUSTER BY ("ORDER_DATE")' in ddl
    assert 'CREATE TRANSIENT TABLE "ANALYTICS"."SHOP"."ORDERS"' in ddl
    assert import_sql(ddl, "snowflake", infer=False).table("PRODUCTS").physical == {
        "cluster_by": ["CATEGORY"]
    }


def test_tables_in_foreign_key_order_and_quoted() -> None:
    spec = import_sql(
        "CREATE TABLE c (pid INT REFERENCES p (id));"
        'CREATE TABLE p (id INT PRIMARY KEY, "user" TEXT);',
        "postgres",
    )
    ddl = spec_to_ddl(spec, "postgres")
    assert ddl.index('CREATE TABLE "p"') < ddl.index('CREATE TABLE "c"')
    assert '"user" TEXT' in ddl


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("duckdb", '"v" JSON'),
        ("postgres", '"v" JSONB'),
        ("redshift", '"v" SUPER'),
        ("snowflake", '"v" VARIANT'),
        ("sqlite", '"v" JSON'),
        ("ansi", '"v" JSON'),
    ],
)
def test_types_per_dialect(dialect: str, expected: str) -> None:
    spec = import_sql("CREATE TABLE t (v VARIANT, n NUMBER(38,0), s STRING);", "snowflake")
    ddl = spec_to_ddl(spec, dialect)
    assert expected in ddl


def test_unknown_write_dialect() -> None:
    spec = import_sql("CREATE TABLE t (a INT)")
    with pytest.raises(DDLError, match="use one of"):
        spec_to_ddl(spec, "oracle")
