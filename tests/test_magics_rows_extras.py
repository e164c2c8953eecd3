"""``%%dwsim_generate`` reads row counts as the CLI does (``--scale``, a ``rows:`` mapping), and
every magic turns a missing optional piece into one line naming the install that brings it."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("IPython")

from IPython.utils.capture import capture_output

from dwsim_nb import cli_rows
from dwsim_nb.spec import scale
from dwsim_nb.spec.overrides import parse_overrides
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id int primary key, city varchar(40));
create table orders (
    order_id int primary key,
    customer_id int not null references customers(customer_id),
    amount decimal(10,2)
);
create table statuses (code varchar(10) primary key check (code in ('new', 'paid', 'sent')));
"""


def _counts(ip: Any, name: str) -> dict[str, int]:
    df = ip.run_cell_magic(
        "dwsim_sql",
        name,
        "select (select count(*) from customers) as customers, "
        "(select count(*) from orders) as orders, (select count(*) from statuses) as statuses",
    )
    return {k: int(v) for k, v in df.iloc[0].items()}


def test_scale_and_a_rows_mapping_in_the_cell(ip: Any, home: Path) -> None:
    with capture_output():
        ip.run_cell_magic("dwsim_import", "scaled", DDL)
        ip.run_cell_magic(
            "dwsim_generate", "scaled --scale 0.02 --seed 3 --workers 1", "rows: {customers: 7}"
        )
    spec = Workspace(home).experiment("scaled").spec
    targets = {t.name: t.target_rows for t in spec.tables}
    counts = _counts(ip, "scaled")
    assert counts["customers"] == 7  # the cell's count wins over the scale
    assert counts["orders"] == max(1, round(targets["orders"] * 0.02)) != targets["orders"]
    # one row per listed status: scaling would repeat or drop values
    assert counts["statuses"] == targets["statuses"] == 3


def test_cli_and_magic_share_one_scaling_function() -> None:
    assert cli_rows.scaled_rows is scale.scaled_rows
    assert cli_rows.is_list_table is scale.is_list_table


def test_rows_mapping_mixes_with_table_settings_and_a_table_named_rows() -> None:
    rows, overrides = parse_overrides(
        "rows: {customers: 10, orders: 20}\norders: {columns: {amount: {min_value: 1}}}"
    )
    assert rows == {"customers": 10, "orders": 20}
    assert set(overrides) == {"orders"}
    # `rows:` holding a table's own settings still means a table called rows
    assert parse_overrides("rows: {rows: 5}") == ({"rows": 5}, {})


def test_scale_must_be_above_zero(ip: Any, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with capture_output():
        ip.run_cell_magic("dwsim_import", "zero", DDL)
    ip.run_line_magic("dwsim_generate", "zero --scale 0")
    err = capsys.readouterr().err
    assert "--scale 0.0 is not a factor above 0" in err
    assert Workspace(home).experiment("zero").runs() == []


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    # the import's own table listing goes to stdout; the error is the one stderr line
    errors = [line for line in captured.err.splitlines() if line.strip()]
    assert len(errors) == 1, captured.err
    assert "Traceback" not in captured.err and lines
    return errors[0]


@pytest.mark.parametrize(
    ("warehouse", "module", "extra"),
    [("postgres", "psycopg", "postgres"), ("redshift", "psycopg", "postgres")],
)
def test_warehouse_without_its_driver(
    ip: Any,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    warehouse: str,
    module: str,
    extra: str,
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setitem(sys.modules, module, None)  # `import psycopg` now fails
    ip.run_cell_magic("dwsim_import", f"on_{warehouse} --warehouse {warehouse}", DDL)
    line = _one_line(capsys)
    assert f"pip install 'dwsim-nb[{extra}]'" in line and module in line


def test_snowflake_without_fakesnow(
    ip: Any, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dwsim_nb.warehouses import fakesnow_bridge

    real = importlib.metadata.version

    def version(name: str) -> str:
        if name == "fakesnow":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    fakesnow_bridge.require.cache_clear()
    monkeypatch.setattr(fakesnow_bridge.metadata, "version", version)
    monkeypatch.setitem(sys.modules, "fakesnow", None)
    try:
        ip.run_cell_magic("dwsim_import", "snow --warehouse snowflake", DDL)
    finally:
        fakesnow_bridge.require.cache_clear()
    assert "pip install 'dwsim-nb[snowflake]'" in _one_line(capsys)


def test_dask_address_without_distributed(
    ip: Any, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with capture_output():
        ip.run_cell_magic("dwsim_import", "dask_shop", DDL)
    monkeypatch.setitem(sys.modules, "distributed", None)
    ip.run_cell_magic("dwsim_generate", "dask_shop --dask tcp://127.0.0.1:8786", "customers: 5")
    assert "pip install 'dwsim-nb[dask]'" in _one_line(capsys)
    assert Workspace(home).experiment("dask_shop").runs() == []


def test_ui_without_ipywidgets(
    ip: Any, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m.startswith("dwsim_nb.widgets")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    ip.run_line_magic("dwsim_ui", "")
    line = _one_line(capsys)
    assert "%dwsim_ui" in line and "ipywidgets" in line and "pip install dwsim-nb" in line


def test_s3_copy_without_boto3(
    ip: Any,
    home: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    with capture_output():
        ip.run_cell_magic("dwsim_import", "rs --dialect redshift --warehouse redshift", DDL)
    monkeypatch.setitem(sys.modules, "boto3", None)
    ip.run_cell_magic(
        "dwsim_sql",
        "rs",
        "copy customers from 's3://bucket/p/' iam_role 'arn:aws:iam::1:role/x' format as parquet",
    )
    line = _one_line(capsys)
    assert "%dwsim_sql" in line and "pip install 'dwsim-nb[s3]'" in line


def test_an_unrelated_import_error_is_not_hidden(
    ip: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dwsim_nb.magics import DwsimMagics

    def broken(*_: Any) -> None:
        raise ModuleNotFoundError("No module named 'not_an_extra'", name="not_an_extra")

    with capture_output():
        ip.run_cell_magic("dwsim_import", "plain", DDL)
    monkeypatch.setattr(Workspace, "experiments", broken)
    magics = ip.magics_manager.registry[DwsimMagics.__name__]
    with pytest.raises(ModuleNotFoundError):
        magics.dwsim_list("")
