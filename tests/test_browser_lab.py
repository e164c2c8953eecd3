"""The forms in the real notebook: JupyterLab serves a small notebook that loads the extension and
shows ``%dwsim_ui``; Playwright drives Debian's Chromium to run all cells, then through import,
generate and query like a user.

Skips on a machine without Chromium, Playwright or JupyterLab; fails instead under CI (CI=true).
A screenshot of the page is saved when a step fails.
"""

from __future__ import annotations

import json
import os
import sys
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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "forms_lab.ipynb"


@pytest.fixture
def lab_url(tmp_path: Path) -> Iterator[str]:
    """JupyterLab on 127.0.0.1 over a temporary root holding the notebook, stopped afterwards."""
    require_module("jupyterlab", "pip install jupyterlab")
    root = tmp_path / "root"
    root.mkdir()
    home = tmp_path / "ws"
    write_notebook(
        root / NOTEBOOK,
        f"import os\nos.environ['DWSIM_HOME'] = {str(home)!r}\n%load_ext dwsim_nb",
        "%dwsim_ui",
    )
    settings = tmp_path / "lab-settings"
    notifications = settings / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True)
    # Without this a "Jupyter news?" pop-up covers the page.
    (notifications / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.ip=127.0.0.1",
        "--allow-root",
        f"--ServerApp.root_dir={root}",
    ]
    log = tmp_path / "lab.log"
    with server("jupyter lab", cmd, ready_url=f"{base}/api", log_path=log, cwd=root, env=env):
        yield base


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium_page() as pg:
        yield pg


def test_forms_import_generate_and_query_in_jupyterlab(
    lab_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with screenshot_on_failure(page, tmp_path / "failure.png"):
        page.goto(f"{lab_url}/lab/tree/{NOTEBOOK}", timeout=90_000)
        status = page.locator("#jp-main-statusbar")
        expect(status).to_contain_text("Idle", timeout=90_000)

        page.get_by_role("menubar").get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        app = notebook.locator(".jp-OutputArea-output .dwsim-app")
        expect(app).to_be_visible(timeout=60_000)
        drive_forms(page, app)
