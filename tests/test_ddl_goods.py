"""Rules for goods and the people and numbers around them (dwsim_nb/ddl/goods.py): general
rules any schema's names trigger, read without a table's short prefix, each with its reason, and
never over a rule the user or the DDL gave."""

from __future__ import annotations

from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.goods import bare_name
from dwsim_nb.ddl.infer import infer_rules
from dwsim_nb.spec import Column, ExperimentSpec
from dwsim_nb.spec.models import Table


def table_of(ddl: str, name: str | None = None) -> Table:
    spec = import_sql(ddl, "postgres")
    return spec.table(name) if name else spec.tables[0]


def rule_of(ddl: str, column: str, table: str | None = None) -> Any:
    return table_of(ddl, table).column(column).rule


def test_a_tables_own_prefix_is_set_aside_and_nothing_else() -> None:
    supplier = table_of(
        "CREATE TABLE supplier (s_id int primary key, s_name varchar(40), s_phone varchar(20));"
    )
    assert bare_name(supplier.column("s_name"), supplier) == "name"
    flags = table_of("CREATE TABLE item (id int primary key, is_active int, is_deleted int);")
    assert bare_name(flags.column("is_active"), flags) == "is_active"
    # A shared head that is no abbreviation of the table's name stays part of the name.
    other = table_of("CREATE TABLE orders (x_id int primary key, x_name varchar(40), x_qty int);")
    assert bare_name(other.column("x_name"), other) == "x_name"


def test_a_prefixed_name_in_a_company_table_is_a_company_also_beside_an_email() -> None:
    ddl = """CREATE TABLE vendors (v_id int primary key, v_name varchar(60),
        v_email varchar(120), v_city varchar(40));"""
    name = rule_of(ddl, "v_name")
    assert name.kind == "record" and name.record == "company", name
    assert rule_of(ddl, "v_email").record == "company"  # the company's mailbox, not a person's


@pytest.mark.parametrize(
    ("decl", "table", "kind", "reason"),
    [
        ("p_name varchar(55)", "part", "record", "a product's name"),
        ("part_name varchar(80)", "spare_parts", "record", "a product's name"),
        ("mfgr char(25)", "t", "values", "a manufacturer"),
        ("maker varchar(40)", "t", "values", "a manufacturer"),
        ("brand varchar(20)", "t", "values", "a brand"),
        ("container char(10)", "t", "values", "packaging"),
        ("packaging varchar(20)", "t", "values", "packaging"),
        ("size int", "products", "values", "a size of a part or product"),
        ("type varchar(40)", "components", "values", "finish and material"),
        ("cashier varchar(60)", "t", "faker", "a cashier is a person"),
        ("clerk char(15)", "t", "pattern", "a clerk's employee code like Clerk-000000123"),
        ("agent_name varchar(60)", "t", "faker", "an agent is a person"),
        ("salesperson varchar(80)", "t", "faker", "a salesperson is a person"),
        ("ship_priority int", "t", "values", "a priority"),
        ("qty_ordered decimal(12,2)", "t", "values", "a quantity: whole units"),
        ("tax decimal(15,2)", "t", "values", "a tax rate"),
        ("vat_rate numeric(5,4)", "t", "values", "a tax rate"),
        ("market_segment varchar(20)", "t", "values", "an industry"),
        ("segment varchar(20)", "customers", "values", "a segment of customers"),
    ],
)
def test_goods_rules_with_their_reasons(decl: str, table: str, kind: str, reason: str) -> None:
    rule = rule_of(f"CREATE TABLE {table} (id int primary key, {decl});", decl.split()[0])
    assert rule is not None and rule.kind == kind, rule
    assert reason in (rule.reason or ""), rule.reason


def test_values_fit_the_width_and_numbers_stay_small() -> None:
    ddl = """CREATE TABLE product (id int primary key, brand char(6), container char(6),
        priority smallint, quantity numeric(10,3), tax_rate numeric(4,3));"""
    t = table_of(ddl)
    for name in ("brand", "container"):
        assert all(len(v) <= 6 for v in t.column(name).rule.values), name
    assert max(t.column("priority").rule.values) <= 5
    assert all(float(v).is_integer() for v in t.column("quantity").rule.values)
    assert max(t.column("tax_rate").rule.values) <= 0.1
    narrow = rule_of("CREATE TABLE t (id int primary key, qty decimal(3,2));", "qty")
    assert narrow.values == list(range(1, 10)) and "1 to 9" in narrow.reason


def test_a_narrow_clerk_is_a_code_of_its_width() -> None:
    rule = rule_of("CREATE TABLE orders (id int primary key, o_clerk char(15));", "o_clerk")
    assert rule.kind == "pattern" and len(rule.pattern) == 15 and "#" not in rule.pattern[:6]


@pytest.mark.parametrize(
    ("decl", "table"),
    [
        ("user_agent varchar(200)", "web_events"),  # a browser's string, not a person
        ("agent varchar(200)", "web_logs"),  # a bare agent may be a browser's too
        ("segment varchar(20)", "flight_legs"),  # a leg of a trip, not customers
        ("size int", "files"),  # no part or product
        ("type varchar(20)", "accounts"),  # a type, not a part's material
    ],
)
def test_names_that_mean_something_else_keep_other_rules(decl: str, table: str) -> None:
    rule = rule_of(f"CREATE TABLE {table} (id int primary key, {decl});", decl.split()[0])
    reason = (rule.reason or "") if rule is not None else ""
    for goods in ("a person", "segment of customers", "part or product", "finish and material"):
        assert goods not in reason, reason


def _column(name: str, data_type: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "data_type": data_type, **extra}


def test_the_users_rules_and_the_ddls_hints_win() -> None:
    spec = ExperimentSpec.parse(
        {
            "name": "x",
            "tables": [
                {
                    "name": "part",
                    "columns": [
                        _column("p_partkey", "INT"),
                        _column("p_size", "INT", rule={"kind": "range", "min": 1, "max": 3}),
                        _column("p_brand", "CHAR", varchar_length=10, values=["Brand#13"]),
                        _column("p_mfgr", "CHAR", varchar_length=25),
                    ],
                    "primary_key": ["p_partkey"],
                }
            ],
        }
    )
    out = infer_rules(spec).tables[0]
    assert (out.column("p_size").rule.min, out.column("p_size").rule.max) == (1, 3)
    assert out.column("p_brand").rule.values == ["Brand#13"]
    assert "manufacturer" in (out.column("p_mfgr").rule.reason or "")
    checked = rule_of(
        "CREATE TABLE orders (id int primary key, priority int CHECK (priority BETWEEN 7 AND 9));",
        "priority",
    )
    assert (checked.min, checked.max) == (7, 9)


def test_show_why_lists_the_goods_rules() -> None:
    cols: list[Column] = table_of(
        "CREATE TABLE part (p_partkey int primary key, p_name varchar(55), p_mfgr char(25));"
    ).columns
    assert all(c.inferred_rule for c in cols[1:])
