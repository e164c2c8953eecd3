"""The generation engine: spec -> plan -> blocks of Arrow -> Parquet files and a manifest.

    from dwsim_nb.engine import generate_run
    manifest = generate_run(spec, "out", rows={"orders": 1_000_000}, seed=7, workers=2)

The run goes to a sink: a local folder, or S3 (``"s3://bucket/prefix"``, :class:`S3Sink`).

Every value is a pure function of (seed, table, column, row index), so results do not depend on
the number of workers or the executor.
"""

from dwsim_nb.engine.arrow_types import arrow_schema, arrow_type
from dwsim_nb.engine.executors import Executor, InProcessExecutor, ProcessPoolExecutor, run_block
from dwsim_nb.engine.manifest import Manifest, TableOutput
from dwsim_nb.engine.plan import DEFAULT_BLOCK_SIZE, Plan, make_plan
from dwsim_nb.engine.run import generate_run
from dwsim_nb.engine.sinks import LocalSink, S3Sink, Sink, read_manifest, sink_for

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "Executor",
    "InProcessExecutor",
    "LocalSink",
    "Manifest",
    "Plan",
    "ProcessPoolExecutor",
    "S3Sink",
    "Sink",
    "TableOutput",
    "arrow_schema",
    "arrow_type",
    "generate_run",
    "make_plan",
    "read_manifest",
    "run_block",
    "sink_for",
]
