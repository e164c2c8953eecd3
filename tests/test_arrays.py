"""Arrays and vectors end to end: ``text[]``, ``integer[]`` and ``vector(8)`` are generated as
Arrow lists, stored as each warehouse's arrays (DuckDB lists, PostgreSQL arrays) or as JSON lists
(SQLite, Snowflake's ARRAY, the Redshift emulator's SUPER), and queried with the array functions
of the experiment's dialect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, get_warehouse
from dwsim_nb.warehouses.array_rewrites import fix_lateral_flatten_duckdb
from dwsim_nb.warehouses.pipelines import fixes_for

ROWS = 120


def _spec(dialect: str, warehouse: str = "duckdb") -> ExperimentSpec:
    return ExperimentSpec.parse(
        {
            "name": f"arr_{dialect}",
            "dialect": dialect,
            "target_warehouse": warehouse,
            "tables": [
                {
                    "name": "item",
                    "target_rows": ROWS,
                    "primary_key": ["id"],
                    "columns": [
                        {"name": "id", "data_type": "INT"},
                        {"name": "tags", "data_type": "text[]"},
                        {"name": "scores", "data_type": "integer[]"},
                        {
                            "name": "embedding",
                            "data_type": "ARRAY",
                            "array_of": "FLOAT",
                            "array_size": 8,
                        },
                    ],
                }
            ],
        }
    )


def _loaded(spec: ExperimentSpec, warehouse: str, tmp_path: Path, **options: Any) -> Any:
    run = tmp_path / "run"
    rows = {t.name: ROWS for t in spec.tables}
    generate_run(spec, run, rows=rows, workers=1, executor="inprocess")
    wh = get_warehouse(warehouse, tmp_path / "ws", **options)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(run))
    return wh


def _row(wh: Any, spec: ExperimentSpec, sql: str) -> tuple[Any, ...]:
    return tuple(wh.query(spec, sql).iloc[0])


# (warehouse, dialect, [(sql, expected first row)]): element counts, element values and the
# vector's dimension, each asked with the dialect's own array functions.
POSTGRES_SQL = [
    ("select min(cardinality(tags)), max(array_length(tags, 1)) from item", (1, 4)),
    ("select count(*) from item where array_length(embedding, 1) = 8", (ROWS,)),
    ("select count(*) from item where tags[1] = any(tags)", (ROWS,)),
    ("select min(s) >= 1 and max(s) <= 100 from (select unnest(scores) as s from item) t", (True,)),
    (
        "select min(v) >= -1 and max(v) <= 1 from (select unnest(embedding) as v from item) t",
        (True,),
    ),
]
SNOWFLAKE_SQL = [
    ("select min(array_size(tags)), max(array_size(tags)) from item", (1, 4)),
    ("select count(*) from item where array_size(embedding) = 8", (ROWS,)),
    ("select count(*) from item where tags[0]::varchar is not null", (ROWS,)),
    (
        "select min(f.value::int) between 1 and 100, max(f.value::int) between 1 and 100 "
        "from item, lateral flatten(input => scores) f",
        (True, True),
    ),
    (
        "select count(*) - (select sum(array_size(tags)) from item) "
        "from item, lateral flatten(input => tags) f",
        (0,),
    ),
    (
        "select min(f.index), max(f.index) from item, lateral flatten(input => embedding) f",
        (0, 7),
    ),
]
SQLITE_SQL = [
    ("select min(json_array_length(tags)), max(json_array_length(tags)) from item", (1, 4)),
    ("select count(*) from item where json_array_length(embedding) = 8", (ROWS,)),
    (
        "select min(j.value) >= 1 and max(j.value) <= 100, min(j.type) "
        "from item, json_each(item.scores) j",
        (1, "integer"),
    ),
]

CASES = [
    pytest.param("duckdb", "postgres", POSTGRES_SQL, id="duckdb-postgres"),
    pytest.param("duckdb", "snowflake", SNOWFLAKE_SQL, id="duckdb-snowflake"),
    pytest.param("sqlite", "sqlite", SQLITE_SQL, id="sqlite"),
    pytest.param("snowflake", "snowflake", SNOWFLAKE_SQL, id="snowflake-emulator"),
    pytest.param("postgres", "postgres", POSTGRES_SQL, id="postgres", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize(("warehouse", "dialect", "queries"), CASES)
def test_arrays_in_every_warehouse(
    warehouse: str,
    dialect: str,
    queries: list[tuple[str, tuple[Any, ...]]],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    options: dict[str, Any] = {}
    if warehouse in ("postgres", "redshift"):
        options["url"] = request.getfixturevalue("postgres_url")
    spec = _spec(dialect, warehouse)
    wh = _loaded(spec, warehouse, tmp_path, **options)
    try:
        for sql, expected in queries:
            got = _row(wh, spec, sql)
            assert tuple(type(e)(g) for g, e in zip(got, expected, strict=True)) == expected, sql
    finally:
        wh.close()


def test_duckdb_stores_lists_and_fixed_size_vectors(tmp_path: Path) -> None:
    spec = _spec("duckdb")
    wh = _loaded(spec, "duckdb", tmp_path)
    sql = "select typeof(tags), typeof(scores), typeof(embedding) from item limit 1"
    assert _row(wh, spec, sql) == ("VARCHAR[]", "INTEGER[]", "FLOAT[8]")


@pytest.mark.postgres
def test_postgres_native_array_types(postgres_url: str, tmp_path: Path) -> None:
    spec = _spec("postgres", "postgres")
    wh = _loaded(spec, "postgres", tmp_path, url=postgres_url)
    sql = (
        "select pg_typeof(tags)::text, pg_typeof(scores)::text, pg_typeof(embedding)::text "
        "from item limit 1"
    )
    assert _row(wh, spec, sql) == ("text[]", "integer[]", "real[]")


@pytest.mark.postgres
def test_redshift_emulator_keeps_arrays_as_super_json(postgres_url: str, tmp_path: Path) -> None:
    # Redshift has no array type: its arrays are SUPER, JSONB in the emulator (asked here in the
    # engine's own SQL, as Redshift's SUPER functions are not emulated).
    spec = _spec("redshift", "redshift")
    wh = _loaded(spec, "redshift", tmp_path, url=postgres_url)
    schema = wh.schema_for(spec)
    sql = (
        "select pg_typeof(tags)::text, min(jsonb_array_length(tags)), "
        "max(jsonb_array_length(tags)), min(jsonb_array_length(embedding)), "
        "bool_and(jsonb_typeof(scores -> 0) = 'number') "
        f'from "{schema}".item group by 1'
    )
    row = wh.execute(spec, [sql]).to_pylist()[0]
    assert tuple(row.values()) == ("jsonb", 1, 4, 8, True)


def test_elements_are_deterministic_and_distinct_within_a_row(tmp_path: Path) -> None:
    spec = import_sql(
        "CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm', 'angry');\n"
        "CREATE TABLE person (id int PRIMARY KEY, moods mood[], emails text[], tags text[]);",
        "postgres",
    )
    person = spec.table("person")
    assert person.column("moods").rule.values == ["happy", "sad", "calm", "angry"]
    assert person.column("emails").rule.element == "email"
    assert person.column("tags").array_of == "TEXT"
    # DuckDB's list functions check the engine's arrays: not PostgreSQL SQL, so not strict.
    wh = _loaded(spec, "duckdb", tmp_path, strict=False)
    sql = "select count(*) from person where len(moods) <> len(list_distinct(moods))"
    assert _row(wh, spec, sql) == (0,)
    sql = "select bool_and(list_bool_and(list_transform(emails, e -> e like '%@%'))) from person"
    assert _row(wh, spec, sql) == (True,)
    sql = (
        "select count(*) from (select unnest(moods) m from person) "
        "where m not in ('happy', 'sad', 'calm', 'angry')"
    )
    assert _row(wh, spec, sql) == (0,)
    first = wh.query(spec, "select moods, emails from person order by id").to_dict("list")
    again = _loaded(spec, "duckdb", tmp_path / "again").query(
        spec, "select moods, emails from person order by id"
    )
    assert [list(x) for x in again["moods"]] == [list(x) for x in first["moods"]]


def test_spec_fields_and_checks() -> None:
    spec = _spec("postgres")
    col = spec.table("item").column("tags")
    assert (col.data_type, col.array_of, col.array_size) == ("ARRAY", "TEXT", None)
    with pytest.raises(Exception, match="array_of needs data_type ARRAY"):
        ExperimentSpec.parse(
            {
                "name": "x",
                "tables": [
                    {"name": "t", "columns": [{"name": "a", "data_type": "INT", "array_of": "INT"}]}
                ],
            }
        )
    with pytest.raises(Exception, match="give it an 'array' rule"):
        ExperimentSpec.parse(
            {
                "name": "x",
                "tables": [
                    {
                        "name": "t",
                        "columns": [
                            {
                                "name": "a",
                                "data_type": "int[]",
                                "rule": {"kind": "range", "min": 1, "max": 2},
                            }
                        ],
                    }
                ],
            }
        )
    # A spec without array_of keeps JSON lists (and its fingerprint: no new field is written).
    plain = ExperimentSpec.parse(
        {"name": "x", "tables": [{"name": "t", "columns": [{"name": "a", "data_type": "ARRAY"}]}]}
    )
    assert "array_of" not in plain.to_json()


def test_lateral_flatten_fix_is_in_the_snowflake_on_duckdb_pipeline() -> None:
    assert fix_lateral_flatten_duckdb in fixes_for("snowflake", "duckdb")
