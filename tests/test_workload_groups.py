"""The second round of workload extractors, each on a tiny schema: HAVING thresholds, EXISTS /
NOT EXISTS / IN / anti-joins, parents reached through joins, date dimensions and per-query
targets. Each test reads what the extractor finds, then fits, generates and queries the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec.why import source_kind
from dwsim_nb.spec.workload import WorkloadQuery
from dwsim_nb.workload.analyze import ColumnRef, analyze
from dwsim_nb.workload.having import having_thresholds
from dwsim_nb.workload.reach import reached_parents
from dwsim_nb.workload.semijoins import semijoins
from dwsim_nb.workload.targets import Target, query_targets, target_share
from dwsim_nb.workspace import Workspace

DDL = """
create table region (region_id integer primary key, region_name varchar(20) not null);
create table shop (shop_id integer primary key, region_id integer not null references region,
                   shop_name varchar(40));
create table client (client_id integer primary key, full_name varchar(60), segment varchar(20));
create table purchase (
    purchase_id integer primary key,
    client_id integer not null references client (client_id),
    shop_id integer references shop (shop_id),
    quantity integer,
    amount decimal(10,2)
);
create table date_dim (d_date_sk integer primary key, d_date date, d_year integer, d_moy integer);
"""
ROWS = {"region": 10, "shop": 40, "client": 400, "purchase": 4000, "date_dim": 800}


def _query(sql: str) -> Any:
    spec = import_sql(DDL, dialect="postgres", name="t")
    q = analyze(spec, WorkloadQuery(name="q1", sql=sql))
    assert q is not None
    return q


def _fitted(tmp_path: Path, sql: str, seed: int = 3) -> Any:
    exp = Workspace(tmp_path).import_sql(DDL, name="t", dialect="postgres")
    exp.set_workload(sql)
    exp.generate(rows=ROWS, seed=seed)
    return exp


def _count(exp: Any, sql: str) -> int:
    return int(exp.query(sql).iloc[0, 0])


def test_having_thresholds_are_read_with_their_group() -> None:
    q = _query(
        "select client_id from purchase group by client_id "
        "having sum(quantity) > 300 and count(*) between 15 and 20 and avg(amount) >= 99.5"
    )
    found = {(t.function, t.ref, t.value, t.group) for t in having_thresholds(q)}
    group = ColumnRef("purchase", "client_id")
    assert ("sum", ColumnRef("purchase", "quantity"), 300.0, group) in found
    assert ("count", None, 15.0, group) in found
    assert ("avg", ColumnRef("purchase", "amount"), 99.5, group) in found


def test_having_sum_and_count_thresholds_let_some_groups_pass(tmp_path: Path) -> None:
    plain = Workspace(tmp_path / "plain").import_sql(DDL, name="t", dialect="postgres")
    plain.generate(rows=ROWS, seed=3)
    sums = "select client_id from purchase group by client_id having sum(quantity) > 300"
    counts = "select client_id from purchase group by client_id having count(*) >= 40"
    by_sum, by_count = (f"select count(*) from ({q}) g" for q in (sums, counts))
    assert _count(plain, by_sum) == 0 and _count(plain, by_count) == 0
    exp = _fitted(tmp_path / "fit", f"{sums};\n{counts}")
    groups = _count(exp, "select count(distinct client_id) from purchase")
    # Some groups pass, not all: a small share of large quantities, a skew of purchases.
    assert 0 < _count(exp, by_sum) < groups // 2
    assert 0 < _count(exp, by_count) < groups // 2
    fk = next(f for f in exp.spec.table("purchase").foreign_keys if f.columns == ["client_id"])
    assert fk.cardinality is not None and fk.cardinality.kind == "zipf"
    assert any("purchase(client_id)" in n and "from the workload" in n for n in exp.spec.notes)


def test_semijoins_read_exists_in_and_anti_joins() -> None:
    q = _query(
        "select * from client c where not exists "
        "(select 1 from purchase p where p.client_id = c.client_id) "
        "and c.client_id in (select client_id from purchase where quantity > 2)"
    )
    found = {(s.child, s.parent, s.matching) for s in semijoins(q)}
    child, parent = ColumnRef("purchase", "client_id"), ColumnRef("client", "client_id")
    assert (child, parent, False) in found and (child, parent, True) in found
    left = _query(
        "select c.full_name from client c left join purchase p on p.client_id = c.client_id "
        "where p.purchase_id is null"
    )
    assert {(s.child, s.matching) for s in semijoins(left)} == {(child, False)}


def test_not_exists_finds_parents_without_children_and_exists_still_matches(
    tmp_path: Path,
) -> None:
    match = "(select 1 from purchase p where p.client_id = c.client_id)"
    never = f"select count(*) from client c where not exists {match}"
    ever = f"select count(*) from client c where exists {match}"
    plain = Workspace(tmp_path / "plain").import_sql(DDL, name="t", dialect="postgres")
    plain.generate(rows=ROWS, seed=3)
    assert _count(plain, never) == 0  # 10 purchases per client, evenly: every client buys
    exp = _fitted(tmp_path / "fit", never)
    silent = _count(exp, never)
    assert 0.05 * 400 <= silent <= 0.7 * 400
    assert _count(exp, ever) == 400 - silent


def test_a_filter_on_a_parent_reached_through_a_join_takes_the_high_share(
    tmp_path: Path,
) -> None:
    sql = (
        "select count(*) from purchase p join shop s on p.shop_id = s.shop_id "
        "join region r on r.region_id = s.region_id where r.region_name = 'NORTH'"
    )
    assert {r.table for r in reached_parents(_query(sql))} == {"shop", "region"}
    exp = _fitted(
        tmp_path,
        sql,
    )
    rule = exp.spec.table("region").column("region_name").rule
    assert rule.kind == "mix" and rule.shares == [0.3]
    assert source_kind(rule.reason) == "workload"  # its own group in `show --why`
    assert _count(exp, sql) > 0


def test_a_date_dimension_starts_where_the_workload_looks(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, name="t", dialect="postgres")
    before = exp.spec.table("date_dim").column("d_date").rule
    assert before is not None and before.kind == "calendar"
    exp.set_workload(
        "select count(*) from purchase, date_dim where purchase_id = d_date_sk and d_year = 2001;"
        "select * from date_dim where d_date between date '2002-03-01' and date '2002-03-31'"
    )
    rule = exp.spec.table("date_dim").column("d_date").rule
    assert str(rule.start) == "2001-01-01" and rule.reason.startswith("from the workload: q1")
    exp.generate(rows=ROWS, seed=1)
    assert _count(exp, "select count(*) from date_dim where d_year = 2001") == 365
    assert (
        _count(
            exp,
            "select count(*) from date_dim "
            "where d_date between date '2002-03-01' and date '2002-03-31'",
        )
        == 31
    )


def test_a_query_target_sets_its_filters_share(tmp_path: Path) -> None:
    spec = import_sql(DDL, dialect="postgres", name="t")
    spec = spec.model_copy(
        update={
            "workload": [
                WorkloadQuery(name="big", sql="-- dwsim: rows >= 2000\nselect * from purchase")
            ]
        }
    )
    assert query_targets(spec) == {"big": Target("rows", 2000.0)}
    assert target_share(Target("rows", 2000), 4000, 1, 0.05) == 0.5
    assert abs(target_share(Target("share", 0.25), 4000, 2, 0.05) - 0.5) < 1e-9
    assert target_share(Target("rows", 1), 4000, 1, 0.05) == 0.05  # never below the low end
    exp = Workspace(tmp_path).import_sql(DDL, name="t", dialect="postgres")
    exp.set_workload(
        "-- dwsim: share >= 0.6\nselect * from client where segment = 'retail';"
        "select * from client where full_name = 'Ann'"
    )
    exp.generate(rows=ROWS, seed=2)
    retail = _count(exp, "select count(*) from client where segment = 'retail'") / 400
    assert 0.6 <= retail <= 0.62
    ann = _count(exp, "select count(*) from client where full_name = 'Ann'") / 400
    assert 0.05 <= ann <= 0.31


def test_date_trunc_windows_and_case_arguments_are_read() -> None:
    from dwsim_nb.workload.literals import literal_predicates
    from dwsim_nb.workload.ranges import range_predicates

    q = _query(
        "select sum(case when c.segment = 'vip' then p.amount else 0 end) "
        "from purchase p join client c on c.client_id = p.client_id "
        "join date_dim d on d.d_date_sk = p.purchase_id "
        "where date_trunc('month', d.d_date) = date '1998-03-01'"
    )
    windows = {str(p) for w in range_predicates(q) if w.ref.column == "d_date" for p in w.points}
    assert windows == {"1998-03-01", "1998-03-31"}
    literals = {(f.ref.column, f.values) for f in literal_predicates(q)}
    assert ("segment", ("vip",)) in literals


def test_two_date_columns_compared_keep_overlapping_spans(tmp_path: Path) -> None:
    from dwsim_nb.workload.date_pairs import date_pairs

    ddl = "create table audits (audit_id integer primary key, review_date date, audit_date date);"
    window = (
        "select * from audits where review_date between date '1995-01-01' and date '1995-12-31'"
    )
    pair = "select * from audits where audit_date < review_date"
    spec = import_sql(ddl, dialect="postgres", name="a")
    q = analyze(spec, WorkloadQuery(name="q2", sql=pair))
    assert q is not None
    assert [(p.first.column, p.second.column) for p in date_pairs(q)] == [
        ("audit_date", "review_date")
    ]
    shares = {}
    for name, workload in (("window", window), ("both", f"{window};\n{pair}")):
        exp = Workspace(tmp_path / name).import_sql(ddl, name="a", dialect="postgres")
        exp.set_workload(workload)
        exp.generate(rows={"audits": 2000}, seed=5)
        shares[name] = _count(exp, f"select count(*) from ({pair}) x") / 2000
    # Alone, the window moves review_date to the 1990s, past every audit_date: none earlier.
    assert shares["window"] == 0.0
    assert 0.3 <= shares["both"] <= 0.7
