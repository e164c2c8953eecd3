"""Redundant foreign keys agree: a key that mirrors a key of another parent (a sale's event and
its listing's event) takes the parent that parent's row references (a ``through`` cardinality),
inferred at import with a reason, kept when the user chose another, and generated so that a join
through the middle table and a direct join agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.fk_paths import through_keys
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Cardinality, ExperimentSpec
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus"

# TPC-H's line items with the keys to part and supplier declared beside the one to partsupp.
PARTSUPP_DDL = """
create table part (p_partkey int primary key, p_name varchar(55));
create table supplier (s_suppkey int primary key, s_name varchar(25));
create table partsupp (
    ps_partkey int not null references part (p_partkey),
    ps_suppkey int not null references supplier (s_suppkey),
    ps_availqty int,
    primary key (ps_partkey, ps_suppkey));
create table lineitem (
    l_orderkey int not null,
    l_linenumber int not null,
    l_partkey int not null,
    l_suppkey int not null,
    l_quantity int,
    primary key (l_orderkey, l_linenumber),
    {keys});
"""
SEPARATE_FIRST = (
    "foreign key (l_partkey) references part (p_partkey), "
    "foreign key (l_suppkey) references supplier (s_suppkey), "
    "foreign key (l_partkey, l_suppkey) references partsupp (ps_partkey, ps_suppkey)"
)
COMPOSITE_FIRST = (
    "foreign key (l_partkey, l_suppkey) references partsupp (ps_partkey, ps_suppkey), "
    "foreign key (l_partkey) references part (p_partkey), "
    "foreign key (l_suppkey) references supplier (s_suppkey)"
)

ORDERS_DDL = """
create table customer (customer_id int primary key, name varchar(40),
    address_id int, created_by int);
create table store (store_id int primary key, address_id int, created_by int);
create table orders (order_id int primary key,
    customer_id int not null references customer (customer_id),
    store_id int references store (store_id),
    created_by int references customer (customer_id));
create table order_line (line_id int primary key,
    order_id int not null references orders (order_id),
    customer_id int not null references customer (customer_id),
    store_id int references store (store_id),
    created_by int references customer (customer_id),
    qty int);
"""


def _card(spec: ExperimentSpec, table: str, columns: list[str]) -> Cardinality | None:
    fk = next(f for f in spec.table(table).foreign_keys if f.columns == columns)
    return fk.cardinality


def test_tickit_sales_event_and_seller_follow_the_listing() -> None:
    spec = import_sql((CORPUS / "ddl" / "tickit_redshift.sql").read_text(), dialect="redshift")
    for col in ("eventid", "sellerid"):
        card = _card(spec, "sales", [col])
        assert card is not None and card.kind == "through", col
        assert card.via == ["listid"] and card.parent_columns == [col]
        assert (card.reason or "").startswith("through listing")
    # The buyer is not the listing's seller; a sale's day is not its listing's (a calendar):
    # the date keys follow each row's own time (tests/test_date_keys.py).
    assert _card(spec, "sales", ["buyerid"]) is None
    for table in ("sales", "listing"):
        day = _card(spec, table, ["dateid"])
        assert day is not None and day.kind == "day", table
    rows = {(r.table, r.column.name): r for r in inferred_rules(spec)}
    assert rows[("sales", "eventid")].source == "through"
    assert any("sales', foreign key (sellerid)" in n for n in spec.notes)


@pytest.mark.parametrize("keys", [SEPARATE_FIRST, COMPOSITE_FIRST], ids=["separate", "composite"])
def test_line_item_part_and_supplier_are_one_partsupp_row(tmp_path: Path, keys: str) -> None:
    ddl = PARTSUPP_DDL.format(keys=keys)
    spec = import_sql(ddl, dialect="ansi")
    part, supp = _card(spec, "lineitem", ["l_partkey"]), _card(spec, "lineitem", ["l_suppkey"])
    assert part is not None and part.kind == "through"
    assert part.via == ["l_partkey", "l_suppkey"] and part.parent_columns == ["ps_partkey"]
    assert supp is not None and supp.parent_columns == ["ps_suppkey"]
    exp = Workspace(tmp_path).import_sql(ddl, dialect="ansi", name="h")
    exp.generate(rows={"part": 50, "supplier": 10, "partsupp": 200, "lineitem": 3000}, seed=4)
    orphans = exp.query(
        "select count(*) from lineitem l left join partsupp ps "
        "on l.l_partkey = ps.ps_partkey and l.l_suppkey = ps.ps_suppkey "
        "where ps.ps_partkey is null"
    )
    assert orphans.iloc[0, 0] == 0


def test_order_lines_follow_their_order_but_not_audit_columns(tmp_path: Path) -> None:
    spec = import_sql(ORDERS_DDL, dialect="postgres")
    card = _card(spec, "order_line", ["customer_id"])
    assert card is not None and card.kind == "through" and card.via == ["order_id"]
    store = _card(spec, "order_line", ["store_id"])
    assert store is not None and store.kind == "through"
    assert _card(spec, "order_line", ["created_by"]) is None
    exp = Workspace(tmp_path).import_sql(ORDERS_DDL, dialect="postgres", name="o")
    exp.generate(rows={"customer": 300, "store": 20, "orders": 1000, "order_line": 4000}, seed=2)
    both = exp.query(
        "select count(*) as n, sum(case when l.customer_id = o.customer_id then 1 else 0 end) "
        "as same, sum(case when l.store_id is not distinct from o.store_id then 1 else 0 end) "
        "as same_store from order_line l join orders o using (order_id)"
    )
    n, same, same_store = (int(both[c].iloc[0]) for c in ("n", "same", "same_store"))
    assert n == 4000 and same == n
    # A null store on the order leaves the line's store to chance (store_id is nullable).
    assert same_store >= 0.9 * n


def test_owned_details_are_not_taken_from_the_parent() -> None:
    """A customer's address is its own, not its store's."""
    ddl = """
    create table address (address_id int primary key, street varchar(40));
    create table store (store_id int primary key, address_id int not null
        references address (address_id));
    create table customer (customer_id int primary key,
        store_id int not null references store (store_id),
        address_id int not null references address (address_id));
    """
    spec = import_sql(ddl, dialect="postgres")
    assert _card(spec, "customer", ["address_id"]) is None


def test_user_cardinality_is_kept_and_uniform_draws_apart(tmp_path: Path) -> None:
    spec = import_sql(ORDERS_DDL, dialect="postgres")
    data = spec.model_dump()
    line = next(t for t in data["tables"] if t["name"] == "order_line")
    fk = next(f for f in line["foreign_keys"] if f["columns"] == ["customer_id"])
    fk["cardinality"] = {"kind": "uniform"}
    chosen = ExperimentSpec.model_validate(data)
    through_keys(chosen, data)
    assert fk["cardinality"] == {"kind": "uniform"}
    exp = Workspace(tmp_path).create(chosen)
    exp.generate(rows={"customer": 300, "store": 20, "orders": 1000, "order_line": 2000}, seed=2)
    differ = exp.query(
        "select count(*) from order_line l join orders o using (order_id) "
        "where l.customer_id <> o.customer_id"
    )
    assert differ.iloc[0, 0] > 1000  # drawn apart, most disagree: the through rule is the fix


def test_through_needs_its_path() -> None:
    with pytest.raises(ValueError, match="through cardinality needs"):
        Cardinality(kind="through", via=["listid"])


def test_a_wrong_path_is_named_at_generation(tmp_path: Path) -> None:
    spec = import_sql(ORDERS_DDL, dialect="postgres")
    data = spec.model_dump()
    line = next(t for t in data["tables"] if t["name"] == "order_line")
    fk = next(f for f in line["foreign_keys"] if f["columns"] == ["customer_id"])
    fk["cardinality"] = {"kind": "through", "via": ["order_id"], "parent_columns": ["nope"]}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    with pytest.raises(GenerationError, match="'orders' has no foreign key \\(nope\\)"):
        exp.generate(rows={"customer": 10, "store": 2, "orders": 20, "order_line": 40}, seed=2)


CIRCLE_DDL = """
create table t (t_id int primary key);
create table a (a_id int primary key, b_id int, t_id int references t (t_id));
create table b (b_id int primary key, a_id int references a (a_id),
    t_id int references t (t_id));
alter table a add foreign key (b_id) references b (b_id);
"""


def test_circular_through_keys_are_not_inferred_and_refused(tmp_path: Path) -> None:
    spec = import_sql(CIRCLE_DDL, dialect="postgres")
    kinds = [(_card(spec, n, ["t_id"]) or Cardinality()).kind for n in ("a", "b")]
    assert sorted(kinds) == ["through", "uniform"]
    data = spec.model_dump()
    for t in data["tables"]:
        if t["name"] in ("a", "b"):
            other = "b_id" if t["name"] == "a" else "a_id"
            fk = next(f for f in t["foreign_keys"] if f["columns"] == ["t_id"])
            fk["cardinality"] = {"kind": "through", "via": [other], "parent_columns": ["t_id"]}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    with pytest.raises(GenerationError, match="circle"):
        exp.generate(rows={"t": 5, "a": 10, "b": 10}, seed=1)


# The sale's event and seller carry no key of their own: only the key to the listing is declared.
UNDECLARED_DDL = """
create table users (userid int primary key, username varchar(20));
create table event (eventid int primary key, eventname varchar(60));
create table listing (listid int primary key,
    sellerid int not null references users (userid),
    eventid int not null references event (eventid),
    created_by int references users (userid));
create table sales (salesid int primary key,
    listid int not null references listing (listid),
    sellerid int not null,
    buyerid int not null,
    eventid bigint not null,
    created_by int,
    eventname varchar(60));
"""


def test_undeclared_keys_copy_the_parent_rows_value(tmp_path: Path) -> None:
    spec = import_sql(UNDECLARED_DDL, dialect="postgres")
    sales = spec.table("sales")
    # The schema as written; eventid is named like event's key, so it is a key read from names.
    assert not any(f.columns != ["listid"] for f in sales.foreign_keys if not f.inferred)
    rule = sales.column("sellerid").rule
    assert rule is not None and rule.kind == "parent"
    assert rule.via == ["listid"] and rule.column == "sellerid"
    assert (rule.reason or "").startswith("through listing")
    event = next(f for f in sales.foreign_keys if f.columns == ["eventid"])
    assert event.inferred and event.cardinality is not None
    assert event.cardinality.kind == "through" and event.cardinality.via == ["listid"]
    assert (event.cardinality.reason or "").startswith("through listing")
    # Not keys of the listing (buyerid), audit columns and non-key attributes stay as they were.
    for name in ("buyerid", "created_by", "eventname"):
        rule = sales.column(name).rule
        assert rule is None or rule.kind != "parent", name
    exp = Workspace(tmp_path).import_sql(UNDECLARED_DDL, dialect="postgres", name="u")
    exp.generate(rows={"users": 200, "event": 50, "listing": 500, "sales": 3000}, seed=5)
    differ = exp.query(
        "select count(*) from sales s join listing l using (listid) "
        "where s.eventid <> l.eventid or s.sellerid <> l.sellerid"
    )
    assert differ.iloc[0, 0] == 0
    assert exp.query("select count(*) from sales").iloc[0, 0] == 3000


def test_a_parent_rule_with_a_wrong_key_is_named(tmp_path: Path) -> None:
    spec = import_sql(UNDECLARED_DDL, dialect="postgres")
    data = spec.model_dump()
    sales = next(t for t in data["tables"] if t["name"] == "sales")
    col = next(c for c in sales["columns"] if c["name"] == "sellerid")
    col["rule"] = {"kind": "parent", "via": ["buyerid"], "column": "sellerid"}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    with pytest.raises(GenerationError, match="via \\(buyerid\\), which is not a foreign key"):
        exp.generate(rows={"users": 5, "event": 5, "listing": 10, "sales": 20}, seed=5)


CALENDAR_DDL = """
create table dates (dateid int primary key, caldate date not null, month char(5),
    year smallint, qtr char(5));
create table visit (visit_id int primary key, dateid int not null references dates (dateid),
    visited_at timestamp);
create table shipment (ship_id int primary key, dateid int references dates (dateid),
    placed_at timestamp, shipped_at timestamp);
"""


def test_a_rows_only_timestamp_falls_on_its_date_keys_day(tmp_path: Path) -> None:
    spec = import_sql(CALENDAR_DDL, dialect="postgres")
    rule = spec.table("visit").column("visited_at").rule
    assert rule is not None and rule.kind == "datetime" and rule.after == "dates.caldate"
    assert (rule.reason or "").startswith("date dimension")
    # Two timestamps: which one the key dates is not clear, so neither is tied to it.
    for name in ("placed_at", "shipped_at"):
        other = spec.table("shipment").column(name).rule
        assert other is None or getattr(other, "after", None) != "dates.caldate", name
    exp = Workspace(tmp_path).import_sql(CALENDAR_DDL, dialect="postgres", name="c")
    exp.generate(rows={"dates": 365, "visit": 2000, "shipment": 10}, seed=3)
    off = exp.query(
        "select count(*) from visit v join dates d using (dateid) "
        "where cast(v.visited_at as date) <> d.caldate"
    )
    assert off.iloc[0, 0] == 0
