"""The forms in a real browser: Voilà serves a notebook showing ``dwsim_nb.widgets.app()``, and
Playwright drives Debian's Chromium through import, generate and query.

Skips on a machine without Chromium, Playwright or Voilà; fails instead under CI (CI=true).
A screenshot of the page is saved when a step fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_browser import (
    chromium_page,
    drive_forms,
    free_port,
    require_module,
    screenshot_on_failure,
    server,
    write_notebook,
)

from dwsim_nb.cli_ui import voila_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def voila_url(tmp_path: Path) -> Iterator[str]:
    """Voilà serving the forms notebook on 127.0.0.1, stopped (by its pid) afterwards."""
    require_module("voila", "pip install voila")
    home = tmp_path / "ws"
    notebook = write_notebook(
        tmp_path / "forms_app.ipynb",
        "import os\n"
        f"os.environ['DWSIM_HOME'] = {str(home)!r}\n"
        "from dwsim_nb.widgets import app\n"
        "app()",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = voila_command(notebook, port)  # the command `dwsim ui` runs
    # Asking for "/" would run the notebook in an extra kernel; a static file does not.
    ready = f"{base}/voila/static/voila.js"
    with server("voila", cmd, ready_url=ready, log_path=tmp_path / "voila.log", cwd=tmp_path):
        yield base


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium_page() as pg:
        yield pg


def test_forms_import_generate_and_query_in_voila(
    voila_url: str, page: Any, tmp_path: Path
) -> None:
    with screenshot_on_failure(page, tmp_path / "failure.png"):
        page.goto(voila_url + "/", timeout=90_000)
        drive_forms(page, page.locator(".dwsim-app"))
