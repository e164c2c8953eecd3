"""Names never become code: a table name, a physical option or a comment that looks like SQL (or
Python, or a glob) stays data in every statement, notebook and path the package writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dwsim_nb as dw
from dwsim_nb.ddl.writer import WRITE_DIALECTS

VICTIM_KILLER = 'victim;TRUNCATE"victim";select(1)'


def victim_spec(warehouse: str, name: str = "e") -> dict[str, Any]:
    return {
        "name": name,
        "target_warehouse": warehouse,
        "tables": [
            {"name": "victim", "target_rows": 5, "columns": [{"name": "a", "data_type": "INT"}]},
            {
                "name": VICTIM_KILLER,
                "target_rows": 3,
                "columns": [{"name": "b", "data_type": "INT"}],
            },
        ],
    }


def _read_hostile_table(exp: Any) -> None:
    exp.generate(seed=1, workers=1)
    df = exp.read_table(VICTIM_KILLER, limit=100)
    assert list(df.columns) == ["b"] and len(df) == 3
    assert len(exp.read_table(VICTIM_KILLER, limit=2)) == 2
    assert exp.table_counts() == {"victim": 5, VICTIM_KILLER: 3}


# --- reading a table by name (%dwsim_profile) ----------------------------------------------------


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite", "snowflake"])
def test_read_table_quotes_the_name(home: Path, warehouse: str) -> None:
    if warehouse == "snowflake":
        pytest.importorskip("fakesnow")
    exp = dw.Workspace(home).create(victim_spec(warehouse))
    _read_hostile_table(exp)


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
def test_read_table_quotes_the_name_on_postgres(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, warehouse: str
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", postgres_url)
    exp = dw.Workspace(home).create(victim_spec(warehouse))
    _read_hostile_table(exp)


def test_read_table_names_the_tables_it_knows(home: Path) -> None:
    exp = dw.Workspace(home).create(victim_spec("duckdb"))
    with pytest.raises(dw.DwsimError, match="no table 'nosuch'") as err:
        exp.read_table("nosuch")
    assert "victim" in str(err.value)


def test_profile_magic_reads_a_hostile_table_as_data(ip: Any, home: Path) -> None:
    from IPython.utils.capture import capture_output

    exp = dw.Workspace(home).create(victim_spec("duckdb"))
    exp.generate(seed=1, workers=1)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_profile", f"e {VICTIM_KILLER}")
    assert any("image/png" in o.data for o in cap.outputs), cap.stderr
    assert exp.table_counts() == {"victim": 5, VICTIM_KILLER: 3}


def test_inferring_from_a_database_keeps_colons_in_names(tmp_path: Path) -> None:
    """SQLAlchemy's text() reads ``:name`` as a bind parameter, even inside a quoted name."""
    import sqlite3

    from dwsim_nb.infer.sources import read_source

    db = tmp_path / "src.db"
    with sqlite3.connect(db) as con:
        con.execute('create table ":b" (":c" int)')
        con.executemany('insert into ":b" values (?)', [(1,), (2,), (2,)])
    for rows in (100, 1):  # read whole, then sampled (keys checked in the database)
        data = read_source(f"sqlite:///{db}", sample_rows=rows)
        (table,) = data.tables
        assert table.name == ":b" and table.data.num_rows == min(rows, 3)
    keys, count = table.all_rows([":c"])
    assert count == 3 and sorted(keys.column(":c").to_pylist()) == [1, 2]
    if data.close:
        data.close()


# --- a bundle's notebook -------------------------------------------------------------------------

# Each name once broke out of the SQL, the glob or the Markdown the notebook was built from.
NOTEBOOK_NAMES = {
    'x" as select 1; copy (select 42) to $$pwned.csv$$; create view "y': 2,
    "b": 3,
    "*": 4,
    "[b]": 5,
    "# <b>*m*<b> `c` | d": 6,
}


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_bundle_notebook_keeps_hostile_names_as_data(home: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    tables = [
        {"name": name, "target_rows": rows, "columns": [{"name": "v", "data_type": "INT"}]}
        for name, rows in NOTEBOOK_NAMES.items()
    ]
    exp = dw.Workspace(home).create({"name": "nb", "target_warehouse": "duckdb", "tables": tables})
    exp.generate(seed=1, workers=1)
    bundle = exp.export_bundle(tmp_path / "bundle")
    before = _files(bundle)
    nb = json.loads((bundle / "regenerate.ipynb").read_text())
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    code += (
        "\n\nimport json\n"
        "q = lambda n: 'select count(*) from \"' + n.replace('\"', '\"\"') + '\"'\n"
        "print(json.dumps({n: con.execute(q(n)).fetchone()[0] for n in manifest.tables}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=bundle, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == NOTEBOOK_NAMES
    stray = {f for f in _files(bundle) - before if f != "data" and not f.startswith("data/")}
    assert stray == set()
    assert not list(tmp_path.rglob("pwned*"))
    title = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert title == "# Regenerate nb"
    readme = (bundle / "README.md").read_text()
    assert "| \\# \\<b\\>\\*m\\*\\<b\\> \\`c\\` \\| d | 6 |" in readme


# --- DuckDB reads Parquet by exact paths ---------------------------------------------------------


def test_literal_glob_matches_only_the_path() -> None:
    from dwsim_nb.warehouses.duckdb import literal_glob

    assert literal_glob("/w/runs/e/run_1/b/part-0.parquet") == "/w/runs/e/run_1/b/part-0.parquet"
    assert literal_glob("/r/*/[a]/b?/p.parquet") == "/r/[*]/[[]a]/b[?]/p.parquet"


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite", "snowflake"])
def test_tables_named_like_globs_load_their_own_rows(home: Path, warehouse: str) -> None:
    if warehouse == "snowflake":
        pytest.importorskip("fakesnow")
    _load_glob_names(home, warehouse)


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
def test_tables_named_like_globs_load_their_own_rows_on_postgres(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, warehouse: str
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", postgres_url)
    _load_glob_names(home, warehouse)


def _load_glob_names(home: Path, warehouse: str) -> None:
    rows = {"b": 3, "*": 4, "[b]": 5, "[a]": 6, "a": 7, "b?": 8, "**": 9, "b#": 10, "%62": 11}
    tables = [
        {"name": name, "target_rows": n, "columns": [{"name": "v", "data_type": "INT"}]}
        for name, n in rows.items()
    ]
    exp = dw.Workspace(home).create({"name": "g", "target_warehouse": warehouse, "tables": tables})
    run = exp.generate(seed=1, workers=1)
    assert exp.table_counts() == rows
    assert len(exp.read_table("*")) == 4
    if warehouse == "duckdb":  # a run's files read straight, by the same names
        from dwsim_nb.display.profile import read_run_table

        assert {n: read_run_table(run, n).num_rows for n in rows} == rows
        for name in ("..", ".", "/etc", "../run_1", "nosuch"):
            with pytest.raises(dw.DwsimError, match="has no data for table"):
                read_run_table(run, name)


# --- DDL written from a spec ---------------------------------------------------------------------

DROP = "DROP TABLE victim"
HOSTILE_COMMENTS = [
    "c\\'; DROP TABLE victim; --",
    "*/ DROP TABLE victim; /*",
    "$$; DROP TABLE victim; $$",
    "x'); DROP TABLE victim; --\nnext line",
]
ODD_COLUMN = 'a"); DROP TABLE victim; --'


def hostile_ddl_spec(dialect: str) -> Any:
    from dwsim_nb.spec import parse_spec

    def col(name: str, i: int, **physical: Any) -> dict[str, Any]:
        comment = HOSTILE_COMMENTS[i % len(HOSTILE_COMMENTS)]
        return {"name": name, "data_type": "INT", "comment": comment, "physical": physical}

    def text(default: str) -> dict[str, Any]:
        return {"data_type": "VARCHAR", "default": default}

    return parse_spec(
        {
            "name": "ddl",
            "dialect": dialect,
            "tables": [
                {
                    "name": "t1",
                    "comment": HOSTILE_COMMENTS[0],
                    "physical": {
                        "diststyle": f"even; {DROP}; --",
                        "distkey": ODD_COLUMN,
                        "sortkey": [f'a") ; {DROP}; --'],
                        "sortkey_style": f"interleaved) ; {DROP}; --",
                        "cluster_by": [f"a /* */ ; {DROP}; --*/"],
                        "transient": f"yes; {DROP}",
                    },
                    "columns": [col(ODD_COLUMN, 0, encode=f"zstd; {DROP}; --"), col("d", 1)],
                },
                {
                    "name": "t2",
                    "comment": HOSTILE_COMMENTS[1],
                    "physical": {"sortkey_style": "compound", "sortkey": [ODD_COLUMN]},
                    "columns": [
                        {**col(ODD_COLUMN, 2, encode="zstd"), **text("'x\\'")},
                        {**col("d", 3), **text(f"'y''; {DROP}; --'")},
                    ],
                },
                {
                    "name": "t3",
                    "comment": HOSTILE_COMMENTS[3],
                    "physical": {"cluster_by": ["(select count(*) from victim)"]},
                    "columns": [col("d", 0)],
                },
                {
                    "name": "t4",
                    "physical": {"cluster_by": ["to_date(d)", ODD_COLUMN]},
                    "columns": [col("d", 1), col(ODD_COLUMN, 1)],
                },
            ],
        }
    )


def _expected_statements(spec: Any, dialect: str) -> tuple[int, int]:
    """(CREATE, COMMENT) statements ``to_ddl`` should write for ``dialect``."""
    if dialect not in ("postgres", "duckdb", "redshift"):
        return len(spec.tables), 0
    comments = sum(bool(t.comment) + sum(bool(c.comment) for c in t.columns) for t in spec.tables)
    return len(spec.tables), comments


@pytest.mark.parametrize("source", ["redshift", "snowflake", "postgres"])
@pytest.mark.parametrize("dialect", WRITE_DIALECTS)
def test_to_ddl_reparses_into_exactly_its_statements(source: str, dialect: str) -> None:
    import sqlglot
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    from dwsim_nb.ddl.split import split_statements
    from dwsim_nb.dialects import by_name

    spec = hostile_ddl_spec(source)
    ddl = spec.to_ddl(dialect)
    creates, comments = _expected_statements(spec, dialect)
    read = by_name(dialect).sqlglot
    # The dialect's own tokenizer (backslash escapes for Redshift and Snowflake) finds only the
    # statements written, each opening with CREATE or COMMENT.
    tokens = sqlglot.tokenize(ddl, read=read)
    chunks: list[list[Any]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    chunks = [c for c in chunks if c]
    heads = [c[0].token_type for c in chunks]
    assert heads.count(TokenType.CREATE) == creates
    assert heads.count(TokenType.COMMENT) == comments
    assert len(chunks) == creates + comments
    assert not [t for t in tokens if t.token_type == TokenType.DROP]
    # The package's own splitter agrees.
    assert len(split_statements(ddl, dialect)) == creates + comments
    if dialect == "redshift":
        return  # sqlglot parses no SORTKEY AUTO / INTERLEAVED SORTKEY: tokens checked above
    parsed = [s for s in sqlglot.parse(ddl, read=read) if s is not None]
    kinds = [type(s).__name__ for s in parsed]
    assert sorted(kinds) == ["Comment"] * comments + ["Create"] * creates
    for statement in parsed:
        assert not list(statement.find_all(exp.Drop, exp.Command, exp.Subquery, exp.Select))
    names = {s.this.this.name for s in parsed if isinstance(s, exp.Create)}
    assert names == {"t1", "t2", "t3", "t4"}


def test_to_ddl_keeps_only_known_physical_words() -> None:
    ddl = hostile_ddl_spec("redshift").to_ddl("redshift")
    assert "DISTSTYLE" not in ddl and "INTERLEAVED" not in ddl  # hostile values left out
    assert 'DISTKEY ("a""); DROP TABLE victim; --")' in ddl  # a real column, quoted
    assert 'COMPOUND SORTKEY ("a""); DROP TABLE victim; --")' in ddl
    assert ddl.count("ENCODE zstd") == 1
    snow = hostile_ddl_spec("snowflake").to_ddl("snowflake")
    assert 'CLUSTER BY (TO_DATE(d), "a""); DROP TABLE victim; --")' in snow
    assert snow.count("CLUSTER BY") == 1 and "TRANSIENT" in snow


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
def test_to_ddl_runs_without_touching_other_tables(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    script = hostile_ddl_spec("postgres").to_ddl(dialect)  # its string defaults are kept
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect(str(tmp_path / "v.duckdb"))
        con.execute("create table victim as select range as a from range(5)")
        con.execute(script)
        assert con.execute("select count(*) from victim").fetchone() == (5,)
    elif dialect == "sqlite":
        import sqlite3

        lite = sqlite3.connect(tmp_path / "v.db")
        lite.execute("create table victim (a int)")
        lite.executemany("insert into victim values (?)", [(i,) for i in range(5)])
        lite.executescript(script)
        assert lite.execute("select count(*) from victim").fetchone() == (5,)
    else:
        import psycopg

        url = request.getfixturevalue("postgres_url")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create table victim as select generate_series(1, 5) as a")
            conn.execute(script.encode())
            assert conn.execute("select count(*) from victim").fetchone() == (5,)


def test_redshift_copy_strings_take_backslash_escapes() -> None:
    """A manifest's table name reaches the COPY's S3 URI; Redshift reads ``\\'`` as a quote."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    from dwsim_nb.warehouses.redshift_copy import copy_from_s3_sql

    uri = "s3://b/experiments/e/x\\'; DROP TABLE victim; --/run_1/"
    sql = copy_from_s3_sql('"x"', uri, "arn:aws:iam::1:role/\\'L", region="r\\'")
    tokens = sqlglot.tokenize(sql, read="redshift")
    assert not [t for t in tokens if t.token_type in (TokenType.SEMICOLON, TokenType.DROP)]
    tree = sqlglot.parse_one(sql, read="redshift")
    assert isinstance(tree, exp.Copy)
    assert [f.name for f in tree.args["files"]] == [uri]
