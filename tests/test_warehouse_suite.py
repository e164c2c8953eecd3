"""One suite, every warehouse: the same scenarios run against each target in ``WAREHOUSES``.

Later targets (postgres, redshift, snowflake) add a ``pytest.param`` with their marks to
``WAREHOUSES``; the scenarios must not change per target. Runs are hand-written Parquet
(``helpers_runs.write_run``) so this suite does not depend on the generation engine.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers_runs import write_run

from dwsim_nb.errors import LoadError, QueryError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, Warehouse, get_warehouse

WAREHOUSES: list[Any] = [
    "duckdb",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("redshift", marks=pytest.mark.postgres),
    "snowflake",
]
# Targets on a PostgreSQL server share one throw-away database for the session (creating one
# costs about a second); each test drops the schemas it made.
ON_POSTGRES = {"postgres", "redshift"}


@pytest.fixture(scope="session")
def suite_postgres_url() -> Iterator[str]:
    from conftest import _postgres_admin_url, skip_or_fail

    psycopg = pytest.importorskip("psycopg")
    admin = _postgres_admin_url()
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception as exc:
        skip_or_fail(f"no PostgreSQL server: {exc}")
        raise
    name = f"dwsim_test_suite_{uuid.uuid4().hex[:8]}"
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_experiment_schemas(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN "
            "('information_schema', 'public', 'dwsim_rs')"
        ).fetchall()
        for (schema,) in rows:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def make_spec(dialect: str = "redshift", name: str = "shop") -> ExperimentSpec:
    """Two tables with reserved-word names: a table ``date`` and columns ``user``, ``order``."""
    return ExperimentSpec.parse(
        {
            "name": name,
            "dialect": dialect,
            "tables": [
                {
                    "name": "users",
                    "target_rows": 50,
                    "primary_key": ["id"],
                    "columns": [
                        {"name": "id", "data_type": "INT"},
                        {"name": "user", "data_type": "VARCHAR(40)"},
                        {"name": "joined", "data_type": "DATE"},
                        {"name": "balance", "data_type": "DECIMAL(10,2)"},
                        {"name": "active", "data_type": "BOOLEAN"},
                    ],
                },
                {
                    "name": "date",
                    "target_rows": 200,
                    "primary_key": ["id"],
                    "foreign_keys": [
                        {"columns": ["user_id"], "references_table": "users",
                         "references_columns": ["id"]}
                    ],
                    "columns": [
                        {"name": "id", "data_type": "BIGINT"},
                        {"name": "user_id", "data_type": "INT", "required": True},
                        {"name": "order", "data_type": "VARCHAR"},
                        {"name": "at", "data_type": "TIMESTAMP"},
                        {"name": "amount", "data_type": "DOUBLE"},
                    ],
                },
            ],
        }
    )


@pytest.fixture(params=WAREHOUSES)
def wh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    options: dict[str, Any] = {}
    if request.param in ON_POSTGRES:
        options["url"] = request.getfixturevalue("suite_postgres_url")
    warehouse = get_warehouse(request.param, tmp_path / "ws", **options)
    yield warehouse
    warehouse.close()
    if request.param in ON_POSTGRES:
        _drop_experiment_schemas(options["url"])


@pytest.fixture
def spec() -> ExperimentSpec:
    return make_spec()


def loaded(wh: Warehouse, spec: ExperimentSpec, run_dir: Path, **rows: int) -> dict[str, int]:
    write_run(spec, run_dir, rows=rows or None)
    wh.create_tables(spec)
    return wh.load(spec, LoadPlan.read(run_dir))


def test_create_makes_empty_tables(wh: Warehouse, spec: ExperimentSpec) -> None:
    assert not wh.exists(spec)
    wh.create_tables(spec)
    assert wh.exists(spec)
    assert wh.table_counts(spec) == {"users": 0, "date": 0}


def test_load_puts_every_row_in_and_reports_progress(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    write_run(spec, tmp_path / "run_1")
    wh.create_tables(spec)
    seen: list[tuple[str, int, int]] = []
    counts = wh.load(spec, LoadPlan.read(tmp_path / "run_1"), lambda *a: seen.append(a))
    assert counts == {"users": 50, "date": 200}
    assert wh.table_counts(spec) == counts
    assert ("users", 50, 50) in seen and ("date", 200, 200) in seen
    df = wh.query(spec, "select sum(id) as s, count(distinct user_id) as u from date")
    assert int(df["s"][0]) == sum(range(1, 201))
    assert int(df["u"][0]) == 50


def test_load_replaces_earlier_data(wh: Warehouse, spec: ExperimentSpec, tmp_path: Path) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    write_run(spec, tmp_path / "run_2", rows={"users": 10, "date": 30})
    assert wh.load(spec, LoadPlan.read(tmp_path / "run_2")) == {"users": 10, "date": 30}
    assert wh.table_counts(spec) == {"users": 10, "date": 30}


def test_tampered_manifest_fails_loudly_and_keeps_earlier_data(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    run2 = write_run(spec, tmp_path / "run_2", rows={"users": 20, "date": 40})
    manifest = json.loads((run2 / "manifest.json").read_text())
    manifest["tables"]["date"]["rows"] = 41
    (run2 / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LoadError, match=r"table date: .*40 rows.*41"):
        wh.load(spec, LoadPlan.read(run2))
    assert wh.table_counts(spec) == {"users": 50, "date": 200}


def test_missing_file_fails_before_touching_data(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    run2 = write_run(spec, tmp_path / "run_2")
    next((run2 / "users").glob("*.parquet")).unlink()
    with pytest.raises(LoadError, match="missing"):
        wh.load(spec, LoadPlan.read(run2))
    assert wh.table_counts(spec) == {"users": 50, "date": 200}


def test_query_in_the_experiment_dialect(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    df = wh.query(
        spec,
        """
        with per_user as (
            select user_id, count(*) as n, sum(amount) as total
            from date group by user_id
        )
        select top 3 u."user", p.n, nvl(p.total, 0) as total
        from users u join per_user p on p.user_id = u.id
        order by p.total desc, u.id
        """,
    )
    assert list(df.columns) == ["user", "n", "total"]
    assert len(df) == 3
    assert all(int(n) == 4 for n in df["n"])


def test_several_statements_return_the_last_result(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    df = wh.query(spec, "select 1 as a; select count(*) as n from users;")
    assert list(df.columns) == ["n"] and int(df["n"][0]) == 50


def test_reserved_word_names_and_schema_spelling(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    df = wh.query(spec, 'select "order", "user" from "date" d join users on users.id = d.user_id '
                        "where d.id = 1")
    assert list(df.columns) == ["order", "user"]
    assert df["order"][0] == "order_0"
    # unquoted names in another case come back as the schema spells them
    df = wh.query(spec, "select ID, User_Id from DATE where id = 2")
    assert list(df.columns) == ["id", "user_id"]


def test_reset_empties_tables_and_keeps_them(
    wh: Warehouse, spec: ExperimentSpec, tmp_path: Path
) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    wh.reset(spec)
    assert wh.exists(spec)
    assert wh.table_counts(spec) == {"users": 0, "date": 0}
    assert len(wh.query(spec, "select * from users")) == 0


def test_drop_removes_everything(wh: Warehouse, spec: ExperimentSpec, tmp_path: Path) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    other = make_spec(name="other")
    loaded(wh, other, tmp_path / "run_o")
    wh.drop(spec)
    assert not wh.exists(spec)
    assert wh.table_counts(other) == {"users": 50, "date": 200}


def test_syntax_error_names_line_and_column(wh: Warehouse, spec: ExperimentSpec) -> None:
    wh.create_tables(spec)
    with pytest.raises(QueryError) as info:
        wh.query(spec, "select id\nfrom users\nwhere id = = 3")
    assert info.value.line == 3
    assert info.value.col is not None
    assert "line 3" in str(info.value)


def test_unknown_column_is_a_query_error(wh: Warehouse, spec: ExperimentSpec) -> None:
    wh.create_tables(spec)
    with pytest.raises(QueryError, match="rejected"):
        wh.query(spec, "select no_such_column from users")


def test_keys_enforced_only_where_the_dialect_enforces_them(
    wh: Warehouse, tmp_path: Path
) -> None:
    """Postgres enforces primary keys; Redshift accepts duplicates (keys are informational)."""
    for dialect, enforced in (("postgres", True), ("redshift", False)):
        spec = make_spec(dialect=dialect, name=f"keys_{dialect}")
        loaded(wh, spec, tmp_path / f"ok_{dialect}")
        dup = write_run(spec, tmp_path / f"dup_{dialect}")
        # a run whose users table repeats its first file: 25 ids appear twice
        files = sorted((dup / "users").glob("*.parquet"))
        files[1].write_bytes(files[0].read_bytes())
        manifest = json.loads((dup / "manifest.json").read_text())
        manifest["tables"]["users"]["rows"] = 50
        (dup / "manifest.json").write_text(json.dumps(manifest))
        if enforced:
            with pytest.raises(LoadError) as err:
                wh.load(spec, LoadPlan.read(dup))
            if wh.name == "duckdb":  # keys are checked at the table's COMMIT: it is named
                assert "table users" in str(err.value)
            assert wh.table_counts(spec) == {"users": 50, "date": 200}
            # the loaded table keeps its key (DuckDB adds it after the rows)
            with pytest.raises(QueryError):
                wh.query(spec, "insert into users select * from users limit 1")
            assert wh.table_counts(spec) == {"users": 50, "date": 200}
        else:
            wh.load(spec, LoadPlan.read(dup))
            df = wh.query(spec, "select count(distinct id) as n from users")
            assert int(df["n"][0]) == 25


def test_types_round_trip(wh: Warehouse, spec: ExperimentSpec, tmp_path: Path) -> None:
    loaded(wh, spec, tmp_path / "run_1")
    df = wh.query(spec, "select joined, balance, active from users where id = 2")
    assert str(df["joined"][0]).startswith("2020-01-02")
    assert float(df["balance"][0]) == pytest.approx(2.01)
    assert bool(df["active"][0]) is False


def test_float_keeps_double_precision(wh: Warehouse, tmp_path: Path) -> None:
    # FLOAT means double precision in Redshift, Snowflake and Postgres DDL, and the engine writes
    # 8-byte floats: a value needing more than 7 significant digits must come back unchanged.
    spec = ExperimentSpec.parse({"name": "flt", "tables": [
        {"name": "m", "target_rows": 1, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "INT"},
                     {"name": "x", "data_type": "FLOAT"}]},
    ]})
    run_dir = write_run(spec, tmp_path / "run_1")
    exact = pa.table({"id": pa.array([1], pa.int32()), "x": pa.array([1234567.890123])})
    pq.write_table(exact, run_dir / "m" / "part-000000.parquet")
    wh.create_tables(spec)
    assert wh.load(spec, LoadPlan.read(run_dir)) == {"m": 1}
    df = wh.query(spec, "select x from m")
    assert float(df["x"][0]) == 1234567.890123


def test_number_without_precision_keys(wh: Warehouse, tmp_path: Path) -> None:
    # Snowflake's bare NUMBER is NUMBER(38,0): keys and foreign keys of that type load and join.
    spec = ExperimentSpec.parse({"name": "num", "dialect": "snowflake", "tables": [
        {"name": "accounts", "target_rows": 30, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "NUMBER"},
                     {"name": "credit", "data_type": "NUMBER"}]},
        {"name": "moves", "target_rows": 90, "primary_key": ["id"],
         "foreign_keys": [{"columns": ["account_id"], "references_table": "accounts",
                           "references_columns": ["id"]}],
         "columns": [{"name": "id", "data_type": "NUMBER"},
                     {"name": "account_id", "data_type": "NUMBER", "required": True}]},
    ]})
    assert loaded(wh, spec, tmp_path / "run_1") == {"accounts": 30, "moves": 90}
    df = wh.query(spec, "select count(*) as n from moves m join accounts a on a.id = m.account_id")
    assert int(df.iloc[0, 0]) == 90  # named N on Snowflake


def test_duckdb_load_leaves_no_setting_behind(tmp_path: Path) -> None:
    # The load turns some DuckDB codecs off; the setting is global to the database instance,
    # which a connection held elsewhere in this process (a notebook's %dwsim_use) shares.
    import duckdb

    wh = get_warehouse("duckdb", tmp_path / "ws")
    spec = make_spec()
    wh.create_tables(spec)
    held = duckdb.connect(str(wh.path_for(spec)))
    try:
        assert loaded(wh, spec, tmp_path / "run")["users"] == 50
        setting = held.execute("SELECT current_setting('disabled_compression_methods')")
        assert setting.fetchone() == ("",)
    finally:
        held.close()
