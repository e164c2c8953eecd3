"""More hints the DDL carries: LIKE and column-order CHECKs, one-sided bounds, generated columns,
DEFAULT expressions, identity columns inside composite keys, arrays and vectors, COMMENTs,
widths, and foreign keys pg_dump declares on partitions.

Each test imports a script, generates rows and asserts with SQL on the data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec

RENTAL_SQL = """
CREATE TABLE public.customer (
    customer_id integer DEFAULT nextval('public.customer_customer_id_seq'::regclass) NOT NULL,
    c2 character(2),
    contact character varying(60),
    yn character(1),
    lang character(2),
    currency character(3),
    active_flag character(1),
    rate numeric(2,2),
    tags text[],
    scores integer[],
    embedding public.vector(20),
    code character varying(8) CHECK (code LIKE 'AB%'),
    ref text,
    pct integer CHECK (pct <= 100),
    half numeric(4,2) CHECK (half < 0.5),
    entered timestamp without time zone DEFAULT CURRENT_TIMESTAMP,
    entered_on date DEFAULT ('now'::text)::date,
    token text DEFAULT gen_random_uuid(),
    CONSTRAINT customer_ref_check CHECK ((ref ~~ 'X_-%'::text))
);
COMMENT ON COLUMN public.customer.c2 IS 'ISO 3166 country code';
COMMENT ON COLUMN public.customer.contact IS 'customer e-mail';
COMMENT ON COLUMN public.customer.yn IS 'Y/N flag';

CREATE TABLE public.film (
    film_id integer GENERATED ALWAYS AS IDENTITY,
    length smallint CHECK (length > 0),
    length_hours numeric(6,2) GENERATED ALWAYS AS (round(((length)::numeric / 60.0), 2)) STORED,
    shout text GENERATED ALWAYS AS (upper(title)) STORED,
    title text,
    low_price integer,
    high_price integer,
    discount numeric(4,2),
    price numeric(8,2),
    CONSTRAINT price_order CHECK (low_price < high_price AND discount < price)
);

CREATE TABLE public.rental (
    rental_id integer NOT NULL,
    rental_date date NOT NULL,
    return_date date,
    picked_up timestamp,
    dropped_off timestamp CHECK (dropped_off >= picked_up),
    CONSTRAINT rental_order CHECK (return_date > rental_date)
);

CREATE TABLE public.payment (
    payment_id integer DEFAULT nextval('public.payment_payment_id_seq'::regclass) NOT NULL,
    customer_id integer NOT NULL,
    amount numeric(5,2) NOT NULL,
    payment_date timestamp with time zone NOT NULL
)
PARTITION BY RANGE (payment_date);
CREATE TABLE public.payment_p2022_01 (
    payment_id integer DEFAULT nextval('public.payment_payment_id_seq'::regclass) NOT NULL,
    customer_id integer NOT NULL,
    amount numeric(5,2) NOT NULL,
    payment_date timestamp with time zone NOT NULL
);
CREATE TABLE public.payment_p2022_02 (
    payment_id integer DEFAULT nextval('public.payment_payment_id_seq'::regclass) NOT NULL,
    customer_id integer NOT NULL,
    amount numeric(5,2) NOT NULL,
    payment_date timestamp with time zone NOT NULL
);
CREATE TABLE public.payment_p2022_03 PARTITION OF public.payment
    FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00');
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2022_01
    FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00');
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2022_02
    FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00');
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (customer_id);
ALTER TABLE ONLY public.payment ADD CONSTRAINT payment_pkey PRIMARY KEY (payment_date, payment_id);
ALTER TABLE ONLY public.payment_p2022_01
    ADD CONSTRAINT payment_p2022_01_pkey PRIMARY KEY (payment_date, payment_id);
ALTER TABLE ONLY public.payment_p2022_01 ADD CONSTRAINT payment_p2022_01_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
ALTER TABLE ONLY public.payment_p2022_02 ADD CONSTRAINT payment_p2022_02_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
ALTER TABLE ONLY public.payment_p2022_03 ADD CONSTRAINT payment_p2022_03_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
"""

SNOWFLAKE_SQL = """
CREATE OR REPLACE TABLE tasty.orders (
    order_id NUMBER AUTOINCREMENT START 1 INCREMENT 1,
    quantity NUMBER(5,0),
    unit_price NUMBER(8,2),
    order_total NUMBER(14,2) AS (quantity * unit_price),
    features VECTOR(FLOAT, 8),
    toppings ARRAY,
    PRIMARY KEY (order_id, quantity)
);
"""

ROWS = 2000


def _generate(spec: ExperimentSpec, path: Path, rows: int = ROWS) -> duckdb.DuckDBPyConnection:
    generate_run(
        spec, path, rows={t.name: rows for t in spec.tables}, workers=1, executor="inprocess"
    )
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view {t.name} as select * from read_parquet('{path}/{t.key}/*.parquet')"
        )
    return con


@pytest.fixture(scope="module")
def spec() -> ExperimentSpec:
    return import_sql(RENTAL_SQL, "postgres")


@pytest.fixture(scope="module")
def con(
    spec: ExperimentSpec, tmp_path_factory: pytest.TempPathFactory
) -> duckdb.DuckDBPyConnection:
    return _generate(spec, tmp_path_factory.mktemp("rental"))


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_like_checks_give_matching_strings(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from customer where code not like 'AB%'") == 0
    assert _one(con, "select max(length(code)) from customer") <= 8
    assert _one(con, "select count(distinct code) from customer") > 100
    assert _one(con, "select count(*) from customer where ref not like 'X_-%'") == 0


def test_one_sided_upper_bounds_hold(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from customer where pct > 100") == 0
    assert _one(con, "select count(*) from customer where half >= 0.5") == 0
    assert _one(con, "select count(distinct pct) from customer") > 20


def test_date_order_checks_hold_in_every_row(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from rental where return_date <= rental_date") == 0
    assert _one(con, "select count(*) from rental where dropped_off < picked_up") == 0
    # the later column still varies: it is not a copy of the earlier one plus a constant
    assert _one(con, "select count(distinct return_date - rental_date) from rental") > 30


def test_number_order_checks_hold_in_every_row(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from film where low_price >= high_price") == 0
    assert _one(con, "select count(*) from film where discount >= price") == 0
    assert _one(con, "select count(distinct high_price) from film") > 100


def test_generated_column_is_computed_from_its_expression(
    spec: ExperimentSpec, con: duckdb.DuckDBPyConnection
) -> None:
    wrong = "select count(*) from film where length_hours <> round(length / 60.0, 2)"
    assert _one(con, wrong) == 0
    assert _one(con, "select count(distinct length_hours) from film") > 50
    rule = spec.table("film").column("length_hours").rule
    assert rule is not None and (rule.reason or "").startswith("GENERATED ALWAYS AS")
    # an expression the generator cannot compute is a note, not an error
    assert any("shout" in n and "upper(title)" in n for n in spec.notes)


def test_default_expressions(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select min(year(entered)) from customer") >= 2020
    assert _one(con, "select count(distinct entered) from customer") > 1000
    assert _one(con, "select min(year(entered_on)) from customer") >= 2020
    uuids = "select count(*) from customer where regexp_full_match(token, '[0-9a-f-]{36}')"
    assert _one(con, uuids) == _one(con, "select count(token) from customer") > 0
    assert _one(con, "select count(distinct token) = count(token) from customer")


def test_identity_is_unique_inside_a_composite_key(
    spec: ExperimentSpec, con: duckdb.DuckDBPyConnection
) -> None:
    assert spec.table("payment").primary_key == ["payment_date", "payment_id"]
    assert _one(con, "select count(distinct payment_id) from payment") == ROWS
    assert _one(con, "select min(payment_id) from payment") == 1
    assert _one(con, "select max(payment_id) from payment") == ROWS
    assert _one(con, "select count(distinct payment_date) from payment") > ROWS // 2


def test_partition_foreign_keys_move_to_the_parent(
    spec: ExperimentSpec, con: duckdb.DuckDBPyConnection
) -> None:
    assert [t.name for t in spec.tables].count("payment") == 1
    assert not any(t.name.startswith("payment_p") for t in spec.tables)
    fks = spec.table("payment").foreign_keys
    assert [(f.columns, f.references_table) for f in fks] == [(["customer_id"], "customer")]
    orphans = (
        "select count(*) from payment p left join customer c using (customer_id) "
        "where c.customer_id is null"
    )
    assert _one(con, orphans) == 0
    assert _one(con, "select count(distinct customer_id) from payment") > 100


def test_comments_and_widths_say_what_names_do_not(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(con, "select count(*) from customer where not regexp_full_match(c2, '[A-Z]{2}')") == 0
    )
    assert _one(con, "select count(distinct c2) from customer") > 20
    assert _one(con, "select count(*) from customer where contact not like '%@%.%'") == 0
    assert _one(con, "select count(*) from customer where yn not in ('Y', 'N')") == 0
    assert _one(con, "select count(*) from customer where active_flag not in ('Y', 'N')") == 0
    assert (
        _one(con, "select count(*) from customer where not regexp_full_match(lang, '[a-z]{2}')")
        == 0
    )
    assert _one(con, "select count(distinct lang) from customer") > 3
    iso = "('USD','EUR','JPY','GBP','CNY','AUD','CAD','CHF','HKD','SGD','SEK','MXN')"
    assert _one(con, f"select count(*) from customer where currency not in {iso}") == 0
    assert _one(con, "select count(*) from customer where rate < 0 or rate > 0.99") == 0
    assert _one(con, "select count(distinct rate) from customer") > 5


def test_rules_carry_reasons(spec: ExperimentSpec) -> None:
    customer = spec.table("customer")
    reasons = {c.name: (c.rule.reason if c.rule else None) for c in customer.columns}
    assert (reasons["c2"] or "").startswith("comment: 'ISO 3166 country code'")
    assert (reasons["lang"] or "").startswith("width:")
    assert (reasons["code"] or "").startswith("CHECK (code LIKE")


def test_arrays_and_vectors(con: duckdb.DuckDBPyConnection) -> None:
    # Real lists in the Parquet files: text[] of words, integer[] of numbers, vector(20) of
    # exactly 20 4-byte floats in [-1, 1] (Parquet reads a fixed-size list back as a list).
    types = con.execute("select typeof(tags), typeof(scores), typeof(embedding) from customer")
    assert types.fetchone() == ("VARCHAR[]", "INTEGER[]", "FLOAT[]")
    rows = con.execute("select tags, scores, embedding from customer limit 300").fetchall()
    lengths = set()
    for t, s, e in rows:
        assert isinstance(t, list) and all(isinstance(x, str) for x in t)
        assert isinstance(s, list) and all(isinstance(x, int) for x in s)
        assert len(e) == 20 and all(isinstance(x, float) and -1 <= x <= 1 for x in e)
        lengths.add(len(t))
    assert len(lengths) > 1


def test_snowflake_computed_column_vector_and_identity_key(tmp_path: Path) -> None:
    spec = import_sql(SNOWFLAKE_SQL, "snowflake")
    con = _generate(spec, tmp_path)
    assert _one(con, "select count(*) from orders where order_total <> quantity * unit_price") == 0
    assert _one(con, "select count(distinct order_id) from orders") == ROWS
    vectors = [v for (v,) in con.execute("select features from orders").fetchall()]
    assert {len(v) for v in vectors} == {8}
    # Snowflake's untyped ARRAY holds lists of words.
    toppings = [t for (t,) in con.execute("select toppings from orders").fetchall()]
    assert all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in toppings)


def test_workspace_loads_generated_and_array_columns_into_duckdb(tmp_path: Path) -> None:
    from dwsim_nb.workspace import Workspace

    ws = Workspace(tmp_path)
    exp = ws.import_sql(RENTAL_SQL, dialect="postgres", name="rental_hints")
    exp.generate(rows={t.name: 300 for t in exp.spec.tables})
    df = exp.query("select count(*) as n from film where length_hours = round(length / 60.0, 2)")
    assert int(df["n"][0]) == int(exp.query("select count(length) as n from film")["n"][0]) > 0
    sql = "select count(*) as n from customer where array_length(embedding, 1) <> 20"
    assert int(exp.query(sql)["n"][0]) == 0
    sql = "select count(*) as n from customer where cardinality(tags) between 1 and 4"
    tagged = int(exp.query("select count(tags) as n from customer")["n"][0])
    assert int(exp.query(sql)["n"][0]) == tagged > 0


@pytest.mark.postgres
def test_postgres_loads_generated_and_array_columns(postgres_url: str, tmp_path: Path) -> None:
    from dwsim_nb.warehouses import LoadPlan, get_warehouse

    spec = import_sql(RENTAL_SQL, "postgres")
    run = tmp_path / "run"
    generate_run(
        spec, run, rows={t.name: 300 for t in spec.tables}, workers=1, executor="inprocess"
    )
    wh = get_warehouse("postgres", tmp_path / "ws", url=postgres_url)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(run))
    sql = "select count(*) from film where length_hours <> round(length / 60.0, 2)"
    assert int(wh.query(spec, sql).iloc[0, 0]) == 0
    # Native arrays: real[] for the vector (no pgvector here), text[] for tags.
    sql = "select count(*) from customer where array_length(embedding, 1) <> 20"
    assert int(wh.query(spec, sql).iloc[0, 0]) == 0
    sql = "select pg_typeof(embedding)::text, pg_typeof(tags)::text from customer limit 1"
    assert tuple(wh.query(spec, sql).iloc[0]) == ("real[]", "text[]")
    sql = "select count(distinct payment_id) from payment"
    assert int(wh.query(spec, sql).iloc[0, 0]) == 300
