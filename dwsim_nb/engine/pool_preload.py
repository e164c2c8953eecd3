"""What the process pool's fork server imports once; every worker forks from it ready to work.

pyarrow asks for pandas on its first ``pa.array(...)`` call in a process (to check whether the
input is a pandas object) and imports it when installed: a quarter second and about 35 MB in
each worker, which only turns numpy arrays into Arrow arrays and never needs pandas. Here the
server makes that one question fail, so pyarrow records "no pandas" and its forked workers
inherit the answer. The server and workers are the engine's own processes: nothing else runs
in them, and a worker that did need pandas would only get a plain ImportError from pyarrow.
"""

from __future__ import annotations

import sys

import pyarrow as pa

import dwsim_nb.engine.runtime  # noqa: F401  (imported for the workers)


class _NoPandas:
    """An import hook under which ``import pandas`` raises ImportError."""

    @staticmethod
    def find_spec(name: str, *_args: object) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("pandas is not used in engine workers", name=name)


def _pyarrow_without_pandas() -> None:
    if "pandas" in sys.modules:
        return
    hook = _NoPandas()
    sys.meta_path.insert(0, hook)  # type: ignore[arg-type]
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(hook)  # type: ignore[arg-type]


_pyarrow_without_pandas()
