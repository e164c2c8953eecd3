"""The forms driven from Python: set values, click, check what they show and store."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_dask import local_cluster

pytest.importorskip("ipywidgets")

from dwsim_nb.widgets import App, Dashboard, GenerateForm, ImportForm, QueryPanel
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id int primary key, email varchar(100), city varchar(50));
create table orders (
    order_id int primary key,
    customer_id int not null references customers(customer_id),
    amount decimal(10,2)
);
"""


@pytest.fixture
def ws(home: Path) -> Workspace:
    return Workspace(home)


@pytest.fixture
def shop(ws: Workspace) -> Any:
    exp = ws.import_sql(DDL, name="shop", dialect="postgres")
    exp.generate(rows={"customers": 40, "orders": 100}, seed=3, workers=1)
    return exp


def test_import_preview_shows_schema_without_saving(ws: Workspace) -> None:
    form = ImportForm(ws)
    form.name.value = "shop"
    form.dialect.value = "postgres"
    form.ddl.value = DDL
    form.preview_button.click()
    assert "customers" in form.output.value and "FK → customers.customer_id" in form.output.value
    assert ws.experiments() == []


def test_import_save_stores_and_reports(ws: Workspace) -> None:
    saved: list[str] = []
    form = ImportForm(ws, on_saved=saved.append)
    form.name.value = "shop"
    form.dialect.value = "postgres"
    form.ddl.value = DDL
    form.save_button.click()
    assert "Saved experiment shop" in form.output.value
    assert saved == ["shop"] and [e.name for e in ws.experiments()] == ["shop"]


def test_import_error_keeps_the_input(ws: Workspace) -> None:
    form = ImportForm(ws)
    form.name.value = "broken"
    form.ddl.value = "create table t (a int,, b"
    form.preview_button.click()
    assert "dwsim-error" in form.output.value
    assert form.ddl.value == "create table t (a int,, b" and form.name.value == "broken"
    form.name.value = ""
    form.ddl.value = DDL
    form.save_button.click()
    assert "needs a name" in form.output.value


def test_generate_form_rows_seed_progress_and_result(ws: Workspace) -> None:
    ws.import_sql(DDL, name="shop", dialect="postgres")
    form = GenerateForm(ws, "shop", background=False)
    assert set(form.rows) == {"customers", "orders"}
    form.rows["customers"].value = 25
    form.rows["orders"].value = 60
    form.seed.value = 11
    form.run_button.click()
    assert "dwsim-status-completed" in form.result.value
    assert form.progress is not None
    assert form.progress.state["orders"] == (60, 60)
    counts = ws.experiment("shop").query("select count(*) as n from orders")
    assert int(counts["n"][0]) == 60
    assert form.last_run.seed == 11


def test_generate_form_keeps_typed_rows_when_it_refreshes(ws: Workspace) -> None:
    # The app refreshes the form after an import saves; counts typed meanwhile must survive.
    ws.import_sql(DDL, name="shop", dialect="postgres")
    form = GenerateForm(ws, "shop", background=False)
    orders = form.rows["orders"]
    default_customers = form.rows["customers"].value
    orders.value = 3000
    ws.import_sql(DDL, name="other", dialect="postgres")
    form.refresh(keep="shop")
    assert form.rows["orders"] is orders and orders.value == 3000
    assert form.rows["customers"].value == default_customers
    assert list(form.rows_box.children) == list(form.rows.values())
    form.experiment.value = "other"  # another experiment: its own boxes, its own counts
    assert form.rows["orders"] is not orders
    assert form.rows["orders"].value == ws.experiment("other").spec.table("orders").target_rows
    form.run_button.click()
    assert "dwsim-status-completed" in form.result.value
    assert form.last_run.rows["orders"] == form.rows["orders"].value
    form.experiment.value = "shop"  # and back: what was typed for shop is still there
    assert form.rows["orders"] is orders and orders.value == 3000


def test_generate_form_runs_in_background_and_can_cancel(ws: Workspace) -> None:
    ws.import_sql(DDL, name="shop", dialect="postgres")
    form = GenerateForm(ws, "shop")
    form.rows["customers"].value = 20
    form.rows["orders"].value = 50
    form.run_button.click()
    assert form.wait(60)
    assert "dwsim-status-completed" in form.result.value
    # A cancel set before the first block stops the run: ABORTED or FAILED, never loaded.
    form.rows["orders"].value = 2_000_000
    started = threading.Event()
    original = form._run

    def run_and_cancel(exp: Any, kwargs: dict[str, Any]) -> None:
        kwargs["cancel"].set()
        started.set()
        original(exp, kwargs)

    form._run = run_and_cancel  # type: ignore[method-assign]
    form.run_button.click()
    assert form.wait(60) and started.is_set()
    assert "dwsim-error" in form.result.value
    assert ws.experiment("shop").runs()[-1].status in ("ABORTED", "FAILED")


def test_generate_form_without_experiments_says_so(ws: Workspace) -> None:
    form = GenerateForm(ws, background=False)
    form.run_button.click()
    assert "import one first" in form.result.value


# --- the Dask scheduler field ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "no port"),
        ("http://127.0.0.1:8786", "unknown protocol"),
        ("tcp://127.0.0.1:port", "is not a number from 1 to 65535"),
        ("tcp://:8786", "no host"),
    ],
)
def test_generate_form_malformed_dask_address_starts_nothing(
    ws: Workspace, shop: Any, address: str, reason: str
) -> None:
    form = GenerateForm(ws, "shop")  # on a thread, as in a notebook: none may start
    runs_before = [(r.id, r.status, r.loaded) for r in shop.runs()]
    form.rows["orders"].value = 70
    form.dask.value = address
    form.run_button.click()
    assert form._thread is None and form.progress is None
    assert "dwsim-error" in form.result.value
    assert "generate form, Dask scheduler" in form.result.value and reason in form.result.value
    assert "tcp://HOST:PORT" in form.result.value and "empty the field" in form.result.value
    assert not form.run_button.disabled and form.dask.value == address
    assert [(r.id, r.status, r.loaded) for r in shop.runs()] == runs_before
    assert int(shop.query("select count(*) as n from orders")["n"][0]) == 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_generate_form_unreachable_or_wrong_scheduler_keeps_earlier_data(
    ws: Workspace, shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    from dwsim_nb.engine import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    loaded = shop.loaded_run()
    form = GenerateForm(ws, "shop")
    form.rows["orders"].value = 70
    # Nothing listens on the first; the second accepts connections but never speaks Dask (as a
    # dashboard port would), which Dask's own client waits for without end.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent_address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        for address, says in (
            (f"tcp://127.0.0.1:{_free_port()}", "cannot reach the Dask scheduler"),
            (silent_address, "does not answer as a Dask scheduler"),
        ):
            form.dask.value = address
            form.run_button.click()
            assert form.wait(30), address
            assert "dwsim-error" in form.result.value and says in form.result.value
            assert address in form.result.value
            last = shop.runs()[-1]
            assert last.status == "FAILED" and not last.loaded and address in (last.error or "")
    # The earlier run is still the loaded one, its data in the warehouse.
    assert shop.loaded_run().id == loaded.id
    assert int(shop.query("select count(*) as n from orders")["n"][0]) == 100


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Any]:
    """One worker process on 127.0.0.1 (tests/test_dask.py runs two)."""
    pytest.importorskip("distributed")
    with local_cluster(1) as cluster:
        yield cluster


def _assert_dask_run(ws: Workspace, form: GenerateForm, rows: dict[str, int]) -> None:
    from dwsim_nb.engine.manifest import Manifest

    assert form.wait(120)
    assert "dwsim-status-completed" in form.result.value, form.result.value
    run = ws.experiment("shop").runs()[-1]
    assert run.status == "COMPLETED" and run.loaded and run.path
    assert run.rows == rows
    manifest = Manifest.read(run.path)
    assert manifest.executor == "dask"
    assert {t: m.rows for t, m in manifest.tables.items()} == rows
    for table, n in rows.items():
        got = ws.experiment("shop").query(f"select count(*) as n from {table}")
        assert int(got["n"][0]) == n, table


def test_generate_form_on_dask_scheduler_address(ws: Workspace, dask_cluster: Any) -> None:
    ws.import_sql(DDL, name="shop", dialect="postgres")
    form = GenerateForm(ws, "shop")
    assert form.dask.value == ""
    form.rows["customers"].value = 30
    form.rows["orders"].value = 90
    form.dask.value = f"  {dask_cluster.scheduler_address}  "
    form.run_button.click()
    _assert_dask_run(ws, form, {"customers": 30, "orders": 90})


def test_generate_form_uses_the_notebooks_client(
    ws: Workspace, dask_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distributed

    from dwsim_nb.engine import dask_executor

    def no_new_client(address: str, timeout: float | None = None) -> Any:
        raise AssertionError(f"the form opened its own client on {address}")

    monkeypatch.setattr(dask_executor, "connect", no_new_client)
    ws.import_sql(DDL, name="shop", dialect="postgres")
    with distributed.Client(dask_cluster, set_as_default=False) as client:
        form = GenerateForm(ws, "shop", client=client)
        assert form.dask.value == dask_cluster.scheduler_address
        form.rows["customers"].value = 20
        form.rows["orders"].value = 50
        form.run_button.click()
        _assert_dask_run(ws, form, {"customers": 20, "orders": 50})
        # Emptied, the field runs the next generation in this kernel again.
        form.dask.value = ""
        form.run_button.click()
        assert form.wait(60) and "dwsim-status-completed" in form.result.value
        run = ws.experiment("shop").runs()[-1]
        assert run.path
        from dwsim_nb.engine.manifest import Manifest

        assert Manifest.read(run.path).executor != "dask"


def test_dashboard_buttons(ws: Workspace, shop: Any) -> None:
    dash = Dashboard(ws)
    assert "shop" in dash.buttons
    dash.buttons["shop"]["runs"].click()
    assert "dwsim-status-completed" in dash.runs.value
    dash.buttons["shop"]["reset"].click()
    assert "emptied" in dash.status.value
    assert int(shop.query("select count(*) as n from orders")["n"][0]) == 0
    dash.buttons["shop"]["load"].click()
    assert int(shop.query("select count(*) as n from orders")["n"][0]) == 100
    dash.buttons["shop"]["delete"].click()  # arms
    assert [e.name for e in ws.experiments()] == ["shop"]
    dash.buttons["shop"]["delete"].click()  # confirms
    assert ws.experiments() == [] and "deleted" in dash.status.value


def test_dashboard_polls_while_a_run_is_running(ws: Workspace, shop: Any) -> None:
    class FakeRun:
        def __init__(self, status: str) -> None:
            self.id, self.status, self.seed = 9, status, 1
            self.rows: dict[str, int] = {}
            self.started_at = self.finished_at = self.error = None

    calls: list[int] = []

    class Slow:
        """An experiment whose run shows RUNNING for the first two looks."""

        name, dialect, warehouse_name, spec = "shop", "postgres", "duckdb", shop.spec

        def runs(self) -> list[FakeRun]:
            calls.append(1)
            return [FakeRun("RUNNING" if len(calls) <= 2 else "COMPLETED")]

    class FakeWs:
        def experiments(self) -> list[Any]:
            return [Slow()]

        def experiment(self, name: str) -> Any:
            return Slow()

    dash = Dashboard(FakeWs(), poll_seconds=0.05)
    dash.show_runs("shop")
    assert dash._poller is not None
    dash._poller.join(5)
    assert "dwsim-status-completed" in dash.runs.value and len(calls) >= 3


def test_query_panel_run_export_save(ws: Workspace, shop: Any, tmp_path: Path) -> None:
    panel = QueryPanel(ws, "shop")
    panel.sql.value = "select customer_id, count(*) as n from orders group by 1 order by 1"
    panel.run_button.click()
    assert '<table border="1" class="dataframe' in panel.output.value
    assert panel.result is not None and int(panel.result["n"].sum()) == 100
    panel.file.value = str(tmp_path / "out")
    panel.export_button.click()
    assert (tmp_path / "out.csv").read_text().replace('"', "").startswith("customer_id,n\n1,")
    assert "download" in panel.status.value
    panel.save_button.click()
    assert "group by 1" in (tmp_path / "out.sql").read_text()


def test_query_panel_errors_show_in_red_in_place_of_the_last_result(
    ws: Workspace, shop: Any
) -> None:
    panel = QueryPanel(ws, "shop")
    panel.sql.value = "select count(*) as n from orders"
    panel.run_button.click()
    assert "dataframe" in panel.output.value
    panel.sql.value = "select * from nowhere"
    panel.run_button.click()
    assert "dwsim-error" in panel.output.value and panel.sql.value == "select * from nowhere"
    assert "dataframe" not in panel.output.value and panel.result is None
    panel.export_button.click()
    assert "click Run first" in panel.status.value


def test_app_keeps_tabs_in_step(ws: Workspace) -> None:
    app = App(ws)
    assert app.generate.experiment.options == ()
    app.importer.name.value = "shop"
    app.importer.dialect.value = "postgres"
    app.importer.ddl.value = DDL
    app.importer.save_button.click()
    assert app.generate.experiment.value == "shop" and app.query.experiment.value == "shop"
    assert "shop" in app.dashboard.buttons
    assert "dwsim-app" in app._dom_classes


def test_widget_progress_bounds_its_bars_for_many_tables() -> None:
    """Thousands of tables share one bar after the first ``max_bars``; the counts stay right."""
    from dwsim_nb.progress import WidgetProgress

    progress = WidgetProgress(show=False, max_bars=3)
    progress.stage("generate")
    for i in range(50):
        progress(f"t{i}", 0, 10)
        progress(f"t{i}", 10, 10)
    rows = [box for box in progress.widget.children if hasattr(box, "children")]
    assert len(rows) == 4  # three tables and the shared bar
    more_bar, more_label = rows[-1].children
    assert more_bar.description == "+ 47 more tables"
    assert (more_bar.value, more_bar.max) == (470, 470)
    assert more_label.value == "47/47 tables, 470/470 rows"
    assert more_bar.bar_style == "success"
    assert progress.state["t49"] == (10, 10)
    progress.stage("load")  # a new stage starts its own bars again
    progress("t0", 5, 10)
    assert len([b for b in progress.widget.children if hasattr(b, "children")]) == 5
