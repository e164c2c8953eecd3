"""S3 staging against moto's server mode: a real HTTP endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim_nb import staging
from dwsim_nb.errors import LoadError, QueryError, WarehouseError
from dwsim_nb.redact import redact_url

SECRET = "s3cr3t-never-printed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server_mod = pytest.importorskip("moto.server")
    port = free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> staging.S3Config:
    """A fresh bucket on the moto server, configured through the environment."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bucket = f"dwsim-{tmp_path.name.lower().replace('_', '-')[-40:]}"
    monkeypatch.setenv("DWSIM_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("DWSIM_S3_BUCKET", bucket)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    return staging.S3Config.from_env()


def write_run(run_dir: Path, rows: dict[str, int]) -> Path:
    """A run folder as the engine writes it: Parquet per table per block, and a manifest."""
    tables = {}
    for name, n in rows.items():
        (run_dir / name).mkdir(parents=True)
        files = []
        for block, start in enumerate(range(0, n, 700)):
            stop = min(n, start + 700)
            t = pa.table(
                {
                    "id": pa.array(range(start + 1, stop + 1), pa.int64()),
                    "label": pa.array([f"{name}-{i}" for i in range(start, stop)]),
                }
            )
            path = run_dir / name / f"part-{block:06d}.parquet"
            pq.write_table(t, path)
            files.append(f"{name}/{path.name}")
        tables[name] = {"rows": n, "files": files}
    (run_dir / "manifest.json").write_text(json.dumps({"tables": tables}))
    return run_dir


def test_stage_list_and_read_back(s3: staging.S3Config, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"customers": 1000, "orders": 1500})
    uris = staging.stage_run(run, "shop", 7)
    assert len(uris) == 5
    assert all(u.startswith(f"s3://{s3.bucket}/experiments/shop/") for u in uris)
    assert f"s3://{s3.bucket}/experiments/shop/orders/run_7/part-000002.parquet" in uris

    staged = staging.list_staged("shop")
    assert {(f.table, f.run_id) for f in staged} == {("customers", 7), ("orders", 7)}
    assert all(f.size > 0 for f in staged)

    table = staging.read_parquet(f"s3://{s3.bucket}/experiments/shop/orders/run_7/")
    assert table.num_rows == 1500
    assert table.column("id").to_pylist()[-1] == 1500


def test_restaging_replaces_files(s3: staging.S3Config, tmp_path: Path) -> None:
    staging.stage_run(write_run(tmp_path / "a", {"t": 2000}), "exp", 1)
    staging.stage_run(write_run(tmp_path / "b", {"t": 300}), "exp", 1)
    assert len(staging.list_staged("exp")) == 1


def test_download(s3: staging.S3Config, tmp_path: Path) -> None:
    staging.stage_run(write_run(tmp_path / "run", {"t": 800}), "exp", 2)
    paths = staging.download(f"s3://{s3.bucket}/experiments/exp/t/run_2/", tmp_path / "dl")
    assert [p.name for p in paths] == ["part-000000.parquet", "part-000001.parquet"]
    assert sum(pq.read_metadata(p).num_rows for p in paths) == 800


def test_missing_bucket_is_a_clear_error(s3: staging.S3Config, tmp_path: Path) -> None:
    cfg = staging.S3Config(bucket="no-such-bucket", endpoint_url=s3.endpoint_url)
    with pytest.raises(WarehouseError, match="bucket 'no-such-bucket' does not exist") as err:
        staging.stage_run(write_run(tmp_path / "run", {"t": 10}), "exp", 1, config=cfg)
    assert SECRET not in str(err.value)


def test_endpoint_that_refuses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    cfg = staging.S3Config(bucket="b", endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(WarehouseError, match="does not answer") as err:
        staging.stage_run(write_run(tmp_path / "run", {"t": 10}), "exp", 1, config=cfg)
    assert SECRET not in str(err.value)


def test_no_bucket_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DWSIM_S3_BUCKET", raising=False)
    with pytest.raises(WarehouseError, match="DWSIM_S3_BUCKET"):
        staging.S3Config.from_env()


def test_empty_prefix_and_bad_uri(s3: staging.S3Config) -> None:
    with pytest.raises(LoadError, match="no Parquet files"):
        staging.read_parquet(f"s3://{s3.bucket}/experiments/nothing/")
    with pytest.raises(LoadError, match="not an S3 URI"):
        staging.parse_s3_uri("https://example.com/x")


def test_credentials_never_in_repr() -> None:
    cfg = staging.S3Config(bucket="b", endpoint_url="http://user:pa55@127.0.0.1:9000")
    assert "pa55" not in repr(cfg) and "pa55" not in cfg.where
    assert redact_url("postgresql://u:pw@h:5432/db") == "postgresql://***@h:5432/db"


@pytest.mark.postgres
def test_typed_copy_loads_a_staged_run_into_the_redshift_emulator(
    s3: staging.S3Config, tmp_path: Path, postgres_url: str
) -> None:
    """Stage a run on the S3 endpoint, then a user-typed Redshift COPY reads it back."""
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.warehouses import get_warehouse

    spec = ExperimentSpec.parse(
        {
            "name": "shop",
            "dialect": "redshift",
            "tables": [
                {
                    "name": "orders",
                    "columns": [
                        {"name": "id", "data_type": "BIGINT"},
                        {"name": "label", "data_type": "VARCHAR"},
                    ],
                }
            ],
        }
    )
    staging.stage_run(write_run(tmp_path / "run", {"orders": 1500}), "shop", 4)
    wh = get_warehouse("redshift", tmp_path / "ws", url=postgres_url)
    wh.create_tables(spec)
    df = wh.query(
        spec,
        f"COPY orders FROM 's3://{s3.bucket}/experiments/shop/orders/run_4/' "
        "IAM_ROLE 'arn:aws:iam::123456789012:role/Load' FORMAT AS PARQUET; "
        "select count(*) as n, max(id) as top from orders",
    )
    assert int(df["n"][0]) == 1500 and int(df["top"][0]) == 1500
    with pytest.raises(QueryError, match="FORMAT AS PARQUET"):
        wh.query(spec, f"copy orders from 's3://{s3.bucket}/experiments/shop/orders/run_4/' csv")


def test_real_redshift_load_statements() -> None:
    from dwsim_nb.warehouses.redshift import real_load_statements
    from dwsim_nb.warehouses.redshift_copy import copy_from_s3_sql

    role = "arn:aws:iam::123456789012:role/Load"
    assert copy_from_s3_sql('"shop"."orders"', "s3://b/p/", role, region="eu-west-1") == (
        "COPY \"shop\".\"orders\" FROM 's3://b/p/' IAM_ROLE "
        "'arn:aws:iam::123456789012:role/Load' FORMAT AS PARQUET REGION 'eu-west-1'"
    )
    assert real_load_statements("shop", ["users"], "b", "shop", 3, role) == [
        "BEGIN",
        'DELETE FROM "shop"."users"',
        "COPY \"shop\".\"users\" FROM 's3://b/experiments/shop/users/run_3/' IAM_ROLE "
        "'arn:aws:iam::123456789012:role/Load' FORMAT AS PARQUET",
    ]
