"""The same run gives the same rows on every warehouse: constructs one engine lacks are rewritten.

TPC-H's Q13 names a derived table's columns in its alias (``AS c_orders (c_custkey, c_count)``),
which SQLite refuses; the translation moves the names into the subquery
(``fix_derived_column_aliases``).
"""

from __future__ import annotations

from dwsim_nb.workspace import Workspace

DDL = """
create table customer (c_custkey int primary key, c_name varchar(25));
create table orders (o_orderkey int primary key,
  o_custkey int not null references customer(c_custkey), o_comment varchar(79));
"""

Q13 = """
select c_count, count(*) as custdist
from (select c_custkey, count(o_orderkey)
      from customer left outer join orders on c_custkey = o_custkey
        and o_comment not like '%special%requests%'
      group by c_custkey) as c_orders (c_custkey, c_count)
group by c_count
order by custdist desc, c_count desc
"""


def _rows(tmp_path, warehouse: str) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    ws = Workspace(tmp_path / warehouse)
    exp = ws.import_sql(DDL, dialect="postgres", name="q13", warehouse=warehouse)
    exp.generate(rows={"customer": 40, "orders": 150}, seed=13)
    df = exp.query(Q13)
    assert list(df.columns) == ["c_count", "custdist"]
    return [(int(a), int(b)) for a, b in df.itertuples(index=False)]


def test_the_fix_moves_the_names_into_the_subquery() -> None:
    from dwsim_nb.warehouses.rewrites import Context
    from dwsim_nb.warehouses.translate import translate

    out = translate(Q13, Context(read="postgres", engine="sqlite"))[0]
    assert "AS `c_count`" in out and "(`c_custkey`, `c_count`)" not in out


def test_q13_derived_table_column_aliases_agree_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    on_duckdb = _rows(tmp_path, "duckdb")
    on_sqlite = _rows(tmp_path, "sqlite")
    assert on_sqlite == on_duckdb
    # Every customer is counted once, in the group of its order count.
    assert sum(n for _, n in on_sqlite) == 40
    assert sum(c * n for c, n in on_sqlite) <= 150
