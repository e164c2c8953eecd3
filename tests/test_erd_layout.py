"""The ER diagram from 2 to 200 tables: no box overlaps another, every edge starts on its child
and ends on its parent, no edge runs through a box, the width stays bounded; clusters by schema,
unconnected tables in a row of their own, zoom in the HTML view, SVG export."""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.display.erd import ERD, erd_html, erd_svg
from dwsim_nb.display.erd_layout import MAX_WIDTH
from dwsim_nb.spec import ExperimentSpec

SVG = "{http://www.w3.org/2000/svg}"
Rect = tuple[float, float, float, float]


def random_schema(n: int, seed: int, schemas: tuple[str, ...] = ("",)) -> ExperimentSpec:
    """``n`` tables, each with 0-3 foreign keys to earlier tables (some self references), a few
    with no key in or out, spread over ``schemas`` (qualified names)."""
    rng = random.Random(seed)
    tables: list[dict[str, Any]] = []
    for i in range(n):
        schema = schemas[i % len(schemas)]
        name = f"{schema}.t{i}" if schema else f"t{i}"
        cols = [{"name": "id", "data_type": "INT"}]
        cols += [{"name": f"c{j}", "data_type": "VARCHAR"} for j in range(rng.randint(1, 18))]
        fks = []
        if i and rng.random() > 0.15:
            parents = sorted({rng.randrange(i) for _ in range(rng.randint(1, 3))})
            for k, parent in enumerate(parents):
                cols.append({"name": f"p{k}_id", "data_type": "INT"})
                fks.append({"columns": [f"p{k}_id"], "references_table": tables[parent]["name"]})
        if rng.random() < 0.05:
            cols.append({"name": "parent_id", "data_type": "INT"})
            fks.append({"columns": ["parent_id"], "references_table": name, "nullable": True})
        tables.append({"name": name, "primary_key": ["id"], "columns": cols, "foreign_keys": fks})
    return ExperimentSpec.parse({"name": f"gen{n}", "tables": tables})


def parse(svg: str) -> tuple[ET.Element, dict[str, Rect], list[tuple[str, str, list]]]:
    root = ET.fromstring(svg)
    boxes: dict[str, Rect] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "erd-table":
            r = g.find(f"{SVG}rect")
            assert r is not None
            box = tuple(float(r.get(k) or 0) for k in ("x", "y", "width", "height"))
            boxes[g.get("data-table") or ""] = box  # type: ignore[assignment]
    edges = []
    for p in root.iter(f"{SVG}path"):
        if p.get("class") == "erd-fk":
            d = (p.get("d") or "").lstrip("M").split(" L")
            points = [tuple(float(v) for v in xy.split(",")) for xy in d]
            edges.append((p.get("data-from") or "", p.get("data-to") or "", points))
    return root, boxes, edges


def on_border(pt: tuple[float, float], box: Rect, eps: float = 0.11) -> bool:
    x, y = pt
    bx, by, bw, bh = box
    inside = bx - eps <= x <= bx + bw + eps and by - eps <= y <= by + bh + eps
    near = min(abs(x - bx), abs(x - bx - bw), abs(y - by), abs(y - by - bh)) <= eps
    return inside and near


def crosses_interior(a: tuple[float, float], b: tuple[float, float], box: Rect) -> bool:
    """Whether the axis-parallel segment a-b runs through the inside of ``box``."""
    bx, by, bw, bh = box
    e = 0.5
    if a[0] == b[0]:  # vertical
        lo, hi = sorted((a[1], b[1]))
        return bx + e < a[0] < bx + bw - e and lo < by + bh - e and hi > by + e
    lo, hi = sorted((a[0], b[0]))
    return by + e < a[1] < by + bh - e and lo < bx + bw - e and hi > bx + e


def check_geometry(spec: ExperimentSpec) -> tuple[float, float]:
    root, boxes, edges = parse(erd_svg(spec))
    assert len(boxes) == len(spec.tables)
    assert len(edges) == sum(len(t.foreign_keys) for t in spec.tables)
    items = list(boxes.items())
    for i, (na, (ax, ay, aw, ah)) in enumerate(items):
        for nb, (bx, by, bw, bh) in items[i + 1 :]:
            overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
            assert not overlap, f"{na} and {nb} overlap"
    for child, parent, pts in edges:
        assert on_border(pts[0], boxes[child]), (child, pts[0], boxes[child])
        assert on_border(pts[-1], boxes[parent]), (parent, pts[-1], boxes[parent])
        for a, b in itertools.pairwise(pts):
            assert a[0] == b[0] or a[1] == b[1], f"{child}->{parent} has a slanted segment"
            for name, box in boxes.items():
                assert not crosses_interior(a, b, box), f"{child}->{parent} runs through {name}"
    width = float(root.get("width") or 0)
    height = float(root.get("height") or 0)
    xs = [x + w for x, _, w, _ in boxes.values()]
    assert max(xs) <= width and max(y + h for _, y, _, h in boxes.values()) <= height
    return width, height


@pytest.mark.parametrize(("n", "seed"), [(2, 1), (12, 2), (50, 3), (200, 4)])
def test_layout_has_no_overlap_no_edge_through_a_box_and_bounded_width(n: int, seed: int) -> None:
    width, _ = check_geometry(random_schema(n, seed))
    assert width <= MAX_WIDTH + 700, f"{n} tables: {width:.0f} px wide"


def test_schemas_are_clusters_and_hold_their_own_tables() -> None:
    spec = random_schema(60, 5, schemas=("sales", "hr", "ops"))
    check_geometry(spec)
    root, boxes, _ = parse(erd_svg(spec))
    frames = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "erd-cluster":
            r, t = g.find(f"{SVG}rect"), g.find(f"{SVG}text")
            assert r is not None and t is not None
            frames[t.text] = tuple(float(r.get(k) or 0) for k in ("x", "y", "width", "height"))
    assert set(frames) == {"sales", "hr", "ops"}
    for name, (x, y, w, h) in boxes.items():
        fx, fy, fw, fh = frames[name.split(".")[0]]
        assert fx <= x and x + w <= fx + fw and fy <= y and y + h <= fy + fh, name
    ordered = sorted(frames.values(), key=lambda f: f[1])
    for (_, y1, _, h1), (_, y2, _, _) in itertools.pairwise(ordered):
        assert y1 + h1 < y2  # frames do not overlap


def test_an_unconnected_table_gets_a_row_of_its_own() -> None:
    spec = ExperimentSpec.parse(
        {
            "name": "u",
            "tables": [
                {
                    "name": "parent",
                    "primary_key": ["id"],
                    "columns": [{"name": "id", "data_type": "INT"}],
                },
                {
                    "name": "child",
                    "columns": [{"name": "pid", "data_type": "INT"}],
                    "foreign_keys": [{"columns": ["pid"], "references_table": "parent"}],
                },
                {"name": "facts", "columns": [{"name": "v", "data_type": "INT"}]},
            ],
        }
    )
    _, boxes, _ = parse(erd_svg(spec))
    ys = {n: b[1] for n, b in boxes.items()}
    assert ys["parent"] < ys["child"] < ys["facts"]


def test_html_view_zooms_with_css_only_and_svg_export(tmp_path: Path) -> None:
    spec = random_schema(8, 6)
    html = erd_html(spec)
    assert "<script" not in html and 'type="radio"' in html and "overflow:auto" in html
    assert html.count(":checked ~ .erd-view svg") == 5 and "width: 100%" in html
    erd = ERD(spec)
    out = erd.save(tmp_path / "x.svg")
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.tag == f"{SVG}svg" and len(list(root.iter(f"{SVG}path"))) > 1
    page = erd.save(tmp_path / "x.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and 'class="erd-table"' in page


def test_references_written_with_their_schema_draw_their_edges() -> None:
    ddl = """
    create table hr.staff (id int primary key);
    create table sales.staff (id int primary key);
    create table sales.orders (
        id int primary key,
        seller_id int references sales.staff(id),
        approver_id int references hr.staff(id)
    );
    """
    from dwsim_nb.workspace import import_sql

    spec = import_sql(ddl, dialect="postgres", name="qualified")
    _, boxes, edges = parse(erd_svg(spec))
    assert sorted(boxes) == ["hr.staff", "sales.orders", "sales.staff"]
    assert sorted((a, b) for a, b, _ in edges) == [
        ("sales.orders", "hr.staff"),
        ("sales.orders", "sales.staff"),
    ]
    check_geometry(spec)
