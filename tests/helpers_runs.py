"""Hand-made runs for warehouse tests: Parquet files and a manifest written with pyarrow.

The warehouse suite must not depend on the generation engine, so it loads runs built here:
integer columns count 1..n (so keys are unique and foreign keys 1..parent rows resolve), text
columns read ``<column>_<row>``, dates step a day per row.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dwsim_nb.engine.arrow_types import arrow_type
from dwsim_nb.spec import ExperimentSpec, Table


def _values(table: Table, col_name: str, n: int, rows: dict[str, int]) -> pa.Array:
    col = table.column(col_name)
    for fk in table.foreign_keys:
        if col_name in fk.columns:
            parent = max(rows.get(fk.references_table, 1), 1)
            data: list[Any] = [(i % parent) + 1 for i in range(n)]
            return pa.array(data, type=_type(col))
    t = col.data_type
    if t in ("SMALLINT", "INT", "BIGINT"):
        data = [i + 1 for i in range(n)]
    elif t == "DECIMAL":
        scale = col.scale or 0
        data = [
            Decimal(i + 1).scaleb(0) + Decimal(i % 100) / Decimal(100) if scale else Decimal(i + 1)
            for i in range(n)
        ]
    elif t in ("FLOAT", "DOUBLE"):
        data = [float(i) + 0.5 for i in range(n)]
    elif t == "BOOLEAN":
        data = [i % 2 == 0 for i in range(n)]
    elif t == "DATE":
        data = [dt.date(2020, 1, 1) + dt.timedelta(days=i % 3000) for i in range(n)]
    elif t == "TIME":
        data = [dt.time(i % 24, i % 60) for i in range(n)]
    elif t in ("TIMESTAMP", "TIMESTAMPTZ"):
        base = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc if t == "TIMESTAMPTZ" else None)
        data = [base + dt.timedelta(hours=i) for i in range(n)]
    elif t in ("JSON", "VARIANT", "OBJECT", "SUPER"):
        data = [json.dumps({"i": i}) for i in range(n)]
    elif t == "ARRAY":
        data = [json.dumps([i]) for i in range(n)]
    elif t == "UUID":
        data = [f"00000000-0000-0000-0000-{i:012d}" for i in range(n)]
    elif t == "BINARY":
        data = [bytes([i % 256]) for i in range(n)]
    else:
        data = [f"{col_name}_{i}" for i in range(n)]
    return pa.array(data, type=_type(col))


def _type(col: Any) -> pa.DataType:
    # The contract's mapping (docs/CONTRACTS.md), which is what real runs are written with; it
    # is a table of types, not the generator, so the suite still tests loading on its own.
    return arrow_type(col)


def write_run(
    spec: ExperimentSpec, out_dir: Path, rows: dict[str, int] | None = None, files: int = 2
) -> Path:
    """Write ``out_dir/<table>/part-NNNNNN.parquet`` and ``manifest.json``; returns out_dir."""
    rows = {t.name: (rows or {}).get(t.name, t.target_rows) for t in spec.tables}
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {}
    for table in spec.tables:
        n = rows[table.name]
        arrays = [_values(table, c.name, n, rows) for c in table.columns]
        data = pa.Table.from_arrays(arrays, names=[c.name for c in table.columns])
        (out_dir / table.name).mkdir(exist_ok=True)
        paths = []
        step = max(1, -(-n // files))
        for b, start in enumerate(range(0, n, step)):
            rel = f"{table.name}/part-{b:06d}.parquet"
            pq.write_table(data.slice(start, step), out_dir / rel)
            paths.append(rel)
        tables[table.name] = {"rows": n, "files": paths}
    manifest = {
        "spec_hash": spec.fingerprint(),
        "seed": 0,
        "block_size": 0,
        "tables": tables,
        "timings": {},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return out_dir
