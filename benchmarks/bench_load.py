"""Load and query benchmarks for the embedded warehouses; appends to benchmarks/RESULTS.md.

    python benchmarks/bench_load.py [--rows 10000000] [--sqlite-rows 1000000]

Measures: DuckDB load rows/s through ``DuckDBWarehouse.load`` (keys informational, and declared);
SQLite load rows/s through ``SQLiteWarehouse.load`` against a SQLAlchemy ``executemany`` baseline
on the same rows in the same run; ``dwsim demo`` from a cold start; a GROUP BY over the loaded
DuckDB table through ``Warehouse.query``; the engine's ecom run loaded into DuckDB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dwsim_nb.engine import DEFAULT_BLOCK_SIZE
from dwsim_nb.engine.writer import part_path, write_block
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, TableFiles, get_warehouse

HERE = Path(__file__).parent
BLOCK = DEFAULT_BLOCK_SIZE


def spec_for(dialect: str, name: str) -> ExperimentSpec:
    return ExperimentSpec.parse({
        "name": name, "dialect": dialect,
        "tables": [{"name": "events", "primary_key": ["event_id"], "columns": [
            {"name": "event_id", "data_type": "BIGINT"},
            {"name": "user_id", "data_type": "INT"},
            {"name": "kind", "data_type": "VARCHAR(12)"},
            {"name": "amount", "data_type": "DOUBLE"},
            {"name": "day", "data_type": "DATE"},
            {"name": "qty", "data_type": "SMALLINT"},
        ]}],
    })


def write_parquet(out: Path, rows: int) -> list[Path]:
    """The engine's own files: its writer, its block size, ``kind`` dictionary-encoded as the
    engine makes categorical columns (the loader reads nothing else in practice)."""
    rng = np.random.default_rng(1)
    kinds = pa.array(["view", "click", "purchase", "refund"])
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for b, start in enumerate(range(0, rows, BLOCK)):
        n = min(BLOCK, rows - start)
        table = pa.table({
            "event_id": pa.array(np.arange(start + 1, start + n + 1, dtype=np.int64)),
            "user_id": pa.array(rng.integers(1, 100_000, n, dtype=np.int32)),
            "kind": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, 4, n, dtype=np.int32)), kinds),
            "amount": pa.array(rng.random(n) * 100),
            "day": pa.array(rng.integers(18_000, 20_000, n, dtype=np.int32)).cast(pa.date32()),
            "qty": pa.array(rng.integers(1, 10, n, dtype=np.int16)),
        })
        path = part_path(out.parent, out.name, b)
        write_block(table, path)
        files.append(path)
    return files


def bench_duckdb(home: Path, files: list[Path], rows: int, dialect: str) -> tuple[float, float]:
    spec = spec_for(dialect, f"bench_{dialect}")
    wh = get_warehouse("duckdb", home)
    wh.create_tables(spec)
    plan = LoadPlan(files[0].parent, {"events": TableFiles(rows, tuple(files))})
    t0 = time.perf_counter()
    wh.load(spec, plan)
    load_s = time.perf_counter() - t0
    wh.query(spec, "select 1")  # warm the connection path once
    t0 = time.perf_counter()
    df = wh.query(spec, "select kind, count(*) as n, sum(amount) as total, avg(qty) as q "
                        "from events group by kind order by kind")
    query_s = time.perf_counter() - t0
    assert int(df["n"].sum()) == rows
    return rows / load_s, query_s


def bench_duckdb_memory(files: list[Path], rows: int) -> float:
    """The ceiling: the same statement into an in-memory DuckDB in this process (DuckDB keeps
    in-memory tables uncompressed, so this is Parquet decoding and appending alone)."""
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("BEGIN")
    con.execute("CREATE TABLE events (event_id BIGINT, user_id INTEGER, kind VARCHAR, "
                "amount DOUBLE, day DATE, qty SMALLINT)")
    con.execute("INSERT INTO events SELECT event_id, user_id, kind, amount, day, qty "
                "FROM read_parquet(?)", [[str(f) for f in files]])
    con.execute("COMMIT")
    con.close()
    return rows / (time.perf_counter() - t0)


def bench_sqlite(home: Path, files: list[Path], rows: int) -> tuple[float, float]:
    spec = spec_for("postgres", "bench_sqlite")
    wh = get_warehouse("sqlite", home)
    wh.create_tables(spec)
    plan = LoadPlan(files[0].parent, {"events": TableFiles(rows, tuple(files))})
    t0 = time.perf_counter()
    wh.load(spec, plan)
    ours = rows / (time.perf_counter() - t0)

    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{home / 'baseline.sqlite'}")
    meta = sa.MetaData()
    table = sa.Table(
        "events", meta,
        sa.Column("event_id", sa.BigInteger, primary_key=True), sa.Column("user_id", sa.Integer),
        sa.Column("kind", sa.String(12)), sa.Column("amount", sa.Float),
        sa.Column("day", sa.Date), sa.Column("qty", sa.SmallInteger),
    )
    meta.create_all(engine)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for f in files:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=50_000):
                conn.execute(table.insert(), batch.to_pylist())
    baseline = rows / (time.perf_counter() - t0)
    return ours, baseline


def bench_ecom(work: Path) -> dict[str, float]:
    """The product's own path: ecom (14M rows, string columns) generated by the engine, then
    loaded into DuckDB with keys informational (Redshift dialect) and declared (DuckDB's)."""
    import json

    from dwsim_nb.engine import generate_run

    raw = json.loads((HERE / "ecom.json").read_text())
    run = work / "ecom_run"
    generate_run(raw, run, seed=1)
    plan = LoadPlan.read(run)
    rates = {}
    for dialect in ("redshift", "duckdb"):
        spec = ExperimentSpec.parse({**raw, "dialect": dialect, "name": f"ecom_{dialect}"})
        wh = get_warehouse("duckdb", work / f"ecom_{dialect}")
        wh.create_tables(spec)
        t0 = time.perf_counter()
        counts = wh.load(spec, plan)
        rates[dialect] = sum(counts.values()) / (time.perf_counter() - t0)
    return rates


def bench_demo(home: Path) -> float:
    exe = shutil.which("dwsim")
    cmd = [exe] if exe else [sys.executable, "-m", "dwsim_nb.cli"]
    t0 = time.perf_counter()
    subprocess.run([*cmd, "--home", str(home / "demo"), "demo"], check=True,
                   capture_output=True)
    return time.perf_counter() - t0


def machine() -> str:
    import psutil

    mem = psutil.virtual_memory().total / 2**30
    return (f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, {mem:.0f} GiB RAM")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--sqlite-rows", type=int, default=1_000_000)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dwsim-bench-"))
    try:
        files = write_parquet(work / "run" / "events", args.rows)
        duck_info, groupby_s = bench_duckdb(work / "ws1", files, args.rows, "redshift")
        duck_keys, _ = bench_duckdb(work / "ws2", files, args.rows, "postgres")
        duck_memory = bench_duckdb_memory(files, args.rows)
        sq_files = write_parquet(work / "run_small" / "events", args.sqlite_rows)
        sq_ours, sq_base = bench_sqlite(work / "ws3", sq_files, args.sqlite_rows)
        demo_s = bench_demo(work)
        ecom = bench_ecom(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"### {dt.date.today().isoformat()} — {machine()}",
        "",
        "| measure | result |",
        "|---|---|",
        f"| DuckDB load, {args.rows:,} rows, keys informational (Redshift/Snowflake experiments)"
        f" | {duck_info / 1e6:.1f}M rows/s |",
        f"| DuckDB load, {args.rows:,} rows, PRIMARY KEY declared (Postgres/DuckDB/ANSI "
        f"experiments) | {duck_keys / 1e6:.1f}M rows/s |",
        f"| the same {args.rows:,} rows into an in-memory DuckDB in this process (ceiling: no "
        f"file, no compression) | {duck_memory / 1e6:.1f}M rows/s |",
        f"| SQLite load (executemany from Arrow batches, one transaction), "
        f"{args.sqlite_rows:,} rows | {sq_ours / 1e3:.0f}k rows/s |",
        f"| SQLite load via SQLAlchemy executemany (baseline, same rows, same run) "
        f"| {sq_base / 1e3:.0f}k rows/s |",
        f"| GROUP BY over the {args.rows:,}-row DuckDB table (Warehouse.query, incl. "
        f"connect) | {groupby_s:.3f} s |",
        f"| `dwsim demo` cold start to printed results | {demo_s:.2f} s |",
        f"| DuckDB load of the engine's ecom run (14M rows, 6 string columns), keys "
        f"informational | {ecom['redshift'] / 1e6:.1f}M rows/s |",
        f"| the same, its 4 UNIQUE keys declared (DuckDB dialect) "
        f"| {ecom['duckdb'] / 1e6:.1f}M rows/s |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        append_section(HERE / "RESULTS.md", text)


def append_section(path: Path, text: str) -> None:
    """Add results under "## Load and query", leaving other sections as they are."""
    heading = "## Load and query"
    content = path.read_text() if path.exists() else "# Benchmark results\n"
    if heading not in content:
        content = content.rstrip("\n") + f"\n\n{heading}\n\n"
    start = content.index(heading) + len(heading)
    nxt = content.find("\n## ", start)
    end = len(content) if nxt == -1 else nxt + 1
    section = content[start:end].rstrip("\n") + "\n\n" + text
    content = content[:start] + section + ("\n" + content[end:] if nxt != -1 else "")
    path.write_text(content)


if __name__ == "__main__":
    main()
