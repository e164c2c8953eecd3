"""Benchmark: TPC-H from its DDL to a loaded, keyed warehouse, against tpchgen-cli.

Methods, each in its own process (wall time of the whole process, peak memory the sum of the
resident memory of its process tree, sampled every 20 ms), run alternately for ``--rounds``:
  tpchgen     ``tpchgen-cli parquet -s SF`` (the Rust TPC-H generator; a test dependency)
  dwsim       tests/corpus/ddl/tpch.sql imported (keys declared: PRIMARY KEY, REFERENCES),
              generated at SF's row counts and loaded into the default DuckDB warehouse
  dwsim-noload  the same without the load (Parquet only)
  tpchgen-duckdb  what a user does without dwsim for the same result: tpchgen-cli writes
              Parquet, then DuckDB loads it into a file and adds tpch.sql's PRIMARY KEYs
              (the floor under "DDL to a keyed DuckDB warehouse" with another generator)
  chain       ``--chain N`` tables of 1,000 rows, each referencing the one before, generated
              and loaded (per-table overheads; see ``--chain``)

    python benchmarks/bench_tpch.py                        # SF1, tpchgen vs dwsim, 3 rounds
    python benchmarks/bench_tpch.py --sf 10 --methods dwsim --rounds 1
    python benchmarks/bench_tpch.py --methods chain --chain 300
    python benchmarks/bench_tpch.py --methods dwsim,dwsim@base --base /tmp/old   # A/B

``METHOD@base`` runs METHOD with ``--base`` (another checkout's root) first on PYTHONPATH.

dwsim child processes report the run's stages (generate, load) from the run's timings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
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
TPCH_DDL = HERE.parent / "tests" / "corpus" / "ddl" / "tpch.sql"
SF1 = {
    "region": 5, "nation": 25, "supplier": 10_000, "customer": 150_000, "part": 200_000,
    "partsupp": 800_000, "orders": 1_500_000, "lineitem": 6_000_000,
}
FIXED = {"region", "nation"}


def tpch_rows(sf: float) -> dict[str, int]:
    return {t: n if t in FIXED else max(1, int(n * sf)) for t, n in SF1.items()}


def chain_ddl(n: int, linked: bool = False) -> str:
    """``n`` tables, each referencing the one before. ``linked`` adds an ``amount`` and a
    ``created_at`` to each, which inference links through the keys (parent sums, time order)."""
    more = ", amount DECIMAL(10,2), created_at TIMESTAMP" if linked else ""
    parts = [f"CREATE TABLE t0 (id INT PRIMARY KEY, label VARCHAR(20), qty INT{more});"]
    for i in range(1, n):
        parts.append(
            f"CREATE TABLE t{i} (id INT PRIMARY KEY, t{i - 1}_id INT REFERENCES t{i - 1}(id), "
            f"label VARCHAR(20), qty INT{more});"
        )
    return "\n".join(parts)


def tpchgen_cli() -> str:
    found = shutil.which("tpchgen-cli") or shutil.which(
        "tpchgen-cli", path=str(Path(sys.executable).parent)
    )
    if not found:
        raise SystemExit("tpchgen-cli is not installed (pip install tpchgen-cli)")
    return found


# --- inside the child process ---------------------------------------------------------------


def primary_keys(ddl: str) -> dict[str, list[str]]:
    """Each table's PRIMARY KEY columns in ``ddl`` (read with sqlglot, as a user's script
    would; dwsim is not imported)."""
    import sqlglot
    from sqlglot import exp

    keys: dict[str, list[str]] = {}
    for stmt in sqlglot.parse(ddl, read="postgres"):
        if not isinstance(stmt, exp.Create) or not isinstance(stmt.this, exp.Schema):
            continue
        name = stmt.this.this.name
        for item in stmt.this.expressions:
            if isinstance(item, exp.ColumnDef) and item.find(exp.PrimaryKeyColumnConstraint):
                keys[name] = [item.name]
            elif isinstance(item, exp.PrimaryKey):
                keys[name] = [c.name for c in item.expressions]
    return keys


def tpchgen_then_duckdb(sf: float, work: Path) -> None:
    t0 = time.perf_counter()
    out = work / "out"
    subprocess.run([tpchgen_cli(), "parquet", "-s", f"{sf:g}", f"--output-dir={out}"], check=True)
    t_gen = time.perf_counter() - t0
    import duckdb

    con = duckdb.connect(str(work / "tpch.duckdb"))
    for table, cols in primary_keys(TPCH_DDL.read_text()).items():
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)",
                    [str(out / f"{table}.parquet")])
        con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(cols)})")
    con.close()
    print(json.dumps({"rows": sum(tpch_rows(sf).values()), "generate": t_gen,
                      "load": time.perf_counter() - t0 - t_gen}))


def child(method: str, sf: float, chain: int, work: Path) -> None:
    if method == "tpchgen-duckdb":
        tpchgen_then_duckdb(sf, work)
        return
    t0 = time.perf_counter()
    from dwsim_nb.workspace import Workspace

    ws = Workspace(work / "home")
    if method == "chain":
        exp = ws.import_sql(chain_ddl(chain), dialect="postgres", name="chain")
        rows = {f"t{i}": 1000 for i in range(chain)}
    else:
        exp = ws.import_sql(TPCH_DDL.read_text(), dialect="postgres", name="tpch")
        rows = tpch_rows(sf)
    t_import = time.perf_counter() - t0
    run = exp.generate(rows=rows, seed=1, load=method != "dwsim-noload")
    if method != "dwsim-noload":
        counts = exp.query("SELECT count(*) AS n FROM information_schema.tables")
        assert int(counts["n"].iloc[0]) >= len(rows)
    timings = dict(run.timings or {})
    print(json.dumps({
        "rows": sum(rows.values()), "import": t_import,
        "generate": timings.get("generate"), "load": timings.get("load"),
        "overlapped": timings.get("load_overlapped"),
    }))


# --- the driver -----------------------------------------------------------------------------


def _tree_rss(p: psutil.Process, pss: bool = False) -> int:
    """Resident memory of the process tree: the sum of RSS (a page shared by a pool's forked
    workers counts once per process), or with ``pss`` of PSS (shared pages split between them;
    reading it costs more, so it is sampled less often)."""
    total = 0
    for q in [p, *p.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += getattr(q.memory_full_info(), "pss", 0) if pss else q.memory_info().rss
    return total


def measure(
    method: str, sf: float, chain: int, workdir: Path, base: Path | None = None
) -> dict[str, Any]:
    label = method
    env = dict(os.environ)
    if method.endswith("@base"):
        if base is None:
            raise SystemExit(f"{method} needs --base")
        method = method.removesuffix("@base")
        env["PYTHONPATH"] = str(base)
    work = Path(tempfile.mkdtemp(prefix=f"{method}-", dir=workdir))
    if method == "tpchgen":
        cmd = [tpchgen_cli(), "parquet", "-s", f"{sf:g}", f"--output-dir={work / 'out'}"]
    else:
        cmd = [sys.executable, __file__, "--child", method, "--sf", str(sf),
               "--chain", str(chain), "--out", str(work)]
    t0 = time.perf_counter()
    # Started in its own folder: the process pool's fork server puts the current folder first on
    # its import path, so from a checkout it would import that checkout, not ``--base``.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=work)
    watched = psutil.Process(proc.pid)
    peak = peak_pss = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak, peak_pss
        tick = 0
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):  # the process ended between list and read
                peak = max(peak, _tree_rss(watched))
                if tick % 10 == 0:
                    peak_pss = max(peak_pss, _tree_rss(watched, pss=True))
            tick += 1
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    stdout, _ = proc.communicate()
    secs = time.perf_counter() - t0
    stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{method} failed with exit code {proc.returncode}")
    info: dict[str, Any] = {}
    if method != "tpchgen":
        info = json.loads(stdout.strip().splitlines()[-1])
    else:
        info["rows"] = sum(tpch_rows(sf).values())
    shutil.rmtree(work, ignore_errors=True)
    return {
        "method": label, "seconds": secs, "peak_mb": peak / 2**20, "peak_pss_mb": peak_pss / 2**20,
        **info,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sf", type=float, default=1.0)
    ap.add_argument("--chain", type=int, default=300)
    ap.add_argument("--methods", default="tpchgen,dwsim")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--base", type=Path, default=None, help="checkout for METHOD@base")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.sf, args.chain, args.out)
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dwsim-tpch-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for r in range(args.rounds):
        for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
            res = measure(method, args.sf, args.chain, workdir, args.base)
            named = ("import", "generate", "load", "overlapped")
            stages = " ".join(f"{k} {res[k]:.2f} s" for k in named if res.get(k))
            print(
                f"round {r + 1} {res['method']:13s} {res['rows']:>11,} rows "
                f"{res['seconds']:7.2f} s peak {res['peak_mb']:5.0f} MB "
                f"(PSS {res['peak_pss_mb']:5.0f} MB)  {stages}",
                flush=True,
            )
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.workdir is None:  # a folder the user named is theirs: each run removed its own part
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
