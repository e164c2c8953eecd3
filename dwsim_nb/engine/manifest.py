"""The manifest of a run: what was generated from what, and how long it took."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dwsim_nb.errors import GenerationError
from dwsim_nb.staging import MANIFEST_NAME

__all__ = ["MANIFEST_NAME", "Manifest", "TableOutput"]


@dataclass
class TableOutput:
    """Rows written for one table and its files (relative to the run folder)."""

    rows: int
    files: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """``out_dir/manifest.json``: spec hash, seed, block size, tables and timings (seconds)."""

    spec_hash: str
    seed: int
    block_size: int
    tables: dict[str, TableOutput] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    executor: str = ""
    workers: int = 1
    compression: str = "zstd"
    # What else the data depends on: "today" for Faker rules relative to the date.
    options: dict[str, str] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """The manifest ``to_dict`` gave (as read back from JSON)."""
        data = dict(data)
        tables = {k: TableOutput(**v) for k, v in data.pop("tables", {}).items()}
        return cls(tables=tables, **data)

    def write(self, out_dir: str | Path) -> Path:
        path = Path(out_dir) / MANIFEST_NAME
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(self.to_json())
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, out_dir: str | Path) -> Manifest:
        path = Path(out_dir) / MANIFEST_NAME
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise GenerationError(f"no manifest at {path}; the run did not finish") from None
        return cls.from_dict(data)
