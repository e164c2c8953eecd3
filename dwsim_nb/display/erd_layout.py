"""Where the boxes and arrows of an ER diagram go, for 2 tables or 200, without graphviz.

A layered layout read top to bottom: parents above their children.

1. **Layers**: a table's layer is its longest foreign-key path up to a table without parents
   (self references ignored, a cycle through nullable keys cut where it is met).
2. **Order**: inside a layer, tables sit at the average position of their parents, then of their
   children (barycentric sweeps down and up), which removes most crossings.
3. **Rows that wrap**: a layer wider than ``MAX_WIDTH`` continues on a new row, so the width
   stays bounded and a big schema grows downwards (the notebook view scrolls).
4. **Clusters**: tables in different schemas (``sales.orders``) are laid out as one block per
   schema, framed and labelled; tables with no foreign key in or out get a row of their own
   at the end of their block.
5. **Edges**: orthogonal, and never through a box. An edge leaves the child's top side into the
   free channel above the child's row, and enters the parent's bottom side from the channel
   below the parent's row. When those channels differ, the edge runs between them in a lane
   in the left or right margin, outside every box. Edges in one channel (or one margin) get
   separate tracks unless their spans do not overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dwsim_nb.errors import DwsimError
from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.names import find_table

CHAR_W = 7.4  # upper bound of a glyph of the 12px monospace font: no text renderer needed
ROW_H = 17
HEAD_H = 24
PAD = 8
GAP_X = 36  # between boxes of a row (a self reference loops in it)
CHANNEL = 22  # free height between rows before tracks are added
TRACK = 6  # distance between parallel edges in a channel or margin
MARGIN = 16
MAX_WIDTH = 1600  # of the rows of boxes; the margins' lanes come on top
MAX_LANES_W = 240  # of each margin's lanes
CLEAR = 8  # least distance between a box and an edge running past it
MAX_COLUMNS_SHOWN = 14
MARK_W = 6 * CHAR_W  # room for "PK FK" before the column name


@dataclass
class Box:
    table: Table
    schema: str
    layer: int = 0
    row: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (marker, name, type)
    #: the key of each foreign key's parent table, in the order of ``table.foreign_keys``
    parents: list[str] = field(default_factory=list)

    @property
    def h(self) -> float:
        return HEAD_H + ROW_H * len(self.rows) + PAD / 2


@dataclass
class Edge:
    child: Box
    parent: Box
    column: str
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Frame:
    """A schema's cluster: a labelled rectangle behind its rows."""

    label: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class Layout:
    boxes: list[Box]
    edges: list[Edge]
    frames: list[Frame]
    width: float
    height: float


def schema_of(table: Table) -> str:
    """The schema a table belongs to: its ``schema`` field if the spec has one, else the part of
    a qualified name before the first dot (``sales.orders`` -> ``sales``), else ``""``."""
    explicit = getattr(table, "schema", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    name = table.source_name or table.name
    return name.split(".", 1)[0] if "." in name else ""


def parent_keys(tables: list[Table]) -> dict[str, list[str]]:
    """Each table's (by key) foreign-key parents, by key, one per foreign key: a reference may
    name its table as written (``hr.staff``, or ``staff`` when that is unambiguous), and the
    diagram must find it whatever the spelling. An unknown parent keeps its name as written."""
    out: dict[str, list[str]] = {}
    for t in tables:
        keys = []
        for fk in t.foreign_keys:
            try:
                keys.append(find_table(tables, fk.references_table).key)
            except (KeyError, DwsimError):
                keys.append(fk.references_table)
        out[t.key] = keys
    return out


def fk_depths(spec: ExperimentSpec) -> dict[str, int]:
    """Depth of each table: 0 without parents, else one more than its deepest parent."""
    refs = parent_keys(spec.tables)
    parents = {t.key: [p for p in refs[t.key] if p != t.key] for t in spec.tables}
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
        visit(t.key, frozenset())
    return depth


def type_rows(table: Table, type_label: object) -> list[tuple[str, str, str]]:
    """The rows a box shows: keys always (every arrow has a column to name), then the first
    other columns up to ``MAX_COLUMNS_SHOWN``, then "… N more"."""
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    keyed = [c for c in table.columns if c.name in table.primary_key or c.name in fk_cols]
    others = [c for c in table.columns if c not in keyed]
    shown = keyed + others[: max(0, MAX_COLUMNS_SHOWN - len(keyed))]
    shown.sort(key=table.columns.index)
    rows = []
    for c in shown:
        marker = "PK" if c.name in table.primary_key else ""
        if c.name in fk_cols:
            marker = (marker + " FK").strip()
        rows.append((marker, c.name, type_label(c)))  # type: ignore[operator]
    hidden = len(table.columns) - len(shown)
    if hidden > 0:
        rows.append(("", f"… {hidden} more", ""))
    return rows


def _order(
    layers: list[list[Box]], links: dict[str, list[str]], back: dict[str, list[str]]
) -> None:
    """Barycentric sweeps: each layer sorted by the mean position of its neighbours above
    (downward sweep) and then below (upward sweep)."""
    for sweep in range(4):
        down = sweep % 2 == 0
        seq = layers[1:] if down else list(reversed(layers[:-1]))
        for members in seq:
            pos = {b.table.key: i / max(1, len(m) - 1) for m in layers for i, b in enumerate(m)}
            near = links if down else back

            def key(b: Box, near: dict[str, list[str]] = near, pos: dict = pos) -> float:
                ps = [pos[n] for n in near.get(b.table.key, []) if n in pos]
                return sum(ps) / len(ps) if ps else pos[b.table.key]

            members.sort(key=key)


def _block(boxes: list[Box], width: float) -> list[list[Box]]:
    """The rows of one cluster: layers in barycentric order, wrapped at ``width``, then the
    unconnected tables."""
    names = {b.table.key for b in boxes}
    up: dict[str, list[str]] = {b.table.key: [] for b in boxes}
    down: dict[str, list[str]] = {b.table.key: [] for b in boxes}
    for b in boxes:
        for parent in b.parents:
            if parent in names and parent != b.table.key:
                up[b.table.key].append(parent)
                down[parent].append(b.table.key)
    linked = [b for b in boxes if up[b.table.key] or down[b.table.key]]
    alone = [b for b in boxes if not (up[b.table.key] or down[b.table.key])]
    layers: list[list[Box]] = []
    for b in linked:
        while len(layers) <= b.layer:
            layers.append([])
        layers[b.layer].append(b)
    layers = [m for m in layers if m]
    _order(layers, up, down)
    rows: list[list[Box]] = []
    for members in [*layers, alone]:
        row: list[Box] = []
        used = 0.0
        for b in members:
            if row and used + b.w > width:
                rows.append(row)
                row, used = [], 0.0
            row.append(b)
            used += b.w + GAP_X
        if row:
            rows.append(row)
    return rows


def _tracks(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Greedy interval colouring: ``(start, end, id)`` -> track per id, overlapping spans apart."""
    ends: list[float] = []
    out: dict[int, int] = {}
    for lo, hi, key in sorted(spans):
        for t, end in enumerate(ends):
            if end < lo:
                ends[t] = hi
                out[key] = t
                break
        else:
            ends.append(hi)
            out[key] = len(ends) - 1
    return out


def _free(row: list[Box], width: float) -> list[tuple[float, float]]:
    """The x intervals of a row that no box (nor its clearance) covers."""
    out, x = [], 0.0
    for b in sorted(row, key=lambda b: b.x):
        if b.x - CLEAR > x:
            out.append((x, b.x - CLEAR))
        x = b.x + b.w + CLEAR
    if x < width:
        out.append((x, width))
    return out


def _corridor(
    between: list[list[Box]],
    width: float,
    want: float,
    lo: int,
    hi: int,
    used: list[tuple[float, int, int]],
) -> float | None:
    """An x near ``want`` free in every row of ``between`` and apart from the vertical runs
    already ``used`` over channels ``lo``..``hi``; None when there is none (the edge then goes
    round by a margin)."""
    free = [(0.0, width)]
    for row in between:
        free = [
            (max(a, c), min(b, d))
            for a, b in free
            for c, d in _free(row, width)
            if max(a, c) < min(b, d)
        ]
    candidates = sorted((min(max(want, a), b) for a, b in free), key=lambda x: abs(x - want))
    for base in candidates:
        for step in range(40):
            x = base + TRACK * ((step + 1) // 2) * (1 if step % 2 else -1)
            inside = any(a <= x <= b for a, b in free)
            clash = any(abs(x - ux) < TRACK and ulo <= hi and lo <= uhi for ux, ulo, uhi in used)
            if inside and not clash:
                used.append((x, lo, hi))
                return x
    return None


def layout(spec: ExperimentSpec, type_label: object) -> Layout:
    """Place every table and route every foreign key of ``spec``."""
    depths = fk_depths(spec)
    refs = parent_keys(spec.tables)
    boxes: dict[str, Box] = {}
    for t in spec.tables:
        b = Box(t, schema_of(t), depths.get(t.key, 0), rows=type_rows(t, type_label))
        b.parents = refs[t.key]
        names = max((len(n) for _, n, _ in b.rows), default=0)
        types = max((len(ty) for _, _, ty in b.rows), default=0)
        inner = max(MARK_W + CHAR_W * (names + 2 + types), CHAR_W * (len(t.name) + 2))
        b.w = max(120.0, inner + 2 * PAD)
        boxes[t.key] = b
    schemas = sorted({b.schema for b in boxes.values()})
    clustered = len(schemas) > 1
    rows: list[list[Box]] = []
    blocks: list[tuple[str, int, int]] = []  # (schema, first row, last row + 1)
    for s in schemas:
        first = len(rows)
        rows += _block([b for b in boxes.values() if b.schema == s], MAX_WIDTH)
        blocks.append((s, first, len(rows)))
    for r, members in enumerate(rows):
        for b in members:
            b.row = r
    edges = [
        Edge(b, boxes[parent], fk.columns[0])
        for b in boxes.values()
        for fk, parent in zip(b.table.foreign_keys, b.parents, strict=True)
        if parent in boxes
    ]
    return _route(rows, edges, blocks if clustered else [])


def _route(rows: list[list[Box]], edges: list[Edge], blocks: list[tuple[str, int, int]]) -> Layout:
    # x inside the content area: each row centred.
    content_w = max((sum(b.w for b in r) + GAP_X * (len(r) - 1) for r in rows), default=100.0)
    for row in rows:
        x = (content_w - (sum(b.w for b in row) + GAP_X * (len(row) - 1))) / 2
        for b in row:
            b.x = x
            x += b.w + GAP_X
    # Attachment points: children leave by their top side, parents are entered from below,
    # spread along the side in the order of the other end, so neighbours do not cross.
    tops: dict[int, list[Edge]] = {}
    bottoms: dict[int, list[Edge]] = {}
    real = [e for e in edges if e.child is not e.parent]
    for e in real:
        tops.setdefault(id(e.child), []).append(e)
        bottoms.setdefault(id(e.parent), []).append(e)
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    for group, other, out in ((tops, "parent", start), (bottoms, "child", end)):
        for es in group.values():
            es.sort(key=lambda e, o=other: getattr(e, o).x)  # type: ignore[misc]
            box = es[0].child if out is start else es[0].parent
            for i, e in enumerate(es):
                out[id(e)] = box.x + box.w * (i + 1) / (len(es) + 1)
    # Channel c lies above row c (channel len(rows) below the last row).
    lanes: dict[int, tuple[str, int, int]] = {}  # edge -> (side, lower channel, upper channel)
    channel_spans: dict[int, list[tuple[float, float, int]]] = {}
    center = content_w / 2
    corridor: dict[int, float] = {}  # edge -> x of its vertical run between the boxes
    used: list[tuple[float, int, int]] = []
    for k, e in enumerate(real):
        c1, c2 = e.child.row, e.parent.row + 1
        x1, x2 = start[id(e)], end[id(e)]
        if c1 == c2:
            channel_spans.setdefault(c1, []).append((min(x1, x2), max(x1, x2), 2 * k))
            continue
        lo, hi = min(c1, c2), max(c1, c2)
        cx = _corridor(rows[lo:hi], content_w, (x1 + x2) / 2, lo, hi, used)
        if cx is not None:
            corridor[k] = cx
            edge_x = cx
        else:
            side = "L" if (x1 + x2) / 2 < center else "R"
            lanes[k] = (side, lo, hi)
            edge_x = 0.0 if side == "L" else content_w
        channel_spans.setdefault(c1, []).append((min(x1, edge_x), max(x1, edge_x), 2 * k))
        channel_spans.setdefault(c2, []).append((min(x2, edge_x), max(x2, edge_x), 2 * k + 1))
    track = {}
    depth: dict[int, int] = {}
    for c, spans in channel_spans.items():
        t = _tracks(spans)
        track.update(t)
        depth[c] = max(t.values()) + 1
    # Edges into one parent on one side share a lane (a bus), so a popular dimension table
    # costs one lane, not one per child; the lane spans all their channels.
    bundle: dict[tuple[int, str], tuple[int, int]] = {}
    for k, (side, lo, hi) in lanes.items():
        key = (id(real[k].parent), side)
        was = bundle.get(key, (lo, hi))
        bundle[key] = (min(lo, was[0]), max(hi, was[1]))
    keys = list(bundle)
    lane_of: dict[int, int] = {}
    spacing: dict[str, float] = {}
    for side in "LR":
        spans = [
            (bundle[key][0], bundle[key][1], i) for i, key in enumerate(keys) if key[1] == side
        ]
        t = _tracks(spans)
        for k, (s_, _, _) in lanes.items():
            if s_ == side:
                lane_of[k] = t[keys.index((id(real[k].parent), side))]
        count = max(t.values(), default=-1) + 1
        # Each margin stays within MAX_LANES_W: many lanes are drawn closer together.
        spacing[side] = min(float(TRACK), MAX_LANES_W / max(1, count))
        spacing[side + "w"] = spacing[side] * count
    left = MARGIN + spacing["Lw"]
    label_h = 16 if blocks else 0
    block_first = {first for _, first, _ in blocks}
    # y: a channel (its tracks, plus a schema label where a cluster starts), then a row.
    channel_y: dict[int, float] = {}
    block_top: dict[int, float] = {}
    y: float = MARGIN
    for r in range(len(rows) + 1):
        if r in block_first:
            y += 8 if r else 0  # room between one cluster's frame and the next
            block_top[r] = y
            y += label_h
        channel_y[r] = y
        y += CHANNEL + TRACK * depth.get(r, 0)
        if r < len(rows):
            for b in rows[r]:
                b.y = y
                b.x += left
            y += max(b.h for b in rows[r])
    height = y + MARGIN / 2
    width = left + content_w + spacing["Rw"] + MARGIN

    def ty(c: int, key: int) -> float:
        return channel_y[c] + CHANNEL / 2 + TRACK * track[key]

    for e in edges:
        b = e.child
        if e.child is e.parent:  # a loop in the gap to the right of the box
            x0, y0 = b.x + b.w, b.y + HEAD_H / 2
            e.points = [(x0, y0), (x0 + GAP_X / 2, y0), (x0 + GAP_X / 2, y0 + 10), (x0, y0 + 10)]
    for k, e in enumerate(real):
        x1, x2 = start[id(e)] + left, end[id(e)] + left
        y1, y2 = e.child.y, e.parent.y + e.parent.h
        if k not in lanes and k not in corridor:
            mid = ty(e.child.row, 2 * k)
            e.points = [(x1, y1), (x1, mid), (x2, mid), (x2, y2)]
            continue
        if k in corridor:
            lx = corridor[k] + left
        else:
            side, _, _ = lanes[k]
            n = lane_of[k]
            lx = left - MARGIN / 2 - spacing[side] * n
            if side == "R":
                lx = left + content_w + MARGIN / 2 + spacing[side] * n
        t1, t2 = ty(e.child.row, 2 * k), ty(e.parent.row + 1, 2 * k + 1)
        e.points = [(x1, y1), (x1, t1), (lx, t1), (lx, t2), (x2, t2), (x2, y2)]
    frames = []
    for schema, first, last in blocks:
        top = block_top[first]
        bottom = block_top[last] - 4 if last < len(rows) else height - 2
        frames.append(Frame(schema or "(no schema)", left - 6, top, content_w + 12, bottom - top))
    return Layout([b for r in rows for b in r], edges, frames, width, height)
