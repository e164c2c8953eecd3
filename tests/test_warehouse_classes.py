"""Which class a warehouse name builds (an emulator or the real service, picked by options and
URL), and the capability flags each class declares being honoured."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from test_warehouse_suite import make_spec

import dwsim_nb as dw
from dwsim_nb.errors import WarehouseError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import (
    SERVICES,
    WAREHOUSES,
    LoadPlan,
    Service,
    Warehouse,
    get_warehouse,
    register,
    target_for,
)
from dwsim_nb.warehouses.duckdb import DuckDBWarehouse
from dwsim_nb.warehouses.postgres import PostgresWarehouse
from dwsim_nb.warehouses.redshift import RedshiftCluster, RedshiftEmulator
from dwsim_nb.warehouses.snowflake import SnowflakeAccount, SnowflakeEmulator
from dwsim_nb.warehouses.sqlite import SQLiteWarehouse
from dwsim_nb.warehouses.tables import create_table_sql

ROOT = Path(dw.__file__).parent.parent
PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(autouse=True)
def _no_service_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DWSIM_REDSHIFT_URL", "DWSIM_SNOWFLAKE_URL"):
        monkeypatch.delenv(var, raising=False)


# --- the class a name builds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, RedshiftEmulator),
        ({"url": PG}, RedshiftEmulator),
        ({"url": "postgresql+psycopg://u@h/db"}, RedshiftEmulator),
        ({"url": "redshift://u:pw@cluster.example:5439/dev"}, RedshiftCluster),
        ({"url": "redshift+redshift_connector://u@cluster:5439/dev"}, RedshiftCluster),
        ({"url": "REDSHIFT://u@cluster:5439/dev"}, RedshiftCluster),
        ({"url": PG, "emulated": False}, RedshiftCluster),
        ({"url": "redshift://u@cluster:5439/dev", "emulated": True}, RedshiftEmulator),
    ],
)
def test_redshift_url_picks_the_emulator_or_the_cluster(
    tmp_path: Path, options: dict[str, Any], expected: type
) -> None:
    wh = get_warehouse("redshift", tmp_path, **options)
    assert type(wh) is expected
    assert wh.name == "redshift" and wh.dialect == "redshift"
    assert isinstance(wh, PostgresWarehouse)


def test_redshift_url_from_the_environment_picks_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", "redshift://u@cluster:5439/dev")
    assert type(get_warehouse("redshift", tmp_path)) is RedshiftCluster
    # An explicit url= wins over the variable.
    assert type(get_warehouse("redshift", tmp_path, url=PG)) is RedshiftEmulator
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", PG)
    assert type(get_warehouse("redshift", tmp_path)) is RedshiftEmulator


def test_snowflake_url_picks_the_emulator_or_the_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert type(get_warehouse("snowflake", tmp_path)) is SnowflakeEmulator
    account = get_warehouse("snowflake", tmp_path, url="snowflake://me:pw@acct/db/s?warehouse=W")
    assert type(account) is SnowflakeAccount
    # The variable alone does not turn every snowflake experiment into a real-account one:
    # the emulator needs no URL, and the variable serves the account.
    monkeypatch.setenv("DWSIM_SNOWFLAKE_URL", "snowflake://me:pw@acct/db")
    assert type(get_warehouse("snowflake", tmp_path)) is SnowflakeEmulator
    assert type(get_warehouse("snowflake", tmp_path, emulated=False)) is SnowflakeAccount
    monkeypatch.delenv("DWSIM_SNOWFLAKE_URL")
    with pytest.raises(WarehouseError, match="needs a connection URL"):
        get_warehouse("snowflake", tmp_path, emulated=False)


def test_names_without_a_service_ignore_the_url(tmp_path: Path) -> None:
    assert target_for("postgres", {"url": "redshift://u@c/dev"}) == WAREHOUSES["postgres"]
    assert type(get_warehouse("duckdb", tmp_path)) is DuckDBWarehouse
    with pytest.raises(WarehouseError, match="unknown warehouse"):
        target_for("oracle", {})


def test_register_a_name_with_its_real_service(tmp_path: Path) -> None:
    saved = dict(WAREHOUSES), dict(SERVICES)
    try:
        register(
            "pgcopy",
            "dwsim_nb.warehouses.postgres:PostgresWarehouse",
            Service("dwsim_nb.warehouses.redshift:RedshiftCluster", ("redshift",)),
        )
        assert type(get_warehouse("pgcopy", tmp_path, url=PG)) is PostgresWarehouse
        assert type(get_warehouse("pgcopy", tmp_path, url="redshift://c/d")) is RedshiftCluster
        register("pgcopy", "dwsim_nb.warehouses.postgres:PostgresWarehouse")
        assert "pgcopy" not in SERVICES
    finally:
        WAREHOUSES.clear()
        WAREHOUSES.update(saved[0])
        SERVICES.clear()
        SERVICES.update(saved[1])


def test_the_registry_stays_lazy() -> None:
    """Picking and building the Snowflake emulator imports neither fakesnow nor other targets."""
    code = textwrap.dedent(
        """
        import sys, tempfile
        from dwsim_nb.warehouses import get_warehouse
        assert "dwsim_nb.warehouses.snowflake" not in sys.modules
        get_warehouse("snowflake", tempfile.mkdtemp())
        heavy = ("fakesnow", "psycopg", "dwsim_nb.warehouses.postgres")
        heavy = [m for m in heavy if m in sys.modules]
        assert not heavy, heavy
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_the_cluster_and_the_emulator_differ_only_where_redshift_does(tmp_path: Path) -> None:
    spec = make_spec("redshift")
    emulator = get_warehouse("redshift", tmp_path, url=PG)
    cluster = get_warehouse("redshift", tmp_path, url="redshift://u:s3cret@cluster:5439/dev")
    users = spec.table("users")
    # Types: PostgreSQL's on the emulator, Redshift's on the cluster (keys informational).
    assert emulator.create_sql(spec, users) == create_table_sql(
        users, "postgres", "shop", declare_keys=False
    )
    assert cluster.create_sql(spec, users) == create_table_sql(
        users, "redshift", "shop", declare_keys=False
    )
    assert cluster.create_sql(spec, users) != emulator.create_sql(spec, users)
    # SQL: translated for PostgreSQL on the emulator, run as typed on the cluster.
    sql = "select top 3 user from users"
    assert cluster.translate(spec, sql) == [sql]
    assert "LIMIT 3" in emulator.translate(spec, sql)[0]
    assert (emulator.engine_dialect, cluster.engine_dialect) == ("postgres", "redshift")
    assert "s3cret" not in repr(cluster) and repr(cluster).startswith("RedshiftCluster(")
    assert repr(emulator).startswith("RedshiftEmulator(")
    # The cluster loads from S3 and needs a role for it.
    with pytest.raises(WarehouseError, match="IAM role"):
        cluster.load(spec, LoadPlan(tmp_path))


def test_the_snowflake_account_says_its_connector_runs_the_statements(tmp_path: Path) -> None:
    spec = make_spec("snowflake")
    wh = get_warehouse("snowflake", tmp_path, url="snowflake://me:s3cret@acct/db")
    assert "s3cret" not in repr(wh) and "s3cret" not in wh.where
    assert wh.schema_for(spec) == "SHOP"
    for verb in (wh.create_tables, wh.exists, wh.reset, wh.drop, wh.table_counts):
        with pytest.raises(WarehouseError, match="its own connector"):
            verb(spec)
    with pytest.raises(WarehouseError, match="its own connector"):
        wh.query(spec, "select 1")
    # Translating needs no connection.
    assert wh.translate(make_spec("redshift"), "select top 1 id from users")


# --- capability flags ------------------------------------------------------------------------

ALL_CLASSES: list[tuple[str, dict[str, Any]]] = [
    ("duckdb", {}),
    ("sqlite", {}),
    ("postgres", {"url": PG}),
    ("redshift", {"url": PG}),
    ("redshift", {"url": "redshift://u@cluster:5439/dev"}),
    ("snowflake", {}),
]


@pytest.mark.parametrize(("name", "options"), ALL_CLASSES)
def test_foreign_keys_are_declared_exactly_where_the_flag_says(
    tmp_path: Path, name: str, options: dict[str, Any]
) -> None:
    wh = get_warehouse(name, tmp_path, **options)
    spec = make_spec(wh.dialect)
    sql = wh.create_sql(spec, spec.table("date"))
    assert ("FOREIGN KEY" in sql) is wh.declares_foreign_keys, sql


def _table_sql(wh: SQLiteWarehouse, spec: ExperimentSpec, table: str) -> str:
    with sqlite3.connect(wh.file_for(spec)) as con:
        row = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return str(row[0])


def test_sqlite_tables_carry_foreign_keys_only_when_declared(tmp_path: Path) -> None:
    spec = make_spec("duckdb")
    declaring = SQLiteWarehouse(tmp_path / "a")
    declaring.create_tables(spec)
    sql = _table_sql(declaring, spec, "date")
    assert "FOREIGN KEY" in sql and "REFERENCES" in sql, sql

    class Undeclared(SQLiteWarehouse):
        declares_foreign_keys = False

    plain = Undeclared(tmp_path / "b")
    plain.create_tables(spec)
    assert "FOREIGN KEY" not in _table_sql(plain, spec, "date")


class _Locked(Exception):
    pass


class _Opener:
    """Fails with a lock error ``busy`` times, then opens."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.busy:
            raise _Locked("Could not set lock on file")
        return "connection"


def _open(wh: Warehouse, opener: _Opener) -> str:
    return wh.open_exclusive(
        opener, locked=lambda e: isinstance(e, _Locked), what="the file", where="here"
    )


def test_without_shared_access_opening_waits_for_the_other_process_then_refuses(
    tmp_path: Path,
) -> None:
    wh = DuckDBWarehouse(tmp_path, lock_wait=5)
    assert not wh.shared_access
    opener = _Opener(busy=2)
    assert _open(wh, opener) == "connection" and opener.calls == 3
    impatient = DuckDBWarehouse(tmp_path, lock_wait=0.1)
    with pytest.raises(WarehouseError, match="another process keeps the file open"):
        _open(impatient, _Opener(busy=1000))
    # Other errors are not waited on.
    with pytest.raises(ValueError):
        impatient.open_exclusive(
            lambda: (_ for _ in ()).throw(ValueError("x")),
            locked=lambda e: isinstance(e, _Locked),
            what="the file",
            where="here",
        )


def test_with_shared_access_opening_never_waits(tmp_path: Path) -> None:
    wh = SQLiteWarehouse(tmp_path, lock_wait=5)
    assert wh.shared_access
    opener = _Opener(busy=1)
    with pytest.raises(_Locked):
        _open(wh, opener)
    assert opener.calls == 1


# Opens a DuckDB file for writing and keeps it open for N seconds.
FILE_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import duckdb
    con = duckdb.connect(sys.argv[1])
    Path(sys.argv[2]).write_text("x")
    time.sleep(float(sys.argv[3]))
    con.close()
    """
)


def _hold(db: Path, tmp_path: Path, seconds: float) -> subprocess.Popen[str]:
    marker = tmp_path / "opened"
    proc = subprocess.Popen(
        [sys.executable, "-c", FILE_HOLDER, str(db), str(marker), str(seconds)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def test_the_snowflake_emulator_refuses_while_another_process_holds_its_file(
    tmp_path: Path,
) -> None:
    pytest.importorskip("fakesnow")
    spec = make_spec("snowflake")
    wh = get_warehouse("snowflake", tmp_path / "ws", lock_wait=0.3)
    wh.create_tables(spec)
    assert isinstance(wh, SnowflakeEmulator) and not wh.shared_access
    proc = _hold(wh.database_file, tmp_path, 3)
    try:
        with pytest.raises(WarehouseError, match="another process keeps the file open"):
            wh.table_counts(spec)
        # A patient caller waits for the other process and then gets in.
        patient = get_warehouse("snowflake", tmp_path / "ws", lock_wait=60)
        assert patient.table_counts(spec) == {"users": 0, "date": 0}
    finally:
        proc.communicate(timeout=60)
