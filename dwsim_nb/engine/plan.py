"""Making the plan of a run: row counts resolved, tables ordered, impossible requests refused.

The plan itself is data (:mod:`dwsim_nb.engine.layout`); its names are re-exported here.
"""

from __future__ import annotations

import datetime as dt

import dwsim_nb.limits as limits
from dwsim_nb.engine.checks import check_plan
from dwsim_nb.engine.generators.faker_clock import run_today
from dwsim_nb.engine.layout import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_COMPRESSION,
    DUCKDB_ROW_GROUP,
    Plan,
    fk_order,
)
from dwsim_nb.errors import GenerationError, did_you_mean
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.relative import at_today

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "DEFAULT_COMPRESSION",
    "DUCKDB_ROW_GROUP",
    "Plan",
    "fk_order",
    "make_plan",
]


def check_rows_mapping(spec: ExperimentSpec, rows: object) -> None:
    """Raise GenerationError unless ``rows`` is None or a mapping of table names to counts."""
    if rows is not None and not isinstance(rows, dict):
        first = spec.tables[0].name if spec.tables else "orders"
        raise GenerationError(
            f"rows must map table names to row counts, got {rows!r}",
            hint=f"write e.g. rows={{{first!r}: 1000}}; tables left out keep their target_rows",
        )


def make_plan(
    spec: ExperimentSpec,
    rows: dict[str, int] | None = None,
    seed: int = 0,
    block_size: int | None = None,
    compression: str = DEFAULT_COMPRESSION,
    today: str | dt.date | None = None,
) -> Plan:
    """Resolve row counts and order, and reject impossible requests before any work.

    Raises GenerationError naming the table and column for an unknown table in ``rows``, a
    unique column whose domain is smaller than its row count, a required foreign key to an empty
    parent, an unsatisfiable cardinality, an unknown Faker provider or a bad expression.
    ``today`` is the date Faker rules relative to it use (default: read once from the clock),
    and inferred date ranges set ``as_of`` another day move to (an inferred date dimension ends
    on it); the plan's ``options["today"]`` records it.
    """
    counts = {t.key: t.target_rows for t in spec.tables}
    check_rows_mapping(spec, rows)
    for name, n in (rows or {}).items():
        try:
            table = spec.table(name)
        except KeyError:
            raise GenerationError(
                f"rows names table '{name}', which is not in experiment '{spec.name}'",
                hint=did_you_mean(name, [t.key for t in spec.tables])
                + f"use one of: {', '.join(t.key for t in spec.tables)}",
            ) from None
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise GenerationError(
                f"rows for table '{table.key}' must be a whole number >= 0, got {n!r}"
            )
        counts[table.key] = n
    # Checked before anything is planned: 10**15 rows would otherwise become 4 * 10**9 blocks.
    for name, n in counts.items():
        limits.check_rows(name, n, error=GenerationError)
    if sum(counts.values()) > limits.MAX_RUN_ROWS:
        raise GenerationError(
            f"the run asks for {sum(counts.values()):,} rows, more than the "
            f"{limits.MAX_RUN_ROWS:,} a run may have.",
            hint="ask for fewer rows",
        )
    size = DEFAULT_BLOCK_SIZE if block_size is None else int(block_size)
    if size < 1:
        raise GenerationError(f"block_size must be at least 1, got {block_size}")
    day = run_today(today)
    plan = Plan(
        # Inferred "recent" ranges and calendars moved to the run's today and row counts (the
        # fingerprint is the spec's own).
        spec=at_today(spec, day, counts),
        rows=counts,
        seed=int(seed),
        block_size=size,
        order=tuple(fk_order(spec)),
        compression=compression,
        spec_hash=spec.fingerprint(),
        options={"today": day},
    )
    check_plan(plan)
    return plan
