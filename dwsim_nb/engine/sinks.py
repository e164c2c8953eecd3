"""Where a run goes: a local folder or an S3 prefix, behind one small interface.

A sink prepares the output (removes what an earlier run left there), writes a block (on
whichever process or machine generated it), names a block's file in the manifest, writes an
empty table's schema-only file, and writes the manifest last, so a manifest means a complete run.
Sinks are small frozen values: executors pickle them into every block task.

    generate_run(spec, LocalSink("runs/1"))                      # or just "runs/1"
    generate_run(spec, S3Sink.from_uri("s3://b/experiments/shop/run_1"), client=client)

The S3 endpoint comes from ``DWSIM_S3_ENDPOINT_URL`` (empty: AWS), credentials from the usual
AWS chain on each machine that writes (on Dask workers: their environment or instance role).
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dwsim_nb.engine.manifest import Manifest
from dwsim_nb.engine.writer import part_path, write_block
from dwsim_nb.errors import GenerationError
from dwsim_nb.redact import redacted_first_line
from dwsim_nb.staging import RunLocation, S3Config, delete_prefix, s3_error

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.fs as pafs

Task = tuple[str, int]


class Sink(ABC):
    """Where a run's blocks and manifest go."""

    @abstractmethod
    def prepare(self, tables: Iterable[str]) -> None:
        """Before the first block: make the place ready and remove an earlier run's files."""

    @abstractmethod
    def write_block(self, table: str, block: int, data: pa.Table, compression: str) -> None:
        """Write one block (called where the block was generated: a worker, another machine)."""

    @abstractmethod
    def part_ref(self, table: str, block: int) -> str:
        """How the manifest names block ``block`` of ``table``."""

    def write_empty(self, table: str, schema: pa.Schema, compression: str) -> str:
        """An empty table's one file, holding its schema so loaders can create and read it."""
        self.write_block(table, 0, schema.empty_table(), compression)
        return self.part_ref(table, 0)

    @abstractmethod
    def write_manifest(self, manifest: Manifest) -> str:
        """Write the manifest (last: it marks the run complete); returns where it went."""

    @abstractmethod
    def read_manifest(self) -> Manifest:
        """The manifest of the run written here."""

    def where(self, table: str) -> str | None:
        """Where ``table``'s files are, for error messages."""
        return None

    def missing(self, tasks: Iterable[Task]) -> list[Task]:
        """Blocks of ``tasks`` this process cannot see (written on a disk it does not share)."""
        return []


@dataclass(frozen=True)
class LocalSink(Sink):
    """A run folder: ``<folder>/<table>/part-<block:06d>.parquet`` and ``<folder>/manifest.json``.

    A path-like: block functions may treat it as the folder.
    """

    folder: str

    def __fspath__(self) -> str:
        return self.folder

    def __str__(self) -> str:
        return self.folder

    def prepare(self, tables: Iterable[str]) -> None:
        out = Path(self.folder)
        out.mkdir(parents=True, exist_ok=True)
        for name in tables:
            folder = out / name
            if folder.is_dir():
                for stale in folder.glob("part-*.parquet"):
                    stale.unlink()  # leftovers of an earlier run into the same folder

    def write_block(self, table: str, block: int, data: pa.Table, compression: str) -> None:
        write_block(data, part_path(self.folder, table, block), compression)

    def part_ref(self, table: str, block: int) -> str:
        return str(part_path(self.folder, table, block).relative_to(self.folder))

    def write_manifest(self, manifest: Manifest) -> str:
        return str(manifest.write(self.folder))

    def read_manifest(self) -> Manifest:
        return Manifest.read(self.folder)

    def missing(self, tasks: Iterable[Task]) -> list[Task]:
        # One stat per file: cheap next to generating it.
        return [(t, b) for t, b in tasks if not part_path(self.folder, t, b).exists()]


# One S3 filesystem per process and endpoint: building one costs a credential lookup.
_FILESYSTEMS: dict[S3Config, pafs.S3FileSystem] = {}
_FS_LOCK = threading.Lock()


def _filesystem(config: S3Config) -> pafs.S3FileSystem:
    with _FS_LOCK:
        fs = _FILESYSTEMS.get(config)
        if fs is None:
            fs = _FILESYSTEMS[config] = config.filesystem()
        return fs


@dataclass(frozen=True)
class S3Sink(RunLocation, Sink):
    """A run on S3 (layouts: :class:`dwsim_nb.staging.RunLocation`); the manifest names full URIs.

    Each worker puts its own blocks; nothing but a row count travels back to the driver.
    """

    def prepare(self, tables: Iterable[str]) -> None:
        """Check the bucket answers; remove the manifest and blocks of an earlier run here."""
        from botocore.exceptions import BotoCoreError, ClientError

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

    def write_block(self, table: str, block: int, data: pa.Table, compression: str) -> None:
        """Put one block, with the engine's writer so the bytes match a local run's."""
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

    def part_ref(self, table: str, block: int) -> str:
        return self.part_uri(table, block)

    def write_manifest(self, manifest: Manifest) -> str:
        fs = _filesystem(self.config)
        try:
            with fs.open_output_stream(f"{self.bucket}/{self.manifest_key}") as f:
                f.write(manifest.to_json().encode())
        except OSError as exc:
            raise GenerationError(
                f"cannot write the manifest {self.manifest_key}: {redacted_first_line(exc)}",
                where=self.config.where,
                hint="check the credentials' write access to the bucket",
            ) from None
        return f"s3://{self.bucket}/{self.manifest_key}"

    def read_manifest(self) -> Manifest:
        """The manifest; its ``files`` are full ``s3://`` URIs."""
        return Manifest.from_dict(self.read_manifest_data())

    def where(self, table: str) -> str | None:
        return self.table_uri(table)


def is_s3_uri(target: object) -> bool:
    return isinstance(target, str) and target.lower().startswith(("s3://", "s3a://"))


def sink_for(target: Sink | str | os.PathLike[str], config: S3Config | None = None) -> Sink:
    """The sink ``target`` names: a sink as given, ``s3://bucket/prefix``, or a local folder."""
    if isinstance(target, Sink):
        return target
    if is_s3_uri(target):
        return S3Sink.from_uri(str(target), config)
    return LocalSink(os.fspath(target))


def read_manifest(
    target: Sink | str | os.PathLike[str], *, config: S3Config | None = None
) -> Manifest:
    """The manifest of the run at ``target`` (as given to ``generate_run``: folder or ``s3://``)."""
    return sink_for(target, config).read_manifest()
