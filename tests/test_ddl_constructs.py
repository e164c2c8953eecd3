"""One test per construct of the DDL import (issue 2, part 4)."""

from __future__ import annotations

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.errors import DDLError, DwsimError
from dwsim_nb.spec import ExperimentSpec


def imp(sql: str, dialect: str = "ansi", **kw: object) -> ExperimentSpec:
    return import_sql(sql, dialect, infer=False, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "head",
    [
        "CREATE TABLE IF NOT EXISTS t",
        "CREATE OR REPLACE TABLE t",
        "CREATE TEMP TABLE t",
        "CREATE TEMPORARY TABLE t",
        "CREATE TRANSIENT TABLE t",
        "CREATE GLOBAL TEMPORARY TABLE t",
        "CREATE UNLOGGED TABLE t",
        "create table s.t",
        "CREATE TABLE db.s.t",
        'CREATE TABLE "db"."s"."t"',
    ],
)
def test_create_table_forms(head: str) -> None:
    s = imp(f"{head} (id INT PRIMARY KEY, v VARCHAR(5));", "snowflake")
    assert [t.name for t in s.tables] == ["t"]
    assert s.tables[0].primary_key == ["id"]
    if "." in head:
        assert s.tables[0].source_name == head.split()[-1]


def test_temporary_and_transient_kept_as_physical() -> None:
    s = imp("CREATE TEMP TABLE a (x INT); CREATE TRANSIENT TABLE b (x INT);", "snowflake")
    assert s.table("a").physical == {"temporary": True}
    assert s.table("b").physical == {"transient": True}


def test_ctas_with_column_list_takes_types_from_casts() -> None:
    s = imp(
        "CREATE TABLE base (a INT, b DATE);"
        "CREATE TABLE t (x, y) AS SELECT a, CAST(b AS TIMESTAMP) FROM base;",
        "postgres",
    )
    assert [(c.name, c.data_type) for c in s.table("t").columns] == [
        ("x", "INT"),
        ("y", "TIMESTAMP"),
    ]


@pytest.mark.parametrize(
    ("spelling", "data_type", "extra"),
    [
        ("NUMBER(38,0)", "DECIMAL", {"precision": 38, "scale": 0}),
        ("VARCHAR(MAX)", "VARCHAR", {"varchar_length": 65535}),
        ("VARCHAR(16777216)", "VARCHAR", {"varchar_length": 65535}),  # "no limit"
        ("STRING", "VARCHAR", {}),
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP", {}),
        ("TIMESTAMP_LTZ", "TIMESTAMPTZ", {}),
        ("TIMESTAMP_TZ(3)", "TIMESTAMPTZ", {}),
        ("TIMESTAMP(3) WITH TIME ZONE", "TIMESTAMPTZ", {}),
        ("timestamp without time zone", "TIMESTAMP", {}),
        ("SUPER", "SUPER", {}),
        ("VARIANT", "VARIANT", {}),
        ("OBJECT", "OBJECT", {}),
        ("ARRAY", "ARRAY", {}),
        ("BINARY", "BINARY", {}),
        ("double precision", "DOUBLE", {}),
        ("character varying(20)", "VARCHAR", {"varchar_length": 20}),
        ("int[]", "ARRAY", {}),
        ("text[][]", "ARRAY", {}),
        ("INTEGER ARRAY", "ARRAY", {}),
        ("numeric(10, 2)", "DECIMAL", {"precision": 10, "scale": 2}),
        ("jsonb", "JSON", {}),
        ("uuid", "UUID", {}),
        ("bytea", "BINARY", {}),
        ("STRUCT(a INT, b STRUCT(c INT))", "OBJECT", {}),
    ],
)
def test_type_spellings(spelling: str, data_type: str, extra: dict[str, int]) -> None:
    col = imp(f"CREATE TABLE t (c {spelling});", "postgres").tables[0].columns[0]
    assert col.data_type == data_type
    for key, value in extra.items():
        assert getattr(col, key) == value


@pytest.mark.parametrize("spelling", ["SERIAL", "BIGSERIAL", "smallserial"])
def test_serial_becomes_sequence(spelling: str) -> None:
    col = imp(f"CREATE TABLE t (id {spelling} PRIMARY KEY);", "postgres").tables[0].columns[0]
    assert col.rule_kind() == "sequence" and col.required


def test_enum_via_create_type() -> None:
    s = imp(
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE p (m mood NOT NULL);",
        "postgres",
    )
    col = s.tables[0].columns[0]
    assert (col.data_type, col.values, col.required) == ("VARCHAR", ["sad", "ok", "happy"], True)
    assert s.notes == ["line 1: enum mood read; its columns use its 3 labels"]


def test_domain_resolves_to_base_type_with_not_null_and_check() -> None:
    s = imp(
        "CREATE DOMAIN code AS varchar(3) NOT NULL CHECK (VALUE IN ('a', 'b'));"
        "CREATE TABLE p (c code);",
        "postgres",
    )
    col = s.tables[0].columns[0]
    assert (col.data_type, col.varchar_length, col.required) == ("VARCHAR", 3, True)
    assert col.values == ["a", "b"]


def test_inline_and_table_level_keys() -> None:
    s = imp("""CREATE TABLE a (id INT PRIMARY KEY, code CHAR(3) UNIQUE);
               CREATE TABLE b (x INT, y INT, aid INT REFERENCES a (id),
                               CONSTRAINT pk PRIMARY KEY (x, y), UNIQUE (aid, y),
                               CONSTRAINT f FOREIGN KEY (aid) REFERENCES a);""")
    a, b = s.tables
    assert a.column("code").is_unique
    assert b.primary_key == ["x", "y"] and b.unique == [["aid", "y"]]
    assert [(fk.columns, fk.references_columns) for fk in b.foreign_keys] == [(["aid"], ["id"])]


@pytest.mark.parametrize(
    "alter",
    [
        "ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id)",
        "ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p",
        "ALTER TABLE c ADD FOREIGN KEY fk_name (pid) REFERENCES p",
        "ALTER TABLE ONLY public.c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES public.p(id)",
    ],
)
def test_alter_table_add_foreign_key(alter: str) -> None:
    s = imp(
        f"CREATE TABLE public.p (id INT); CREATE TABLE public.c (pid INT NOT NULL);"
        f"ALTER TABLE p ADD PRIMARY KEY (id); {alter};",
        "redshift",
    )
    fk = s.table("c").foreign_keys[0]
    assert (fk.columns, fk.references_table, fk.references_columns, fk.nullable) == (
        ["pid"],
        "p",
        ["id"],
        False,
    )


def test_alter_table_add_unique_and_composite_primary_key() -> None:
    s = imp(
        "CREATE TABLE t (a INT, b INT, c INT);"
        "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a, b);"
        "ALTER TABLE t ADD UNIQUE (c);"
    )
    assert s.tables[0].primary_key == ["a", "b"] and s.tables[0].unique == [["c"]]


def test_references_without_columns_resolved_after_the_script() -> None:
    s = imp(
        "CREATE TABLE c (pid INT REFERENCES p); CREATE TABLE p (id INT);"
        "ALTER TABLE p ADD PRIMARY KEY (id);"
    )
    assert s.table("c").foreign_keys[0].references_columns == ["id"]


def test_fk_to_missing_table_is_a_warning_and_dropped() -> None:
    s = imp("CREATE TABLE c (id INT,\n pid INT REFERENCES elsewhere (id));")
    assert s.tables[0].foreign_keys == []
    assert s.warnings == [
        "line 2: table 'c', foreign key (pid) references 'elsewhere', which is not in the "
        "script; the key was dropped (add the table to keep it)"
    ]


def test_fk_nullability_follows_columns() -> None:
    s = imp(
        "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b));"
        "CREATE TABLE c (x INT NOT NULL, y INT, FOREIGN KEY (x, y) REFERENCES p (a, b));"
        "CREATE TABLE d (x INT NOT NULL, y INT NOT NULL, FOREIGN KEY (x, y) REFERENCES p);"
    )
    assert s.table("c").foreign_keys[0].nullable is False  # not every column is nullable
    assert s.table("d").foreign_keys[0].nullable is False
    s2 = imp("CREATE TABLE p (a INT PRIMARY KEY); CREATE TABLE c (x INT REFERENCES p);")
    assert s2.table("c").foreign_keys[0].nullable is True


def test_redshift_column_and_table_physical_options() -> None:
    s = imp(
        """create table t (
        id int identity(10, 5) encode az64 distkey,
        ts timestamp sortkey,
        v varchar(10) encode zstd) backup no diststyle key;
        create table u (a int, b int) interleaved sortkey (a, b);
        create table w (a int) compound sortkey (a);
        create table z (a int) sortkey auto;""",
        "redshift",
    )
    t = s.table("t")
    assert t.physical == {"distkey": "id", "diststyle": "key", "sortkey": ["ts"], "backup": False}
    assert t.column("id").sequence is not None
    assert (t.column("id").sequence.start, t.column("id").sequence.step) == (10, 5)
    assert t.column("v").physical == {"encode": "zstd"}
    assert s.table("u").physical == {"sortkey_style": "interleaved", "sortkey": ["a", "b"]}
    assert s.table("w").physical == {"sortkey_style": "compound", "sortkey": ["a"]}
    assert s.table("z").physical == {"sortkey": "auto"}


@pytest.mark.parametrize(
    ("option", "start", "step"),
    [
        ("AUTOINCREMENT", 1, 1),
        ("AUTOINCREMENT START 5 INCREMENT 2", 5, 2),
        ("IDENTITY(100, 10)", 100, 10),
        ("AUTOINCREMENT (7, 3)", 7, 3),
        ("IDENTITY START 3 INCREMENT 4 NOORDER", 3, 4),
    ],
)
def test_snowflake_autoincrement_identity(option: str, start: int, step: int) -> None:
    col = (
        imp(f"CREATE TABLE t (id NUMBER(38,0) {option}, x INT);", "snowflake").tables[0].columns[0]
    )
    assert col.sequence is not None and (col.sequence.start, col.sequence.step) == (start, step)


def test_snowflake_cluster_by_before_and_after_columns_collate_comment_default() -> None:
    s = imp(
        """CREATE TABLE a CLUSTER BY (d) (d DATE, n VARCHAR COLLATE 'en-ci' COMMENT 'the name');
               CREATE TABLE b (d DATE DEFAULT CURRENT_DATE(), s VARCHAR DEFAULT 'x')
               CLUSTER BY (d, s) COMMENT = 'bee';""",
        "snowflake",
    )
    assert s.table("a").physical == {"cluster_by": ["d"]}
    assert s.table("a").column("n").physical == {"collate": "en-ci"}
    assert s.table("a").column("n").comment == "the name"
    assert s.table("b").physical == {"cluster_by": ["d", "s"]} and s.table("b").comment == "bee"
    assert s.table("b").column("d").default == "CURRENT_DATE()"
    assert s.table("b").column("s").default == "'x'"


def test_postgres_generated_identity_and_nextval() -> None:
    s = imp(
        """CREATE SEQUENCE s START WITH 50 INCREMENT BY 5;
               CREATE TABLE t (
                 a bigint GENERATED ALWAYS AS IDENTITY (START WITH 7 INCREMENT BY 3),
                 b int GENERATED BY DEFAULT AS IDENTITY,
                 c int DEFAULT nextval('s'::regclass),
                 d int DEFAULT nextval('unknown_seq'));""",
        "postgres",
    )
    seqs = [(c.sequence.start, c.sequence.step) for c in s.tables[0].columns if c.sequence]
    assert seqs == [(7, 3), (1, 1), (50, 5), (1, 1)]


def test_partition_of_is_the_same_table_and_partition_by_is_kept() -> None:
    s = imp(
        """CREATE TABLE m (id int, d date) PARTITION BY RANGE (d);
               CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            """,
        "postgres",
    )
    assert [t.name for t in s.tables] == ["m"]
    assert s.tables[0].physical == {"partition_by": "RANGE (d)"}
    assert s.notes[0].startswith("line 2: skipped partition m_2024 of m")


@pytest.mark.parametrize(
    ("stmt", "note"),
    [
        ("CREATE SCHEMA s", "skipped CREATE SCHEMA s"),
        ("CREATE SEQUENCE q", "skipped CREATE SEQUENCE q"),
        ("CREATE VIEW v AS SELECT 1", "skipped CREATE VIEW v"),
        ("CREATE OR REPLACE VIEW v AS SELECT 1", "skipped CREATE VIEW v"),
        ("CREATE MATERIALIZED VIEW mv AS SELECT 1", "skipped CREATE MATERIALIZED VIEW mv"),
        ("CREATE INDEX i ON t (a)", "skipped CREATE INDEX i"),
        (
            "CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql",
            "skipped CREATE FUNCTION f",
        ),
        ("CREATE EXTENSION IF NOT EXISTS pgcrypto", "skipped CREATE EXTENSION pgcrypto"),
        ("GRANT SELECT ON t TO bob", "skipped GRANT"),
        ("COMMENT ON SCHEMA s IS 'x'", "skipped COMMENT ON SCHEMA"),
        ("USE warehouse_db", "skipped USE warehouse_db"),
        ("SET search_path = public", "skipped SET search_path"),
        ("INSERT INTO t VALUES (1)", "skipped INSERT INTO t"),
        ("DROP TABLE IF EXISTS t", "skipped DROP TABLE IF"),
        ("BEGIN", "skipped BEGIN"),
        ("\\connect db", "skipped psql command \\connect"),
    ],
)
def test_non_table_statements_are_noted(stmt: str, note: str) -> None:
    sep = "\n" if stmt.startswith("\\") else ";\n"
    s = imp(f"{stmt}{sep}CREATE TABLE t (a INT);", "postgres")
    assert s.notes[0].startswith("line 1: ") and note in s.notes[0]
    assert [t.name for t in s.tables] == ["t"]


def test_comment_on_becomes_comments() -> None:
    s = imp(
        "CREATE TABLE s.t (a INT); COMMENT ON TABLE s.t IS 'tee';"
        "COMMENT ON COLUMN s.t.a IS 'it''s a';",
        "postgres",
    )
    assert s.tables[0].comment == "tee" and s.tables[0].columns[0].comment == "it's a"


def test_unparseable_statement_is_a_warning_and_the_rest_imports() -> None:
    s = imp("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT,, z);\nCREATE TABLE c (z INT);")
    assert [t.name for t in s.tables] == ["a", "c"]
    assert len(s.warnings) == 1 and s.warnings[0].startswith("line 2, column ")
    assert "CREATE TABLE b" in s.warnings[0] and "empty item" in s.warnings[0]


def test_strict_raises_with_line_column_and_snippet() -> None:
    with pytest.raises(DDLError) as info:
        imp("CREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT", strict=True, source="f.sql")
    err = info.value
    assert err.line == 3 and err.col is not None and err.snippet
    assert "f.sql, line 3" in str(err)


def test_no_tables_is_an_error_listing_what_was_skipped() -> None:
    with pytest.raises(DDLError, match=r"no CREATE TABLE.*CREATE VIEW v"):
        imp("CREATE VIEW v AS SELECT 1; GRANT ALL ON v TO x;")


@pytest.mark.parametrize("text", ["", "   \n\t", "-- only a comment\n"])
def test_empty_text_is_an_error(text: str) -> None:
    with pytest.raises(DDLError):
        imp(text)


def test_unknown_dialect_names_the_accepted_ones() -> None:
    with pytest.raises(DDLError, match="redshift, snowflake, postgres, duckdb, ansi"):
        import_sql("CREATE TABLE t (a INT)", "oracle")


@pytest.mark.parametrize("dialect", ["sqlite", "generic", "ansi"])
def test_other_accepted_dialects(dialect: str) -> None:
    assert import_sql("CREATE TABLE t (a INT)", dialect).tables[0].name == "t"


def test_quoted_unicode_and_reserved_names() -> None:
    s = imp(
        'CREATE TABLE "date" ("user" TEXT, "Größe" INT, "select" INT, "a""b" INT);'
        'CREATE TABLE "Ünïcødé tåble" (id INT);',
        "postgres",
    )
    assert [c.name for c in s.table("date").columns] == ["user", "Größe", "select", 'a"b']
    assert s.tables[1].name == "Ünïcødé tåble"


def test_binary_garbage_only_raises_dwsim_errors() -> None:
    with pytest.raises(DwsimError):
        imp("\x00\xff\xfe garbage ' unterminated")
