"""``dwsim ui`` end to end: the command serves the web app, Chromium opens the URL it prints,
and a user imports (with the preview), generates, finds the run, queries and exports, draws the
ER diagram and measures a workload's coverage. Ctrl-C (SIGINT) then stops the server and its
kernels.

Skips on a machine without Chromium, Playwright or Voilà; fails instead under CI (CI=true).
A screenshot of the page is saved when a step fails.
"""

from __future__ import annotations

import csv
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_browser import (
    DDL,
    chromium,
    chromium_page,
    drive_forms,
    free_port,
    require_module,
    screenshot_on_failure,
)

from dwsim_nb.workspace import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORKLOAD = [
    "select * from orders where amount > 0",
    "select * from customers where 1 = 0",
]


class UiServer:
    """``dwsim ui --no-browser`` as a child process; its output read line by line."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.port = free_port()
        cmd = [sys.executable, "-m", "dwsim_nb.cli", "ui", "--no-browser"]
        cmd += ["--port", str(self.port), "--home", str(home)]
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a Ctrl-C sent to pytest must not reach it
        )
        self.lines: list[str] = []
        self.expected = -1  # rows of the first workload query, as DuckDB counts them
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line)

    def url(self, timeout: float = 150) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.lines.append(line)
            if line.strip().startswith("http://"):
                return line.strip()
        pytest.fail("dwsim ui printed no URL:\n" + "".join(self.lines))

    def output(self) -> str:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return "".join(self.lines)


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[tuple[UiServer, str]]:
    require_module("voila", "pip install voila")
    require_module("playwright", "pip install playwright")
    chromium()
    home = tmp_path / "ws"
    # An experiment with a workload and data, for the Coverage tab; the rest is done in the page.
    sales = Workspace(home).import_sql(DDL, name="sales", dialect="redshift")
    sales.set_workload(WORKLOAD)
    sales.generate(rows={"customers": 40, "orders": 120}, seed=7, workers=1)
    server = UiServer(home, tmp_path)
    server.expected = int(sales.query("select count(*) from orders where amount > 0").iloc[0, 0])
    try:
        yield server, server.url()
    finally:
        # Ctrl-C, as a user stops it: the command ends Voilà's process group and says so.
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)
        try:
            code = server.proc.wait(30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(5)
            pytest.fail("dwsim ui did not stop on SIGINT:\n" + server.output())
        assert code == 0, server.output()
        assert "stopped" in server.output()
        assert not _answers(server.port), "Voilà still answers after dwsim ui stopped"


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium_page() as pg:
        yield pg


def test_dwsim_ui_serves_the_dashboard(ui: tuple[UiServer, str], page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    server, url = ui
    assert url.startswith(f"http://127.0.0.1:{server.port}/")
    with screenshot_on_failure(page, tmp_path / "failure.png"):
        page.goto(url, timeout=90_000)
        app = page.locator(".dwsim-web-app")
        # Import with preview, generate with progress, query: the notebook's own walk.
        drive_forms(page, app)

        # Export: the CSV lands where `dwsim ui` was started and is offered as a download.
        app.locator(".dwsim-q-file input").fill("counts")
        app.locator(".dwsim-q-file input").press("Enter")
        app.locator("button.dwsim-q-export").click()
        status = app.locator(".dwsim-q-status")
        expect(status).to_contain_text("Wrote", timeout=30_000)
        expect(status.locator("a[download='counts.csv']")).to_have_count(1)
        with (tmp_path / "counts.csv").open(newline="") as f:
            exported = list(csv.reader(f))
        assert exported[1:] == [["customers", "300"], ["orders", "3000"]]

        # Experiments and runs: shop's run 1 is listed as completed.
        app.locator(".lm-TabBar-tab", has_text="Experiments").click()
        row = app.locator(".dwsim-dash-row-shop")
        expect(row).to_be_visible(timeout=30_000)
        row.locator("button.dwsim-dash-runs-button").click()
        runs = app.locator(".dwsim-dash-runs table tbody tr")
        expect(runs).to_have_count(1, timeout=30_000)
        expect(runs.first.locator("td").nth(0)).to_have_text("1")
        expect(runs.first).to_contain_text("COMPLETED")
        expect(runs.first).to_contain_text("3,300")

        # ER diagram: an SVG with both tables and the foreign key between them.
        app.locator(".lm-TabBar-tab", has_text="ER diagram").click()
        app.locator(".dwsim-erd-view-experiment select").select_option("shop")
        svg = app.locator(".dwsim-erd-view-output svg")
        expect(svg).to_be_visible(timeout=30_000)
        expect(svg.locator("text", has_text="customers").first).to_be_visible()
        expect(svg.locator("text", has_text="orders").first).to_be_visible()
        expect(svg.locator("path.erd-fk[data-from='orders'][data-to='customers']")).to_have_count(1)

        # Coverage of the prepared experiment: the counts DuckDB finds, one query empty.
        app.locator(".lm-TabBar-tab", has_text="Coverage").click()
        app.locator(".dwsim-coverage-view-experiment select").select_option("sales")
        app.locator("button.dwsim-coverage-view-run").click()
        table = app.locator(".dwsim-coverage-view-output table.dwsim-grid")
        expect(table).to_be_visible(timeout=60_000)
        cells = table.locator("tbody tr")
        expect(cells).to_have_count(2)
        # query, rows, a status badge, and why an empty query is empty
        expect(cells.nth(1).locator("td").nth(2)).to_have_text("empty")
        expect(cells.nth(1).locator("td").nth(1)).to_have_text("0")
        expect(cells.nth(1).locator("td").nth(3)).not_to_be_empty()
        expected = f"{server.expected:,}"
        expect(cells.nth(0).locator("td")).to_have_text(["q1", expected, "ok", ""])
        expect(cells.nth(0).locator(".dwsim-badge.dwsim-coverage-ok")).to_have_count(1)
