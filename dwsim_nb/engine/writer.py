"""Parquet files of a run: one per table per block, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq


def part_path(out_dir: str | Path, table: str, block: int) -> Path:
    return Path(out_dir) / table / f"part-{block:06d}.parquet"


def write_block(
    table: pa.Table,
    path: Path | str,
    compression: str = "zstd",
    *,
    filesystem: pafs.FileSystem | None = None,
) -> None:
    """Write one block; a reader never sees a half-written file (temp file, then rename).

    With a ``filesystem`` (S3), ``path`` is ``bucket/key`` and is written in place: an object
    appears whole or not at all.
    """
    target: Path | str = path
    if filesystem is None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        target = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    strings = [
        f.name for f in table.schema if pa.types.is_dictionary(f.type) or pa.types.is_string(f.type)
    ]
    # Dictionary pages only for dictionary arrays (pool-backed and categorical columns), whose
    # values repeat by construction; the other strings (emails, patterns, unique codes) are
    # mostly distinct, and hashing every row for a dictionary that Parquet then abandons cost
    # 40% of an order_items block. Min/max statistics where they help pruning (numbers, dates)
    # and are cheap. The Arrow schema is not stored, so readers see plain strings either way.
    dictionary = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    pq.write_table(
        table,
        target,
        filesystem=filesystem,
        compression=compression,
        # zstd level 1: the same file size as the default level 3 on this data, and about 20%
        # faster to write (measured on ecom blocks); writing is half of generation's time.
        compression_level=1 if compression == "zstd" else None,
        row_group_size=max(table.num_rows, 1),
        use_dictionary=dictionary,
        write_statistics=[f.name for f in table.schema if f.name not in strings],
        store_schema=False,
    )
    if filesystem is None:
        os.replace(target, path)
