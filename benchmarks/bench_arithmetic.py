"""Benchmark: 14M rows with cross-table arithmetic, generated to Parquet (no warehouse load).

An e-commerce script imported from DDL: ``order_items.line_total = quantity * unit_price``
(derived), ``orders.total_amount`` = the sum of its lines and ``orders.item_count`` = their
number (aggregates over a clustered range layout), customers 1.5M, orders 2.5M, order_items
10M. Reports rows/s for one in-process worker and a pool of two, as bench_generate's engine-1
and engine-2 do.

    python benchmarks/bench_arithmetic.py                 # 14M rows
    python benchmarks/bench_arithmetic.py --scale 0.1     # 1.4M rows
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

DDL = """
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100), city VARCHAR(40));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id),
  total_amount DECIMAL(12,2) NOT NULL, item_count INT NOT NULL, created_at TIMESTAMP);
CREATE TABLE order_items (id BIGINT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders(id),
  quantity INT NOT NULL, unit_price DECIMAL(8,2) NOT NULL, discount DECIMAL(4,2),
  line_total DECIMAL(12,2) NOT NULL);
"""
ROWS = {"customers": 1_500_000, "orders": 2_500_000, "order_items": 10_000_000}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine import generate_run

    spec = import_sql(DDL, dialect="postgres", name="arith_bench")
    rows = {t: max(1, int(n * args.scale)) for t, n in ROWS.items()}
    total = sum(rows.values())
    for workers in (int(w) for w in args.workers.split(",")):
        out = Path(tempfile.mkdtemp(prefix="dwsim-arith-"))
        try:
            t0 = time.perf_counter()
            generate_run(
                spec, out, rows=rows, seed=1, workers=workers,
                executor="processes" if workers > 1 else "inprocess",
            )
            secs = time.perf_counter() - t0
        finally:
            shutil.rmtree(out, ignore_errors=True)
        rate = total / secs / 1e6
        print(f"{workers} worker(s): {total:,} rows in {secs:.2f} s = {rate:.2f}M rows/s")


if __name__ == "__main__":
    main()
