"""A real Dask cluster for tests: worker processes on 127.0.0.1, no dashboard."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def local_cluster(n_workers: int) -> Iterator[Any]:
    """A ``distributed.LocalCluster`` of ``n_workers`` one-thread worker processes.

    A nanny writes its pre-spawn variables (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, ...) into
    this process's environment; they are put back so later tests' subprocesses do not inherit
    them.
    """
    import distributed

    saved = dict(os.environ)
    cluster = distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        yield cluster
    finally:
        cluster.close()
        os.environ.clear()
        os.environ.update(saved)
