"""Shared pieces of the browser tests: Chromium through Playwright, a local server on a free port,
the notebook they serve, a screenshot on failure, and the user's walk through the forms.

Skips on a machine without Chromium or Playwright; fails instead under CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

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

# Counts per table and orders whose customer exists: exact whatever the generated values are.
QUERY = """select 'customers' as t, count(*) as n from customers
union all
select 'orders', count(*) from orders o join customers c on c.customer_id = o.customer_id
order by 1"""


def missing(reason: str) -> NoReturn:
    """Skip locally; under CI a missing browser stack is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def require_module(module: str, install: str) -> None:
    try:
        __import__(module)
    except ImportError:
        missing(f"{module} is not installed ({install})")


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        missing("chromium is not installed (apt-get install -y chromium chromium-driver)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_notebook(path: Path, *cells: str) -> Path:
    """A notebook of code cells for the venv's ``python3`` kernel."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@contextmanager
def server(
    name: str,
    cmd: list[str],
    *,
    ready_url: str,
    log_path: Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> Iterator[None]:
    """Run the ``name`` server ``cmd`` until the block ends, then stop it by its own pid.

    Ready when ``ready_url`` answers at all (an HTTP error status counts as an answer).
    """
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(ready_url, timeout=2)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        pytest.fail(f"{name} did not start:\n" + log_path.read_text()[-3000:])
                    time.sleep(0.3)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A fresh headless Chromium page that cannot reach the internet."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install playwright)")
    executable = chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Pages ask CDNs for fonts; there is no internet here, so fail those at once.
            page.route("https://**/*", lambda route: route.abort())
            yield page
        finally:
            browser.close()


@contextmanager
def screenshot_on_failure(page: Any, path: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failing page: {path}")
        raise


def fill_and_send(page: Any, box: Any, value: str, attempts: int = 5) -> None:
    """Type ``value`` into a widget's input and send it (Enter), again if the input was drawn anew.

    The forms re-draw their boxes while the kernel finishes a save; text typed into a box that is
    replaced before Enter never reaches the kernel, and the new box shows the old value.
    """
    for _ in range(attempts):
        box.fill(value)
        box.press("Enter")  # an IntText sends its value on Enter or blur
        page.wait_for_timeout(500)
        if box.input_value() == value:
            return
    raise AssertionError(
        f"the input kept {box.input_value()!r} after {attempts} tries to type {value!r}"
    )


def drive_forms(page: Any, app: Any) -> None:
    """Import, generate and query through the forms of ``app`` (the ``.dwsim-app`` element)."""
    from playwright.sync_api import expect

    # Import: fill the form, preview, save.
    name = app.locator(".dwsim-import-name input")
    expect(name).to_be_visible(timeout=60_000)
    name.fill("shop")
    app.locator(".dwsim-import-dialect select").select_option("redshift")
    app.locator(".dwsim-import-ddl textarea").fill(DDL)
    app.locator("button.dwsim-import-preview").click()
    output = app.locator(".dwsim-import-output")
    expect(output).to_contain_text("FK → customers.customer_id", timeout=30_000)
    for table in ("customers", "orders"):
        expect(output).to_contain_text(table)
    app.locator("button.dwsim-import-save").click()
    expect(output).to_contain_text("Saved experiment shop", timeout=30_000)

    # Generate: rows per table, then watch the bars and the result table.
    app.locator(".lm-TabBar-tab", has_text="Generate").click()
    orders = app.locator(".dwsim-gen-rows-orders input")
    expect(orders).to_be_visible(timeout=30_000)
    fill_and_send(page, orders, "3000")
    customers = app.locator(".dwsim-gen-rows-customers input")
    fill_and_send(page, customers, "300")
    expect(orders).to_have_value("3000")
    app.locator("button.dwsim-gen-run").click()
    expect(app.locator(".dwsim-gen-progress .dwsim-progress-bar").first).to_be_visible(
        timeout=60_000
    )
    result = app.locator(".dwsim-gen-result")
    expect(result).to_contain_text("COMPLETED", timeout=120_000)
    expect(result.locator("table.dwsim-rows")).to_contain_text("3,000")

    # Query: SQL in Redshift's dialect, result as a DataFrame table with known rows.
    app.locator(".lm-TabBar-tab", has_text="Query").click()
    sql = app.locator(".dwsim-q-sql textarea")
    expect(sql).to_be_visible(timeout=30_000)
    sql.fill(QUERY)
    app.locator("button.dwsim-q-run").click()
    table = app.locator(".dwsim-q-output table.dataframe")
    expect(table).to_be_visible(timeout=60_000)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["customers", "300"])
    expect(rows.nth(1).locator("td")).to_have_text(["orders", "3000"])
    expect(app.locator(".dwsim-q-status")).to_contain_text("2 rows")
