"""Rules inferred from column names and types (issue 2, part 5)."""

from __future__ import annotations

import pytest
from faker import Faker

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.infer import infer_rules
from dwsim_nb.spec import Column, ExperimentSpec


def col_of(decl: str, dialect: str = "postgres") -> Column:
    return import_sql(f"CREATE TABLE t (id INT PRIMARY KEY, {decl});", dialect).tables[0].columns[1]


@pytest.mark.parametrize(
    ("decl", "provider"),
    [
        ("email varchar(100)", "email"),
        ("first_name varchar(30)", "first_name"),
        ("firstname varchar(30)", "first_name"),
        ("lastname varchar(30)", "last_name"),
        ("full_name text", "name"),
        ("username char(8)", "user_name"),
        ("phone char(14)", "phone_number"),
        ("street_address varchar(80)", "street_address"),
        ("venuecity varchar(30)", "city"),
        ("zip_code char(10)", "postcode"),
        ("postal_code varchar(12)", "postcode"),
        ("country varchar(60)", "country"),
        ("company_name varchar(80)", "company"),
        ("supplier_name varchar(100)", "company"),
        ("website varchar(200)", "url"),
        ("ip_address varchar(45)", "ipv4"),
        ("guid varchar(36)", "uuid4"),
        ("headline varchar(200)", "catch_phrase"),
        ("description text", "sentence"),
        ("catdesc varchar(50)", "sentence"),
        ("notes varchar(500)", "sentence"),
        ("state varchar(40)", "state"),
        ("venuestate char(2)", "state_abbr"),
    ],
)
def test_faker_rules(decl: str, provider: str) -> None:
    col = col_of(decl)
    assert col.faker_rule == provider and col.inferred_rule
    assert hasattr(Faker(), provider)  # a real provider method


def test_short_columns_get_no_long_text() -> None:
    assert col_of("comment varchar(2)").faker_rule is None
    assert col_of("comment varchar(10)").faker_rule == "word"
    assert col_of("email varchar(3)").faker_rule is None


@pytest.mark.parametrize("name", ["created_at", "order_date", "start_time", "updated_ts"])
def test_timestamps_in_a_recent_range(name: str) -> None:
    col = col_of(f"{name} timestamp")
    assert col.rule_kind() == "datetime"
    assert col.date_start is not None and col.date_end is not None
    assert col.date_end.year - col.date_start.year == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["price", "amount", "total", "unit_cost", "pricepaid"])
def test_money_is_positive(name: str) -> None:
    col = col_of(f"{name} decimal(8,2)")
    assert col.min_value is not None and col.min_value > 0
    assert col.max_value is not None and col.max_value <= 999999.99
    assert col.distribution is not None and col.distribution.type == "lognormal"


@pytest.mark.parametrize(
    "name", ["quantity", "qty", "qty_sold", "num_tickets", "units_sold", "items"]
)
def test_quantities_are_small_counts(name: str) -> None:
    col = col_of(f"{name} smallint")
    assert (col.min_value, col.max_value) == (1, 10)


@pytest.mark.parametrize(
    ("decl", "first"),
    [
        ("status varchar(20)", "active"),
        ("gender char(1)", "F"),
        ("order_type varchar(10)", "standard"),
        ("category varchar(50)", "Electronics"),
    ],
)
def test_categoricals(decl: str, first: str) -> None:
    col = col_of(decl)
    assert col.values is not None and col.values[0] == first
    assert col.weights is not None and len(col.weights) == len(col.values)
    assert all(len(v) <= (col.varchar_length or 999) for v in col.values)


@pytest.mark.parametrize(
    ("decl", "why"),
    [
        ("catname varchar(10)", "a category"),
        ("cat_name varchar(10)", "a category"),
        ("catgroup varchar(10)", "a group of categories"),
        ("category_group varchar(20)", "a group of categories"),
    ],
)
def test_category_abbreviations_are_general(decl: str, why: str) -> None:
    """``cat`` is short for category in any schema: a few short labels that fit the width,
    weighted, and fewer groups than categories."""
    col = col_of(decl)
    assert col.values is not None and 3 <= len(col.values) <= 12
    assert col.weights is not None and len(col.weights) == len(col.values)
    assert all(len(v) <= (col.varchar_length or 999) for v in col.values)
    assert col.inferred_rule is not None and why in col.inferred_rule


@pytest.mark.parametrize(
    ("decls", "name"),
    [
        ("qty_sold smallint", "qty_sold"),
        ("tickets_sold smallint", "tickets_sold"),
        ("units_ordered int", "units_ordered"),
        ("num_tickets smallint", "num_tickets"),
        ("number_of_seats smallint", "number_of_seats"),
        ("nights int, price_per_night decimal(8,2)", "nights"),
        ("num_nights int, price_per_night decimal(8,2)", "num_nights"),
    ],
)
def test_quantity_names_are_general(decls: str, name: str) -> None:
    """A line's quantity by what its name says (a number of a unit, what was sold), whatever
    the unit: its total is the quantity times the unit price."""
    spec = import_sql(
        "CREATE TABLE line (id INT PRIMARY KEY, "
        + ("" if "per_" in decls else "unit_price DECIMAL(8,2), ")
        + f"{decls}, total DECIMAL(12,2));",
        "postgres",
    )
    total = spec.tables[0].column("total")
    expected = name if name != "nights" else None
    if expected is None:  # a bare plural noun is no quantity unless named so
        assert total.rule_kind() != "derived"
        return
    assert total.rule_kind() == "derived" and name in (total.inferred_rule or "")


@pytest.mark.parametrize(
    ("name", "p"),
    [
        ("is_active", 0.85),
        ("has_pets", 0.5),
        ("likesports", 0.3),
        ("is_deleted", 0.1),
        ("discontinued", 0.1),
        ("verified", 0.85),
    ],
)
def test_booleans(name: str, p: float) -> None:
    assert col_of(f"{name} boolean").true_probability == p


def test_given_rules_and_keys_are_never_overridden() -> None:
    spec = import_sql(
        "CREATE TYPE st AS ENUM ('x', 'y');"
        "CREATE TABLE p (email varchar(50) PRIMARY KEY);"
        "CREATE TABLE c (id serial PRIMARY KEY, email varchar(50) REFERENCES p, status st);",
        "postgres",
    )
    c = spec.table("c")
    assert c.column("id").rule_kind() == "sequence" and c.column("id").inferred_rule is None
    assert c.column("email").faker_rule is None  # a foreign key column
    assert spec.table("p").column("email").faker_rule is None  # a primary key column
    assert c.column("status").values == ["x", "y"] and c.column("status").inferred_rule is None


def test_infer_false_leaves_rules_empty() -> None:
    spec = import_sql("CREATE TABLE t (email varchar(100));", infer=False)
    assert spec.tables[0].columns[0].rule_kind() is None


def test_infer_rules_returns_a_new_spec_and_keeps_user_rules() -> None:
    spec = ExperimentSpec.parse(
        {
            "name": "x",
            "tables": [
                {
                    "name": "t",
                    "columns": [
                        {"name": "email", "data_type": "VARCHAR", "pattern": "u###@x.org"},
                        {"name": "city", "data_type": "VARCHAR"},
                    ],
                }
            ],
        }
    )
    out = infer_rules(spec)
    assert out is not spec and spec.tables[0].columns[1].faker_rule is None
    assert out.tables[0].columns[0].pattern == "u###@x.org"
    assert out.tables[0].columns[0].faker_rule is None
    assert out.tables[0].columns[1].faker_rule == "city"
