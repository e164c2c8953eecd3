"""A date dimension is consecutive days with every calendar part derived from the day.

TICKIT's ``date`` table (imported from the corpus DDL, no overrides) is generated and queried
with duckdb: the parts must agree with duckdb's own calendar functions on every row.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec

ROOT = Path(__file__).resolve().parent
TICKIT = (ROOT / "corpus" / "ddl" / "tickit_redshift.sql").read_text()


def _load(spec: ExperimentSpec, path: Path, rows: dict[str, int]) -> duckdb.DuckDBPyConnection:
    generate_run(spec, path, rows=rows, workers=1, executor="inprocess", block_size=300)
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view \"{t.name}\" as select * from read_parquet('{path}/{t.key}/*.parquet')"
        )
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture(scope="module")
def tickit(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    spec = import_sql(TICKIT, "redshift")
    rows = {t.name: 800 for t in spec.tables} | {"date": 1000}
    return _load(spec, tmp_path_factory.mktemp("tickit"), rows)


def test_caldate_is_unique_and_consecutive(tickit: duckdb.DuckDBPyConnection) -> None:
    n, distinct, first, last = (
        tickit.execute(
            "select count(*), count(distinct caldate), min(caldate), max(caldate) from date"
        ).fetchone()
        or ()
    )
    assert n == distinct == 1000
    assert (last - first).days == 999


def test_month_day_year_week_qtr_agree_with_the_date(tickit: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "month": "upper(strftime(caldate, '%b')) <> trim(month)",
        "year": "year <> extract(year from caldate)",
        "week": "week <> extract(week from caldate)",
        "qtr": "cast(trim(qtr) as int) <> extract(quarter from caldate)",
        "day": "trim(day) <> upper(left(strftime(caldate, '%a'), 2))",
    }
    for part, wrong in checks.items():
        assert _one(tickit, f"select count(*) from date where {wrong}") == 0, part
    assert _one(tickit, "select count(distinct month) from date") == 12
    assert _one(tickit, "select count(distinct trim(day)) from date") == 7


def test_holidays_only_on_holidays(tickit: duckdb.DuckDBPyConnection) -> None:
    fixed = "strftime(caldate, '%m-%d') in ('01-01', '07-04', '12-25')"
    thanksgiving = (
        "(month(caldate) = 11 and dayofweek(caldate) = 4 and day(caldate) between 22 and 28)"
    )
    # every fixed-date holiday is one, and every holiday is a fixed date or a Monday/Thursday
    assert _one(tickit, f"select count(*) from date where {fixed} and not holiday") == 0
    assert _one(tickit, f"select count(*) from date where {thanksgiving} and not holiday") == 0
    odd = f"holiday and not {fixed} and dayofweek(caldate) not in (1, 4)"
    assert _one(tickit, f"select count(*) from date where {odd}") == 0
    per_year = _one(tickit, "select count(*) from date where holiday") / (1000 / 365.25)
    assert 7 <= per_year <= 9


def test_a_month_filter_through_the_fact_table_finds_sales(
    tickit: duckdb.DuckDBPyConnection,
) -> None:
    sql = "select count(*) from sales join date on sales.dateid = date.dateid where month = 'NOV'"
    assert _one(tickit, sql) > 0
    assert _one(tickit, "select count(*) from event join date using (dateid) where qtr = 3") > 0


def test_tpcds_style_parts_in_their_types(tmp_path: Path) -> None:
    ddl = """
    create table date_dim (
        d_date_sk integer not null primary key,
        d_date date,
        d_year integer,
        d_moy integer,
        d_dom integer,
        d_dow integer,
        d_day_name char(9),
        d_month_name varchar(12),
        d_quarter_name varchar(6),
        d_holiday char(1),
        d_weekend char(1),
        is_weekday boolean
    );
    create table store_sales (
        ss_id integer primary key,
        ss_sold_date_sk integer references date_dim (d_date_sk),
        ss_amount decimal(8,2)
    );
    """
    spec = import_sql(ddl, "postgres")
    con = _load(spec, tmp_path, {"date_dim": 400, "store_sales": 500})
    wrong = [
        "d_date_sk <> cast(strftime(d_date, '%Y%m%d') as int)",
        "d_year <> year(d_date) or d_moy <> month(d_date) or d_dom <> day(d_date)",
        "d_dow <> dayofweek(d_date)",
        "trim(d_day_name) <> dayname(d_date)",
        "d_month_name <> monthname(d_date)",
        "d_quarter_name <> 'Q' || quarter(d_date)",
        "d_weekend <> case when dayofweek(d_date) in (0, 6) then 'Y' else 'N' end",
        "is_weekday = (dayofweek(d_date) in (0, 6))",
        "d_holiday not in ('Y', 'N')",
    ]
    for w in wrong:
        assert _one(con, f"select count(*) from date_dim where {w}") == 0, w
    # the fact table's date keys are the dimension's YYYYMMDD keys
    orphans = (
        "select count(*) from store_sales s left join date_dim d "
        "on s.ss_sold_date_sk = d.d_date_sk where d.d_date_sk is null"
    )
    assert _one(con, orphans) == 0
    assert _one(con, "select min(ss_sold_date_sk) from store_sales") > 19_000_000


def test_a_fact_table_with_year_and_month_is_not_a_dimension() -> None:
    ddl = """
    create table customers (id int primary key);
    create table orders (
        order_id int primary key, customer_id int references customers (id),
        order_date date, year int, month int, amount decimal(8,2)
    );
    """
    spec = import_sql(ddl, "postgres")
    rule = spec.tables[1].columns[2].rule
    assert rule is not None and rule.kind == "datetime"


def test_a_user_rule_on_a_part_is_kept() -> None:
    spec = import_sql(
        "create table cal (day_date date, month int, year int, quarter int)", "postgres"
    )
    kinds = {c.name: c.rule.kind for c in spec.tables[0].columns if c.rule is not None}
    assert kinds == dict.fromkeys(["day_date", "month", "year", "quarter"], "calendar")
    from dwsim_nb.ddl.infer import infer_rules

    data = spec.model_dump()
    data["tables"][0]["columns"][1]["rule"] = {"kind": "range", "min": 1, "max": 3}
    again = infer_rules(ExperimentSpec.model_validate(data))
    assert again.tables[0].columns[1].rule.kind == "range"
