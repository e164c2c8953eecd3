"""Each corpus script imports to exactly the tables, columns and keys it declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec import ExperimentSpec

CORPUS = Path(__file__).parent / "corpus" / "ddl"


def load(name: str, dialect: str) -> ExperimentSpec:
    return import_sql((CORPUS / name).read_text(encoding="utf-8"), dialect, name="t", infer=False)


def cols(spec: ExperimentSpec, table: str) -> list[str]:
    return [c.name for c in spec.table(table).columns]


def fks(spec: ExperimentSpec, table: str) -> set[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    return {
        (tuple(fk.columns), fk.references_table.split(".")[-1], tuple(fk.references_columns))
        for fk in spec.table(table).foreign_keys
    }


def test_tickit_redshift() -> None:
    s = load("tickit_redshift.sql", "redshift")
    assert [t.name for t in s.tables] == [
        "users",
        "venue",
        "category",
        "date",
        "event",
        "listing",
        "sales",
        "staging_sales",
    ]
    assert cols(s, "venue") == ["venueid", "venuename", "venuecity", "venuestate", "venueseats"]
    assert len(cols(s, "users")) == 18
    assert {t.name: t.primary_key for t in s.tables if t.primary_key} == {
        "users": ["userid"],
        "venue": ["venueid"],
        "category": ["catid"],
        "date": ["dateid"],
        "event": ["eventid"],
        "listing": ["listid"],
        "sales": ["salesid"],
    }
    assert fks(s, "event") == {
        (("venueid",), "venue", ("venueid",)),
        (("catid",), "category", ("catid",)),
        (("dateid",), "date", ("dateid",)),
    }
    assert fks(s, "listing") == {
        (("sellerid",), "users", ("userid",)),
        (("eventid",), "event", ("eventid",)),
        (("dateid",), "date", ("dateid",)),
    }
    assert fks(s, "sales") == {
        (("listid",), "listing", ("listid",)),
        (("buyerid",), "users", ("userid",)),
        (("sellerid",), "users", ("userid",)),
        (("eventid",), "event", ("eventid",)),
        (("dateid",), "date", ("dateid",)),
    }
    assert s.table("staging_sales").source_name == "tickit.staging_sales"
    assert s.notes == [
        "line 2: skipped CREATE SCHEMA tickit",
        "line 3: skipped SET search_path",
        "line 108: skipped CREATE VIEW tickit.v_sales",
        "line 109: skipped GRANT",
    ]
    assert s.warnings == []


def test_snowflake_shop() -> None:
    s = load("snowflake_shop.sql", "snowflake")
    assert [t.name for t in s.tables] == [
        "CUSTOMERS",
        "PRODUCTS",
        "ORDERS",
        "ORDER_ITEMS",
        "ORDER_AUDIT",
    ]
    assert s.table("CUSTOMERS").source_name == "ANALYTICS.SHOP.CUSTOMERS"
    assert cols(s, "PRODUCTS") == [
        "PRODUCT_ID",
        "SKU",
        "CATEGORY",
        "PRICE",
        "WEIGHT_KG",
        "PHOTO",
        "CREATED_AT",
    ]
    assert s.table("ORDER_ITEMS").primary_key == ["ORDER_ID", "LINE_NO"]
    assert s.table("CUSTOMERS").unique == [["EMAIL"]]
    assert fks(s, "ORDERS") == {(("CUSTOMER_ID",), "CUSTOMERS", ("CUSTOMER_ID",))}
    assert fks(s, "ORDER_ITEMS") == {
        (("ORDER_ID",), "ORDERS", ("ORDER_ID",)),
        (("PRODUCT_ID",), "PRODUCTS", ("PRODUCT_ID",)),
    }
    types = {c.name: c.data_type for c in s.table("CUSTOMERS").columns}
    assert types == {
        "CUSTOMER_ID": "DECIMAL",
        "EMAIL": "VARCHAR",
        "FIRST_NAME": "VARCHAR",
        "LAST_NAME": "VARCHAR",
        "SIGNUP_TS": "TIMESTAMP",
        "LAST_SEEN": "TIMESTAMPTZ",
        "PROFILE": "VARIANT",
        "PREFS": "OBJECT",
        "TAGS": "ARRAY",
        "IS_ACTIVE": "BOOLEAN",
    }
    assert s.notes == [
        "line 2: skipped USE DATABASE ANALYTICS",
        "line 3: skipped USE SCHEMA ANALYTICS.SHOP",
        "line 4: skipped CREATE FILE FORMAT my_csv",
        "line 57: skipped CREATE STAGE shop_stage",
        "line 58: skipped GRANT USAGE",
    ]


def test_postgres_dump() -> None:
    s = load("pg_dump_library.sql", "postgres")
    assert [t.name for t in s.tables] == ["authors", "books", "members", "loans"]
    assert cols(s, "members") == ["member_id", "email", "user", "joined"]
    assert {t.name: t.primary_key for t in s.tables} == {
        "authors": ["author_id"],
        "books": ["book_id"],
        "members": ["member_id"],
        "loans": ["book_id", "member_id", "loaned_on"],
    }
    assert s.table("books").unique == [["isbn"]]
    assert fks(s, "books") == {(("author_id",), "authors", ("author_id",))}
    assert fks(s, "loans") == {
        (("book_id",), "books", ("book_id",)),
        (("member_id",), "members", ("member_id",)),
    }
    assert s.table("books").foreign_keys[0].nullable is True
    skipped = [n.split(": ", 1)[1] for n in s.notes]
    for expected in (
        "skipped SET statement_timeout",
        "skipped psql command \\connect",
        "skipped CREATE EXTENSION uuid-ossp",
        "skipped CREATE FUNCTION public.touch",
        "skipped CREATE INDEX books_title_idx",
        "skipped CREATE TRIGGER books_touch",
        "skipped GRANT",
    ):
        assert expected in skipped
    assert any("skipped partition public.loans_2025 of public.loans" in n for n in s.notes)
    assert any("skipped partition public.loans_2024 of public.loans" in n for n in s.notes)
    assert s.warnings == []


def test_tpch() -> None:
    s = load("tpch.sql", "ansi")
    assert [t.name for t in s.tables] == [
        "region",
        "nation",
        "part",
        "supplier",
        "partsupp",
        "customer",
        "orders",
        "lineitem",
    ]
    assert len(cols(s, "lineitem")) == 16
    assert s.table("partsupp").primary_key == ["ps_partkey", "ps_suppkey"]
    assert s.table("lineitem").primary_key == ["l_orderkey", "l_linenumber"]
    assert fks(s, "lineitem") == {
        (("l_orderkey",), "orders", ("o_orderkey",)),
        (("l_partkey", "l_suppkey"), "partsupp", ("ps_partkey", "ps_suppkey")),
    }
    assert fks(s, "partsupp") == {
        (("ps_partkey",), "part", ("p_partkey",)),
        (("ps_suppkey",), "supplier", ("s_suppkey",)),
    }
    assert s.notes == [] and s.warnings == []


def test_tpcds_subset_drops_key_to_missing_table() -> None:
    s = load("tpcds_subset.sql", "ansi")
    assert s.table("store_sales").primary_key == ["ss_item_sk", "ss_ticket_number"]
    assert fks(s, "store_returns") == {
        (("sr_returned_date_sk",), "date_dim", ("d_date_sk",)),
        (("sr_customer_sk",), "customer", ("c_customer_sk",)),
        (("sr_item_sk", "sr_ticket_number"), "store_sales", ("ss_item_sk", "ss_ticket_number")),
    }
    assert len(fks(s, "store_sales")) == 4
    assert len(s.warnings) == 1
    assert "line 71" in s.warnings[0] and "web_page" in s.warnings[0]


def test_tpcc_composite_keys() -> None:
    s = load("tpcc.sql", "postgres")
    assert len(s.tables) == 9
    assert s.table("customer").primary_key == ["c_w_id", "c_d_id", "c_id"]
    assert s.table("order_line").primary_key == ["ol_w_id", "ol_d_id", "ol_o_id", "ol_number"]
    assert fks(s, "history") == {
        (("h_c_w_id", "h_c_d_id", "h_c_id"), "customer", ("c_w_id", "c_d_id", "c_id")),
        (("h_w_id", "h_d_id"), "district", ("d_w_id", "d_id")),
    }
    assert fks(s, "order_line") == {
        (("ol_w_id", "ol_d_id", "ol_o_id"), "oorder", ("o_w_id", "o_d_id", "o_id")),
        (("ol_supply_w_id", "ol_i_id"), "stock", ("s_w_id", "s_i_id")),
    }
    assert all(fk.nullable for fk in s.table("history").foreign_keys)
    assert s.notes == [
        "line 2: skipped BEGIN",
        "line 106: skipped CREATE INDEX idx_customer_name",
        "line 107: skipped COMMIT",
    ]


def test_duckdb_events() -> None:
    s = load("duckdb_events.sql", "duckdb")
    assert [t.name for t in s.tables] == ["date", "accounts", "events", "daily", "daily_named"]
    assert cols(s, "date") == ["date", "user", "is_holiday"]
    assert "Größe" in cols(s, "accounts")
    assert fks(s, "events") == {
        (("account_id",), "accounts", ("account_id",)),
        (("event_day",), "date", ("date",)),
    }
    assert [(c.name, c.data_type) for c in s.table("daily").columns] == [
        ("day", "DATE"),
        ("n", "BIGINT"),
    ]
    assert cols(s, "daily_named") == ["d", "n"]
    assert s.table("accounts").column("kind").values == ["free", "pro", "team"]
    assert s.notes[-2:] == [
        "line 37: skipped CREATE VIEW app.v_events",
        "line 38: skipped CREATE UNIQUE INDEX accounts_name",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.sql")))
def test_corpus_strict_mode_reads_every_statement(name: str) -> None:
    dialect = {
        "tickit": "redshift",
        "snowflake": "snowflake",
        "pg": "postgres",
        "tpcc": "postgres",
        "duckdb": "duckdb",
    }.get(name.split("_")[0].split(".")[0], "ansi")
    spec = import_sql((CORPUS / name).read_text(encoding="utf-8"), dialect, strict=True)
    assert spec.tables
