"""An entity-relationship diagram of a spec: a self-contained SVG, and an HTML view with zoom.

The layout (layers by foreign key, rows that wrap at a maximum width, clusters by schema, edges
routed around the boxes) is :mod:`dwsim_nb.display.erd_layout`. Each table is a
``<g class="erd-table">`` and each foreign key a ``<path class="erd-fk">`` so tests (and people
inspecting the markup) can find them. The HTML view zooms with radio buttons and CSS only and
pans by scrolling: JupyterLab and Voila may strip inline scripts, but keep styles and inputs.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from dwsim_nb.display.erd_layout import (
    HEAD_H,
    MARK_W,
    PAD,
    ROW_H,
    Box,
    Layout,
    fk_depths,
    layout,
)
from dwsim_nb.display.spec_view import type_label
from dwsim_nb.spec.models import ExperimentSpec

__all__ = ["ERD", "erd_svg", "fk_depths"]

_VIEWS = itertools.count(1)
ZOOMS = (("fit", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("150%", 1.5))


def _box_svg(b: Box) -> str:
    out = [
        f'<g class="erd-table" data-table={quoteattr(b.table.key)}>',
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


def _svg(lay: Layout) -> str:
    frames = "".join(
        f'<g class="erd-cluster"><rect x="{f.x:.1f}" y="{f.y:.1f}" width="{f.w:.1f}" '
        f'height="{f.h:.1f}" rx="6" fill="#f6f8fa" stroke="#8c959f" stroke-dasharray="4 3"/>'
        f'<text x="{f.x + 8:.1f}" y="{f.y + 13:.1f}" fill="#57606a" font-style="italic">'
        f"{escape(f.label)}</text></g>"
        for f in lay.frames
    )
    edges = "".join(
        f'<path class="erd-fk" data-from={quoteattr(e.child.table.key)} '
        f"data-to={quoteattr(e.parent.table.key)} data-column={quoteattr(e.column)} "
        f'd="M{" L".join(f"{x:.1f},{y:.1f}" for x, y in e.points)}" fill="none" '
        'stroke="#0969da" stroke-width="1.2" stroke-linejoin="round" '
        'marker-end="url(#erd-arrow)"><title>'
        f"{escape(e.child.table.name)}.{escape(e.column)} → {escape(e.parent.table.name)}"
        "</title></path>"
        for e in lay.edges
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dwsim-erd" width="{lay.width:.0f}" '
        f'height="{lay.height:.0f}" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
        'font-family="ui-monospace,Menlo,Consolas,monospace" font-size="12">'
        '<defs><marker id="erd-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#0969da"/></marker></defs>'
        + frames
        + "".join(_box_svg(b) for b in lay.boxes)
        + edges
        + "</svg>"
    )


def erd_svg(spec: ExperimentSpec) -> str:
    """Tables as boxes (columns, PK/FK markers) and foreign keys as arrows, as an SVG document."""
    return _svg(layout(spec, type_label))


def erd_html(spec: ExperimentSpec, svg: str | None = None, max_height: int = 640) -> str:
    """The SVG in a scrolling frame (pan by scrolling) with zoom buttons made of CSS only."""
    svg = svg if svg is not None else erd_svg(spec)
    # Unique per rendering (the same diagram shown twice keeps two separate zoom controls),
    # yet the same from one run of a notebook to the next.
    uid = f"erd{hashlib.sha1(svg.encode()).hexdigest()[:8]}-{next(_VIEWS)}"
    natural = float(svg.split('width="', 1)[1].split('"', 1)[0])
    rules = []
    buttons = []
    for i, (label, factor) in enumerate(ZOOMS):
        width = "100%" if factor == 0 else f"{natural * factor:.0f}px"
        checked = " checked" if factor == 1.0 else ""
        rules.append(
            # max-width: JupyterLab and Voila cap an output's svg at 100% of the cell, which
            # would undo every zoom above "fit".
            f"#{uid}-z{i}:checked ~ .erd-view svg "
            f"{{width: {width}; max-width: {'100%' if factor == 0 else 'none'}; height: auto;}}"
            f"#{uid}-z{i}:checked + label {{background: #0969da; color: #fff;}}"
        )
        buttons.append(
            f'<input type="radio" name="{uid}" id="{uid}-z{i}"{checked} '
            'style="position:absolute;opacity:0;width:0;height:0">'
            f'<label for="{uid}-z{i}" style="cursor:pointer;padding:1px 7px;margin-right:2px;'
            f'border:1px solid #d0d7de;border-radius:4px;font-size:12px">{label}</label>'
        )
    tables = len(spec.tables)
    return (
        f'<div class="dwsim-erd-view" id="{uid}"><style>{"".join(rules)}</style>'
        f'<span style="font-size:12px;color:#57606a;margin-right:6px">ER diagram of '
        f"{escape(spec.name)}: {tables} table{'s' * (tables != 1)} · zoom</span>"
        + "".join(buttons)
        + f'<div class="erd-view" style="overflow:auto;max-height:{max_height}px;'
        f'max-width:100%;border:1px solid #d0d7de;margin-top:4px">{svg}</div></div>'
    )


class ERD:
    """An experiment's diagram: inline in a notebook (HTML with zoom, SVG for other front ends),
    ``save("x.svg")`` or ``save("x.html")`` to a file."""

    def __init__(self, spec: ExperimentSpec) -> None:
        self.spec = spec
        self.svg = erd_svg(spec)

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return erd_html(self.spec, self.svg)

    def save(self, path: str | Path) -> Path:
        """Write the diagram: an ``.html`` path gets the page with zoom, any other the SVG."""
        out = Path(path)
        if out.suffix.lower() in (".html", ".htm"):
            text = (
                '<!doctype html><meta charset="utf-8">'
                f"<title>ER diagram of {escape(self.spec.name)}</title>"
                f'<body style="font-family:sans-serif">{erd_html(self.spec, self.svg, 10_000)}'
            )
        else:
            text = '<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg
        out.write_text(text, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        return f"<ERD of {self.spec.name}: {len(self.spec.tables)} tables>"
