"""PostgreSQL loading by COPY: both formats give the same rows, failures roll back, and the
password never shows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers_runs import write_run

from dwsim_nb.errors import LoadError, QueryError, WarehouseError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, get_warehouse
from dwsim_nb.warehouses.postgres import libpq_url

pytestmark = pytest.mark.postgres

ALL_TYPES = [
    {"name": "id", "data_type": "INT"},
    {"name": "small", "data_type": "SMALLINT"},
    {"name": "big", "data_type": "BIGINT"},
    {"name": "price", "data_type": "DECIMAL(12,2)"},
    {"name": "ratio", "data_type": "FLOAT"},
    {"name": "score", "data_type": "DOUBLE"},
    {"name": "flag", "data_type": "BOOLEAN"},
    {"name": "code", "data_type": "CHAR(3)"},
    {"name": "name", "data_type": "VARCHAR(20)"},
    {"name": "notes", "data_type": "TEXT"},
    {"name": "born", "data_type": "DATE"},
    {"name": "wake", "data_type": "TIME"},
    {"name": "at", "data_type": "TIMESTAMP"},
    {"name": "at_tz", "data_type": "TIMESTAMPTZ"},
    {"name": "doc", "data_type": "JSON"},
    {"name": "tags", "data_type": "ARRAY"},
    {"name": "uid", "data_type": "UUID"},
    {"name": "raw", "data_type": "BINARY"},
]


def make_spec(dialect: str = "postgres") -> ExperimentSpec:
    return ExperimentSpec.parse(
        {
            "name": "types",
            "dialect": dialect,
            "tables": [
                {"name": "things", "target_rows": 300, "primary_key": ["id"], "columns": ALL_TYPES}
            ],
        }
    )


def test_csv_and_binary_copy_give_the_same_rows(postgres_url: str, tmp_path: Path) -> None:
    spec = make_spec()
    run = write_run(spec, tmp_path / "run")
    results = []
    for fmt in ("csv", "binary"):
        wh = get_warehouse("postgres", tmp_path / "ws", url=postgres_url, copy_format=fmt)
        wh.create_tables(spec)
        assert wh.load(spec, LoadPlan.read(run)) == {"things": 300}
        df = wh.query(spec, "select * from things order by id")
        results.append([[str(v) for v in row] for row in df.values.tolist()])
    assert results[0] == results[1]
    row = results[0][5]
    assert row[0] == "6" and row[8] == "name_5" and row[10] == "2020-01-06"


def test_nulls_and_empty_strings_survive_csv(postgres_url: str, tmp_path: Path) -> None:
    spec = ExperimentSpec.parse(
        {
            "name": "n",
            "dialect": "postgres",
            "tables": [
                {
                    "name": "t",
                    "columns": [
                        {"name": "s", "data_type": "VARCHAR"},
                        {"name": "i", "data_type": "INT"},
                    ],
                }
            ],
        }
    )
    (tmp_path / "run" / "t").mkdir(parents=True)
    pq.write_table(
        pa.table({"s": ["", None, 'a,"b"\nc'], "i": pa.array([1, None, 3], pa.int32())}),
        tmp_path / "run" / "t" / "part-000000.parquet",
    )
    (tmp_path / "run" / "manifest.json").write_text(
        json.dumps({"tables": {"t": {"rows": 3, "files": ["t/part-000000.parquet"]}}})
    )
    wh = get_warehouse("postgres", tmp_path / "ws", url=postgres_url)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(tmp_path / "run"))
    df = wh.query(spec, "select s is null as n, s, i from t order by i nulls first")
    assert df["n"].tolist() == [True, False, False]
    assert df["s"].tolist()[1:] == ["", 'a,"b"\nc']


def test_a_failing_copy_rolls_back_everything(postgres_url: str, tmp_path: Path) -> None:
    spec = make_spec()
    wh = get_warehouse("postgres", tmp_path / "ws", url=postgres_url)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(write_run(spec, tmp_path / "ok")))
    bad = write_run(spec, tmp_path / "bad")
    # the second file repeats the first: duplicate primary keys, refused when keys are added
    files = sorted((bad / "things").glob("*.parquet"))
    files[1].write_bytes(files[0].read_bytes())
    with pytest.raises(LoadError, match="nothing was changed"):
        wh.load(spec, LoadPlan.read(bad))
    assert wh.table_counts(spec) == {"things": 300}


def test_postgres_sql_runs_as_typed_in_the_experiment_schema(
    postgres_url: str, tmp_path: Path
) -> None:
    spec = make_spec()
    wh = get_warehouse("postgres", tmp_path / "ws", url=postgres_url)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(write_run(spec, tmp_path / "run")))
    df = wh.query(
        spec,
        "select count(*) filter (where flag) as n, "
        "string_agg(code, '' order by id) filter (where id < 3) as s from things",
    )
    assert int(df["n"][0]) == 150 and df["s"][0] == "code_0code_1"
    with pytest.raises(QueryError) as err:
        wh.query(spec, "select id\nfrom things\nwhere nope = 1")
    assert err.value.line == 3


def test_unreachable_server_never_shows_the_password(tmp_path: Path) -> None:
    url = "postgresql://alice:hunter2@127.0.0.1:1/db"
    wh = get_warehouse("postgres", tmp_path, url=url)
    assert "hunter2" not in repr(wh)
    with pytest.raises(WarehouseError) as err:
        wh.create_tables(make_spec())
    assert "hunter2" not in str(err.value) and "DWSIM_POSTGRES_URL" in str(err.value)


def test_sqlalchemy_urls_are_accepted() -> None:
    assert libpq_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
    assert libpq_url("redshift+redshift_connector://u@h:5439/dev") == "postgresql://u@h:5439/dev"
