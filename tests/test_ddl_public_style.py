"""Constructs met when importing real public schemas (benchmark kits, pg_dump, GET_DDL output).

Every script here is written for these tests in the style of those schemas; each test names the
construct that broke an import or a generation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec


def imp(sql: str, dialect: str = "ansi") -> ExperimentSpec:
    return import_sql(sql, dialect, infer=True)


def _generate(spec: ExperimentSpec, path: Path, rows: int = 40) -> duckdb.DuckDBPyConnection:
    generate_run(
        spec, path, rows={t.name: rows for t in spec.tables}, workers=1, executor="inprocess"
    )
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view {t.name} as select * from read_parquet('{path}/{t.name}/*.parquet')"
        )
    return con


# A benchmark-kit layout: a child whose primary key is exactly one composite foreign key to its
# parent's primary key (one row per parent at most), and small DECIMAL(p, 0) counters.
KIT_SQL = """
CREATE TABLE depot (
    dp_id      int          NOT NULL,
    dp_name    varchar(12)  NOT NULL,
    PRIMARY KEY (dp_id)
);
CREATE TABLE shipment (
    sh_dp_id    int           NOT NULL,
    sh_id       int           NOT NULL,
    sh_parcels  decimal(2, 0) NOT NULL,
    sh_express  decimal(1, 0) NOT NULL,
    sh_rate     decimal(4, 4) NOT NULL,
    PRIMARY KEY (sh_dp_id, sh_id)
);
CREATE TABLE pending_shipment (
    ps_dp_id int NOT NULL,
    ps_sh_id int NOT NULL,
    PRIMARY KEY (ps_dp_id, ps_sh_id)
);
ALTER TABLE shipment
    ADD CONSTRAINT fk_sh_dp FOREIGN KEY (sh_dp_id) REFERENCES depot (dp_id) ON DELETE CASCADE;
ALTER TABLE pending_shipment
    ADD CONSTRAINT fk_ps_sh FOREIGN KEY (ps_dp_id, ps_sh_id)
    REFERENCES shipment (sh_dp_id, sh_id) ON DELETE CASCADE;
"""


def test_primary_key_that_is_one_composite_foreign_key_generates(tmp_path: Path) -> None:
    spec = imp(KIT_SQL, "postgres")
    pending = spec.table("pending_shipment")
    assert pending.primary_key == ["ps_dp_id", "ps_sh_id"]
    assert [fk.columns for fk in pending.foreign_keys] == [["ps_dp_id", "ps_sh_id"]]
    con = _generate(spec, tmp_path)
    dup = con.execute(
        "select count(*) from (select ps_dp_id, ps_sh_id from pending_shipment "
        "group by all having count(*) > 1)"
    ).fetchone()
    orphans = con.execute(
        "select count(*) from pending_shipment p left join shipment s "
        "on p.ps_dp_id = s.sh_dp_id and p.ps_sh_id = s.sh_id where s.sh_id is null"
    ).fetchone()
    assert dup == (0,) and orphans == (0,)


def test_small_integral_decimals_generate_within_precision(tmp_path: Path) -> None:
    con = _generate(imp(KIT_SQL, "postgres"), tmp_path)
    row = con.execute(
        "select max(abs(sh_parcels)), max(abs(sh_express)), max(abs(sh_rate)) from shipment"
    ).fetchone()
    assert row is not None
    assert row[0] < 100 and row[1] < 10 and row[2] < 1


# pg_dump of an older database: sequences and views get `ALTER TABLE ... OWNER TO`, functions
# are listed by qualified name, and monthly partitions are inheritance children holding only a
# CHECK constraint.
DUMP_SQL = """
SET client_encoding = 'UTF8';
CREATE SEQUENCE visit_visit_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER TABLE visit_visit_id_seq OWNER TO app;
CREATE TABLE clinic (
    clinic_id integer NOT NULL,
    label character varying(40) NOT NULL
);
CREATE TABLE visit (
    visit_id integer DEFAULT nextval('visit_visit_id_seq'::regclass) NOT NULL,
    clinic_id integer NOT NULL,
    seen_at timestamp without time zone NOT NULL
);
ALTER TABLE visit OWNER TO app;
CREATE TABLE visit_y2021 (
    CONSTRAINT visit_y2021_seen_at_check CHECK (((seen_at >= '2021-01-01'::timestamp) AND
        (seen_at < '2022-01-01'::timestamp)))
)
INHERITS (visit);
CREATE TABLE visit_note (
    body text
)
INHERITS (visit);
CREATE VIEW recent_visits AS SELECT * FROM visit;
ALTER TABLE recent_visits OWNER TO app;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
ALTER FUNCTION public.touch() OWNER TO app;
ALTER TABLE ONLY clinic ADD CONSTRAINT clinic_pkey PRIMARY KEY (clinic_id);
ALTER TABLE ONLY visit ADD CONSTRAINT visit_pkey PRIMARY KEY (visit_id);
ALTER TABLE ONLY visit
    ADD CONSTRAINT visit_clinic_id_fkey FOREIGN KEY (clinic_id) REFERENCES clinic(clinic_id);
ALTER TABLE ONLY visit_y2021
    ADD CONSTRAINT visit_y2021_clinic_id_fkey FOREIGN KEY (clinic_id) REFERENCES clinic(clinic_id);
ALTER TABLE ONLY missing_table ADD CONSTRAINT m_pkey PRIMARY KEY (x);
"""


def test_owner_of_sequences_and_views_is_a_note_not_a_warning() -> None:
    spec = imp(DUMP_SQL, "postgres")
    assert not any("visit_visit_id_seq" in w or "recent_visits" in w for w in spec.warnings)
    assert any("ALTER TABLE visit_visit_id_seq OWNER" in n for n in spec.notes)
    # a key added to a table the script never creates is still a warning: a key was lost
    assert any("missing_table" in w for w in spec.warnings)


def test_inheritance_child_without_own_columns_is_folded_into_its_parent() -> None:
    spec = imp(DUMP_SQL, "postgres")
    names = {t.name for t in spec.tables}
    assert "visit_y2021" not in names
    assert any("partition visit_y2021 of visit" in n for n in spec.notes)
    # a child with columns of its own is a table of its own, with the parent's columns first
    assert [c.name for c in spec.table("visit_note").columns] == [
        "visit_id",
        "clinic_id",
        "seen_at",
        "body",
    ]
    assert [fk.references_table for fk in spec.table("visit").foreign_keys] == ["clinic"]


def test_skipped_statement_names_keep_their_schema() -> None:
    spec = imp(DUMP_SQL, "postgres")
    assert any("ALTER FUNCTION public.touch" in n for n in spec.notes)


def test_a_products_name_is_a_product_not_a_word_or_a_person() -> None:
    from dwsim_nb.ddl import import_sql as _import
    from dwsim_nb.engine.generators.products import product_pool
    from dwsim_nb.spec.rules import RecordRule as _Record

    spec = _import(
        """
        create table products (product_id int primary key, product_name varchar(40));
        create table items (id int primary key, name varchar(80));
        create table item (i_item_sk int primary key, i_product_name varchar(50));
        create table artist (id int primary key, name varchar(120));
        create table tags (id int primary key, item_name varchar(8));
        """,
        dialect="postgres",
    )
    for table, col in (("products", "product_name"), ("items", "name"), ("item", "i_product_name")):
        rule = spec.table(table).column(col).rule
        assert isinstance(rule, _Record) and rule.record == "product", (table, col)
        assert "a product's name" in str(rule.reason)
    assert getattr(spec.table("artist").column("name").rule, "record", None) != "product"
    assert getattr(spec.table("tags").column("item_name").rule, "record", None) != "product"
    names = product_pool().to_pylist()
    assert all(" " in n and n[0].isupper() for n in names)
    assert len(set(names)) > 1000


def test_a_pack_size_and_a_kinds_bare_name_are_labels_not_words_or_people() -> None:
    from dwsim_nb.ddl import import_sql as _import
    from dwsim_nb.spec.rules import ValuesRule as _Values

    spec = _import(
        """
        create table products (id int primary key, quantity_per_unit varchar(20));
        create table media_type (id int primary key, name varchar(120));
        create table member_level (id int primary key, name varchar(40), email varchar(80));
        create table vendor (id int primary key, name varchar(60));
        """,
        dialect="postgres",
    )
    pack = spec.table("products").column("quantity_per_unit").rule
    assert isinstance(pack, _Values) and "packed" in str(pack.reason)
    assert all(len(str(v)) <= 20 and str(v)[0].isdigit() for v in pack.values)
    label = spec.table("media_type").column("name").rule
    assert isinstance(label, _Values) and "a label of a kind" in str(label.reason)
    assert all(str(v).endswith(" Media") and str(v).istitle() for v in label.values)
    # a table with an e-mail describes people; a vendor's name is a company's
    for table in ("member_level", "vendor"):
        assert "a label of a kind" not in str(spec.table(table).column("name").rule.reason)
