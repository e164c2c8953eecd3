"""The plan of a run as data: tables in foreign-key order, row counts, blocks and the seed.

A plan is small and picklable; a block task needs nothing else to produce its file. It is made
(and checked) by :func:`dwsim_nb.engine.plan.make_plan`; this module imports nothing of the
engine, so the runtime, the generators and the checks can all read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from dwsim_nb.spec.models import ExperimentSpec, Table

# Rows per block: the unit of work, of a Parquet file and of a worker's memory. Measured on the
# ecom workload (2 cores, 2026-11), the whole process tree's peak with two workers was 660-700 MB
# at 1 << 20, 590-650 MB at 1 << 19 and 555-570 MB at 1 << 18, for about 10% more CPU time
# than 1 << 20. Exactly two of DuckDB's row groups (122,880 rows each): a file that ends inside
# a row group makes DuckDB's ordered insert write that part, then merge and rewrite it, and the
# same 10M rows loaded at 5.5M rows/s from blocks of 1 << 18 against 8.0M from these (2026-11-30).
# The block size is part of the seed contract (samplers are seeded per block); runs record it.
DUCKDB_ROW_GROUP = 122_880
DEFAULT_BLOCK_SIZE = 2 * DUCKDB_ROW_GROUP
DEFAULT_COMPRESSION = "zstd"


@dataclass(frozen=True)
class Plan:
    """What to generate: the spec, rows per table, block size, seed and table order."""

    spec: ExperimentSpec
    rows: dict[str, int]
    seed: int = 0
    block_size: int = DEFAULT_BLOCK_SIZE
    order: tuple[str, ...] = ()
    compression: str = DEFAULT_COMPRESSION
    spec_hash: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        return self.spec.table(name)

    def blocks(self, name: str) -> int:
        """How many blocks table ``name`` is split into (0 for an empty table)."""
        n = self.rows[name]
        return (n + self.block_size - 1) // self.block_size

    def block_range(self, name: str, block: int) -> tuple[int, int]:
        """First row and one past the last row of a block."""
        start = block * self.block_size
        return start, min(self.rows[name], start + self.block_size)

    def tasks(self) -> Iterator[tuple[str, int]]:
        """Every (table, block) of the run, parents first; lazy, so a run of millions of blocks
        is not held as a list."""
        return ((t, b) for t in self.order for b in range(self.blocks(t)))

    @property
    def task_count(self) -> int:
        return sum(self.blocks(t) for t in self.order)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def fk_order(spec: ExperimentSpec) -> list[str]:
    """Table names with parents before children; nullable keys may break cycles."""
    names = [t.key for t in spec.tables]
    deps: dict[str, set[str]] = {t.key: set() for t in spec.tables}
    for t in spec.tables:
        for fk in t.foreign_keys:
            if fk.references_table != t.key and fk.references_table in deps:
                deps[t.key].add(fk.references_table)
    # In waves, as a scan of every remaining table per wave would (a chain of n tables has n
    # waves, so the scan was quadratic): a wave is every table whose parents are all placed,
    # in the spec's order; a cycle (only nullable keys remain, validation rejects required
    # cycles) places the first remaining table, whose nullable key is generated like any other.
    position = {n: i for i, n in enumerate(names)}
    children: dict[str, list[str]] = {n: [] for n in names}
    waiting = {n: len(deps[n]) for n in names}
    for n in names:
        for parent in deps[n]:
            children[parent].append(n)
    order: list[str] = []
    done: set[str] = set()
    wave = [n for n in names if waiting[n] == 0]
    while len(order) < len(names):
        if not wave:
            wave = [next(n for n in names if n not in done)]
        upcoming: list[str] = []
        for n in wave:
            order.append(n)
            done.add(n)
        for n in wave:
            for child in children[n]:
                waiting[child] -= 1
                if waiting[child] == 0 and child not in done:
                    upcoming.append(child)
        wave = sorted(set(upcoming), key=position.__getitem__)
    return order
