"""dialects.py: the one list of dialects, the names users type, and the one type map per dialect
that both CREATE TABLE writers read."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

import dwsim_nb as dw
from dwsim_nb import dialects
from dwsim_nb.cli import main
from dwsim_nb.ddl.writer import spec_to_ddl
from dwsim_nb.dialects import DIALECTS, UnknownDialectError, by_name, canonical, resolve
from dwsim_nb.errors import DDLError, DwsimError, SpecError, WarehouseError
from dwsim_nb.spec import ExperimentSpec, parse_spec
from dwsim_nb.spec.types import LOGICAL_TYPES, type_family
from dwsim_nb.warehouses import WAREHOUSES, get_warehouse
from dwsim_nb.warehouses.tables import create_table_sql

SPELLINGS = [(s, d.name) for d in DIALECTS for s in d.spellings]


@pytest.mark.parametrize(("spelling", "name"), SPELLINGS)
def test_every_spelling_resolves(spelling: str, name: str) -> None:
    for text in (spelling, spelling.upper(), spelling.title(), f"  {spelling} "):
        assert canonical(text) == name
    assert canonical(name) == name


def test_names_users_type() -> None:
    assert canonical("PostgreSQL") == canonical("pg") == "postgres"
    assert canonical("generic") == canonical("ANSI") == "ansi"
    assert dialects.warehouse_name("PostgreSQL") == "postgres"
    with pytest.raises(UnknownDialectError):
        dialects.warehouse_name("ansi")  # a dialect, not a warehouse


@pytest.mark.parametrize(
    ("typed", "meant"), [("postgrs", "postgres"), ("snowflak", "snowflake"), ("duckbd", "duckdb")]
)
def test_unknown_names_say_did_you_mean(typed: str, meant: str) -> None:
    with pytest.raises(UnknownDialectError, match=f"did you mean '{meant}'") as err:
        resolve(typed)
    assert isinstance(err.value, DwsimError)
    with pytest.raises(DDLError, match=f"did you mean '{meant}'"):
        dw.import_sql("CREATE TABLE t (a INT)", dialect=typed)
    with pytest.raises(DDLError, match=r"use one of .*ansi"):
        dw.import_sql("CREATE TABLE t (a INT)", dialect="oracle")


def test_python_offers_the_names_the_cli_offers() -> None:
    with pytest.raises(DDLError) as err:
        dw.import_sql("CREATE TABLE t (a INT)", dialect="oracle")
    assert "ansi" in str(err.value) and "generic" not in str(err.value)


def test_spec_accepts_any_spelling_and_keeps_the_canonical_name() -> None:
    table = {"name": "t", "columns": [{"name": "a", "data_type": "INT"}]}
    spec = parse_spec(
        {"name": "s", "dialect": "PostgreSQL", "target_warehouse": "pg", "tables": [table]}
    )
    assert (spec.dialect, spec.target_warehouse) == ("postgres", "postgres")
    assert json.loads(spec.to_json())["dialect"] == "postgres"
    with pytest.raises(SpecError, match="did you mean 'snowflake'"):
        parse_spec({"name": "s", "target_warehouse": "snowflak", "tables": [table]})
    schema = dw.spec_json_schema()["properties"]["dialect"]
    assert schema["enum"] == list(dialects.DIALECT_NAMES)


def test_import_sql_accepts_postgresql(tmp_path: Path) -> None:
    spec = dw.import_sql("CREATE TABLE t (a INT)", dialect="postgresql")
    assert spec.dialect == "postgres"
    exp_ = dw.Workspace(tmp_path).import_sql(
        "CREATE TABLE t (a INT)", name="t", dialect="PostgreSQL", warehouse="DuckDB"
    )
    assert exp_.spec.dialect == "postgres" and exp_.spec.target_warehouse == "duckdb"


def test_cli_accepts_spellings_and_explains_unknown_ones(tmp_path: Path) -> None:
    ddl = tmp_path / "t.sql"
    ddl.write_text("CREATE TABLE t (a INT);")
    home = ["--home", str(tmp_path / "ws")]
    args = ["import-sql", str(ddl), "--name", "t", "--dry-run", "--json"]
    r = CliRunner().invoke(main, [*home, *args, "--dialect", "pg", "--warehouse", "PostgreSQL"])
    assert r.exit_code == 0, r.output
    spec = json.loads(r.output)
    assert spec["dialect"] == "postgres" and spec["target_warehouse"] == "postgres"
    r = CliRunner().invoke(main, [*home, *args, "--dialect", "postgrs"])
    assert r.exit_code == 1 and "did you mean 'postgres'" in r.output


def test_get_warehouse_accepts_spellings(tmp_path: Path) -> None:
    assert get_warehouse("DuckDB", tmp_path).name == "duckdb"
    with pytest.raises(WarehouseError, match="did you mean 'duckdb'"):
        get_warehouse("duckbd", tmp_path)


def test_registry_and_key_enforcement_read_the_records() -> None:
    assert set(WAREHOUSES) == set(dialects.WAREHOUSE_NAMES)
    assert all(by_name(w).warehouse for w in WAREHOUSES)
    enforcing = {d.name for d in DIALECTS if d.enforces_keys}
    assert {"postgres", "duckdb", "sqlite", "ansi"} == enforcing


def test_folding() -> None:
    assert by_name("snowflake").fold("Orders") == "ORDERS"
    assert by_name("redshift").fold("Orders") == by_name("postgres").fold("Orders") == "orders"
    assert by_name("duckdb").fold("Orders") == by_name("sqlite").fold("Orders") == "Orders"


@pytest.mark.parametrize("d", [d for d in DIALECTS if d.warehouse], ids=lambda d: d.name)
def test_records_agree_with_sqlglot(d: dialects.Dialect) -> None:
    theirs = SqlglotDialect.get_or_raise(d.sqlglot)
    assert d.null_ordering == theirs.NULL_ORDERING
    assert d.backslash_escapes == ("\\" in theirs.tokenizer_class.STRING_ESCAPES)


@pytest.mark.parametrize("d", DIALECTS, ids=lambda d: d.name)
def test_type_map_covers_every_logical_type(d: dialects.Dialect) -> None:
    assert set(d.types) == set(LOGICAL_TYPES)
    assert set(d.storage) <= set(LOGICAL_TYPES)
    for t in LOGICAL_TYPES:
        for storage in (False, True):
            typ = d.column_type(t, storage=storage)
            assert isinstance(typ, exp.DataType)
            assert typ.sql(dialect=d.sqlglot)


@pytest.mark.parametrize("d", DIALECTS, ids=lambda d: d.name)
def test_sizes_and_limits(d: dialects.Dialect) -> None:
    assert d.column_type("VARCHAR", length=20).sql("postgres") == "VARCHAR(20)"
    wide = d.column_type("DECIMAL", precision=100, scale=2).sql("postgres")
    assert wide == f"DECIMAL({d.max_decimal_precision}, 2)"
    if d.max_length:
        assert d.column_type("VARCHAR", length=10**6).sql("postgres") == f"VARCHAR({d.max_length})"


def _every_type_spec(dialect: str = "duckdb") -> ExperimentSpec:
    columns: list[dict[str, Any]] = [
        {"name": "id", "data_type": "BIGINT", "required": True},
        {"name": "code", "data_type": "CHAR(3)"},
        {"name": "label", "data_type": "VARCHAR(40)", "is_unique": True},
        {"name": "price", "data_type": "DECIMAL(10,2)"},
        {"name": "select", "data_type": "INT"},  # a reserved word, quoted
    ]
    columns += [{"name": f"c_{t.lower()}", "data_type": t} for t in LOGICAL_TYPES]
    parent = {"name": "parent", "columns": columns, "primary_key": ["id"]}
    child = {
        "name": "child",
        "columns": [
            {"name": "id", "data_type": "INT", "required": True},
            {"name": "parent_id", "data_type": "BIGINT"},
        ],
        "primary_key": ["id"],
        "foreign_keys": [
            {"columns": ["parent_id"], "references_table": "parent", "references_columns": ["id"]}
        ],
    }
    return ExperimentSpec.parse({"name": "all", "dialect": dialect, "tables": [parent, child]})


@pytest.mark.parametrize("d", DIALECTS, ids=lambda d: d.name)
def test_written_ddl_reparses_in_its_dialect(d: dialects.Dialect) -> None:
    spec = _every_type_spec()
    statements = sqlglot.parse(spec_to_ddl(spec, d.name), read=d.sqlglot)
    assert [type(s) for s in statements] == [exp.Create, exp.Create]
    if d.warehouse:
        for table in spec.tables:
            sql = create_table_sql(table, d.name, "s", declare_foreign_keys=True)
            assert isinstance(sqlglot.parse_one(sql, read=d.sqlglot), exp.Create)


@pytest.mark.parametrize("d", DIALECTS, ids=lambda d: d.name)
def test_written_ddl_reads_back_as_the_same_types(d: dialects.Dialect) -> None:
    spec = _every_type_spec()
    again = dw.import_sql(spec_to_ddl(spec, d.name), d.name, infer=False)
    assert again.warnings == []

    def families(s: ExperimentSpec) -> list[str]:
        # Dialects without a UUID type write it as a 36-character string.
        return [
            "string" if c.data_type == "UUID" else type_family(c.data_type, c.scale)
            for c in s.table("parent").columns
        ]

    expected = families(spec)
    if d.name in ("redshift", "snowflake"):
        assert families(again) == ["string" if f == "uuid" else f for f in expected]
    else:
        assert families(again) == expected


def test_both_writers_create_tables_on_duckdb_and_sqlite() -> None:
    spec = _every_type_spec()
    con = duckdb.connect()
    con.execute(spec_to_ddl(spec, "duckdb"))
    con.execute("CREATE SCHEMA e")
    for table in spec.tables:
        con.execute(create_table_sql(table, "duckdb", "e", declare_foreign_keys=True))
    for schema in ("main", "e"):
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = 'parent'",
                [schema],
            ).fetchall()
        )
        # FLOAT means an 8-byte double in Redshift, Snowflake and Postgres DDL.
        assert types["c_float"] == types["c_double"] == "DOUBLE"
        assert types["price"] == "DECIMAL(10,2)"
    lite = sqlite3.connect(":memory:")
    lite.executescript(spec_to_ddl(spec, "sqlite"))
    declared = {r[1]: r[2] for r in lite.execute("pragma table_info(parent)")}
    assert declared["c_date"] == "DATE" and declared["price"] == "DECIMAL(10, 2)"
    lite.execute("attach ':memory:' as e")
    for table in spec.tables:
        lite.execute(create_table_sql(table, "sqlite", "e", declare_foreign_keys=True))
    stored = {r[1]: r[2] for r in lite.execute("pragma e.table_info(parent)")}
    assert stored["c_date"] == "TEXT" and stored["price"] == "REAL"
    assert stored["c_boolean"] == "INTEGER" and stored["id"] == "INTEGER"


def test_float_is_a_double_in_every_writer() -> None:
    spec = _every_type_spec()
    for d in DIALECTS:
        ddl = spec_to_ddl(spec, d.name)
        assert '"c_float" REAL' not in ddl or d.name == "sqlite"  # SQLite's REAL is 8 bytes
    assert '"c_float" DOUBLE PRECISION' in spec_to_ddl(spec, "postgres")
    assert '"c_float" DOUBLE' in spec_to_ddl(spec, "duckdb")


def test_unknown_write_dialect_says_did_you_mean() -> None:
    with pytest.raises(DDLError, match="did you mean 'redshift'"):
        spec_to_ddl(_every_type_spec(), "redshit")
