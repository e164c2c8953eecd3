"""Loading benchmark for the PostgreSQL-backed warehouses and the Snowflake emulator.

PostgreSQL COPY (CSV written by pyarrow, and binary fed row by row through psycopg) against a
SQLAlchemy ``executemany`` baseline in the same run, then the Snowflake emulator's PUT + COPY INTO
path. The data is an orders-like table (8 columns: integers, a decimal, a double, strings, a date
and a timestamp) written as Parquet in 250k-row files, as the engine writes runs.

    python benchmarks/bench_warehouses.py --rows 1000000 [--append]

``--append`` writes the results under their heading in benchmarks/RESULTS.md (replacing an earlier
section of the same heading). Needs a PostgreSQL server (``DWSIM_POSTGRES_URL``, default local).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, get_warehouse

HEADING = "## PostgreSQL, Redshift emulator, Snowflake emulator"
SPEC = {
    "name": "bench",
    "dialect": "redshift",
    "tables": [
        {
            "name": "orders",
            "columns": [
                {"name": "order_id", "data_type": "BIGINT"},
                {"name": "customer_id", "data_type": "INT"},
                {"name": "amount", "data_type": "DECIMAL(12,2)"},
                {"name": "discount", "data_type": "DOUBLE"},
                {"name": "status", "data_type": "VARCHAR(20)"},
                {"name": "email", "data_type": "VARCHAR(100)"},
                {"name": "ordered_on", "data_type": "DATE"},
                {"name": "updated_at", "data_type": "TIMESTAMP"},
            ],
        }
    ],
}


def write_data(out: Path, rows: int, per_file: int = 250_000) -> Path:
    rng = np.random.default_rng(7)
    files = []
    (out / "orders").mkdir(parents=True)
    for i, start in enumerate(range(0, rows, per_file)):
        n = min(per_file, rows - start)
        ids = np.arange(start + 1, start + n + 1, dtype=np.int64)
        cents = rng.integers(100, 10_000_000, n)
        table = pa.table(
            {
                "order_id": ids,
                "customer_id": rng.integers(1, 100_000, n).astype(np.int32),
                "amount": pa.array(cents, pa.int64())
                .cast(pa.decimal128(19, 0))
                .cast(pa.decimal128(12, 2)),
                "discount": rng.random(n),
                "status": pa.array(np.array(["placed", "shipped", "returned"])[ids % 3]),
                "email": pa.array([f"user{j}@example.com" for j in ids % 100_000]),
                "ordered_on": pa.array(
                    np.datetime64("2023-01-01") + (ids % 700).astype("timedelta64[D]")
                ),
                "updated_at": pa.array(
                    (np.datetime64("2023-01-01T00:00:00") + ids.astype("timedelta64[s]")).astype(
                        "datetime64[us]"
                    )
                ),
            }
        )
        rel = f"orders/part-{i:06d}.parquet"
        pq.write_table(table, out / rel)
        files.append(rel)
    (out / "manifest.json").write_text(
        json.dumps({"tables": {"orders": {"rows": rows, "files": files}}})
    )
    return out


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sqlalchemy_baseline(url: str, run: Path, rows: int) -> float:
    """rows/s of SQLAlchemy executemany (INSERT with many parameter sets) into PostgreSQL."""
    import sqlalchemy as sa

    from dwsim_nb.warehouses.postgres import libpq_url

    engine = sa.create_engine(libpq_url(url).replace("postgresql://", "postgresql+psycopg://"))
    table = pq.read_table(next((run / "orders").glob("*.parquet"))).slice(0, rows)
    records = table.to_pylist()
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))
        conn.execute(
            sa.text(
                "CREATE TABLE bench_baseline (order_id bigint, customer_id int, amount "
                "numeric(12,2), discount float8, status varchar, email varchar, ordered_on date, "
                "updated_at timestamp)"
            )
        )
    insert = sa.text(
        "INSERT INTO bench_baseline VALUES (:order_id, :customer_id, :amount, :discount, "
        ":status, :email, :ordered_on, :updated_at)"
    )

    def load() -> None:
        with engine.begin() as conn:
            conn.execute(insert, records)

    seconds = timed(load)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_baseline"))
    engine.dispose()
    return len(records) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="median of this many loads")
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()

    import psycopg

    admin = os.environ.get("DWSIM_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db = f"dwsim_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    url = admin.rsplit("/", 1)[0] + "/" + db
    results: list[tuple[str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            run = write_data(home / "run", args.rows)
            spec = ExperimentSpec.parse(SPEC)
            plan = LoadPlan.read(run)
            for target, fmt in (("postgres", "csv"), ("postgres", "binary"), ("redshift", "csv")):
                wh = get_warehouse(target, home / "ws", url=url, copy_format=fmt)
                wh.create_tables(spec)
                seconds = statistics.median(
                    timed(lambda wh=wh: wh.load(spec, plan)) for _ in range(args.repeat)
                )
                label = (
                    f"{target} warehouse load, COPY {fmt.upper()}, {args.rows:,} rows "
                    f"(median of {args.repeat})"
                )
                results.append((label, f"{args.rows / seconds / 1000:,.0f}k rows/s"))
                print(results[-1])
            rate = sqlalchemy_baseline(url, run, args.baseline_rows)
            results.append(
                (
                    f"SQLAlchemy executemany into PostgreSQL (baseline), "
                    f"{args.baseline_rows:,} rows",
                    f"{rate / 1000:,.0f}k rows/s",
                )
            )
            print(results[-1])
            sf = get_warehouse("snowflake", home / "ws")
            sf.create_tables(spec)
            seconds = timed(lambda: sf.load(spec, plan))
            results.append(
                (
                    f"snowflake emulator load, PUT + COPY INTO, {args.rows:,} rows",
                    f"{args.rows / seconds / 1000:,.0f}k rows/s",
                )
            )
            print(results[-1])
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    if args.append:
        append(results)


def append(results: list[tuple[str, str]]) -> None:
    path = Path(__file__).with_name("RESULTS.md")
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    lines = [
        HEADING,
        "",
        f"### {time.strftime('%Y-%m-%d')} — {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {cores} cores, load average {load:.1f}",
        "",
        "| measure | result |",
        "|---|---|",
        *[f"| {a} | {b} |" for a, b in results],
        "",
        "Measured while other work shared the 2 cores, so single loads varied by up to 2x;",
        "medians of repeated loads are reported. Whole `Warehouse.load` calls (create without",
        "keys, COPY, count, commit), PostgreSQL 15 on the same machine. CSV is written from each",
        "Parquet record batch by pyarrow's C++ writer on a second thread; binary COPY has to turn",
        "every value into a Python object for psycopg, which is why it is slower here although",
        "PostgreSQL parses binary faster. `postgres` and `redshift` share the path (the Redshift",
        "emulator adds only its helper functions). The Snowflake emulator's",
        "figure includes PUT copying every file into fakesnow's stage folder.",
        "",
    ]
    section = "\n".join(lines)
    if HEADING in text:
        before, _, rest = text.partition(HEADING)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    main()
