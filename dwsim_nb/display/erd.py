"""An entity-relationship diagram of a spec as a self-contained SVG string.

Layout: tables are placed in columns by foreign-key depth (parents left, children right), and
ordered inside a column by where their parents sit, which keeps most arrows short and uncrossed.
Each table is a ``<g class="erd-table">`` and each foreign key a ``<path class="erd-fk">`` so tests
(and people inspecting the markup) can find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from dwsim_nb.display.spec_view import type_label
from dwsim_nb.spec.models import ExperimentSpec, Table

# Upper bound of a glyph of the 12px monospace font: boxes are sized without a text renderer.
CHAR_W = 7.4
ROW_H = 17
HEAD_H = 24
PAD = 8
GAP_X = 80
GAP_Y = 28
MAX_COLUMNS_SHOWN = 14
MARK_W = 6 * CHAR_W  # room for "PK FK" before the column name


@dataclass
class _Box:
    table: Table
    layer: int
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (marker, name, type)

    @property
    def h(self) -> float:
        return HEAD_H + ROW_H * len(self.rows) + PAD / 2

    def row_y(self, column: str) -> float:
        for i, (_, name, _) in enumerate(self.rows):
            if name == column:
                return self.y + HEAD_H + ROW_H * i + ROW_H / 2
        return self.y + HEAD_H / 2


def fk_depths(spec: ExperimentSpec) -> dict[str, int]:
    """Depth of each table: 0 without parents, else one more than its deepest parent.

    Self references are ignored, and a cycle (allowed through nullable keys) is cut where it is met.
    """
    parents = {
        t.name: [fk.references_table for fk in t.foreign_keys if fk.references_table != t.name]
        for t in spec.tables
    }
    depth: dict[str, int] = {}

    def visit(name: str, stack: frozenset[str]) -> int:
        if name in depth:
            return depth[name]
        if name in stack or name not in parents:
            return -1
        d = 0
        for p in parents[name]:
            d = max(d, visit(p, stack | {name}) + 1)
        depth[name] = d
        return d

    for t in spec.tables:
        visit(t.name, frozenset())
    return depth


def _rows_for(table: Table) -> list[tuple[str, str, str]]:
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    # Key columns always show, so every arrow has a row to attach to even in wide tables.
    keyed = [c for c in table.columns if c.name in table.primary_key or c.name in fk_cols]
    others = [c for c in table.columns if c not in keyed]
    shown = keyed + others[: max(0, MAX_COLUMNS_SHOWN - len(keyed))]
    shown.sort(key=table.columns.index)
    rows = []
    for c in shown:
        marker = "PK" if c.name in table.primary_key else ""
        if c.name in fk_cols:
            marker = (marker + " FK").strip()
        rows.append((marker, c.name, type_label(c)))
    hidden = len(table.columns) - len(shown)
    if hidden > 0:
        rows.append(("", f"… {hidden} more", ""))
    return rows


def _layout(spec: ExperimentSpec) -> list[_Box]:
    depths = fk_depths(spec)
    boxes = {t.name: _Box(t, depths.get(t.name, 0), rows=_rows_for(t)) for t in spec.tables}
    for b in boxes.values():
        names = max((len(n) for _, n, _ in b.rows), default=0)
        types = max((len(ty) for _, _, ty in b.rows), default=0)
        inner = max(MARK_W + CHAR_W * (names + 2 + types), CHAR_W * (len(b.table.name) + 2))
        b.w = max(120.0, inner + 2 * PAD)
    layers: dict[int, list[_Box]] = {}
    for b in boxes.values():
        layers.setdefault(b.layer, []).append(b)
    x = 20.0
    for layer in sorted(layers):
        members = layers[layer]
        if layer > 0:
            # Barycentre ordering: a child sits near the average height of its parents.
            def parent_y(b: _Box, layer: int = layer) -> float:
                ys = [
                    boxes[fk.references_table].y
                    for fk in b.table.foreign_keys
                    if fk.references_table in boxes and boxes[fk.references_table].layer < layer
                ]
                return sum(ys) / len(ys) if ys else 0.0

            members.sort(key=parent_y)
        width = max(b.w for b in members)
        y = 20.0
        for b in members:
            b.x, b.y, b.w = x, y, width
            y += b.h + GAP_Y
        x += width + GAP_X
    return list(boxes.values())


def _edge(child: _Box, parent: _Box, fk_col: str, ref_col: str) -> str:
    y1, y2 = child.row_y(fk_col), parent.row_y(ref_col)
    if child is parent:  # self reference: a loop on the right side
        x = child.x + child.w
        return f"M{x:.1f},{y1:.1f} C{x + 40:.1f},{y1:.1f} {x + 40:.1f},{y2:.1f} {x:.1f},{y2:.1f}"
    if parent.x + parent.w <= child.x:  # parent to the left (the usual case)
        x1, x2 = child.x, parent.x + parent.w
    elif child.x + child.w <= parent.x:
        x1, x2 = child.x + child.w, parent.x
    else:  # same column (only when a cycle was cut): bend around the right side
        x1 = child.x + child.w
        x2 = parent.x + parent.w
        bend = max(x1, x2) + 40
        return f"M{x1:.1f},{y1:.1f} C{bend:.1f},{y1:.1f} {bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    mid = (x1 + x2) / 2
    return f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _box_svg(b: _Box) -> str:
    out = [
        f'<g class="erd-table" data-table={quoteattr(b.table.name)}>',
        f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="4" '
        'fill="#ffffff" stroke="#57606a"/>',
        f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{HEAD_H}" rx="4" '
        'fill="#ddf4ff" stroke="#57606a"/>',
        f'<text x="{b.x + PAD:.1f}" y="{b.y + 16:.1f}" font-weight="bold">'
        f"{escape(b.table.name)}</text>",
    ]
    for i, (marker, name, ty) in enumerate(b.rows):
        y = b.y + HEAD_H + ROW_H * i + 12
        color = "#8250df" if marker else "#24292f"
        if marker:
            out.append(
                f'<text x="{b.x + PAD:.1f}" y="{y:.1f}" fill="#8250df" font-size="10">'
                f"{escape(marker)}</text>"
            )
        out.append(
            f'<text x="{b.x + PAD + MARK_W:.1f}" y="{y:.1f}" fill="{color}">{escape(name)}</text>'
        )
        if ty:
            out.append(
                f'<text x="{b.x + b.w - PAD:.1f}" y="{y:.1f}" fill="#57606a" '
                f'text-anchor="end">{escape(ty)}</text>'
            )
    out.append("</g>")
    return "".join(out)


def erd_svg(spec: ExperimentSpec) -> str:
    """Tables as boxes (columns, PK/FK markers) and foreign keys as arrows, as an SVG document."""
    boxes = _layout(spec)
    by_name = {b.table.name: b for b in boxes}
    edges = []
    for b in boxes:
        for fk in b.table.foreign_keys:
            parent = by_name.get(fk.references_table)
            if parent is None:
                continue
            ref = fk.references_columns[0] if fk.references_columns else ""
            path = _edge(b, parent, fk.columns[0], ref)
            edges.append(
                f'<path class="erd-fk" data-from={quoteattr(b.table.name)} '
                f"data-to={quoteattr(parent.table.name)} "
                f'd="{path}" fill="none" stroke="#0969da" stroke-width="1.3" '
                'marker-end="url(#erd-arrow)"/>'
            )
    width = max((b.x + b.w for b in boxes), default=100) + 60
    height = max((b.y + b.h for b in boxes), default=60) + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dwsim-erd" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        'font-family="ui-monospace,Menlo,Consolas,monospace" font-size="12">'
        '<defs><marker id="erd-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#0969da"/></marker></defs>'
        + "".join(_box_svg(b) for b in boxes)
        + "".join(edges)
        + "</svg>"
    )


class ERD:
    """Wraps :func:`erd_svg` so a notebook shows the picture inline (``dw.display.ERD(spec)``)."""

    def __init__(self, spec: ExperimentSpec) -> None:
        self.spec = spec
        self.svg = erd_svg(spec)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<ERD of {self.spec.name}: {len(self.spec.tables)} tables>"
