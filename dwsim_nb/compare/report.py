"""The result of a migration check: what each warehouse returned and how the results differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from dwsim_nb.compare.diff import Cell, Difference

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_PRE = "white-space:pre-wrap;margin:0;padding:4px;background:#f6f8fa;font-size:12px"


@dataclass
class Comparison:
    """One query's results on several warehouses, diffed against the first (the reference)."""

    sql: str
    experiment: str
    dialect: str
    mode: str
    run_id: int
    warehouses: list[str] = field(default_factory=list)
    dialects: dict[str, str] = field(default_factory=dict)
    statements: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """True when every warehouse returned what the reference returned."""
        return not self.differences

    @property
    def kinds(self) -> set[str]:
        """The kinds of difference found (error, row_count, columns, column_case, types, order,
        null_order, values, nulls)."""
        return {d.kind for d in self.differences}

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        import pandas as pd

        return {k: t.to_pandas(types_mapper=pd.ArrowDtype) for k, t in self.tables.items()}

    def cells_frame(self) -> pd.DataFrame:
        """The differing cells: warehouse, row (after sorting), column, reference value, value."""
        import pandas as pd

        ref = self.warehouses[0] if self.warehouses else "reference"
        return pd.DataFrame(
            [(c.warehouse, c.row, c.column, c.reference, c.value, c.kind) for c in self.cells],
            columns=["warehouse", "row", "column", ref, "value", "kind"],
        )

    def summary(self) -> str:
        head = (
            f"{self.experiment}, run {self.run_id}: {' vs '.join(self.warehouses)} "
            f"({'same text in each dialect' if self.mode == 'as_is' else self.dialect + ' SQL'})"
        )
        if self.same:
            rows = {k: t.num_rows for k, t in self.tables.items()}
            return f"{head}: same result ({next(iter(rows.values()), 0):,} rows)"
        lines = [f"{head}: {len(self.differences)} difference(s)"]
        lines += [f"  [{d.kind}] {d.message}" for d in self.differences]
        return "\n".join(lines)

    def __repr__(self) -> str:
        text = self.summary()
        if self.notes:
            text += "\n" + "\n".join(f"  note: {n}" for n in self.notes)
        return text

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.same else "#cf222e"
        parts = [
            f"<div><b style='color:{color}'>{escape(self.summary().splitlines()[0])}</b>",
        ]
        if self.differences:
            items = "".join(
                f"<li><code>{escape(d.kind)}</code> {escape(d.message)}</li>"
                for d in self.differences
            )
            parts.append(f"<ul>{items}</ul>")
        if self.cells:
            parts.append(self.cells_frame().head(20).to_html(index=False))
        parts.append("<table><tr>")
        for name in self.warehouses:
            parts.append(f"<th style='text-align:left'>{escape(name)}</th>")
        parts.append("</tr><tr>")
        for name in self.warehouses:
            parts.append(f"<td style='vertical-align:top'>{self._cell_html(name)}</td>")
        parts.append("</tr></table>")
        if self.notes:
            notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
            parts.append(f"<b>Likely causes to check</b><ul>{notes}</ul>")
        parts.append("</div>")
        return "".join(parts)

    def _cell_html(self, name: str) -> str:
        if name in self.errors:
            return f"<pre style='{_PRE};color:#cf222e'>{escape(self.errors[name])}</pre>"
        sql = ";\n".join(self.statements.get(name, []))
        table: Any = self.tables.get(name)
        body = table.slice(0, 10).to_pandas().to_html(index=False) if table is not None else ""
        return f"<pre style='{_PRE}'>{escape(sql)}</pre>{body}"
