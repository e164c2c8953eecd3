"""The ER diagram of a 60-table schema in a real browser: Voilà runs a notebook that imports the
schema with ``%%dwsim_import --erd``, and Chromium checks what a reader sees: the SVG is drawn,
no table box covers another (their on-screen rectangles), and the zoom buttons change the
diagram's rendered size.

Skips on a machine without Chromium, Playwright or Voilà; fails instead under CI (CI=true).
A screenshot of the page is saved when a step fails.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_browser import (
    chromium_page,
    free_port,
    require_module,
    screenshot_on_failure,
    server,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLES = 60
SCHEMAS = ("sales", "hr", "ops")


def big_ddl(n: int = TABLES, seed: int = 18) -> tuple[str, int]:
    """``n`` tables over three schemas, each with 0-3 foreign keys to earlier tables (across
    schemas too) and a few unconnected ones; returns the DDL and its number of foreign keys."""
    rng = random.Random(seed)
    names: list[str] = []
    statements = []
    fk_count = 0
    for i in range(n):
        name = f"{SCHEMAS[i % len(SCHEMAS)]}.t{i:02d}_{rng.choice(['fact', 'dim', 'log', 'map'])}"
        cols = ["id int primary key", "label varchar(40)", "amount decimal(10,2)"]
        cols += [f"c{j} varchar(20)" for j in range(rng.randint(0, 5))]
        parents = rng.sample(names, k=min(len(names), rng.choice([0, 1, 1, 2, 3])))
        for k, parent in enumerate(parents):
            cols.append(f"p{k}_id int references {parent}(id)")
            fk_count += 1
        names.append(name)
        statements.append(f"create table {name} (\n    " + ",\n    ".join(cols) + "\n);")
    return "\n".join(statements), fk_count


@pytest.fixture
def erd_page(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """Voilà serving the notebook that draws the diagram; yields its URL and the FK count."""
    require_module("voila", "pip install voila")
    ddl, fks = big_ddl()
    notebook = write_notebook(
        tmp_path / "erd.ipynb",
        f"import os\nos.environ['DWSIM_HOME'] = {str(tmp_path / 'ws')!r}\n%load_ext dwsim_nb",
        "%%dwsim_import big --dialect postgres --erd\n" + ddl,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}"]
    cmd += [
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.extension_denylist=['@jupyter-notebook/lab-extension']",
    ]
    ready = f"{base}/voila/static/voila.js"
    with server("voila", cmd, ready_url=ready, log_path=tmp_path / "voila.log", cwd=tmp_path):
        yield base, fks


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium_page() as pg:
        yield pg


BOXES_JS = """svg => [...svg.querySelectorAll('g.erd-table')].map(g => {
    const r = g.querySelector('rect').getBoundingClientRect();
    return [g.dataset.table, r.left, r.top, r.right, r.bottom];
})"""


def overlaps(boxes: list[list[Any]], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of boxes whose rectangles share more than ``slack`` pixels each way."""
    found = []
    for i, (a, l1, t1, r1, b1) in enumerate(boxes):
        for b, l2, t2, r2, b2 in boxes[i + 1 :]:
            if min(r1, r2) - max(l1, l2) > slack and min(b1, b2) - max(t1, t2) > slack:
                found.append((a, b))
    return found


def test_erd_of_60_tables_renders_without_overlaps_and_zooms(
    erd_page: tuple[str, int], page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, fks = erd_page
    with screenshot_on_failure(page, tmp_path / "failure.png"):
        page.goto(url + "/", timeout=120_000)
        view = page.locator("div.dwsim-erd-view")
        svg = view.locator("svg.dwsim-erd")
        expect(svg).to_be_visible(timeout=120_000)
        expect(view).to_contain_text(f"{TABLES} tables")
        expect(svg.locator("g.erd-table")).to_have_count(TABLES)
        expect(svg.locator("path.erd-fk")).to_have_count(fks)

        boxes = svg.evaluate(BOXES_JS)
        assert len({b[0] for b in boxes}) == TABLES
        assert all(r - left > 20 and b - t > 20 for _, left, t, r, b in boxes)  # drawn, not 0x0
        assert overlaps(boxes) == []

        natural = svg.evaluate("s => s.getBoundingClientRect().width")
        assert natural == pytest.approx(float(svg.get_attribute("width")), rel=0.01)
        sizes = {}
        for label in ("50%", "150%", "fit"):
            view.get_by_text(label, exact=True).click()
            page.wait_for_timeout(200)
            sizes[label] = svg.evaluate("s => s.getBoundingClientRect().width")
        assert sizes["50%"] == pytest.approx(natural * 0.5, rel=0.02)
        assert sizes["150%"] == pytest.approx(natural * 1.5, rel=0.02)
        frame = view.locator(".erd-view").evaluate("d => d.clientWidth")
        assert sizes["fit"] == pytest.approx(frame, abs=2) and sizes["fit"] < natural
        # Zoomed, the boxes scale with the diagram and still do not overlap.
        zoomed = svg.evaluate(BOXES_JS)
        assert overlaps(zoomed) == []
        first = next(b for b in zoomed if b[0] == boxes[0][0])
        scale = (first[3] - first[1]) / (boxes[0][3] - boxes[0][1])
        assert scale == pytest.approx(sizes["fit"] / natural, rel=0.02)
