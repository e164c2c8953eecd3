"""Tables keep their database and schema: import, lookups, generation and queries on every
warehouse, with one-, two- and three-part names, USE SCHEMA and same-named tables."""

from __future__ import annotations

import os

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.errors import QueryError
from dwsim_nb.spec.names import AmbiguousTableError
from dwsim_nb.workspace import Workspace

TASTY = """
CREATE OR REPLACE DATABASE tb_101;
CREATE OR REPLACE SCHEMA tb_101.raw_pos;
CREATE OR REPLACE SCHEMA tb_101.harmonized;
USE SCHEMA tb_101.raw_pos;
CREATE OR REPLACE TABLE tb_101.raw_pos.truck (
  truck_id NUMBER(38,0) PRIMARY KEY,
  primary_city VARCHAR(16777216),
  region VARCHAR(16777216)
);
CREATE OR REPLACE TABLE raw_pos.order_header (
  order_id NUMBER(38,0) PRIMARY KEY,
  truck_id NUMBER(38,0) REFERENCES raw_pos.truck(truck_id),
  order_total NUMBER(38,4)
);
CREATE OR REPLACE TABLE orders (id INT PRIMARY KEY, amount NUMBER(10,2));
CREATE OR REPLACE TABLE tb_101.harmonized.orders_v (
  order_id NUMBER(38,0), truck_id NUMBER(38,0), order_total NUMBER(38,4)
);
CREATE OR REPLACE TABLE tb_101.harmonized.orders (
  id INT PRIMARY KEY, amount NUMBER(10,2), note VARCHAR(20)
);
"""

PG = """
CREATE SCHEMA raw;
CREATE SCHEMA staging;
CREATE TABLE raw.orders (id int PRIMARY KEY, amount numeric(10,2));
CREATE TABLE staging.orders (id int PRIMARY KEY, raw_id int REFERENCES raw.orders(id), x int);
SET search_path TO staging;
CREATE TABLE items (id int PRIMARY KEY, order_id int REFERENCES orders(id));
"""

ROWS = {
    "truck": 7,
    "order_header": 40,
    "raw_pos.orders": 11,
    "orders_v": 5,
    "harmonized.orders": 13,
}

WAREHOUSES = [
    "duckdb",
    "sqlite",
    "snowflake",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("redshift", marks=pytest.mark.postgres),
]


def test_import_keeps_schemas_and_databases() -> None:
    spec = import_sql(TASTY, "snowflake", name="tasty", infer=False)
    keys = [t.key for t in spec.tables]
    assert keys == [
        "tb_101.raw_pos.truck",
        "tb_101.raw_pos.order_header",
        "tb_101.raw_pos.orders",
        "tb_101.harmonized.orders_v",
        "tb_101.harmonized.orders",
    ]
    header = spec.table("raw_pos.order_header")
    assert (header.database, header.schema_name, header.name) == (
        "tb_101",
        "raw_pos",
        "order_header",
    )
    assert header.foreign_keys[0].references_table == "tb_101.raw_pos.truck"
    assert spec.table("truck").key == "tb_101.raw_pos.truck"
    with pytest.raises(
        AmbiguousTableError, match=r"tb_101\.harmonized\.orders, tb_101\.raw_pos\.orders"
    ):
        spec.table("orders")
    data = spec.to_dict()["tables"][1]
    assert data["schema"] == "raw_pos" and data["database"] == "tb_101"


def test_search_path_places_tables_and_public_is_no_schema() -> None:
    spec = import_sql(PG + "CREATE TABLE public.film (id int);", "postgres", name="pg", infer=False)
    assert [t.key for t in spec.tables] == ["raw.orders", "staging.orders", "staging.items", "film"]
    assert spec.table("staging.items").foreign_keys[0].references_table == "staging.orders"
    assert spec.table("staging.orders").foreign_keys[0].references_table == "raw.orders"


def test_specs_without_schemas_keep_their_fingerprint() -> None:
    plain = import_sql("CREATE TABLE t (a int);", "postgres", name="p", infer=False)
    assert "schema" not in plain.to_dict()["tables"][0]
    assert plain.tables[0].key == "t"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("ns"))


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_qualified_names_on_every_warehouse(home: Workspace, warehouse: str) -> None:
    if warehouse in ("postgres", "redshift") and not os.environ.get("DWSIM_POSTGRES_URL"):
        pytest.skip("needs DWSIM_POSTGRES_URL")
    exp = home.import_sql(
        TASTY, dialect="snowflake", name=f"tasty_{warehouse}", warehouse=warehouse
    )
    exp.generate(rows=ROWS)
    counts = exp.table_counts()
    assert counts["tb_101.raw_pos.orders"] == 11 and counts["tb_101.harmonized.orders"] == 13

    def one(sql: str) -> object:
        return exp.query(sql).iloc[0, 0]

    assert one("select count(*) from raw_pos.order_header") == 40
    assert one("select count(*) from tb_101.raw_pos.truck") == 7
    assert one("select count(*) from truck") == 7  # unique short name
    assert one("select count(*) from raw_pos.orders") == 11
    assert one("select count(*) from harmonized.orders") == 13
    assert one("select count(*) from tb_101.harmonized.orders") == 13
    # the same-named tables are two tables: only harmonized.orders has a note column
    assert one("select count(note) from harmonized.orders") == 13
    with pytest.raises(QueryError):
        exp.query("select note from raw_pos.orders")
    # every order header points at a truck of its own schema
    joined = (
        "select count(*) from raw_pos.order_header oh join tb_101.raw_pos.truck t "
        "on oh.truck_id = t.truck_id"
    )
    assert one(joined) == 40
    # USE SCHEMA makes short names resolve there, for the statements after it
    assert one("use schema tb_101.harmonized; select count(*) from orders") == 13
    assert one("use schema raw_pos; select count(*) from orders") == 11
    # ... and for the experiment's later queries in this session
    assert one("select count(*) from orders") == 11
    assert one("use schema harmonized") == "Statement executed successfully."
    assert one("select count(*) from orders") == 13


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_postgres_search_path(home: Workspace, warehouse: str) -> None:
    if warehouse in ("postgres", "redshift") and not os.environ.get("DWSIM_POSTGRES_URL"):
        pytest.skip("needs DWSIM_POSTGRES_URL")
    exp = home.import_sql(PG, dialect="postgres", name=f"pg_{warehouse}", warehouse=warehouse)
    exp.generate(rows={"raw.orders": 9, "staging.orders": 6, "items": 4})

    def one(sql: str) -> object:
        return exp.query(sql).iloc[0, 0]

    assert one("select count(*) from raw.orders") == 9
    assert one("select count(*) from staging.orders") == 6
    assert one("set search_path to raw; select count(*) from orders") == 9
    assert one("set search_path = staging; select count(*) from orders") == 6
    # every staging order's raw_id is a raw order
    orphan = (
        "select count(*) from staging.orders s left join raw.orders r on s.raw_id = r.id "
        "where r.id is null and s.raw_id is not null"
    )
    assert one(orphan) == 0


def test_resolve_table_names_points_qualified_names_at_their_places(home: Workspace) -> None:
    """The pipeline's first fix (resolve_table_names) rewrites two- and three-part names to
    the schema the warehouse holds them in, and leaves a query without schemas alone."""
    exp = home.import_sql(TASTY, dialect="snowflake", name="tasty_translate")
    place = exp.warehouse.place(exp.spec, exp.spec.table("tb_101.raw_pos.truck"))[0]
    assert place is not None and "raw_pos" in place
    (sql,) = exp.translate("select count(*) from tb_101.raw_pos.truck")
    assert place.lower() in sql.lower() and "tb_101.raw_pos" not in sql.lower()
    plain = home.import_sql("create table t (id int);", name="plain_translate")
    (sql,) = plain.translate("select count(*) from t")
    assert "__" not in sql


def test_use_schema_persists_across_queries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace(tmp_path)
    exp = ws.import_sql(PG, dialect="postgres", name="pg_use")
    exp.generate(rows={"raw.orders": 4, "staging.orders": 6, "items": 3}, seed=1)
    # Unqualified "orders" fits two tables: ambiguous until a schema is set.
    with pytest.raises(QueryError, match="ambiguous"):
        exp.query("select count(*) from orders")
    exp.query("set search_path to raw")
    assert int(exp.query("select count(*) from orders").iloc[0, 0]) == 4
    exp.query("set search_path to staging")
    assert list(exp.query("select * from orders").columns) == ["id", "raw_id", "x"]
    # Another session (a new Workspace object) starts without it.
    with pytest.raises(QueryError, match="ambiguous"):
        Workspace(tmp_path).experiment("pg_use").query("select count(*) from orders")


def test_show_json_gives_each_tables_schema_and_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from dwsim_nb.cli import main

    ddl = tmp_path / "tasty.sql"
    ddl.write_text(TASTY)
    home = ["--home", str(tmp_path / "ws")]
    runner = CliRunner()
    r = runner.invoke(
        main, [*home, "import-sql", str(ddl), "--name", "tb", "--dialect", "snowflake"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(runner.invoke(main, [*home, "show", "tb", "--json"]).output)
    where = {(t["schema"], t["name"]): t["database"] for t in data["tables"]}
    assert where[("raw_pos", "truck")] == "tb_101"
    assert where[("harmonized", "orders")] == "tb_101"
    # Created after USE SCHEMA tb_101.raw_pos: placed there.
    assert where[("raw_pos", "orders")] == "tb_101"
    assert all("schema" in t and "database" in t for t in data["tables"])
