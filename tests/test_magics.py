"""The magics driven through a real IPython shell, on the embedded DuckDB warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("IPython")

from IPython.utils.capture import capture_output

SHOP_DDL = """
create table customers (
    customer_id integer not null,
    email varchar(120),
    city varchar(60),
    primary key (customer_id)
) diststyle all;
create table orders (
    order_id bigint identity(1,1),
    customer_id integer not null references customers(customer_id),
    status varchar(20),
    amount decimal(10,2),
    primary key (order_id)
);
"""

MAGICS = [
    "dwsim_home",
    "dwsim_import",
    "dwsim_generate",
    "dwsim_use",
    "dwsim_sql",
    "dwsim_list",
    "dwsim_runs",
    "dwsim_show",
    "dwsim_profile",
    "dwsim_load",
    "dwsim_reset",
    "dwsim_drop",
    "dwsim_ui",
]


@pytest.fixture
def shop(ip: Any, home: Path) -> Iterator[str]:
    """An imported and generated experiment 'shop' in a fresh workspace."""
    with capture_output():
        ip.run_cell_magic("dwsim_import", "shop --dialect redshift", SHOP_DDL)
        ip.run_cell_magic(
            "dwsim_generate", "shop --seed 7 --workers 1", "customers: 50\norders: 200"
        )
    yield "shop"
    from dwsim_nb import sqlbridge

    sqlbridge.forget("shop")


def html_of(cap: Any) -> str:
    return "".join(o.data.get("text/html", "") for o in cap.outputs)


def test_load_ext_registers_every_magic(ip: Any) -> None:
    registered = ip.magics_manager.magics
    for name in MAGICS:
        assert name in registered["line"], name
    for name in ("dwsim_import", "dwsim_generate", "dwsim_sql"):
        assert name in registered["cell"], name


@pytest.mark.parametrize("name", MAGICS)
def test_every_magic_answers_help(ip: Any, name: str) -> None:
    with capture_output() as cap:
        result = ip.run_line_magic(name, "--help")
    assert result is None
    assert f"%{name}" in cap.stdout and "usage" not in cap.stderr.lower()


def test_import_cell_shows_tables_keys_rules_and_warnings(ip: Any, home: Path) -> None:
    with capture_output() as cap:
        ip.run_cell_magic("dwsim_import", "shop --dialect redshift --erd", SHOP_DDL)
    html = html_of(cap)
    for text in ("customers", "orders", "customer_id", "PK", "FK → customers.customer_id"):
        assert text in html
    assert "dwsim-inferred" in html  # email/city get rules inferred from their names
    svg = "".join(o.data.get("image/svg+xml", "") for o in cap.outputs)
    assert 'class="erd-table"' in svg
    from dwsim_nb.workspace import Workspace

    assert [e.name for e in Workspace(home).experiments()] == ["shop"]


def test_import_from_file_and_dry_run(ip: Any, home: Path, tmp_path: Path) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text(SHOP_DDL)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_import", f"preview --dialect redshift --file {ddl} --dry-run")
    assert "orders" in html_of(cap)
    from dwsim_nb.workspace import Workspace

    assert Workspace(home).experiments() == []
    with capture_output():
        ip.run_line_magic("dwsim_import", f"fromfile --dialect redshift --file {ddl}")
    assert [e.name for e in Workspace(home).experiments()] == ["fromfile"]


def test_generate_applies_rows_and_rule_overrides(ip: Any, shop: str) -> None:
    body = """
customers: 30
orders:
  rows: 120
  columns:
    status: {values: [placed, shipped], weights: [0.75, 0.25]}
"""
    with capture_output() as cap:
        ip.run_cell_magic("dwsim_generate", "shop --seed 1 --workers 1", body)
    assert "COMPLETED" in html_of(cap)
    df = ip.run_cell_magic(
        "dwsim_sql", "shop", "select status, count(*) as n from orders group by 1 order by 1"
    )
    assert set(df["status"]) <= {"placed", "shipped"}
    assert int(df["n"].sum()) == 120


def test_generate_cell_errors_are_short(ip: Any, shop: str) -> None:
    with capture_output() as cap:
        ip.run_cell_magic("dwsim_generate", "shop", "orders: {columns: {nope: {values: [1]}}}")
    assert "no column 'nope'" in cap.stderr and "Traceback" not in cap.stderr + cap.stdout


def test_dwsim_sql_returns_a_dataframe_and_stores_it(ip: Any, shop: str) -> None:
    df = ip.run_cell_magic(
        "dwsim_sql", "shop -o top", "select top 3 customer_id from customers order by 1"
    )
    assert list(df["customer_id"]) == [1, 2, 3] or len(df) == 3
    assert ip.user_ns["top"] is df


def test_a_query_that_finds_nothing_says_why_and_how_to_fit_the_data(ip: Any, shop: str) -> None:
    sql = "select order_id from orders where status = 'lost in transit'"
    with capture_output() as cap:
        df = ip.run_cell_magic("dwsim_sql", "shop", sql)
    assert len(df) == 0
    note = html_of(cap)
    assert "No rows." in note and "status" in note  # the predicate that removed the rows
    assert "%%dwsim_workload shop --add" in note and "%dwsim_generate shop" in note
    # given as workload and generated again, the same query finds rows
    with capture_output():
        ip.run_cell_magic("dwsim_workload", "shop --add", sql)
        ip.run_cell_magic(
            "dwsim_generate", "shop --seed 7 --workers 1", "customers: 50\norders: 200"
        )
        assert len(ip.run_cell_magic("dwsim_sql", "shop", sql)) > 0
    with capture_output() as cap:
        ip.run_cell_magic("dwsim_sql", "shop -q", "select order_id from orders where 1 = 0")
        ip.run_cell_magic("dwsim_sql", "shop", "select count(*) as n from orders")
    assert "No rows" not in html_of(cap) + cap.stdout


def test_dwsim_use_lets_jupysql_query_in_the_experiments_dialect(ip: Any, shop: str) -> None:
    with capture_output():
        ip.run_line_magic("dwsim_use", "shop")
        ip.run_line_magic("config", "SqlMagic.autopandas = True")
    try:
        with capture_output():
            # Redshift spellings: TOP and NVL are translated for DuckDB.
            df = ip.run_cell_magic(
                "sql", "", "select top 2 customer_id, nvl(city, '?') as c from customers order by 1"
            )
            assert len(df) == 2 and list(df.columns) == ["customer_id", "c"]
            ip.run_cell("%%sql counted <<\nselect count(*) as n from orders")
            assert int(ip.user_ns["counted"]["n"][0]) == 200
            # a failed statement must not break the next one
            ip.run_cell("%sql select * from no_such_table")
            again = ip.run_cell_magic("sql", "", "select count(*) as n from customers")
        assert int(again["n"][0]) == 50
    finally:
        ip.run_line_magic("config", "SqlMagic.autopandas = False")


def test_list_runs_load_reset_drop(ip: Any, shop: str) -> None:
    with capture_output() as cap:
        ip.run_line_magic("dwsim_list", "")
        ip.run_line_magic("dwsim_runs", "shop")
    html = html_of(cap)
    assert "shop" in html and "dwsim-status-completed" in html
    with capture_output():
        ip.run_line_magic("dwsim_reset", "shop")
    assert int(ip.run_line_magic("dwsim_sql", "shop select count(*) as n from orders")["n"][0]) == 0
    with capture_output():
        ip.run_line_magic("dwsim_load", "shop --run 1")
    assert (
        int(ip.run_line_magic("dwsim_sql", "shop select count(*) as n from orders")["n"][0]) == 200
    )
    with capture_output() as cap:
        ip.run_line_magic("dwsim_drop", "shop")
        ip.run_line_magic("dwsim_list", "")
    assert "No experiments yet" in html_of(cap)


def test_user_errors_show_a_short_message_without_traceback(ip: Any, home: Path) -> None:
    with capture_output() as cap:
        result = ip.run_cell("%dwsim_runs nope")
    assert result.error_in_exec is None
    assert "NotFoundError" in cap.stderr and "nope" in cap.stderr
    assert "Traceback" not in cap.stderr + cap.stdout
    with capture_output() as cap:
        ip.run_cell("%%dwsim_import bad --dialect redshift\ncreate table (")
    assert "Traceback" not in cap.stderr + cap.stdout and cap.stderr.strip()


def test_user_errors_are_red_html_in_a_notebook(
    ip: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dwsim_nb.display import rich

    monkeypatch.setattr(rich, "_in_kernel", lambda: True)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_runs", "nope")
    html = html_of(cap)
    assert "dwsim-error" in html and "NotFoundError" in html and not cap.stderr


def test_profile_and_show(ip: Any, shop: str) -> None:
    with capture_output() as cap:
        ip.run_line_magic("dwsim_profile", "shop orders")
        ip.run_line_magic("dwsim_show", "shop --erd")
    assert any("image/png" in o.data for o in cap.outputs)
    assert "Experiment shop" in html_of(cap)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_profile", "shop nosuch")
    assert "no table 'nosuch'" in cap.stderr


def test_home_magic_switches_workspace(ip: Any, home: Path, tmp_path: Path) -> None:
    magics = ip.magics_manager.registry["DwsimMagics"]
    try:
        with capture_output() as cap:
            ip.run_line_magic("dwsim_home", str(tmp_path / "other"))
        assert str(tmp_path / "other") in html_of(cap)
        assert magics.home() == tmp_path / "other"
    finally:
        magics._home = None
    assert magics.home() == home


def test_ui_magic_displays_the_app(ip: Any, home: Path) -> None:
    with capture_output() as cap:
        ip.run_line_magic("dwsim_ui", "")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in cap.outputs)


def test_jupysql_named_parameters_reach_the_engine(ip: Any, shop: str) -> None:
    with capture_output():
        ip.run_line_magic("dwsim_use", "shop")
        ip.run_line_magic("config", "SqlMagic.autopandas = True")
        ip.run_line_magic("config", 'SqlMagic.named_parameters = "enabled"')
    try:
        ip.user_ns["wanted"] = 3
        with capture_output():
            df = ip.run_line_magic(
                "sql", "select count(*) as n from customers where customer_id <= :wanted"
            )
        assert int(df["n"][0]) == 3
    finally:
        ip.run_line_magic("config", 'SqlMagic.named_parameters = "warn"')
        ip.run_line_magic("config", "SqlMagic.autopandas = False")


def test_dwsim_use_off_releases_the_connection(ip: Any, shop: str) -> None:
    from dwsim_nb import sqlbridge

    magics = ip.magics_manager.registry["DwsimMagics"]
    with capture_output():
        ip.run_line_magic("dwsim_use", "shop")
    assert sqlbridge.current_alias() == "shop" and "shop" in magics._sql_connections
    with capture_output() as cap:
        ip.run_line_magic("dwsim_use", "shop --off")
    assert "no longer" in html_of(cap)
    assert sqlbridge.current_alias() is None and "shop" not in magics._sql_connections
