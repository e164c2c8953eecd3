"""Keys read from names where the DDL declares none (dwsim_nb.spec.implied_keys): a table's clear
id column is its primary key, a column named like another table's key references it; each with
a reason, shown in the why view and among the suggestions, and never written into a
warehouse's DDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.warehouses.tables import create_table_sql, key_clauses
from dwsim_nb.workspace import Workspace

SAAS = (Path(__file__).parent / "corpus" / "realism" / "saas_snowflake.sql").read_text()


def _fks(sql: str, dialect: str = "snowflake") -> set[tuple[str, str, str, str]]:
    spec = import_sql(sql, dialect)
    return {
        (t.name, fk.columns[0], spec.table(fk.references_table).name, fk.references_columns[0])
        for t in spec.tables
        for fk in t.foreign_keys
        if fk.inferred
    }


def _pks(sql: str, dialect: str = "snowflake") -> dict[str, list[str]]:
    return {t.name: list(t.primary_key) for t in import_sql(sql, dialect).tables}


def test_upper_case_snowflake_tables_get_keys_with_their_reasons() -> None:
    spec = import_sql(SAAS, "snowflake")
    users, events = spec.table("USERS"), spec.table("WEB_EVENTS")
    assert users.primary_key == ["USER_ID"] and users.inferred_key is not None
    assert "USER_ID names USERS" in users.inferred_key.reason
    assert events.primary_key == ["EVENT_ID"]  # the last word of WEB_EVENTS; no EVENTS table
    (fk,) = events.foreign_keys
    assert fk.columns == ["USER_ID"] and fk.references_table == users.key
    assert fk.references_columns == ["USER_ID"] and fk.nullable  # USER_ID may be null
    assert fk.inferred is not None and "USER_ID names USERS's key USER_ID" in fk.inferred
    assert ("SUBSCRIPTIONS", "USER_ID", "USERS", "USER_ID") in _fks(SAAS)
    why = {(r.table, r.column.name): r for r in inferred_rules(spec)}
    assert why[("WEB_EVENTS", "USER_ID")].source == "key"
    assert "no foreign key was declared" in why[("WEB_EVENTS", "USER_ID")].reason
    assert "no primary key was declared" in why[("USERS", "USER_ID")].reason
    # Not asked to infer: nothing read from names.
    plain = import_sql(SAAS, "snowflake", infer=False)
    assert not any(t.primary_key or t.foreign_keys for t in plain.tables)


def test_the_warehouse_tables_stay_as_the_ddl_wrote_them() -> None:
    spec = import_sql(SAAS, "snowflake")
    plain = import_sql(SAAS, "snowflake", infer=False)
    for dialect in ("snowflake", "duckdb", "postgres"):
        assert spec.to_ddl(dialect) == plain.to_ddl(dialect)
    for table in spec.tables:
        before = plain.table(table.key)
        for engine in ("duckdb", "postgres", "sqlite"):
            made = create_table_sql(table, engine, None, declare_foreign_keys=True)
            assert made == create_table_sql(before, engine, None, declare_foreign_keys=True)
            assert "PRIMARY KEY" not in made and "REFERENCES" not in made
        assert key_clauses(table) == []
    # EVENT_ID was nullable as written: its key makes it never null in the data only.
    events = spec.table("WEB_EVENTS")
    assert (
        events.column("EVENT_ID").required and not events.as_declared().column("EVENT_ID").required
    )
    assert spec.table("USERS").as_declared().column("USER_ID").required  # NOT NULL as written


def test_plural_singular_and_id_keys() -> None:
    sql = """
    create table customers (id integer not null, name varchar(40));
    create table categories (category_id integer, label varchar(20));
    create table orders (order_id integer, customer_id integer, category_id integer,
        customerid integer);
    """
    assert _pks(sql, "ansi") == {
        "customers": ["id"],
        "categories": ["category_id"],
        "orders": ["order_id"],
    }
    assert _fks(sql, "ansi") == {
        ("orders", "customer_id", "customers", "id"),
        ("orders", "customerid", "customers", "id"),
        ("orders", "category_id", "categories", "category_id"),
    }


def test_dbt_prefixes_pick_the_child_s_layer_then_the_dimension() -> None:
    sql = """
    create table dim_customers (customer_id integer, name varchar(40));
    create table stg_customers (customer_id integer, name varchar(40));
    create table fct_orders (order_id integer, customer_id integer);
    create table stg_orders (order_id integer, customer_id integer);
    create table dim_product (product_sk integer, name varchar(40));
    create table fct_sales (sale_id integer, product_sk integer);
    """
    fks = _fks(sql, "duckdb")
    assert ("fct_orders", "customer_id", "dim_customers", "customer_id") in fks
    assert ("stg_orders", "customer_id", "stg_customers", "customer_id") in fks
    assert ("fct_sales", "product_sk", "dim_product", "product_sk") in fks
    assert _pks(sql, "duckdb")["dim_product"] == ["product_sk"]


def test_a_schema_s_own_table_first_and_ambiguous_targets_left_alone() -> None:
    sql = """
    create table raw.users (user_id integer, email varchar(80));
    create table app.users (user_id integer, email varchar(80));
    create table raw.events (event_id integer, user_id integer);
    create table mart.visits (visit_id integer, user_id integer);
    """
    fks = _fks(sql, "snowflake")
    assert ("events", "user_id", "users", "user_id") in fks
    spec = import_sql(sql, "snowflake")
    assert spec.table("raw.events").foreign_keys[0].references_table == "raw.users"
    # mart.visits: raw.users or app.users? Not clear, so no key.
    assert not spec.table("mart.visits").foreign_keys


def test_no_key_across_types_audit_columns_or_to_its_own_table() -> None:
    sql = """
    create table users (id integer, user_id integer, name varchar(40));
    create table accounts (account_id integer, owner varchar(40));
    create table sessions (session_id integer, account_id varchar(20), _user_id integer,
        created_by integer, user_id integer);
    """
    spec = import_sql(sql, "ansi")
    assert spec.table("users").primary_key == ["id"]  # first column among equals
    assert not spec.table("users").foreign_keys  # user_id never references its own table
    fks = _fks(sql, "ansi")
    assert ("sessions", "user_id", "users", "id") in fks
    assert not any(child == "sessions" and col == "account_id" for child, col, *_ in fks)
    assert not any(col in ("_user_id", "created_by") for _, col, *_ in fks)


def test_unclear_primary_keys_are_not_guessed() -> None:
    sql = """
    create table tags (id integer, tag_id integer, name varchar(20));
    create table notes (note_id integer, id integer not null, body varchar(200));
    create table prices (price_id float, amount integer);
    create table codes (code_id varchar(1), label varchar(20));
    """
    pks = _pks(sql, "ansi")
    assert pks["tags"] == ["id"]  # both name the key: the first column
    assert pks["notes"] == ["id"]  # NOT NULL wins over the first column
    assert pks["prices"] == []  # a float is no key
    assert pks["codes"] == []  # one character cannot hold a key for 1,000 rows


def test_declared_keys_are_untouched() -> None:
    sql = """
    create table users (code varchar(10) primary key, id integer, user_id integer);
    create table teams (team_id integer, name varchar(20) unique);
    create table members (member_id integer primary key,
        user_code varchar(10) references users (code), team_id integer, id integer);
    create table logins (login_id integer primary key,
        user_id varchar(10) references users (code));
    """
    spec = import_sql(sql, "postgres")
    users = spec.table("users")
    assert users.primary_key == ["code"] and users.inferred_key is None
    members = spec.table("members")
    assert members.primary_key == ["member_id"] and members.inferred_key is None
    declared = [fk for fk in members.foreign_keys if not fk.inferred]
    assert [(fk.columns, fk.references_columns) for fk in declared] == [(["user_code"], ["code"])]
    # team_id names teams's inferred key; a team's name was declared unique, yet team_id
    # still names the key
    assert ("members", "team_id", "teams", "team_id") in _fks(sql, "postgres")
    logins = spec.table("logins")
    assert [fk.inferred for fk in logins.foreign_keys] == [None]  # the declared one only


def _exp(tmp_path: Path) -> Any:
    return Workspace(tmp_path).import_sql(SAAS, name="saas", dialect="snowflake")


def test_an_inferred_key_is_a_suggestion_the_user_can_reject_and_accept(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    frame = exp.suggestions()
    rows = {r.child: r for r in frame.itertuples()}
    assert rows["WEB_EVENTS.USER_ID"].parent == "USERS.USER_ID"
    assert rows["WEB_EVENTS.USER_ID"].decision == "default" and rows["WEB_EVENTS.USER_ID"].accepted
    assert "names USERS's key" in rows["WEB_EVENTS.USER_ID"].reason
    exp.reject_suggestion("web_events.user_id")
    assert not exp.spec.table("WEB_EVENTS").foreign_keys
    rows = {r.child: r for r in exp.suggestions().itertuples()}
    assert rows["WEB_EVENTS.USER_ID"].decision == "rejected"
    assert not rows["WEB_EVENTS.USER_ID"].accepted
    assert rows["SUBSCRIPTIONS.USER_ID"].accepted  # the other one stays
    rows_ = {"WEB_EVENTS": 2000, "USERS": 100, "SUBSCRIPTIONS": 150}
    exp.generate(rows=rows_, seed=3)
    orphans = (
        "select count(*) from ANALYTICS.RAW.WEB_EVENTS e where USER_ID is not null and "
        "USER_ID not in (select USER_ID from ANALYTICS.RAW.USERS)"
    )
    assert int(exp.query(orphans).iloc[0, 0]) > 0  # drawn on its own again
    exp.accept_suggestion("WEB_EVENTS.USER_ID -> USERS.USER_ID")
    (fk,) = exp.spec.table("WEB_EVENTS").foreign_keys
    assert fk.inferred and fk.references_columns == ["USER_ID"]
    exp.generate(rows=rows_, seed=3)
    assert int(exp.query(orphans).iloc[0, 0]) == 0


def test_a_last_word_key_must_lead_the_table_and_a_column_s_own_values_stay() -> None:
    sql = """
    create table order_items (order_item_no integer, item_id integer, qty integer);
    create table page_views (view_id integer not null, url varchar(200));
    create table statuses (status_id integer, label varchar(20));
    create table tickets (ticket_id integer,
        status_id integer check (status_id in (1, 2, 3)), other_status_id integer);
    """
    pks = _pks(sql, "ansi")
    assert pks["order_items"] == []  # item_id is neither first nor NOT NULL: maybe a product
    assert pks["page_views"] == ["view_id"]
    assert pks["statuses"] == ["status_id"]  # statuses: status
    fks = _fks(sql, "ansi")
    # The CHECK gives status_id its values: it keeps them; other_status_id names no table.
    assert not any(child == "tickets" for child, *_ in fks)


def test_rejecting_a_key_takes_out_what_went_through_it(tmp_path: Path) -> None:
    sql = """
    create table franchise (franchise_id int, name varchar(20));
    create table truck (truck_id int, franchise_id int);
    create table order_header (order_id int, truck_id int, franchise_id int);
    create table truck_profile (truck_id int unique, color varchar(10));
    """
    exp = Workspace(tmp_path).import_sql(sql, name="t", dialect="snowflake")
    orders = exp.spec.table("order_header")
    through = next(fk for fk in orders.foreign_keys if fk.columns == ["franchise_id"])
    assert through.cardinality is not None and through.cardinality.via == ["truck_id"]
    assert not exp.spec.table("truck_profile").foreign_keys  # a unique column: one-to-one
    exp.reject_suggestion("order_header.truck_id")
    (kept,) = exp.spec.table("order_header").foreign_keys
    assert kept.columns == ["franchise_id"] and kept.cardinality is None
    exp.generate(rows={"franchise": 5, "truck": 20, "order_header": 200, "truck_profile": 10})
    orphans = (
        "select count(*) from order_header "
        "where franchise_id not in (select franchise_id from franchise)"
    )
    assert int(exp.query(orphans).iloc[0, 0]) == 0
