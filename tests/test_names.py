"""Names: every experiment gets its own schema (or file) on every warehouse, whatever the engine's
case folding and length limits; names a target would merge are refused before anything is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dwsim_nb as dw
from dwsim_nb.errors import DDLError, SpecError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses.names import cut_bytes, physical_name

WAREHOUSES: list[Any] = [
    "duckdb",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("redshift", marks=pytest.mark.postgres),
    "snowflake",
]
# Two 70-byte names that share their first 63 bytes (PostgreSQL keeps 63).
LONG_A = "l" * 63 + "_aaaaaa"
LONG_B = "l" * 63 + "_bbbbbb"


def spec(name: str, warehouse: str = "duckdb", tables: list[str] | None = None) -> dict[str, Any]:
    dialect = {"sqlite": "duckdb"}.get(warehouse, warehouse)
    return {
        "name": name,
        "dialect": dialect,
        "target_warehouse": warehouse,
        "tables": [
            {"name": t, "columns": [{"name": "id", "data_type": "INT"}]} for t in (tables or ["t"])
        ],
    }


# --- the rule --------------------------------------------------------------------------------


def test_plain_lower_case_names_are_kept() -> None:
    for name in ("shop", "tickit_2", "my-shop", "café"):
        assert physical_name(name, ignore_case=True, max_bytes=63) == name
    assert physical_name("Shop", ignore_case=False, max_bytes=63) == "Shop"


def test_names_an_engine_would_merge_get_a_name_each() -> None:
    folded = {physical_name(n, ignore_case=True) for n in ("shop", "Shop", "SHOP", "sHoP")}
    assert len(folded) == 4
    assert "shop" in folded
    cut = {physical_name(n, ignore_case=False, max_bytes=63) for n in (LONG_A, LONG_B)}
    assert len(cut) == 2
    assert all(len(n.encode()) <= 63 for n in cut)


def test_a_name_that_looks_hashed_is_hashed_itself() -> None:
    hashed = physical_name("Shop", ignore_case=True)
    assert physical_name(hashed, ignore_case=True) != hashed


def test_names_are_cut_on_character_boundaries() -> None:
    assert cut_bytes("é" * 40, 63) == "é" * 31
    name = physical_name("表" * 40, ignore_case=False, max_bytes=63)
    assert len(name.encode()) <= 63
    name.encode().decode()  # whole characters only


def test_file_names_hold_safe_characters_only() -> None:
    from dwsim_nb.warehouses.names import file_safe

    a = physical_name("a b", ignore_case=True, clean=file_safe)
    b = physical_name("a_b", ignore_case=True, clean=file_safe)
    assert b == "a_b" and a != b and " " not in a


# --- every warehouse -------------------------------------------------------------------------


@pytest.fixture(params=WAREHOUSES)
def target(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param in ("postgres", "redshift"):
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("DWSIM_POSTGRES_URL", url)
        monkeypatch.setenv("DWSIM_REDSHIFT_URL", url)
    return str(request.param)


@pytest.mark.parametrize(("first", "second"), [("shop", "Shop"), (LONG_A, LONG_B)])
def test_colliding_names_keep_their_own_rows(
    target: str, first: str, second: str, tmp_path: Path
) -> None:
    ws = dw.Workspace(tmp_path / "ws")
    for name, rows in ((first, 7), (second, 5)):
        ws.create(spec(name, target)).generate(rows={"t": rows}, seed=1)
    counts = {
        n: int(ws.experiment(n).query("select count(*) as n from t").iloc[0, 0])
        for n in (first, second)
    }
    assert counts == {first: 7, second: 5}

    ws.delete(first)
    survivor = ws.experiment(second)
    assert int(survivor.query("select count(*) as n from t").iloc[0, 0]) == 5
    assert survivor.warehouse.exists(survivor.spec)
    assert [e.name for e in ws.experiments()] == [second]
    ws.delete(second)


def test_one_long_table_name_loads_on_every_warehouse(target: str, tmp_path: Path) -> None:
    ws = dw.Workspace(tmp_path / "ws")
    exp = ws.create(spec("longs", target, tables=[LONG_A]))
    exp.generate(rows={LONG_A: 4}, seed=1)
    assert int(exp.query(f"select count(*) as n from {LONG_A}").iloc[0, 0]) == 4
    ws.delete("longs")


# --- refused before anything is made ---------------------------------------------------------


@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
def test_tables_cut_to_one_name_are_refused(warehouse: str) -> None:
    with pytest.raises(SpecError, match=r"table '.*' and '.*' become one name.*63 bytes"):
        ExperimentSpec.parse(spec("shop", warehouse, tables=[LONG_A, LONG_B]))
    # DuckDB keeps whole names.
    ExperimentSpec.parse(spec("shop", "duckdb", tables=[LONG_A, LONG_B]))


def test_columns_cut_to_one_name_are_refused() -> None:
    data = spec("shop", "postgres")
    data["tables"][0]["columns"] = [
        {"name": LONG_A, "data_type": "INT"},
        {"name": LONG_B, "data_type": "INT"},
    ]
    with pytest.raises(SpecError, match=r"table 't': column .* become one name"):
        ExperimentSpec.parse(data)


def test_a_table_name_too_long_for_a_folder_is_refused_at_validation() -> None:
    with pytest.raises(SpecError, match=r"table name .* bytes in UTF-8.*at most 200 bytes"):
        ExperimentSpec.parse(spec("shop", tables=["😀" * 60]))


def test_a_name_too_long_for_a_file_leaves_nothing_behind(tmp_path: Path) -> None:
    ws = dw.Workspace(tmp_path / "ws")
    with pytest.raises(SpecError, match="too long for a file name"):
        ws.create(spec("表" * 100))
    assert ws.experiments() == []


def test_a_failed_create_leaves_no_catalog_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = dw.Workspace(tmp_path / "ws")
    wh = ws.warehouse("duckdb")

    def fail(_spec: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(wh, "create_tables", fail)
    with pytest.raises(OSError):
        ws.create(spec("shop"))
    assert ws.experiments() == []


@pytest.mark.parametrize("name", ["main", "temp"])
def test_sqlite_experiments_may_take_sqlite_own_database_names(name: str, tmp_path: Path) -> None:
    ws = dw.Workspace(tmp_path / "ws")
    exp = ws.create(spec(name, "sqlite"))
    exp.generate(rows={"t": 3}, seed=1)
    assert int(exp.query("select count(*) as n from t").iloc[0, 0]) == 3


# --- DDL import: the dialect's identifier rules ----------------------------------------------


def _import(sql: str, dialect: str, strict: bool = False) -> ExperimentSpec:
    return dw.import_sql(sql, dialect=dialect, strict=strict)


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", 'CREATE TABLE "Orders" (id int);\nCREATE TABLE orders (id int, x int);'),
        ("redshift", 'CREATE TABLE "Orders" (id int);\nCREATE TABLE "orders" (id int, x int);'),
        ("snowflake", 'CREATE TABLE "orders" (id int);\nCREATE TABLE orders (id int, x int);'),
    ],
)
def test_tables_the_dialect_keeps_apart_are_never_merged(dialect: str, sql: str) -> None:
    with pytest.raises(DDLError, match=r"line 2: tables .*rders.* are different tables"):
        _import(sql, dialect, strict=True)
    spec = _import(sql, dialect)
    # The first is kept whole, and the warning says the second was not merged into it.
    assert [(t.name, [c.name for c in t.columns]) for t in spec.tables] == [
        (spec.tables[0].name, ["id"])
    ]
    assert any("the later table was skipped" in w for w in spec.warnings)


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", "CREATE TABLE Orders (id int);\nCREATE TABLE ORDERS (id int, x int);"),
        ("snowflake", 'CREATE TABLE "ORDERS" (id int);\nCREATE TABLE orders (id int, x int);'),
        ("duckdb", 'CREATE TABLE "Orders" (id int);\nCREATE TABLE orders (id int, x int);'),
    ],
)
def test_one_table_created_twice_is_still_one_table(dialect: str, sql: str) -> None:
    spec = _import(sql, dialect, strict=True)
    assert [[c.name for c in t.columns] for t in spec.tables] == [["id", "x"]]
    assert any("created again" in w for w in spec.warnings)


def test_quoted_columns_differing_by_case_are_refused_or_skipped_with_a_warning() -> None:
    sql = 'CREATE TABLE t ("Id" int, id int);'
    with pytest.raises(DDLError, match=r'columns "Id" and id are different columns in postgres'):
        _import(sql, "postgres", strict=True)
    spec = _import(sql, "postgres")
    assert [c.name for c in spec.tables[0].columns] == ["Id"]
    assert any("the later column was skipped" in w for w in spec.warnings)
    # Snowflake folds an unquoted id to ID: the same column as "ID", another than "id".
    assert _import('CREATE TABLE t ("ID" int, id int);', "snowflake", strict=True)
    with pytest.raises(DDLError, match="different columns in snowflake"):
        _import('CREATE TABLE t ("id" int, id int);', "snowflake", strict=True)


def test_a_column_added_later_that_differs_only_by_case_is_refused() -> None:
    sql = 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN "ID" int;'
    with pytest.raises(DDLError, match=r"line 2.*differs only by case"):
        _import(sql, "postgres", strict=True)
    assert [c.name for c in _import(sql, "postgres").tables[0].columns] == ["id"]


# --- schemas the engine keeps for itself -----------------------------------------------------


@pytest.mark.parametrize(
    ("warehouse", "names"),
    [
        ("duckdb", ["main", "information_schema", "pg_catalog", "temp", "system"]),
        ("snowflake", ["main", "information_schema", "public"]),
        pytest.param(
            "postgres",
            ["public", "information_schema", "pg_x", "dwsim_rs"],
            marks=pytest.mark.postgres,
        ),
        pytest.param("redshift", ["public", "dwsim_rs"], marks=pytest.mark.postgres),
    ],
)
def test_experiments_named_like_an_engine_schema_get_their_own(
    warehouse: str,
    names: list[str],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep = None
    if warehouse in ("postgres", "redshift"):
        import psycopg

        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("DWSIM_POSTGRES_URL", url)
        monkeypatch.setenv("DWSIM_REDSHIFT_URL", url)
        keep = psycopg.connect(url, autocommit=True)
        keep.execute("CREATE TABLE public.keep_me (x int)")
    ws = dw.Workspace(tmp_path / "ws")
    for name in names:
        exp = ws.create(spec(name, warehouse))
        assert exp.warehouse.schema_for(exp.spec).lower() != name
        exp.generate(rows={"t": 3}, seed=1)
        assert int(exp.query("select count(*) as n from t").iloc[0, 0]) == 3
        ws.delete(name)
    if keep is not None:
        # Nothing of the server's own schemas was dropped.
        assert keep.execute("SELECT count(*) FROM public.keep_me").fetchone() == (0,)
        keep.close()
