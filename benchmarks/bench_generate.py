"""Benchmark: the ecom workload (customers N, orders 3N, order_items 10N) generated to Parquet.

Methods, each run in its own subprocess so peak memory is measured per method (the sum of the
resident memory of the process and its children, sampled every 20 ms):
  engine-1   dwsim_nb.engine.generate_run, in-process, one worker
  engine-2   dwsim_nb.engine.generate_run, a process pool of two workers
  duckdb     DuckDB generating the same tables in pure SQL and writing Parquet (zstd)
  faker      the original approach: one Faker call per value, per row, unique emails by retry
             (run at 100k customers, 1.4M rows: retries only show at that size)

    python benchmarks/bench_generate.py                 # 14M rows, writes benchmarks/RESULTS.md
    python benchmarks/bench_generate.py --scale 0.1     # 1.4M rows
    python benchmarks/bench_generate.py --scale 10 --methods engine-2   # 140M rows
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ECOM = HERE / "ecom.json"
METHODS = ("engine-1", "engine-2", "duckdb", "faker")


def _rows(scale: float) -> dict[str, int]:
    spec = json.loads(ECOM.read_text())
    return {t["name"]: max(1, int(t["target_rows"] * scale)) for t in spec["tables"]}


# --- the methods (run inside the child process) ---------------------------------------------


def run_engine(rows: dict[str, int], out: Path, workers: int, block_size: int | None) -> None:
    from dwsim_nb.engine import generate_run

    spec = json.loads(ECOM.read_text())
    generate_run(
        spec, out, rows=rows, seed=1, workers=workers, block_size=block_size,
        executor="processes" if workers > 1 else "inprocess",
    )


def _pool(provider: str) -> list[str]:
    from dwsim_nb.engine.generators.faker_pools import pool

    return [str(v) for v in pool(provider).to_pylist()]


def run_duckdb(rows: dict[str, int], out: Path) -> None:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    for name, provider in (("fn", "first_name"), ("ln", "last_name"), ("city", "city"),
                           ("dom", "free_email_domain")):
        pools = pa.table({"v": _pool(provider)})
        con.register(f"{name}_pool", pools)
        con.execute(f"SET VARIABLE {name} = (SELECT list(v) FROM {name}_pool)")
    nc, no, ni = rows["customers"], rows["orders"], rows["order_items"]
    out.mkdir(parents=True, exist_ok=True)

    def pick(var: str, salt: int) -> str:
        return f"getvariable('{var}')[(hash(i, {salt}) % len(getvariable('{var}')))::INT + 1]"

    con.execute(f"""
        COPY (SELECT i + 1 AS id, {pick('fn', 1)} AS first_name, {pick('ln', 2)} AS last_name,
            lower(first_name) || '.' || lower(last_name) || '.' || i::VARCHAR || '@'
                || {pick('dom', 3)} AS email,
            {pick('city', 4)} AS city,
            DATE '2015-01-01' + (hash(i, 5) % 3653)::INT AS signup_date,
            greatest(0, least(5000, 500 + 150 * sqrt(-2 * ln(1 - random()))
                * cos(2 * pi() * random()))) AS lifetime_value
        FROM range({nc}) t(i))
        TO '{out}/customers.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    con.execute(f"""
        COPY (SELECT i + 1 AS id, (hash(i, 6) % {nc})::BIGINT + 1 AS customer_id,
            DATE '2015-01-01' + (hash(i, 7) % 3653)::INT AS order_date,
            CASE WHEN r < 0.10 THEN 'pending' WHEN r < 0.25 THEN 'paid'
                 WHEN r < 0.45 THEN 'shipped' WHEN r < 0.95 THEN 'delivered'
                 ELSE 'cancelled' END AS status,
            least(10000, greatest(1, -ln(1 - random()) / 0.0125)) AS amount
        FROM (SELECT i, random() AS r FROM range({no}) t(i)))
        TO '{out}/orders.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    # Beta(2, 5) has no SQL sampler; Kumaraswamy(2, 5) has a closed-form inverse and a
    # similar shape, which keeps the work comparable.
    con.execute(f"""
        COPY (SELECT i + 1 AS id, (hash(i, 8) % {no})::BIGINT + 1 AS order_id,
            'SKU-' || lpad((hash(i, 9) % 100000)::VARCHAR, 5, '0') AS sku,
            (1 + hash(i, 10) % 10)::INT AS quantity,
            1 + 499 * pow(1 - pow(1 - random(), 1.0 / 5), 1.0 / 2) AS unit_price
        FROM range({ni}) t(i))
        TO '{out}/order_items.parquet' (FORMAT parquet, COMPRESSION zstd)""")


def _unique(make: Any, seen: set[Any], retries: list[int]) -> Any:
    """A value not seen before, by drawing again: the original tool's retry loop."""
    while True:
        value = make()
        if value not in seen:
            seen.add(value)
            return value
        retries[0] += 1


def run_faker(rows: dict[str, int], out: Path) -> int:
    """The original dw-simulator approach, row by row and value by value.

    One Faker call per value, unique columns by drawing again until the value is new (with the
    set of used values in memory), foreign keys picked from the parent keys held in memory, rows
    as dicts and a table written at the end. Unique email retries grow with the customer count,
    so run this at 100k customers or more to see them. Returns the number of retries.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(1)
    rnd = fake.random
    out.mkdir(parents=True, exist_ok=True)
    start, end = dt.date(2015, 1, 1), dt.date(2024, 12, 31)
    retries = [0]
    customers = []
    emails: set[str] = set()
    for i in range(rows["customers"]):
        customers.append({
            "id": i + 1, "first_name": fake.first_name(), "last_name": fake.last_name(),
            "email": _unique(fake.email, emails, retries), "city": fake.city(),
            "signup_date": fake.date_between(start, end),
            "lifetime_value": min(5000.0, max(0.0, rnd.gauss(500, 150))),
        })
    pq.write_table(pa.Table.from_pylist(customers), out / "customers.parquet", compression="zstd")
    customer_ids = [c["id"] for c in customers]
    del customers
    statuses = ["pending", "paid", "shipped", "delivered", "cancelled"]
    weights = [0.10, 0.15, 0.20, 0.50, 0.05]
    orders = []
    for i in range(rows["orders"]):
        orders.append({
            "id": i + 1, "customer_id": rnd.choice(customer_ids),
            "order_date": fake.date_between(start, end),
            "status": rnd.choices(statuses, weights)[0],
            "amount": min(10000.0, max(1.0, rnd.expovariate(0.0125))),
        })
    pq.write_table(pa.Table.from_pylist(orders), out / "orders.parquet", compression="zstd")
    order_ids = [o["id"] for o in orders]
    del orders
    items = []
    for i in range(rows["order_items"]):
        items.append({
            "id": i + 1, "order_id": rnd.choice(order_ids),
            "sku": fake.bothify("SKU-#####"), "quantity": fake.random_int(1, 10),
            "unit_price": 1 + 499 * rnd.betavariate(2, 5),
        })
    pq.write_table(pa.Table.from_pylist(items), out / "order_items.parquet", compression="zstd")
    return retries[0]


def child_main(method: str, scale: float, out: Path, block_size: int | None) -> None:
    rows = _rows(scale)
    # Imports and pool building are outside the timed part for every method alike; each method
    # imports only what it uses, so peak memory is the method's own.
    import faker  # noqa: F401

    if method == "duckdb":
        import duckdb  # noqa: F401

        for provider in ("first_name", "last_name", "city", "free_email_domain"):
            _pool(provider)
    if method.startswith("engine"):
        import dwsim_nb.engine  # noqa: F401
    retries = 0
    started = time.perf_counter()
    if method == "engine-1":
        run_engine(rows, out, 1, block_size)
    elif method == "engine-2":
        run_engine(rows, out, 2, block_size)
    elif method == "duckdb":
        run_duckdb(rows, out)
    elif method == "faker":
        retries = run_faker(rows, out)
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": sum(rows.values()), "seconds": seconds, "retries": retries}))


# --- the parent: runs each method in a subprocess and watches its memory ---------------------


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def measure(
    method: str, scale: float, workdir: Path, block_size: int | None = None
) -> dict[str, Any]:
    out = workdir / method
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", method, "--scale", str(scale), "--out", str(out)]
    if block_size:
        cmd += ["--block-size", str(block_size)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    watched = psutil.Process(proc.pid)
    peak = 0
    cpu = 0.0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak, cpu
        while not stop.is_set():
            try:
                peak = max(peak, _tree_rss(watched))
                procs = [watched, *watched.children(recursive=True)]
                cpu = max(cpu, sum(sum(p.cpu_times()[:2]) + sum(p.cpu_times()[2:4])
                                   for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    stdout, _ = proc.communicate()
    stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{method} failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    size = sum(f.stat().st_size for f in out.rglob("*.parquet"))
    shutil.rmtree(out, ignore_errors=True)
    return {
        "method": method,
        "rows": result["rows"],
        "seconds": result["seconds"],
        "rows_per_s": result["rows"] / result["seconds"],
        "peak_mb": peak / 2**20,
        "cpu_s": cpu,
        "parquet_mb": size / 2**20,
        "retries": result.get("retries", 0),
    }


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} cores, {ram:.0f} GB RAM, {model}, Python {platform.python_version()}"


def report(
    results: list[dict[str, Any]],
    scale: float,
    load: tuple[float, ...],
    load_after: tuple[float, ...] = (),
    block_size: int | None = None,
) -> str:
    from dwsim_nb.engine import DEFAULT_BLOCK_SIZE

    by = {r["method"]: r for r in results}
    after = f"; after: {', '.join(f'{x:.1f}' for x in load_after)}" if load_after else ""
    lines = [
        f"## {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}: ecom at scale {scale:g}",
        "",
        f"Machine: {machine()}. Load average (1, 5, 15 min) before the run: "
        f"{', '.join(f'{x:.1f}' for x in load)}{after}. Engine block size: "
        f"{block_size or DEFAULT_BLOCK_SIZE:,} rows.",
        "",
        "| method | rows | seconds | rows/s | CPU s | peak memory MB | Parquet MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['method']} | {r['rows']:,} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} | "
            f"{r['cpu_s']:.1f} | {r['peak_mb']:.0f} | {r['parquet_mb']:.0f} |"
        )
    best = max((by[m] for m in ("engine-1", "engine-2") if m in by),
               key=lambda r: r["rows_per_s"], default=None)
    if best is not None:
        lines.append("")
        for base in ("duckdb", "faker"):
            if base in by:
                ratio = best["rows_per_s"] / by[base]["rows_per_s"]
                lines.append(f"- {best['method']} vs {base}: {ratio:.1f}x rows/s")
    if "faker" in by:
        lines.append(f"- faker: {by['faker']['retries']:,} unique-email retries")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 14M rows (N = 1M)")
    ap.add_argument("--faker-scale", type=float, default=0.1,
                    help="scale of the per-row Faker baseline (default 0.1: 100k customers, "
                    "1.4M rows, where unique email retries show; about a minute)")
    ap.add_argument("--block-size", type=int, default=None,
                    help="engine block size (default: the engine's)")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(args.child, args.scale, args.out, args.block_size)
        return
    load = os.getloadavg()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dwsim-bench-"))
    results = []
    for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
        scale = args.faker_scale if method == "faker" else args.scale
        r = measure(method, scale, workdir, args.block_size)
        print(f"{method:10s} {r['rows']:>12,} rows {r['seconds']:8.2f} s "
              f"{r['rows_per_s']:>14,.0f} rows/s  peak {r['peak_mb']:.0f} MB", flush=True)
        results.append(r)
    text = report(results, args.scale, load, os.getloadavg(), args.block_size)
    print(text)
    previous = args.results.read_text() if args.results.exists() else "# Benchmark results\n\n"
    args.results.write_text(previous.rstrip("\n") + "\n\n" + text)


if __name__ == "__main__":
    main()
