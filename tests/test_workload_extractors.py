"""Each workload extractor on a tiny schema: what it reads from a query, and that after fitting
and generating, the predicate selects a realistic share of the rows (queried with duckdb)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.spec.rules import ValuesRule
from dwsim_nb.spec.workload import WorkloadQuery
from dwsim_nb.workload import fit_workload, read_workload
from dwsim_nb.workload.analyze import ColumnRef, analyze
from dwsim_nb.workload.joins import join_predicates
from dwsim_nb.workload.literals import literal_predicates
from dwsim_nb.workload.patterns import pattern_predicates
from dwsim_nb.workload.ranges import range_predicates
from dwsim_nb.workspace import Workspace

DDL = """
create table items (
    item_id integer primary key,
    title varchar(40) not null,
    code varchar(12),
    category varchar(20),
    label varchar(30),
    qty integer,
    price decimal(10,2) check (price between 10 and 20),
    placed date,
    seen_at timestamp
);
create table customers (cust_id integer primary key, city varchar(40));
create table orders (order_id integer primary key, customerid integer, total decimal(10,2));
create table venue (venueid integer, venuename varchar(40));
create table visits (visit_id integer primary key, venueid integer);
"""
ROWS = 4000
ALL_ROWS = {"items": ROWS, "customers": 300, "orders": 2000, "venue": 40, "visits": 500}


def _spec() -> ExperimentSpec:
    return import_sql(DDL, dialect="postgres", name="t")


def _query(sql: str) -> Any:
    q = analyze(_spec(), WorkloadQuery(name="q1", sql=sql))
    assert q is not None
    return q


def _fitted(tmp_path: Path, sql: str, **options: Any) -> Any:
    exp = Workspace(tmp_path).import_sql(DDL, name="t", dialect="postgres")
    exp.set_workload(sql, **options)
    exp.generate(rows=ALL_ROWS, seed=11)
    return exp


def _share(exp: Any, table: str, where: str) -> float:
    n = exp.query(f"select count(*) from {table} where {where}").iloc[0, 0]
    total = exp.query(f"select count(*) from {table}").iloc[0, 0]
    return float(n) / float(total)


def test_literals_read_through_case_trim_and_casts() -> None:
    q = _query(
        "select * from items i where upper(i.label) in ('RED', 'BLUE') "
        "and cast(category as varchar) = 'gizmo' and trim(code) <> 'X1'"
    )
    found = {(f.ref.column, f.values) for f in literal_predicates(q)}
    assert ("label", ("RED", "BLUE")) in found
    assert ("category", ("gizmo",)) in found
    assert ("code", ("X1",)) in found


def test_equality_and_in_select_a_realistic_share(tmp_path: Path) -> None:
    exp = _fitted(
        tmp_path,
        "select * from items where category = 'gizmo';"
        "select * from items where upper(label) in ('RED', 'BLUE', 'GREEN');"
        "select * from items where qty = 7",
    )
    for where in ("category = 'gizmo'", "upper(label) in ('RED', 'BLUE', 'GREEN')", "qty = 7"):
        # 5-30% per predicate, plus what the column's own rule yields by chance.
        assert 0.05 <= _share(exp, "items", where) <= 0.32, where
    rule = exp.spec.table("items").column("category").rule
    assert rule.kind == "mix" and rule.reason == "from the workload: q1"
    assert rule.base is None or rule.base.kind != "mix"


def test_selectivity_setting_sets_the_share(tmp_path: Path) -> None:
    exp = _fitted(tmp_path, "select * from items where category = 'gizmo'", selectivity=0.5)
    assert 0.5 <= _share(exp, "items", "category = 'gizmo'") <= 0.52


def test_a_rule_the_user_wrote_is_never_changed() -> None:
    spec = _spec()
    spec.table("items").column("category").rule = ValuesRule(values=["a", "b"])
    queries = read_workload("select * from items where category = 'gizmo'", "postgres")
    fitted = fit_workload(spec.model_copy(update={"workload": queries}))
    assert fitted.table("items").column("category").rule == ValuesRule(values=["a", "b"])


def test_patterns_from_like_and_string_functions() -> None:
    q = _query(
        "select * from items where title like '%BRASS' and label ilike 'forest%' "
        "and substring(code, 1, 2) in ('13', '31') and right(category, 3) = 'xyz'"
    )
    found = {(f.ref.column, f.patterns) for f in pattern_predicates(q)}
    assert found == {
        ("title", ("%BRASS",)),
        ("label", ("forest%",)),
        ("code", ("13%", "31%")),
        ("category", ("%xyz",)),
    }


def test_patterns_are_matched_in_their_share_within_the_width(tmp_path: Path) -> None:
    exp = _fitted(
        tmp_path,
        "select * from items where title like '%BRASS';"
        "select * from items where lower(label) like 'forest%';"
        "select * from items where substring(code, 1, 2) in ('13', '31')",
    )
    assert 0.05 <= _share(exp, "items", "title like '%BRASS'") <= 0.32
    assert 0.05 <= _share(exp, "items", "lower(label) like 'forest%'") <= 0.32
    assert 0.05 <= _share(exp, "items", "substring(code, 1, 2) in ('13', '31')") <= 0.32
    widths = exp.query("select max(length(code)), max(length(title)) from items").iloc[0]
    assert int(widths.iloc[0]) <= 12 and int(widths.iloc[1]) <= 40
    # Built values keep text around the pattern: not one constant.
    assert _count(exp, "select count(distinct title) from items where title like '%BRASS'") > 10


def _count(exp: Any, sql: str) -> int:
    return int(exp.query(sql).iloc[0, 0])


def test_ranges_read_dates_intervals_and_years() -> None:
    q = _query(
        "select * from items where placed >= date '1994-01-01' "
        "and placed < date '1994-01-01' + interval '1' year "
        "and extract(year from seen_at) = 1995 and qty between 1 and 5"
    )
    found: dict[str, list[str]] = {}
    for f in range_predicates(q):
        found[f.ref.column] = sorted(found.get(f.ref.column, []) + [str(p) for p in f.points])
    assert "1994-01-01" in found["placed"] and "1995-01-01" in found["placed"]
    assert found["seen_at"] == ["1995-01-01", "1995-12-31"]
    assert found["qty"] == ["1", "5"]


def test_ranges_cover_every_window(tmp_path: Path) -> None:
    exp = _fitted(
        tmp_path,
        "select * from items where placed between date '1994-01-01' and date '1994-03-31';"
        "select * from items where extract(year from seen_at) = 1995;"
        "select * from items where qty > 50;"
        "select * from items where price > 50 or price > 15",
    )
    assert _share(exp, "items", "placed between date '1994-01-01' and date '1994-03-31'") > 0.02
    assert _share(exp, "items", "extract(year from seen_at) = 1995") > 0.02
    # A name's range (1-10) is widened past the point, not replaced: its low end stays.
    assert _share(exp, "items", "qty > 50") > 0.05
    assert _count(exp, "select count(*) from items where qty < 1") == 0
    # A CHECK's range is the table's: kept, so only what it allows is found.
    assert _count(exp, "select count(*) from items where price > 20 or price < 10") == 0
    assert _share(exp, "items", "price > 15") > 0.05


def test_joins_without_keys_become_suggested_foreign_keys(tmp_path: Path) -> None:
    q = _query(
        "select * from orders o join customers c on o.customerid = c.cust_id "
        "join visits v on 1 = 1 join venue on venue.venueid = v.venueid"
    )
    found = {(j.child, j.parent) for j in join_predicates(q)}
    assert (ColumnRef("orders", "customerid"), ColumnRef("customers", "cust_id")) in found
    # visits.venueid is named like venue's key venueid: the import made it a foreign key (read
    # from names), so the join finds nothing new there.
    assert (ColumnRef("visits", "venueid"), ColumnRef("venue", "venueid")) not in found
    assert any(fk.inferred for fk in q.table(ColumnRef("visits", "venueid")).foreign_keys)
    exp = _fitted(
        tmp_path,
        "select * from orders o, customers c where o.customerid = c.cust_id;"
        "select * from visits v join venue on venue.venueid = v.venueid",
    )
    fks = {(t.name, fk.references_table) for t in exp.spec.tables for fk in t.foreign_keys}
    assert {("orders", "customers"), ("visits", "venue")} <= fks
    assert any("from the workload: q1" in n and "orders(customerid)" in n for n in exp.spec.notes)
    orphans = "select count(*) from orders where customerid not in (select cust_id from customers)"
    assert _count(exp, orphans) == 0
    joined = "select count(*) from visits v join venue on venue.venueid = v.venueid"
    assert _count(exp, joined) == _count(
        exp, "select count(*) from visits where venueid is not null"
    )
    assert _count(exp, "select count(*) - count(distinct venueid) from venue") == 0


@pytest.mark.parametrize("selectivity", [(0.05, 0.3), 0.2])
def test_fitting_is_deterministic_and_idempotent(selectivity: Any) -> None:
    sql = (
        "select * from items where category in ('a', 'b') and title like '%BRASS' "
        "and placed > date '1994-01-01';"
        "select * from orders o join customers c on o.customerid = c.cust_id"
    )
    spec = _spec().model_copy(update={"workload": read_workload(sql, "postgres")})
    once = fit_workload(spec, selectivity)
    assert once.to_dict() == fit_workload(spec, selectivity).to_dict()
    assert fit_workload(once, selectivity).to_dict() == once.to_dict()
