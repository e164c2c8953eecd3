"""Values in the shape real systems store them: money in a float column to the cent, one phone
format per column (a fax as its phone), a phone extension as a short number, paths and URLs of
files, a courtesy title of the first name's gender, an order's recipient named as its customer.
Every rule is read from names and types any schema can have, and says why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine.generators.phones import format_phone
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import (
    DistributionRule,
    FakerRule,
    ParentRule,
    PatternRule,
    RangeRule,
    RecordRule,
)
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id varchar(5) primary key, company_name varchar(40),
    contact_name varchar(30), address varchar(60), city varchar(15), country varchar(15),
    phone varchar(24), fax varchar(24));
create table people (person_id int primary key, salutation varchar(10),
    first_name varchar(20), last_name varchar(20), phone varchar(24), fax varchar(24),
    extension varchar(4), avatar_url varchar(200), photo_path varchar(255),
    resume_path varchar(255), sku_prefix varchar(10));
create table files (file_id int primary key, file_name varchar(100), extension varchar(8),
    size_bytes bigint);
create table orders (order_id int primary key,
    customer_id varchar(5) references customers (customer_id),
    freight real, unit_price double precision, amount numeric(10,4), ship_name varchar(40),
    ship_city varchar(15), ship_country varchar(15));
create table member (member_id int primary key, contact_name varchar(40));
create table parcel (parcel_id int primary key,
    member_id int references member (member_id), recipient_name varchar(40),
    ship_to_name varchar(40));
"""
ROWS = {"customers": 200, "people": 3000, "files": 50, "orders": 2000, "member": 50, "parcel": 500}


@pytest.fixture(scope="module")
def spec() -> ExperimentSpec:
    return import_sql(DDL, dialect="postgres")


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> object:
    ws = Workspace(tmp_path_factory.mktemp("formats"))
    made = ws.import_sql(DDL, dialect="postgres", name="formats")
    made.generate(rows=ROWS, seed=7, today="2024-06-30")
    return made


def _rule(spec: ExperimentSpec, table: str, column: str) -> object:
    return spec.table(table).column(column).rule


def _one(exp: object, sql: str) -> object:
    return exp.query(sql).iloc[0, 0]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- money to the cent ---------


def test_money_in_a_float_column_is_rounded_to_cents(spec: ExperimentSpec) -> None:
    for column in ("freight", "unit_price"):
        rule = _rule(spec, "orders", column)
        assert isinstance(rule, DistributionRule) and rule.decimals == 2, column
        assert "to the cent" in (rule.reason or "")
    # a DECIMAL keeps the scale its DDL gives
    amount = _rule(spec, "orders", "amount")
    assert isinstance(amount, DistributionRule) and amount.decimals is None


def test_generated_float_money_has_two_decimals(exp: object) -> None:
    sql = (
        "select count(*) from orders where abs(freight * 100 - round(freight * 100)) >= 0.02 "
        "or abs(unit_price * 100 - round(unit_price * 100)) >= 1e-6 or freight <= 0"
    )
    assert _one(exp, sql) == 0
    assert _one(exp, "select count(distinct unit_price) from orders") > 500


def test_decimals_round_a_range_and_keep_it_inside_its_bounds(tmp_path: Path) -> None:
    spec = ExperimentSpec.parse(
        {
            "name": "places",
            "tables": [
                {
                    "name": "t",
                    "target_rows": 2000,
                    "columns": [
                        {"name": "id", "data_type": "INT", "rule": {"kind": "sequence"}},
                        {
                            "name": "x",
                            "data_type": "DOUBLE",
                            "rule": {"kind": "range", "min": 0.011, "max": 0.5, "decimals": 2},
                        },
                        {
                            "name": "code",
                            "data_type": "VARCHAR",
                            "varchar_length": 4,
                            "rule": {"kind": "range", "min": 100, "max": 9999, "decimals": 0},
                        },
                    ],
                }
            ],
        }
    )
    again = ExperimentSpec.parse(spec.to_json())
    assert again.table("t").column("x").rule == spec.table("t").column("x").rule
    exp = Workspace(tmp_path).create(spec)
    exp.generate(seed=3)
    df = exp.query("select x, code from t")
    assert all(0.02 <= x <= 0.5 and round(x, 2) == x for x in df.x)
    assert all(re.fullmatch(r"[1-9][0-9]{2,3}", c) for c in df.code)


def test_decimals_change_the_fingerprint() -> None:
    def spec(decimals: int | None) -> ExperimentSpec:
        rule: dict[str, object] = {"kind": "range", "min": 0, "max": 9}
        if decimals is not None:
            rule["decimals"] = decimals
        col = {"name": "x", "data_type": "DOUBLE", "rule": rule}
        return ExperimentSpec.parse({"name": "f", "tables": [{"name": "t", "columns": [col]}]})

    assert spec(None).fingerprint() != spec(2).fingerprint() != spec(0).fingerprint()


# ---------------------------------------------------------------- phones --------------------


def test_a_phone_is_written_in_one_format() -> None:
    for raw in ("(503)555-0142", "503.555.0142x431", "+1-503-555-0142", "001-503-555-0142"):
        assert format_phone(raw, "1", international=False) == "503-555-0142"
        assert format_phone(raw, "1", international=True) == "+1 503 555 0142"
    # groups of three, the last never a lone digit
    assert format_phone("+44(0)117 496 0852", "44", international=True) == "+44 117 496 0852"


def test_a_phone_column_holds_one_format_and_its_fax_follows(exp: object) -> None:
    us = "'^[0-9]{3}-[0-9]{3}-[0-9]{4}$'"
    bad = f"select count(*) from people where not regexp_matches(phone, {us})"
    assert _one(exp, bad) == 0
    bad = f"select count(*) from people where not regexp_matches(fax, {us})"
    assert _one(exp, bad) == 0
    world = r"'^\+[0-9]{1,3}( [0-9]{2,4}){2,5}$'"
    sql = (
        f"select count(*) from customers where not regexp_matches(phone, {world}) "
        f"or not regexp_matches(fax, {world}) or split_part(phone, ' ', 1) <> "
        "split_part(fax, ' ', 1)"
    )
    assert _one(exp, sql) == 0


# ---------------------------------------------------------------- extensions and paths ------


def test_extension_beside_a_phone_is_a_short_number(spec: ExperimentSpec, exp: object) -> None:
    rule = _rule(spec, "people", "extension")
    assert isinstance(rule, RangeRule) and (rule.min, rule.max, rule.decimals) == (100, 9999, 0)
    assert "phone extension" in (rule.reason or "")
    sql = "select count(*) from people where not regexp_matches(extension, '^[1-9][0-9]{2,3}$')"
    assert _one(exp, sql) == 0
    # in a table of files, an extension is a file's
    files = _rule(spec, "files", "extension")
    assert isinstance(files, FakerRule) and files.provider == "file_extension"
    assert isinstance(_rule(spec, "files", "file_name"), FakerRule)


def test_paths_and_urls_name_files(spec: ExperimentSpec, exp: object) -> None:
    photo = _rule(spec, "people", "photo_path")
    assert isinstance(photo, PatternRule) and photo.pattern.startswith("/images/photos/")
    avatar = _rule(spec, "people", "avatar_url")
    assert isinstance(avatar, PatternRule) and avatar.pattern.startswith("https://")
    resume = _rule(spec, "people", "resume_path")
    assert isinstance(resume, PatternRule) and resume.pattern.endswith(".pdf")
    df = exp.query("select photo_path, avatar_url from people limit 200")  # type: ignore[attr-defined]
    assert all(re.fullmatch(r"/images/photos/[0-9]{6}\.jpg", p) for p in df.photo_path)
    assert all(re.fullmatch(r"https://[a-z.]+/avatars/[0-9]{6}\.png", u) for u in df.avatar_url)


def test_a_files_url_beside_a_company_is_no_web_site() -> None:
    ddl = """create table suppliers (supplier_id int primary key, company_name varchar(40),
        homepage varchar(100), logo_url varchar(200), photo_location varchar(60));"""
    table = import_sql(ddl, dialect="postgres").table("suppliers")
    logo = table.column("logo_url").rule
    assert isinstance(logo, PatternRule) and "/logos/" in logo.pattern
    home = table.column("homepage").rule
    assert isinstance(home, RecordRule) and home.field == "website"
    # where a photo was taken is no file
    assert not isinstance(table.column("photo_location").rule, PatternRule)


# ---------------------------------------------------------------- courtesy titles -----------


def test_courtesy_joins_the_persons_record(spec: ExperimentSpec) -> None:
    rule = _rule(spec, "people", "salutation")
    assert isinstance(rule, RecordRule) and (rule.record, rule.field) == ("person", "courtesy")
    assert "gender of the first name in first_name" in (rule.reason or "")
    # a code's prefix is no person's title
    sku = _rule(spec, "people", "sku_prefix")
    assert not isinstance(sku, RecordRule) and "Mr." not in getattr(sku, "values", [])


def test_courtesy_agrees_with_the_first_names_gender(exp: object) -> None:
    from faker.providers.person.en_US import Provider

    male, female = set(Provider.first_names_male), set(Provider.first_names_female)
    df = exp.query("select salutation, first_name from people")  # type: ignore[attr-defined]
    pairs = list(zip(df.salutation, df.first_name, strict=True))
    assert not [p for p in pairs if p[0] == "Mr." and p[1] in female - male]
    assert not [p for p in pairs if p[0] in ("Ms.", "Mrs.") and p[1] in male - female]
    assert {"Mr.", "Ms.", "Mrs.", "Dr."} == set(df.salutation)


def test_courtesy_beside_a_tpc_style_prefix() -> None:
    ddl = """create table customer (c_customer_sk int primary key, c_salutation char(10),
        c_first_name char(20), c_last_name char(30), c_email_address char(50));"""
    rule = import_sql(ddl, dialect="ansi").table("customer").column("c_salutation").rule
    assert isinstance(rule, RecordRule) and rule.field == "courtesy"


# ---------------------------------------------------------------- recipients ----------------


def test_ship_name_copies_the_customers_company(spec: ExperimentSpec, exp: object) -> None:
    rule = _rule(spec, "orders", "ship_name")
    assert isinstance(rule, ParentRule) and rule.column == "company_name"
    assert isinstance(rule.base, FakerRule) and rule.base.provider == "company"
    reasons = {(r.table, r.column.name): r.reason for r in inferred_rules(spec)}
    assert "company_name" in reasons[("orders", "ship_name")]
    same = _one(
        exp,
        "select avg(case when o.ship_name = c.company_name then 1.0 else 0 end) "
        "from orders o join customers c using (customer_id)",
    )
    assert 0.8 <= same < 1  # mostly the customer; the others another company
    assert _one(exp, "select count(*) from orders where ship_name not similar to '.*[ -].*'") == 0


def test_a_recipient_copies_a_persons_name_or_is_one(spec: ExperimentSpec) -> None:
    rule = _rule(spec, "parcel", "ship_to_name")
    assert isinstance(rule, ParentRule) and rule.column == "contact_name"
    assert isinstance(rule.base, FakerRule) and rule.base.provider == "name"
    # no billing/shipping prefix: a recipient's name, not a parent's copy
    alone = _rule(spec, "parcel", "recipient_name")
    assert isinstance(alone, FakerRule) and alone.provider == "name"


def test_a_recipient_in_a_person_record_keeps_its_record() -> None:
    ddl = """create table customer (customer_id int primary key, company_name varchar(40));
        create table invoice (invoice_id int primary key,
            customer_id int references customer (customer_id),
            billing_name varchar(40), billing_email varchar(60), ship_name varchar(40));"""
    table = import_sql(ddl, dialect="postgres").table("invoice")
    # the billing name and e-mail are one person's; the ship-to name is the customer's
    assert isinstance(table.column("billing_name").rule, RecordRule)
    ship = table.column("ship_name").rule
    assert isinstance(ship, ParentRule) and ship.column == "company_name"
