"""Benchmark: the ecom workload (customers N, orders 3N, order_items 10N) generated to Parquet.

Methods, each run in its own subprocess so peak memory is measured per method (the sum of the
resident memory of the process and its children, sampled every 20 ms):
  engine-1   dwsim_nb.engine.generate_run, in-process, one worker
  engine-2   dwsim_nb.engine.generate_run, a process pool of two workers
  duckdb     DuckDB generating the same tables in pure SQL and writing Parquet (zstd)
  faker      the original approach: a per-row interpreter of the spec, one Faker call per
             value, unique values by retry, foreign keys picked from parent keys in memory
             (run at 100k customers, 1.4M rows: email retries only show at that size)

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


class _PerRowGenerator:
    """The original dw-simulator approach: a generic per-row interpreter of the spec.

    For every row and every column it checks the null rate, picks the column's generator by its
    type, calls Faker or ``random`` once, and for unique columns draws again until the value is
    new (with the set of used values in memory). Foreign keys are picked from the parent's keys,
    held in memory. Rows are dicts, written to Parquet every 10,000 rows. It reads the same
    ecom.json as the engine, so both do the same work from the same spec.
    """

    batch_size = 10_000

    def __init__(self, seed: int = 1) -> None:
        import random

        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.retries = 0
        self.keys: dict[str, list[Any]] = {}

    def table(self, table: dict[str, Any], n: int, out: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        used: dict[str, set[Any]] = {c["name"]: set() for c in table["columns"]}
        counters = dict.fromkeys(used, 1)
        parents = {
            c["name"]: self.keys[c["foreign_key"]["references_table"]]
            for c in table["columns"]
            if c.get("foreign_key")
        }
        ids: list[Any] = []
        batch: list[dict[str, Any]] = []
        part = 0
        for _ in range(n):
            row = {
                c["name"]: self.value(c, used[c["name"]], counters, parents)
                for c in table["columns"]
            }
            ids.append(row["id"])
            batch.append(row)
            if len(batch) == self.batch_size:
                pq.write_table(pa.Table.from_pylist(batch), out / f"{table['name']}-{part}.parquet")
                batch, part = [], part + 1
        if batch:
            pq.write_table(pa.Table.from_pylist(batch), out / f"{table['name']}-{part}.parquet")
        self.keys[table["name"]] = ids

    def value(
        self,
        col: dict[str, Any],
        used: set[Any],
        counters: dict[str, int],
        parents: dict[str, list[Any]],
    ) -> Any:
        if not col.get("required") and self.rng.random() < 0.05:
            return None
        make = {
            "INT": self.integer,
            "BIGINT": self.integer,
            "FLOAT": self.floating,
            "DATE": self.date,
            "VARCHAR": self.string,
        }[col["data_type"]]
        while True:
            value = make(col, counters, parents)
            if not col.get("is_unique"):
                return value
            if value not in used:
                used.add(value)
                return value
            self.retries += 1

    def integer(self, col: dict[str, Any], counters: dict[str, int], parents: dict) -> int:
        if col["name"] in parents:
            return int(self.rng.choice(parents[col["name"]]))
        if col.get("is_unique"):
            counters[col["name"]] += 1
            return counters[col["name"]] - 1
        return self.rng.randint(int(col.get("min_value", 0)), int(col.get("max_value", 10**6)))

    def floating(self, col: dict[str, Any], counters: dict[str, int], parents: dict) -> float:
        lo, hi = float(col.get("min_value", 0)), float(col.get("max_value", 10**6))
        dist = col.get("distribution") or {}
        p = dist.get("parameters", {})
        if dist.get("type") == "normal":
            x = self.rng.gauss(p["mean"], p["stddev"])
        elif dist.get("type") == "exponential":
            x = lo + self.rng.expovariate(p["lambda"])
        elif dist.get("type") == "beta":
            x = lo + (hi - lo) * self.rng.betavariate(p["alpha"], p["beta"])
        else:
            x = self.rng.uniform(lo, hi)
        return min(hi, max(lo, x))

    def date(self, col: dict[str, Any], counters: dict[str, int], parents: dict) -> dt.date:
        start = dt.date.fromisoformat(col.get("date_start", "2020-01-01"))
        end = dt.date.fromisoformat(col.get("date_end", "2025-12-31"))
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def string(self, col: dict[str, Any], counters: dict[str, int], parents: dict) -> str:
        if col.get("values"):
            value = self.rng.choices(col["values"], col.get("weights"))[0]
        elif col.get("pattern"):
            value = self.fake.bothify(col["pattern"])
        elif col.get("faker_rule"):
            value = str(getattr(self.fake, col["faker_rule"])())
        else:
            value = self.fake.word()
        return value[: col.get("varchar_length") or 255]


def run_faker(rows: dict[str, int], out: Path) -> int:
    """Generate ecom the original way (see _PerRowGenerator); returns the unique-value retries."""
    out.mkdir(parents=True, exist_ok=True)
    gen = _PerRowGenerator()
    for table in json.loads(ECOM.read_text())["tables"]:
        gen.table(table, rows[table["name"]], out)
    return gen.retries


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
        retries = by['faker']['retries']
        lines.append(f"- faker: {retries:,} unique-value retries (all from emails; ids count up)")
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
