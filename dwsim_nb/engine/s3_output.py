"""Runs written straight to S3: every worker puts its blocks, the driver puts the manifest.

``generate_run(spec, "s3://bucket/...")`` lands here. Two layouts, chosen by the URI:

* ``s3://<bucket>/experiments/<experiment>/run_<id>`` — the staging layout of
  :mod:`dwsim_nb.staging`: table ``t`` goes to ``experiments/<experiment>/<t>/run_<id>/``
  (exactly where ``stage_run`` would upload it, so ``list_staged``, ``read_parquet`` and a
  warehouse's ``COPY`` find it without copying anything), the manifest to
  ``experiments/<experiment>/run_<id>/manifest.json``.
* any other ``s3://<bucket>/<prefix>`` — the engine's folder layout under the prefix:
  ``<prefix>/<t>/part-000000.parquet`` and ``<prefix>/manifest.json``.

The endpoint comes from ``DWSIM_S3_ENDPOINT_URL`` (empty: AWS); credentials from the usual AWS
chain on each machine that writes (on Dask workers: their environment or instance role). The
manifest is written last and removed first, so a manifest means a complete run.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dwsim_nb.engine.executors import Executor, make_executor
from dwsim_nb.engine.manifest import MANIFEST_NAME, Manifest, TableOutput
from dwsim_nb.engine.plan import make_plan
from dwsim_nb.errors import GenerationError, WarehouseError
from dwsim_nb.redact import redacted_first_line
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.staging import PREFIX, S3Config, parse_s3_uri, table_prefix

if TYPE_CHECKING:
    from collections.abc import Callable

    import pyarrow as pa
    import pyarrow.fs as pafs

_STAGING_RUN = re.compile(rf"^{PREFIX}/([^/]+)/run_([^/]+)$")

# One S3 filesystem per process and endpoint: building one costs a credential lookup.
_FILESYSTEMS: dict[S3Config, pafs.S3FileSystem] = {}
_FS_LOCK = threading.Lock()


def _filesystem(config: S3Config) -> pafs.S3FileSystem:
    with _FS_LOCK:
        fs = _FILESYSTEMS.get(config)
        if fs is None:
            fs = _FILESYSTEMS[config] = config.filesystem()
        return fs


def _config_for(bucket: str, config: S3Config | None) -> S3Config:
    if config is None:
        return S3Config.from_env(bucket=bucket)
    if config.bucket != bucket:
        return S3Config(bucket=bucket, endpoint_url=config.endpoint_url, region=config.region)
    return config


@dataclass(frozen=True)
class S3RunSink:
    """Where a run's objects go on S3. Picklable: Dask ships it to the workers."""

    config: S3Config
    prefix: str
    experiment: str | None = None
    run_id: str | None = None

    @classmethod
    def from_uri(cls, uri: str, config: S3Config | None = None) -> S3RunSink:
        """``s3://bucket/experiments/<exp>/run_<id>`` (staging layout) or ``s3://bucket/prefix``."""
        bucket, key = parse_s3_uri(uri)
        prefix = key.strip("/")
        if not prefix:
            raise GenerationError(
                f"{uri} names a whole bucket; a run needs a prefix of its own.",
                hint="write to s3://BUCKET/experiments/NAME/run_ID (the staging layout)",
            )
        m = _STAGING_RUN.match(prefix)
        cfg = _config_for(bucket, config)
        if m:
            return cls(cfg, prefix, experiment=m.group(1), run_id=m.group(2))
        return cls(cfg, prefix)

    @property
    def bucket(self) -> str:
        return self.config.bucket

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def table_prefix(self, table: str) -> str:
        """The key prefix (ending in ``/``) that holds every block of ``table``."""
        if self.experiment is not None and self.run_id is not None:
            return table_prefix(self.experiment, table, self.run_id)
        return f"{self.prefix}/{table}/"

    def table_uri(self, table: str) -> str:
        """``s3://bucket/.../`` of one table: what a warehouse ``COPY ... FROM`` names."""
        return f"s3://{self.bucket}/{self.table_prefix(table)}"

    def part_key(self, table: str, block: int) -> str:
        return f"{self.table_prefix(table)}part-{block:06d}.parquet"

    def part_uri(self, table: str, block: int) -> str:
        return f"s3://{self.bucket}/{self.part_key(table, block)}"

    @property
    def manifest_key(self) -> str:
        return f"{self.prefix}/{MANIFEST_NAME}"

    # --- writing (workers) ----------------------------------------------------------------------

    def write_block(self, table: str, block: int, data: pa.Table, compression: str) -> None:
        """Put one block, with the engine's writer so the bytes match a local run's."""
        from dwsim_nb.engine.writer import write_block

        key = self.part_key(table, block)
        try:
            write_block(
                data, f"{self.bucket}/{key}", compression, filesystem=_filesystem(self.config)
            )
        except OSError as exc:
            raise GenerationError(
                f"cannot write s3://{self.bucket}/{key}: {redacted_first_line(exc)}",
                where=self.config.where,
                hint="check that the bucket exists and that this machine's AWS credentials may "
                "write to it (DWSIM_S3_ENDPOINT_URL for a non-AWS endpoint)",
            ) from None

    # --- the driver's part --------------------------------------------------------------------

    def prepare(self, tables: list[str]) -> None:
        """Check the bucket answers; remove the manifest and blocks of an earlier run here."""
        from botocore.exceptions import BotoCoreError, ClientError

        from dwsim_nb.staging import delete_prefix, s3_error

        client = self.config.client()
        action = f"write a run to {self.uri}"
        try:
            client.head_bucket(Bucket=self.bucket)
            client.delete_object(Bucket=self.bucket, Key=self.manifest_key)
            for table in tables:
                delete_prefix(client, self.bucket, self.table_prefix(table))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in ("404", "NoSuchBucket"):
                exc.response["Error"]["Code"] = "NoSuchBucket"
            raise s3_error(exc, self.config, action) from None
        except BotoCoreError as exc:
            raise s3_error(exc, self.config, action) from None

    def write_manifest(self, manifest: Manifest) -> str:
        fs = _filesystem(self.config)
        body = json.dumps(manifest.to_dict(), indent=2).encode()
        try:
            with fs.open_output_stream(f"{self.bucket}/{self.manifest_key}") as f:
                f.write(body)
        except OSError as exc:
            raise GenerationError(
                f"cannot write the manifest {self.manifest_key}: {redacted_first_line(exc)}",
                where=self.config.where,
                hint="check the credentials' write access to the bucket",
            ) from None
        return f"s3://{self.bucket}/{self.manifest_key}"


def read_manifest(uri: str, *, config: S3Config | None = None) -> Manifest:
    """The manifest of a run written to S3 (``uri`` as given to ``generate_run``).

    Its ``files`` are full ``s3://`` URIs.
    """
    sink = S3RunSink.from_uri(uri, config)
    fs = _filesystem(sink.config)
    try:
        with fs.open_input_stream(f"{sink.bucket}/{sink.manifest_key}") as f:
            data = json.loads(f.read())
    except FileNotFoundError:
        raise GenerationError(
            f"no manifest at s3://{sink.bucket}/{sink.manifest_key}; the run did not finish.",
            where=sink.config.where,
            hint="generate the run again",
        ) from None
    except OSError as exc:
        raise WarehouseError(
            f"cannot read s3://{sink.bucket}/{sink.manifest_key}: {redacted_first_line(exc)}",
            where=sink.config.where,
            hint="check the endpoint and the credentials",
        ) from None
    tables = {k: TableOutput(**v) for k, v in data.pop("tables", {}).items()}
    return Manifest(tables=tables, **data)


def redshift_copy_statements(
    uri: str,
    *,
    iam_role: str = "arn:aws:iam::000000000000:role/dwsim-load",
    schema: str | None = None,
    region: str | None = None,
    config: S3Config | None = None,
) -> list[str]:
    """Redshift ``COPY ... FORMAT AS PARQUET`` statements for a run on S3, parents first.

    Run them on a real cluster (with its IAM role) or type them into an emulated ``redshift``
    experiment's ``query``; the emulator ignores the role.
    """
    from dwsim_nb.warehouses.redshift_copy import copy_from_s3_sql
    from dwsim_nb.warehouses.tables import qualified, quote

    sink = S3RunSink.from_uri(uri, config)
    manifest = read_manifest(uri, config=sink.config)
    out = []
    for table in manifest.tables:  # written in the plan's foreign-key order
        target = qualified(schema, table) if schema else quote(table)
        out.append(copy_from_s3_sql(target, sink.table_uri(table), iam_role, region=region))
    return out


def generate_s3_run(
    spec: ExperimentSpec | Any,
    uri: str,
    *,
    rows: dict[str, int] | None = None,
    seed: int = 0,
    workers: int | None = None,
    executor: str | Executor = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    cancel: threading.Event | None = None,
    block_size: int | None = None,
    client: Any = None,
    config: S3Config | None = None,
) -> Manifest:
    """:func:`dwsim_nb.engine.generate_run` into ``uri`` on S3 (see the module's layouts)."""
    from dwsim_nb.engine.arrow_types import arrow_schema
    from dwsim_nb.engine.run import build_manifest, run_blocks

    started = time.perf_counter()
    if not isinstance(spec, ExperimentSpec):
        spec = ExperimentSpec.parse(spec)
    plan = make_plan(spec, rows=rows, seed=seed, block_size=block_size)
    runner = make_executor(executor, workers, plan, client)
    sink = S3RunSink.from_uri(uri, config)
    sink.prepare(list(plan.order))
    planned = time.perf_counter()

    def write_empty(name: str) -> str:
        # As in a local run: an empty table still gets one file holding its schema.
        sink.write_block(name, 0, arrow_schema(plan.table(name)).empty_table(), plan.compression)
        return sink.part_uri(name, 0)

    files = run_blocks(
        plan,
        runner,
        sink,
        part_ref=sink.part_uri,
        write_empty=write_empty,
        progress=progress,
        cancel=cancel,
        where=sink.table_uri,
    )
    manifest = build_manifest(plan, runner, files, started, planned)
    sink.write_manifest(manifest)
    return manifest
