"""``dwsim ui`` without a browser: the notebook it writes (paths passed as literals, never as
code), the kernel spec and config beside it, the port check, the one-line message when Voilà is
missing, and the two tabs the web app adds (ER diagram, coverage) driven from Python."""

from __future__ import annotations

import ast
import importlib.util
import json
import socket
import stat
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

pytest.importorskip("ipywidgets")

from dwsim_nb import cli_ui
from dwsim_nb.cli import main
from dwsim_nb.errors import DwsimError
from dwsim_nb.widgets.web_app import CoverageView, ErdView, WebApp
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id int primary key, city varchar(50));
create table orders (
    order_id int primary key,
    customer_id int not null references customers(customer_id),
    amount decimal(10,2)
);
"""

# Quotes, a backslash, a newline and Python code: a path that would break or inject if it were
# pasted into the cell as text.
ODD = "it's \"odd\" \\ x\n'); import shutil; shutil.rmtree('/'); ('"


def _calls(tree: ast.Module) -> list[tuple[str, list[Any]]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "?")
            out.append((name, [a.value if isinstance(a, ast.Constant) else a for a in node.args]))
    return out


def test_notebook_passes_paths_as_literals(tmp_path: Path) -> None:
    home = tmp_path / ODD / "ws"
    cwd = tmp_path / ODD
    path = cli_ui.write_app_notebook(tmp_path, home, cwd)
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == cli_ui.KERNEL_NAME
    (cell,) = nb.cells
    tree = ast.parse(cell.source)
    # Five statements, whatever the path holds: nothing was injected.
    assert len(tree.body) == 5
    calls = dict(_calls(tree))
    assert calls["chdir"] == [str(cwd)]
    assert calls["Workspace"] == [str(home)]
    assert set(calls) == {"chdir", "web_app", "Workspace"}


def test_notebook_cell_builds_the_app_over_that_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # Quotes but no backslash or newline: DuckDB itself cannot open files under such a path.
    home, cwd = tmp_path / "it's \"odd\"); x = ('" / "ws", tmp_path / "started here"
    cwd.mkdir()
    Workspace(home).import_sql(DDL, name="shop", dialect="postgres")
    source = cli_ui.app_source(home, cwd)
    *setup, last = ast.parse(source).body
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module(body=setup, type_ignores=[]), "cell", "exec"), namespace)
    app = eval(compile(ast.Expression(body=last.value), "cell", "eval"), namespace)  # type: ignore[attr-defined]
    assert Path.cwd() == cwd
    assert isinstance(app, WebApp) and app.ws.home == home
    assert app.erd.experiment.options == ("shop",)
    assert app.titles == ("Import", "Generate", "Experiments", "Query", "ER diagram", "Coverage")


def test_nul_in_a_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DwsimError, match="NUL"):
        cli_ui.app_source(Path("/tmp/a\x00b"), tmp_path)


def test_kernel_spec_and_private_config(tmp_path: Path) -> None:
    data_dir = cli_ui.write_kernel_spec(tmp_path)
    spec = json.loads((data_dir / "kernels" / cli_ui.KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and "{connection_file}" in spec["argv"]
    cli_ui.write_voila_config(tmp_path, "secret-token")
    config = tmp_path / "voila.json"
    assert json.loads(config.read_text())["Voila"]["token"] == "secret-token"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    cmd = cli_ui.voila_command(tmp_path / "dwsim.ipynb", 8123)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8123" in cmd
    assert not any("secret-token" in part for part in cmd)  # not visible in ps


def test_busy_port_is_refused_and_a_free_one_is_found() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        with pytest.raises(DwsimError, match=f"port {busy}"):
            cli_ui.pick_port(busy)
        assert cli_ui.pick_port(None) != busy


def test_missing_voila_is_one_line_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a)
    )
    started: list[Any] = []
    monkeypatch.setattr(cli_ui.subprocess, "Popen", lambda *a, **k: started.append(a))
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), "ui", "--no-browser"])
    assert result.exit_code == 1
    text = result.output.strip()
    lines = {line for line in text.splitlines() if line.strip()}
    assert len(lines) == 1, text
    assert "Voilà" in text and "pip install 'dwsim-nb[ui]'" in text
    assert started == []


def test_help_names_the_options() -> None:
    result = CliRunner().invoke(main, ["ui", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--no-browser", "--home", "dwsim ui --port 9000"):
        assert option in result.output


@pytest.fixture
def shop(tmp_path: Path) -> Any:
    exp = Workspace(tmp_path / "ws").import_sql(DDL, name="shop", dialect="postgres")
    exp.set_workload(
        [
            "select * from orders where amount > 0",
            "select * from customers where 1 = 0",
            "select * from no_such_table",
        ]
    )
    exp.generate(rows={"customers": 30, "orders": 90}, seed=5, workers=1)
    return exp


def test_erd_view_draws_tables_and_the_foreign_key(shop: Any, tmp_path: Path) -> None:
    view = ErdView(Workspace(tmp_path / "ws"), "shop")
    html = view.draw()
    assert "<svg" in html and "download SVG" in html
    assert 'data-from="orders"' in html and 'data-to="customers"' in html
    assert ">customers<" in html and ">orders<" in html


def test_coverage_view_shows_the_counts_duckdb_finds(shop: Any, tmp_path: Path) -> None:
    view = CoverageView(Workspace(tmp_path / "ws"), "shop")
    html = view.draw()
    positive = int(shop.query("select count(*) from orders where amount > 0").iloc[0, 0])
    assert f"<td>{positive}</td>" in html
    assert "3 queries" in html and "1 empty" in html and "1 error" in html
    assert "no_such_table" in html


def test_coverage_view_without_workload_says_how_to_add_one(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.import_sql(DDL, name="plain", dialect="postgres")
    html = CoverageView(ws, "plain").draw()
    assert "no workload queries" in html and "dwsim workload plain" in html


def test_web_app_import_reaches_the_new_tabs(tmp_path: Path) -> None:
    app = WebApp(Workspace(tmp_path / "ws"))
    app.importer.name.value = "shop"
    app.importer.dialect.value = "postgres"
    app.importer.ddl.value = DDL
    app.importer.save_button.click()
    assert app.erd.experiment.value == "shop" and app.coverage.experiment.value == "shop"
    app.selected_index = app.children.index(app.erd)  # opening the tab draws the diagram
    assert 'data-from="orders"' in app.erd.output.value
