"""A run: one generation of an experiment's data, as the catalog records it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("RUNNING", "COMPLETED", "FAILED", "ABORTED")


@dataclass
class Run:
    """One generation of an experiment: its status, seed, rows per table, timings and errors.

    ``id`` is the run's number within its experiment (1, 2, 3 ...), what users see and type;
    ``key`` is the catalog's own key, unique across experiments. ``path`` is the folder holding
    the run's Parquet files and ``manifest.json``; ``loaded`` says whether this run's data is the
    one currently in the warehouse.
    """

    id: int
    experiment: str
    status: str
    started_at: str
    key: int = 0
    finished_at: str | None = None
    seed: int | None = None
    spec_hash: str | None = None
    spec_version: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    pid: int | None = None
    host: str | None = None
    path: str | None = None
    loaded: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def seconds(self) -> float | None:
        """Wall time from start to finish, when both are known."""
        import datetime as dt

        if not self.finished_at:
            return None
        try:
            a = dt.datetime.fromisoformat(self.started_at)
            b = dt.datetime.fromisoformat(self.finished_at)
        except ValueError:
            return None
        return (b - a).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and for notebook displays."""
        data = asdict(self)
        data["total_rows"] = self.total_rows
        return data

    def __repr__(self) -> str:
        parts = [f"Run {self.id} of {self.experiment!r}: {self.status}"]
        if self.rows:
            parts.append(f"{self.total_rows:,} rows in {len(self.rows)} tables")
        if self.seed is not None:
            parts.append(f"seed {self.seed}")
        secs = self.seconds
        if secs is not None:
            parts.append(f"{secs:.1f} s")
        if self.loaded:
            parts.append("loaded")
        text = ", ".join(parts)
        if self.error:
            text += f"\n  error: {self.error}"
        return text

    def _repr_html_(self) -> str:
        from dwsim_nb.display import run_html

        return run_html(self)
