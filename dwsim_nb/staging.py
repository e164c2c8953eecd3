"""S3 staging: a run's Parquet files copied to a bucket, where a warehouse COPY reads them.

Works against any S3 endpoint (AWS, MinIO, moto): ``DWSIM_S3_ENDPOINT_URL`` (empty: AWS),
``DWSIM_S3_BUCKET``, ``DWSIM_S3_REGION`` (else ``AWS_DEFAULT_REGION``, else us-east-1).
Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``,
profiles, instance roles) and are never stored, printed or put in an error message here.

Layout: ``s3://<bucket>/experiments/<experiment>/<table>/run_<id>/part-000000.parquet``; a run
generated straight to S3 (:class:`RunLocation`) uses the same layout.

>>> cfg = S3Config.from_env()                                      # doctest: +SKIP
>>> uris = stage_run(run_dir, "shop", 3, config=cfg)               # doctest: +SKIP
>>> table = read_parquet(f"s3://{cfg.bucket}/experiments/shop/orders/run_3/")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from dwsim_nb.errors import GenerationError, LoadError, WarehouseError
from dwsim_nb.redact import redact_url, redacted_first_line

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.fs as pafs

PREFIX = "experiments"


@dataclass(frozen=True)
class S3Config:
    """Where to stage: endpoint (None = AWS), bucket and region. Holds no credentials."""

    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"

    @classmethod
    def from_env(cls, bucket: str | None = None, endpoint_url: str | None = None) -> S3Config:
        bucket = bucket or os.environ.get("DWSIM_S3_BUCKET")
        if not bucket:
            raise WarehouseError(
                "no S3 bucket is configured for staging.",
                hint="set DWSIM_S3_BUCKET (and DWSIM_S3_ENDPOINT_URL for a non-AWS endpoint)",
            )
        endpoint = endpoint_url or os.environ.get("DWSIM_S3_ENDPOINT_URL") or None
        region = (
            os.environ.get("DWSIM_S3_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        )
        return cls(bucket=bucket, endpoint_url=endpoint, region=region)

    def __repr__(self) -> str:
        return (
            f"S3Config(bucket={self.bucket!r}, endpoint_url={redact_url(self.endpoint_url)!r}, "
            f"region={self.region!r})"
        )

    @property
    def where(self) -> str:
        return f"s3://{self.bucket} at {redact_url(self.endpoint_url) or 'AWS'}"

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2}),
        )

    def filesystem(self) -> pafs.S3FileSystem:
        """A pyarrow filesystem on the same endpoint (DuckDB's httpfs is not available offline)."""
        import pyarrow.fs as pafs

        kwargs: dict[str, Any] = {"region": self.region}
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            kwargs["endpoint_override"] = parts.netloc.rsplit("@", 1)[-1]
            kwargs["scheme"] = parts.scheme or "https"
        key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            kwargs.update(access_key=key, secret_key=secret)
            token = os.environ.get("AWS_SESSION_TOKEN")
            if token:
                kwargs["session_token"] = token
        return pafs.S3FileSystem(**kwargs)


@dataclass(frozen=True)
class StagedFile:
    """One staged object."""

    uri: str
    table: str
    run_id: int
    size: int


def table_prefix(experiment: str, table: str, run_id: int | str) -> str:
    """``experiments/<experiment>/<table>/run_<id>/`` (the key prefix of one table of a run)."""
    return f"{PREFIX}/{experiment}/{table}/run_{run_id}/"


def _config_for(bucket: str, config: S3Config | None) -> S3Config:
    """``config`` (else the environment's) for ``bucket``: a URI names its own bucket."""
    cfg = config or S3Config.from_env(bucket=bucket)
    if cfg.bucket != bucket:
        cfg = S3Config(bucket=bucket, endpoint_url=cfg.endpoint_url, region=cfg.region)
    return cfg


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key/prefix`` -> (bucket, key prefix)."""
    m = re.match(r"^s3a?://([^/]+)/?(.*)$", uri.strip())
    if not m:
        raise LoadError(
            f"{uri!r} is not an S3 URI.", hint="write it as s3://bucket/prefix/ (quoted in SQL)"
        )
    return m.group(1), m.group(2)


_Location = TypeVar("_Location", bound="RunLocation")
_STAGING_RUN = re.compile(rf"^{PREFIX}/([^/]+)/run_([^/]+)$")

#: The file a run's manifest is written to, last, in its folder or under its prefix.
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class RunLocation:
    """Where a run's objects go on S3, in one of two layouts chosen by its URI.

    * ``s3://<bucket>/experiments/<experiment>/run_<id>``: the staging layout, table ``t`` under
      ``experiments/<experiment>/<t>/run_<id>/`` (where :func:`stage_run` would upload it, so
      :func:`list_staged`, :func:`read_parquet` and a warehouse's ``COPY`` find it), the manifest
      at ``experiments/<experiment>/run_<id>/manifest.json``;
    * any other ``s3://<bucket>/<prefix>``: a run folder's layout under the prefix,
      ``<prefix>/<t>/part-000000.parquet`` and ``<prefix>/manifest.json``.
    """

    config: S3Config
    prefix: str
    experiment: str | None = None
    run_id: str | None = None

    @classmethod
    def from_uri(cls: type[_Location], uri: str, config: S3Config | None = None) -> _Location:
        """The location ``uri`` names; ``config`` gives the endpoint (else the environment's)."""
        bucket, key = parse_s3_uri(uri)
        prefix = key.strip("/")
        if not prefix:
            raise GenerationError(
                f"{uri} names a whole bucket; a run needs a prefix of its own.",
                hint="write to s3://BUCKET/experiments/NAME/run_ID (the staging layout)",
            )
        cfg = _config_for(bucket, config)
        m = _STAGING_RUN.match(prefix)
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

    def read_manifest_data(self) -> dict[str, Any]:
        """The run's manifest as written (JSON); its ``tables`` are in the run's FK order."""
        fs = self.config.filesystem()
        where = f"s3://{self.bucket}/{self.manifest_key}"
        try:
            with fs.open_input_stream(f"{self.bucket}/{self.manifest_key}") as f:
                data: dict[str, Any] = json.loads(f.read())
        except FileNotFoundError:
            raise GenerationError(
                f"no manifest at {where}; the run did not finish.",
                where=self.config.where,
                hint="generate the run again",
            ) from None
        except OSError as exc:
            raise WarehouseError(
                f"cannot read {where}: {redacted_first_line(exc)}",
                where=self.config.where,
                hint="check the endpoint and the credentials",
            ) from None
        return data


def s3_error(exc: Exception, config: S3Config, action: str) -> WarehouseError:
    """A boto3/botocore/pyarrow failure as a message for people, without any credential.

    ``action`` completes "cannot ...", e.g. ``"stage run 3 of shop"``.
    """
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    where = config.where
    if isinstance(exc, EndpointConnectionError) or "connect" in type(exc).__name__.lower():
        return WarehouseError(
            f"cannot {action}: the S3 endpoint {redact_url(config.endpoint_url) or 'AWS'} "
            "does not answer.",
            where=where,
            hint="start the S3 service or fix DWSIM_S3_ENDPOINT_URL",
        )
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return WarehouseError(
            f"cannot {action}: no AWS credentials were found.",
            where=where,
            hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile)",
        )
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code == "NoSuchBucket":
            return WarehouseError(
                f"cannot {action}: bucket {config.bucket!r} does not exist.",
                where=where,
                hint="create the bucket or fix DWSIM_S3_BUCKET",
            )
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"):
            return WarehouseError(
                f"cannot {action}: S3 refused the credentials ({code}).",
                where=where,
                hint="check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket's policy",
            )
        return WarehouseError(f"cannot {action}: S3 answered {code or 'an error'}.", where=where)
    return WarehouseError(f"cannot {action}: {type(exc).__name__}.", where=where)


class _TableFiles(Protocol):
    @property
    def files(self) -> Iterable[Path | str]: ...


class RunFiles(Protocol):
    """A run's files per table, e.g. a warehouse's ``LoadPlan``."""

    @property
    def tables(self) -> Mapping[str, _TableFiles]: ...


def read_run_manifest(run_dir: Path | str) -> dict[str, Any]:
    """The data of a local run folder's manifest, for loading it (a LoadError if unreadable)."""
    path = Path(run_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise LoadError(
            f"cannot read the run's manifest: {e}.",
            where=str(path),
            hint="the run folder is incomplete; generate the data again",
        ) from None
    return data if isinstance(data, dict) else {}


def _run_files(run: RunFiles | Path | str) -> dict[str, list[Path]]:
    """Per table, the Parquet files of ``run`` (or of the run folder's manifest)."""
    if not isinstance(run, (str, Path)):
        return {name: [Path(f) for f in t.files] for name, t in run.tables.items()}
    tables = read_run_manifest(run).get("tables") or {}
    # Manifest entries are relative to the run folder (absolute ones are kept as they are).
    return {name: [Path(run) / f for f in t["files"]] for name, t in tables.items()}


def stage_run(
    run: RunFiles | Path | str,
    experiment: str,
    run_id: int | str,
    *,
    config: S3Config | None = None,
) -> list[str]:
    """Upload a run's Parquet files (a run folder or its :class:`RunFiles`); returns their URIs.

    Files of an earlier staging of the same run are replaced, so re-staging is safe.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    cfg = config or S3Config.from_env()
    tables = _run_files(run)
    client = cfg.client()
    uris: list[str] = []
    try:
        client.head_bucket(Bucket=cfg.bucket)
        for table, files in tables.items():
            prefix = table_prefix(experiment, table, run_id)
            delete_prefix(client, cfg.bucket, prefix)
            for path in files:
                key = prefix + Path(path).name
                client.upload_file(str(path), cfg.bucket, key)
                uris.append(f"s3://{cfg.bucket}/{key}")
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchBucket"):
            exc.response["Error"]["Code"] = "NoSuchBucket"
        raise s3_error(exc, cfg, f"stage run {run_id} of {experiment}") from None
    except (BotoCoreError, OSError) as exc:
        raise s3_error(exc, cfg, f"stage run {run_id} of {experiment}") from None
    return uris


def delete_prefix(client: Any, bucket: str, prefix: str) -> None:
    """Remove every object under ``prefix`` (``client``: a boto3 S3 client)."""
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys})


def _list(cfg: S3Config, prefix: str) -> Iterator[dict[str, Any]]:
    from botocore.exceptions import BotoCoreError, ClientError

    client = cfg.client()
    try:
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=cfg.bucket, Prefix=prefix
        ):
            yield from page.get("Contents", [])
    except (ClientError, BotoCoreError) as exc:
        raise s3_error(exc, cfg, f"list s3://{cfg.bucket}/{prefix}") from None


def list_staged(experiment: str, *, config: S3Config | None = None) -> list[StagedFile]:
    """Every staged Parquet file of an experiment, ordered by table, run and name."""
    cfg = config or S3Config.from_env()
    out = []
    for obj in _list(cfg, f"{PREFIX}/{experiment}/"):
        parts = obj["Key"].split("/")
        if len(parts) != 5 or not parts[3].startswith("run_"):
            continue
        run = parts[3][4:]
        out.append(
            StagedFile(
                uri=f"s3://{cfg.bucket}/{obj['Key']}",
                table=parts[2],
                run_id=int(run) if run.isdigit() else -1,
                size=int(obj.get("Size", 0)),
            )
        )
    return sorted(out, key=lambda f: (f.table, f.run_id, f.uri))


def parquet_keys(uri: str, *, config: S3Config | None = None) -> list[str]:
    """The Parquet object keys under an ``s3://bucket/prefix`` (sorted)."""
    bucket, prefix = parse_s3_uri(uri)
    cfg = _config_for(bucket, config)
    keys = sorted(o["Key"] for o in _list(cfg, prefix) if o["Key"].endswith(".parquet"))
    if not keys:
        raise LoadError(
            f"no Parquet files under {uri}.",
            where=cfg.where,
            hint="stage the run first (dwsim_nb.staging.stage_run) or fix the prefix",
        )
    return keys


def iter_batches(
    uri: str, *, config: S3Config | None = None, batch_size: int = 65_536
) -> Iterator[pa.RecordBatch]:
    """Record batches of every Parquet object under ``uri``, streamed (never all in memory)."""
    import pyarrow.parquet as pq

    bucket, _ = parse_s3_uri(uri)
    cfg = _config_for(bucket, config)
    fs = cfg.filesystem()
    for key in parquet_keys(uri, config=cfg):
        try:
            with fs.open_input_file(f"{bucket}/{key}") as f:
                yield from pq.ParquetFile(f).iter_batches(batch_size=batch_size)
        except OSError as exc:
            raise _unreadable(cfg, key, exc) from None


def _unreadable(cfg: S3Config, key: str, exc: OSError) -> WarehouseError:
    return WarehouseError(
        f"cannot read s3://{cfg.bucket}/{key}: {redacted_first_line(exc)}",
        where=cfg.where,
        hint="check the endpoint, the credentials and that the object is Parquet",
    )


def read_parquet(uri: str, *, config: S3Config | None = None) -> pa.Table:
    """Every Parquet object under ``uri`` as one Arrow table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    batches = list(iter_batches(uri, config=config))
    if batches:
        return pa.Table.from_batches(batches)
    # Only an empty table's schema-only file: the schema comes from the file, not a batch.
    bucket, _ = parse_s3_uri(uri)
    cfg = _config_for(bucket, config)
    key = parquet_keys(uri, config=cfg)[0]
    try:
        with cfg.filesystem().open_input_file(f"{bucket}/{key}") as f:
            return pq.read_schema(f).empty_table()
    except OSError as exc:
        raise _unreadable(cfg, key, exc) from None


def download(uri: str, dest: Path, *, config: S3Config | None = None) -> list[Path]:
    """Copy the Parquet objects under ``uri`` into the folder ``dest``; returns the local paths."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _ = parse_s3_uri(uri)
    cfg = _config_for(bucket, config)
    client = cfg.client()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for key in parquet_keys(uri, config=cfg):
        target = dest / key.rsplit("/", 1)[-1]
        try:
            client.download_file(bucket, key, str(target))
        except (ClientError, BotoCoreError) as exc:
            raise s3_error(exc, cfg, f"download s3://{bucket}/{key}") from None
        paths.append(target)
    return paths
