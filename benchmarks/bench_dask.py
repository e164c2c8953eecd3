"""Dask scale-out benchmark: rows/s on a LocalCluster with 1 and 2 workers, and one big table.

    python benchmarks/bench_dask.py scaling [--n 1000000] [--repeat 3]
    python benchmarks/bench_dask.py big [--rows 100000000] [--workers 2] [--memory-limit 2GiB]
    python benchmarks/bench_dask.py s3 [--n 200000]          # to a local moto S3 server

``scaling`` runs the ecom workload (customers N, orders 3N, order_items 10N) in-process and on a
LocalCluster(n_workers=K, threads_per_worker=1, processes=True) for K = 1 and 2, into a local
folder. Each method first runs a small warm-up generation so that worker start-up and the
one-off value pools are not counted; then the methods take turns for ``--repeat`` rounds and
the figure is the median, from planning to the manifest being written
(``Manifest.timings['total']``).

``big`` generates one table of ``--rows`` rows (order_items' columns without the foreign key)
on a LocalCluster with a memory limit per worker and samples the resident memory (RSS) of this
process and every worker process every 0.2 s; peak RSS is the largest sample (per process, and
summed over processes at one instant).

``s3`` writes the ecom workload to a moto S3 server on 127.0.0.1 through the same path a real
bucket uses (pyarrow's S3FileSystem), to show what the object store costs against a folder.

Every mode prints one JSON object per measurement and the machine's load average, since the
numbers only mean something next to what else was running.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def ecom_spec() -> dict[str, Any]:
    path = HERE / "ecom.json"
    if not path.exists():
        path = Path("/work/shared/bench/ecom.json")
    return dict(json.loads(path.read_text()))


def ecom_rows(n: int) -> dict[str, int]:
    return {"customers": n, "orders": 3 * n, "order_items": 10 * n}


def single_table_spec() -> dict[str, Any]:
    """order_items' columns with a plain integer order_id, so the table stands alone."""
    spec = ecom_spec()
    items = next(t for t in spec["tables"] if t["name"] == "order_items")
    columns = []
    for col in items["columns"]:
        col = dict(col)
        col.pop("foreign_key", None)
        if col["name"] == "order_id":
            col.update(min_value=1, max_value=30_000_000)
        columns.append(col)
    return {"name": "big", "tables": [{"name": "items", "target_rows": 1, "columns": columns}]}


def machine() -> dict[str, Any]:
    import psutil

    return {
        "host_cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which switches off glibc's
# adaptive mmap threshold; "tuned" clusters unset it (see RECOMMENDED_CONFIG).


@contextmanager
def local_cluster(
    workers: int, memory_limit: str | None = None, *, tuned: bool = False
) -> Iterator[Any]:
    import dask
    from distributed import Client, LocalCluster

    from dwsim_nb.engine.dask_executor import RECOMMENDED_CONFIG

    kwargs: dict[str, Any] = {}
    if memory_limit:
        kwargs["memory_limit"] = memory_limit
    with dask.config.set(RECOMMENDED_CONFIG if tuned else {}):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            **kwargs,
        )
    client = Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def timed_runs(
    spec: dict[str, Any], rows: dict[str, int], repeat: int, **kwargs: Any
) -> list[float]:
    from dwsim_nb.engine import generate_run

    seconds = []
    for i in range(repeat):
        out = Path(tempfile.mkdtemp(prefix="dwsim-bench-"))
        try:
            m = generate_run(spec, out, rows=rows, seed=i, **kwargs)
            seconds.append(float(m.timings["total"]))
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return seconds


def scaling(n: int, repeat: int) -> None:
    spec, rows = ecom_spec(), ecom_rows(n)
    total = sum(rows.values())
    emit({"mode": "scaling", "rows": total, **machine()})
    warm = {k: max(1, v // 100) for k, v in rows.items()}
    # Both clusters stay up and the methods take turns, run by run: on a machine shared with
    # other work the load drifts, and interleaving spreads the drift over every method alike.
    # Tuned clusters first: a nanny also puts its pre-spawn variables into this process's
    # environment, which every worker spawned afterwards would inherit.
    with (
        local_cluster(1, tuned=True) as one_t,
        local_cluster(2, tuned=True) as two_t,
        local_cluster(1) as one,
        local_cluster(2) as two,
    ):
        kwargs: dict[str, dict[str, Any]] = {
            "inprocess": {"executor": "inprocess"},
            "dask-1": {"executor": "dask", "client": one},
            "dask-2": {"executor": "dask", "client": two},
            "dask-1-tuned": {"executor": "dask", "client": one_t},
            "dask-2-tuned": {"executor": "dask", "client": two_t},
        }
        secs: dict[str, list[float]] = {k: [] for k in kwargs}
        for kw in kwargs.values():
            timed_runs(spec, warm, 1, **kw)
        loads = []
        for _ in range(repeat):
            loads.append(round(os.getloadavg()[0], 2))
            for method, kw in kwargs.items():
                secs[method] += timed_runs(spec, rows, 1, **kw)
        emit({"mode": "scaling", "loadavg_1_per_round": loads})
    for method, values in secs.items():
        workers = int(method.split("-")[1]) if method.startswith("dask") else 1
        emit({**_result(method, workers, total, values)})
    emit({"mode": "scaling", "done": True, "loadavg_1_5_15": list(os.getloadavg())})


def _result(executor: str, workers: int, rows: int, secs: list[float]) -> dict[str, Any]:
    med = statistics.median(secs)
    return {
        "executor": executor,
        "workers": workers,
        "rows": rows,
        "seconds": [round(s, 2) for s in secs],
        "median_s": round(med, 2),
        "rows_per_s": round(rows / med),
        "rows_per_s_per_worker": round(rows / med / workers),
        "loadavg_1": round(os.getloadavg()[0], 2),
    }


class RssSampler:
    """Peak resident memory of this process and its children (the workers), sampled."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.peak_total = 0
        self.peak_per_process = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    rss = int(p.memory_info().rss)
                except psutil.Error:
                    continue
                total += rss
                self.peak_per_process = max(self.peak_per_process, rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def big(
    rows: int, workers: int, memory_limit: str, block_size: int | None, tuned: bool
) -> None:
    from dwsim_nb.engine import generate_run

    emit({"mode": "big", "rows": rows, "workers": workers, "memory_limit": memory_limit,
          "tuned": tuned, **machine()})
    spec = single_table_spec()
    out = Path(tempfile.mkdtemp(prefix="dwsim-bench-big-"))
    try:
        with local_cluster(workers, memory_limit, tuned=tuned) as client:
            env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
            emit({"worker_MALLOC_TRIM_THRESHOLD_": sorted({str(v) for v in env.values()})})
            generate_run(spec, out / "warm", rows={"items": 1000}, executor="dask", client=client)
            with RssSampler() as rss:
                t0 = time.perf_counter()
                m = generate_run(spec, out / "run", rows={"items": rows}, seed=1,
                                 executor="dask", client=client, block_size=block_size)
                wall = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in (out / "run").rglob("*.parquet"))
        emit({
            "executor": "dask",
            "workers": workers,
            "rows": rows,
            "blocks": len(m.tables["items"].files),
            "block_size": m.block_size,
            "seconds": round(wall, 1),
            "rows_per_s": round(rows / wall),
            "rows_per_s_per_worker": round(rows / wall / workers),
            "parquet_gb": round(size / 2**30, 2),
            "peak_rss_total_mb": round(rss.peak_total / 2**20),
            "peak_rss_one_process_mb": round(rss.peak_per_process / 2**20),
            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        })
    finally:
        shutil.rmtree(out, ignore_errors=True)


def s3(n: int, repeat: int) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # Set before the cluster starts: the worker processes take credentials from the environment.
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
        DWSIM_S3_ENDPOINT_URL=endpoint,
    )
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    spec, rows = ecom_spec(), ecom_rows(n)
    total = sum(rows.values())
    emit({"mode": "s3", "rows": total, **machine()})
    from dwsim_nb.engine import generate_run

    try:
        with local_cluster(2) as client:
            generate_run(spec, "s3://bench/warm", rows={k: 100 for k in rows}, client=client)
            for target in ("folder", "s3"):
                secs = []
                for i in range(repeat):
                    if target == "s3":
                        uri = f"s3://bench/experiments/ecom/run_{i}"
                        m = generate_run(spec, uri, rows=rows, seed=i, client=client)
                        secs.append(float(m.timings["total"]))
                    else:
                        secs += timed_runs(spec, rows, 1, executor="dask", client=client)
                emit({**_result("dask", 2, total, secs), "target": target})
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("scaling")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("big")
    p.add_argument("--rows", type=int, default=100_000_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--memory-limit", default="2GiB")
    p.add_argument("--block-size", type=int, default=None)
    p.add_argument("--tuned", action="store_true", help="unset MALLOC_TRIM_THRESHOLD_")
    p = sub.add_parser("s3")
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.mode == "scaling":
        scaling(args.n, args.repeat)
    elif args.mode == "big":
        big(args.rows, args.workers, args.memory_limit, args.block_size, args.tuned)
    else:
        s3(args.n, args.repeat)


if __name__ == "__main__":
    main()
