"""The forms in a real browser: Voilà serves a notebook showing ``dwsim_nb.widgets.app()``, and
Playwright drives Debian's Chromium through import, generate and query.

Skips on a machine without Chromium, Playwright or Voilà; fails instead under CI (CI=true).
A screenshot of the page is saved when a step fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

DDL = """create table customers (
    customer_id integer not null,
    email varchar(100),
    city varchar(40),
    primary key (customer_id)
) diststyle all;
create table orders (
    order_id bigint identity(1,1),
    customer_id integer not null references customers(customer_id),
    amount decimal(10,2),
    primary key (order_id)
) distkey(customer_id);
"""


def _missing(reason: str) -> None:
    """Skip locally; under CI a missing browser stack is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("chromium is not installed (apt-get install -y chromium chromium-driver)")
    assert path is not None
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _app_notebook(folder: Path, home: Path) -> Path:
    source = (
        "import os\n"
        f"os.environ['DWSIM_HOME'] = {str(home)!r}\n"
        "from dwsim_nb.widgets import app\n"
        "app()"
    )
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "app",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "forms_app.ipynb"
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture
def voila_url(tmp_path: Path) -> Iterator[str]:
    """Voilà serving the forms notebook on 127.0.0.1, stopped (by its pid) afterwards."""
    try:
        import voila  # noqa: F401
    except ImportError:
        _missing("voila is not installed (pip install voila)")
    notebook = _app_notebook(tmp_path, tmp_path / "ws")
    port = _free_port()
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--VoilaConfiguration.extension_denylist=['@jupyter-notebook/lab-extension']",
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # Any answer (even 404) means the server is up; asking for "/" would start a kernel.
                urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "voila did not start:\n" + (tmp_path / "voila.log").read_text()[-3000:]
                    )
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install playwright)")
        raise
    executable = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Voilà asks a CDN for fonts; there is no internet here, so fail those at once.
            pg.route("https://**/*", lambda route: route.abort())
            yield pg
        finally:
            browser.close()


def test_forms_import_generate_and_query_in_voila(
    voila_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    shot = tmp_path / "failure.png"
    try:
        page.goto(voila_url + "/", timeout=90_000)
        name = page.locator(".dwsim-import-name input")
        expect(name).to_be_visible(timeout=90_000)

        # Import: fill the form, preview, save.
        name.fill("shop")
        page.locator(".dwsim-import-dialect select").select_option("redshift")
        page.locator(".dwsim-import-ddl textarea").fill(DDL)
        page.locator("button.dwsim-import-preview").click()
        output = page.locator(".dwsim-import-output")
        expect(output).to_contain_text("FK → customers.customer_id", timeout=30_000)
        page.locator("button.dwsim-import-save").click()
        expect(output).to_contain_text("Saved experiment shop", timeout=30_000)

        # Generate: rows per table, then watch the bars and the result table.
        page.locator(".lm-TabBar-tab", has_text="Generate").click()
        orders = page.locator(".dwsim-gen-rows-orders input")
        expect(orders).to_be_visible(timeout=30_000)
        orders.fill("3000")
        orders.press("Enter")  # an IntText sends its value on Enter or blur
        customers = page.locator(".dwsim-gen-rows-customers input")
        customers.fill("300")
        customers.press("Enter")
        page.locator("button.dwsim-gen-run").click()
        expect(page.locator(".dwsim-gen-progress .dwsim-progress-bar").first).to_be_visible(
            timeout=60_000
        )
        result = page.locator(".dwsim-gen-result")
        expect(result).to_contain_text("COMPLETED", timeout=120_000)
        expect(result.locator("table.dwsim-rows")).to_contain_text("3,000")

        # Query: SQL in Redshift's dialect, result as a table.
        page.locator(".lm-TabBar-tab", has_text="Query").click()
        sql = page.locator(".dwsim-q-sql textarea")
        expect(sql).to_be_visible(timeout=30_000)
        sql.fill("select top 3 customer_id, count(*) as n from orders group by 1 order by 2 desc")
        page.locator("button.dwsim-q-run").click()
        table = page.locator(".dwsim-q-output table.dataframe")
        expect(table).to_be_visible(timeout=60_000)
        expect(table.locator("tbody tr")).to_have_count(3)
        expect(page.locator(".dwsim-q-status")).to_contain_text("3 rows")
    except BaseException:
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
        raise
