"""Hints the DDL carries (CHECK, DOMAIN, enum, DEFAULT) become generation rules at import.

Each test imports a pg_dump-style script, generates rows into Parquet and asserts with SQL on the
data, so a hint that is read but not used still fails.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec

RENTAL_SQL = """
CREATE TYPE public.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE DOMAIN public.year AS integer
    CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)));

CREATE TABLE public.film (
    film_id integer NOT NULL,
    title character varying(255) NOT NULL,
    release_year public.year,
    rental_duration smallint DEFAULT 3 NOT NULL,
    rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,
    length smallint,
    replacement_cost numeric(5,2) DEFAULT 19.99 NOT NULL,
    rating public.mpaa_rating DEFAULT 'G'::public.mpaa_rating,
    special character varying(20),
    votes integer CHECK (votes BETWEEN 100 AND 200),
    discount numeric(4,2) CHECK (discount >= 0.5 AND discount < 1),
    copies integer,
    late_fee numeric(6,2) CHECK (late_fee >= 0) CHECK (late_fee < 4000),
    min_price numeric(10,2) CHECK (min_price >= 100000),
    active boolean DEFAULT true NOT NULL,
    last_update timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT film_length_check CHECK ((length > 0)),
    CONSTRAINT film_copies_check CHECK (2 <= copies AND copies < 9),
    CONSTRAINT film_special_check CHECK (((special)::text = ANY ((ARRAY['Trailers'::character
        varying, 'Commentaries'::character varying, 'Deleted Scenes'::character varying])::text[])))
);

CREATE TABLE public.customer (
    customer_id integer NOT NULL,
    status text CHECK (status IN ('new', 'regular', 'lapsed')),
    tier character varying(10) DEFAULT 'bronze',
    visits integer DEFAULT 0 NOT NULL,
    quantity integer DEFAULT 1,
    note text DEFAULT ''::text,
    PRIMARY KEY (customer_id)
);

ALTER TABLE ONLY public.film ADD CONSTRAINT film_pkey PRIMARY KEY (film_id);
"""

ROWS = 3000


def _generate(spec: ExperimentSpec, path: Path) -> duckdb.DuckDBPyConnection:
    generate_run(
        spec, path, rows={t.name: ROWS for t in spec.tables}, workers=1, executor="inprocess"
    )
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view {t.name} as select * from read_parquet('{path}/{t.name}/*.parquet')"
        )
    return con


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return _generate(import_sql(RENTAL_SQL, "postgres"), tmp_path_factory.mktemp("rental"))


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_domain_check_bounds_every_year(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from film where release_year not between 1901 and 2155") == 0
    assert _one(con, "select count(distinct release_year) from film") > 50


def test_table_check_keeps_length_positive(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from film where length <= 0") == 0
    assert _one(con, "select min(length) from film") >= 1
    # a bound written literal-first, and a strict upper bound on an integer
    assert _one(con, "select count(*) from film where copies not between 2 and 8") == 0
    assert _one(con, "select count(distinct copies) from film") == 7


def test_column_checks_between_and_half_open(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from film where votes not between 100 and 200") == 0
    assert _one(con, "select count(*) from film where discount < 0.5 or discount >= 1") == 0
    assert float(_one(con, "select max(discount) from film")) > 0.9


def test_one_sided_checks_narrow_and_keep_the_name_rule(con: duckdb.DuckDBPyConnection) -> None:
    # two CHECKs on one column narrow each other; the name's money rule stays inside them
    assert _one(con, "select count(*) from film where late_fee < 0 or late_fee >= 4000") == 0
    assert float(_one(con, "select median(late_fee) from film")) < 200
    # a lower bound above the money rule's range (up to 5,000): the CHECK wins
    assert _one(con, "select count(*) from film where min_price < 100000") == 0


def test_any_array_and_in_checks_give_the_listed_values(con: duckdb.DuckDBPyConnection) -> None:
    bad = "select count(*) from film where special not in ('Trailers', 'Commentaries', "
    assert _one(con, bad + "'Deleted Scenes')") == 0
    assert _one(con, "select count(distinct special) from film") == 3
    assert (
        _one(con, "select count(*) from customer where status not in ('new', 'regular', 'lapsed')")
        == 0
    )


def test_default_is_the_most_common_value(con: duckdb.DuckDBPyConnection) -> None:
    top = "select {c} from film group by {c} order by count(*) desc limit 1"
    assert float(_one(con, top.format(c="rental_rate"))) == 4.99
    assert float(_one(con, top.format(c="replacement_cost"))) == 19.99
    assert _one(con, top.format(c="rental_duration")) == 3
    share = _one(con, "select avg((rental_rate = 4.99)::int) from film")
    assert 0.6 < share < 0.8
    assert _one(con, "select min(rental_rate) from film") > 0


def test_number_defaults_keep_their_sign(con: duckdb.DuckDBPyConnection) -> None:
    top = "select {c} from customer group by 1 order by count(*) desc limit 1"
    assert _one(con, top.format(c="visits")) == 0
    assert _one(con, "select count(distinct visits) from customer") > 1
    assert _one(con, top.format(c="quantity")) == 1
    assert _one(con, "select min(quantity) from customer") >= 1
    # an empty default says nothing about the values
    assert _one(con, "select avg((note = '')::int) from customer") < 0.5


def test_enum_default_weighted_within_the_enum(con: duckdb.DuckDBPyConnection) -> None:
    bad = "select count(*) from film where rating not in ('G', 'PG', 'PG-13', 'R', 'NC-17')"
    assert _one(con, bad) == 0
    assert _one(con, "select rating from film group by 1 order by count(*) desc limit 1") == "G"
    assert _one(con, "select count(distinct rating) from film") == 5


def test_string_default_on_a_plain_column(con: duckdb.DuckDBPyConnection) -> None:
    top = "select tier from customer group by 1 order by count(*) desc limit 1"
    assert _one(con, top) == "bronze"


def test_boolean_default_true_is_mostly_true(con: duckdb.DuckDBPyConnection) -> None:
    share = _one(con, "select avg(active::int) from film")
    assert 0.7 < share < 0.9


def test_expression_default_keeps_the_datetime_rule() -> None:
    spec = import_sql(RENTAL_SQL, "postgres")
    film = next(t for t in spec.tables if t.name == "film")
    cols = {c.name: c for c in film.columns}
    assert cols["last_update"].rule is not None
    assert cols["last_update"].rule.kind == "datetime"
    assert cols["rental_rate"].rule is not None
    assert "DEFAULT 4.99" in (cols["rental_rate"].rule.reason or "")
    assert cols["release_year"].rule is not None
    assert cols["release_year"].rule.reason == "CHECK ((VALUE >= 1901) AND (VALUE <= 2155))"
    special = cols["special"].rule
    assert special is not None
    assert special.reason == "CHECK (special IN ('Trailers', 'Commentaries', 'Deleted Scenes'))"


def test_user_rule_wins_over_a_hint(tmp_path: Path) -> None:
    spec = import_sql(RENTAL_SQL, "postgres")
    data = spec.model_dump()
    film = next(t for t in data["tables"] if t["name"] == "film")
    col = next(c for c in film["columns"] if c["name"] == "rental_rate")
    col["rule"] = {"kind": "values", "values": [0.99, 2.99]}
    con = _generate(ExperimentSpec.model_validate(data), tmp_path)
    assert _one(con, "select count(*) from film where rental_rate not in (0.99, 2.99)") == 0


def test_hints_in_snowflake_and_redshift_ddl() -> None:
    sf = import_sql(
        "CREATE TABLE t (id int PRIMARY KEY, qty NUMBER(5,0) DEFAULT 1, "
        "grade VARCHAR(2) CHECK (grade IN ('A','B')), score int, "
        'CHECK ("SCORE" BETWEEN 0 AND 100))',
        "snowflake",
    )
    cols = {c.name.lower(): c.rule for c in sf.tables[0].columns}
    assert cols["grade"] is not None and cols["grade"].model_dump()["values"] == ["A", "B"]
    assert cols["score"] is not None
    assert (cols["score"].model_dump()["min"], cols["score"].model_dump()["max"]) == (0, 100)
    assert cols["qty"] is not None and cols["qty"].model_dump()["values"][0] == 1
    rs = import_sql("CREATE TABLE t (id int, qty smallint DEFAULT 0 CHECK (qty >= 0))", "redshift")
    qty = rs.tables[0].columns[1].rule
    assert qty is not None and qty.reason is not None and qty.reason.startswith("CHECK (qty >= 0)")
    assert qty.model_dump()["min"] >= 0
