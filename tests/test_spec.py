"""The experiment spec: types, legacy format, validation messages, JSON/YAML round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dwsim_nb import SpecError, parse_spec, spec_json_schema
from dwsim_nb.spec.types import parse_type

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "ecom.json"


def _spec(*tables: dict, **extra: object) -> dict:
    return {"name": "t", "tables": list(tables), **extra}


def _table(name: str, *cols: dict, **extra: object) -> dict:
    return {"name": name, "columns": list(cols), **extra}


def _col(name: str, data_type: str = "INT", **extra: object) -> dict:
    return {"name": name, "data_type": data_type, **extra}


@pytest.mark.parametrize(
    ("spelling", "data_type", "attrs"),
    [
        ("NUMBER(38,0)", "DECIMAL", {"precision": 38, "scale": 0}),
        ("numeric(12, 2)", "DECIMAL", {"precision": 12, "scale": 2}),
        ("VARCHAR(MAX)", "VARCHAR", {"length": 65535}),
        ("VARCHAR(16777216)", "VARCHAR", {"length": 16777216}),
        ("character varying(30)", "VARCHAR", {"length": 30}),
        ("STRING", "VARCHAR", {}),
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP", {"precision": 9}),
        ("TIMESTAMP_LTZ", "TIMESTAMPTZ", {}),
        ("timestamp with time zone", "TIMESTAMPTZ", {}),
        ("SUPER", "SUPER", {}),
        ("VARIANT", "VARIANT", {}),
        ("jsonb", "JSON", {}),
        ("BIGSERIAL", "BIGINT", {}),
        ("int[]", "ARRAY", {"is_array": True}),
        ("bytea", "BINARY", {}),
        ("double precision", "DOUBLE", {}),
        ("FLOAT8", "DOUBLE", {}),
        ("bool", "BOOLEAN", {}),
        ("uuid", "UUID", {}),
    ],
)
def test_type_spellings(spelling: str, data_type: str, attrs: dict) -> None:
    parsed = parse_type(spelling)
    assert parsed is not None and parsed.data_type == data_type
    for key, value in attrs.items():
        assert getattr(parsed, key) == value


def test_unknown_type_names_column_and_lists_types() -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(_spec(_table("orders", _col("id"), _col("blob_x", "FROBNITZ"))))
    text = str(err.value)
    assert "table 'orders'" in text and "column 'blob_x'" in text and "FROBNITZ" in text
    assert "VARCHAR" in text


def test_benchmark_spec_loads_in_legacy_format() -> None:
    spec = parse_spec(BENCH) if BENCH.exists() else None
    if spec is None:
        pytest.skip("benchmarks/ecom.json not present yet")
    orders = spec.table("orders")
    assert orders.foreign_keys[0].columns == ["customer_id"]
    assert orders.foreign_keys[0].references_table == "customers"
    assert orders.foreign_keys[0].references_columns == ["id"]
    assert orders.column("status").rule_kind() == "values"
    assert orders.column("amount").distribution is not None
    assert orders.column("amount").distribution.param("lambda") == pytest.approx(0.0125)
    out = spec.to_dict()
    assert '"foreign_key"' not in json.dumps(out)
    assert out["tables"][1]["foreign_keys"][0]["references_columns"] == ["id"]


def test_legacy_composite_keys_become_primary_and_unique() -> None:
    spec = parse_spec(
        _spec(
            _table(
                "line",
                _col("a"),
                _col("b"),
                _col("c"),
                composite_keys=[["a", "b"], ["b", "c"]],
            )
        )
    )
    table = spec.table("line")
    assert table.primary_key == ["a", "b"]
    assert table.unique == [["b", "c"]]
    assert table.column("a").required and table.column("b").required


def test_multi_column_foreign_key_and_default_reference_to_primary_key() -> None:
    spec = parse_spec(
        _spec(
            _table("parent", _col("x"), _col("y"), primary_key=["x", "y"]),
            _table(
                "child",
                _col("px"),
                _col("py"),
                foreign_keys=[{"columns": ["px", "py"], "references_table": "parent"}],
            ),
        )
    )
    fk = spec.table("child").foreign_keys[0]
    assert fk.references_columns == ["x", "y"]


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        (
            [
                _table("a", _col("id")),
                _table(
                    "b",
                    _col("a_id"),
                    foreign_keys=[
                        {
                            "columns": ["a_id"],
                            "references_table": "nope",
                            "references_columns": ["id"],
                        }
                    ],
                ),
            ],
            ["table 'b'", "'nope'", "not in the experiment"],
        ),
        (
            [
                _table("a", _col("id")),
                _table(
                    "b",
                    _col("a_id"),
                    foreign_keys=[
                        {"columns": ["a_id"], "references_table": "a", "references_columns": ["id"]}
                    ],
                ),
            ],
            ["neither its primary key nor unique", "is_unique"],
        ),
        (
            [
                _table("a", _col("id", "VARCHAR"), primary_key=["id"]),
                _table(
                    "b", _col("a_id"), foreign_keys=[{"columns": ["a_id"], "references_table": "a"}]
                ),
            ],
            ["'a_id' is INT", "a.id is VARCHAR", "same type"],
        ),
        (
            [
                _table(
                    "a",
                    _col("id"),
                    _col("b_id"),
                    primary_key=["id"],
                    foreign_keys=[{"columns": ["b_id"], "references_table": "b"}],
                ),
                _table(
                    "b",
                    _col("id"),
                    _col("a_id"),
                    primary_key=["id"],
                    foreign_keys=[{"columns": ["a_id"], "references_table": "a"}],
                ),
            ],
            ["cycle", "a -> b -> a", "nullable"],
        ),
        (
            [
                _table(
                    "emp",
                    _col("id"),
                    _col("boss"),
                    primary_key=["id"],
                    foreign_keys=[{"columns": ["boss"], "references_table": "emp"}],
                )
            ],
            ["self-reference", "nullable"],
        ),
        (
            [_table("a", _col("id"), _col("ID"))],
            ["duplicates", "rename"],
        ),
        (
            [_table("a", _col("id")), _table("A", _col("id"))],
            ["table 'A' duplicates 'a'"],
        ),
        (
            [_table("a", _col("n", min_value=10, max_value=1))],
            ["column 'n'", "min_value 10 > max_value 1", "swap"],
        ),
        (
            [_table("a", _col("s", "VARCHAR", values=[]))],
            ["'values' is empty"],
        ),
        (
            [_table("a", _col("s", "VARCHAR", values=["x", "y"], weights=[1.0]))],
            ["1 weights for 2 values"],
        ),
        (
            [_table("a", _col("n", is_unique=True, min_value=1, max_value=10), target_rows=100)],
            ["unique", "only 10 distinct values for 100 rows"],
        ),
        (
            [_table("a", _col("flag", "BOOLEAN", is_unique=True), target_rows=3)],
            ["only 2 distinct values"],
        ),
        (
            [_table("a", _col("", "INT"))],
            ["column name is empty"],
        ),
        (
            [_table("a", _col("d", "DATE", date_start="2024-02-01", date_end="2024-01-01"))],
            ["date_start", "after date_end"],
        ),
        (
            [
                _table(
                    "a", _col("x", "FLOAT", distribution={"type": "zipf", "parameters": {"a": 0.5}})
                )
            ],
            ["zipf", "greater than 1"],
        ),
        (
            [
                _table(
                    "a",
                    _col("x", "FLOAT", distribution={"type": "normal", "parameters": {"avg": 1}}),
                )
            ],
            ["unknown parameter", "avg", "mean"],
        ),
        (
            [_table("a", _col("x", "VARCHAR", faker_rule="email", pattern="??-##"))],
            ["more than one generation rule"],
        ),
    ],
)
def test_validation_messages_name_the_place_and_fix(tables: list, expected: list[str]) -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(_spec(*tables))
    text = str(err.value)
    for piece in expected:
        assert piece in text, f"{piece!r} not in {text!r}"


def test_nullable_fk_breaks_cycle_and_nullable_self_reference_is_fine() -> None:
    spec = parse_spec(
        _spec(
            _table(
                "a",
                _col("id"),
                _col("b_id"),
                primary_key=["id"],
                foreign_keys=[{"columns": ["b_id"], "references_table": "b", "nullable": True}],
            ),
            _table(
                "b",
                _col("id"),
                _col("a_id"),
                primary_key=["id"],
                foreign_keys=[{"columns": ["a_id"], "references_table": "a"}],
            ),
            _table(
                "emp",
                _col("id"),
                _col("boss"),
                primary_key=["id"],
                foreign_keys=[{"columns": ["boss"], "references_table": "emp", "nullable": True}],
            ),
        )
    )
    assert len(spec.tables) == 3


def test_reserved_words_are_valid_names() -> None:
    spec = parse_spec(_spec(_table("date", _col("user", "VARCHAR"), _col("select"), _col("order"))))
    assert spec.table("date").column("user").data_type == "VARCHAR"


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(
            _spec(_table("a", _col("x", min_value=5, max_value=1)), _table("b", _col("y", "NOPE")))
        )
    assert len(err.value.problems) == 2


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_round_trip_json_and_yaml(fmt: str, tmp_path: Path) -> None:
    spec = parse_spec(
        _spec(
            _table(
                "customers",
                _col("id", "BIGINT"),
                _col("email", "VARCHAR(255)", faker_rule="email", is_unique=True),
                _col(
                    "score",
                    "DECIMAL(10,2)",
                    min_value=0,
                    max_value=100,
                    distribution={"type": "normal", "parameters": {"mean": 50, "stddev": 10}},
                ),
                primary_key=["id"],
            ),
            _table(
                "orders",
                _col("id", "BIGINT", sequence={"start": 100, "step": 2}),
                _col("customer_id", "BIGINT"),
                _col(
                    "placed_at",
                    "TIMESTAMP",
                    date_start="2024-01-01T00:00:00",
                    date_end="2024-06-30T00:00:00",
                ),
                _col("meta", "VARIANT", json_shape={"channel": "word", "items": ["int"]}),
                primary_key=["id"],
                foreign_keys=[
                    {
                        "columns": ["customer_id"],
                        "references_table": "customers",
                        "cardinality": {"kind": "zipf", "s": 1.3},
                    }
                ],
            ),
            dialect="Redshift",
        )
    )
    text = spec.to_json() if fmt == "json" else spec.to_yaml()
    path = tmp_path / f"spec.{fmt}"
    path.write_text(text)
    again = parse_spec(path)
    assert again.to_dict() == spec.to_dict()
    assert again.dialect == "redshift"
    assert again.table("customers").column("score").precision == 10
    assert again.table("orders").foreign_keys[0].cardinality is not None
    assert again.fingerprint() == spec.fingerprint()


def test_output_always_has_table_level_key_lists() -> None:
    out = parse_spec(_spec(_table("a", _col("x")))).to_dict()
    table = out["tables"][0]
    assert table["primary_key"] == [] and table["foreign_keys"] == [] and table["unique"] == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "empty"),
        ("{not json", "line 1"),
        ("name: x\ntables: [\n", "line"),
        ("[1, 2]", "must be an object"),
        ("/no/such/spec.yaml", "does not exist"),
    ],
)
def test_bad_spec_text_gives_spec_error(text: str, where: str) -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(text)
    assert where in str(err.value)


def test_unknown_field_is_named() -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(_spec(_table("a", _col("x", min_vlaue=3))))
    assert "min_vlaue" in str(err.value) and "column 'x'" in str(err.value)


def test_json_schema_is_exported() -> None:
    schema = spec_json_schema()
    assert schema["title"] == "ExperimentSpec"
    assert "tables" in schema["properties"]
    assert "Column" in json.dumps(schema)
