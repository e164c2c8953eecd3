"""Rules as records told apart by ``kind``: the new shape, the flat fields before it, the schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_engine_legacy import CONTAINERS, ECOMMERCE, MARKETING

from dwsim_nb import SpecError, parse_spec, spec_json_schema
from dwsim_nb.spec.overrides import apply_overrides
from dwsim_nb.spec.rules import RULE_KINDS, DistributionRule, FakerRule, RangeRule

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "docs" / "spec.schema.json"
FLAT = {
    "faker_rule",
    "locale",
    "min_value",
    "max_value",
    "date_start",
    "date_end",
    "distribution",
    "values",
    "weights",
    "pattern",
    "sequence",
    "true_probability",
    "json_shape",
    "constant",
    "expression",
    "after",
    "inferred_rule",
}


def _notebook_specs() -> list[tuple[str, Any]]:
    """Specs written out in the shipped notebooks (YAML in a ``spec_yaml = \"\"\"...\"\"\"``)."""
    found = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            text = "".join(cell["source"])
            for m in re.finditer(r'spec_yaml = """(.*?)"""', text, re.S):
                found.append((nb.name, yaml.safe_load(m.group(1))))
    return found


def _shipped() -> list[tuple[str, Any]]:
    from dwsim_nb import import_sql
    from dwsim_nb.demo import EXAMPLE_DDL

    specs: list[tuple[str, Any]] = [(p.name, p) for p in sorted(ROOT.glob("benchmarks/*.json"))]
    specs += [(s["name"], s) for s in (ECOMMERCE, MARKETING, CONTAINERS)]
    specs += _notebook_specs()
    # As stored in a workspace: midnight timestamps in the imported spec read back as dates.
    imported = import_sql(EXAMPLE_DDL.read_text(), dialect="redshift").to_json()
    specs.append((EXAMPLE_DDL.name, imported))
    return specs


@pytest.mark.parametrize(
    ("label", "source"), _shipped(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_shipped_spec_loads_and_round_trips(label: str, source: Any) -> None:
    spec = parse_spec(source)
    again = parse_spec(spec.to_json())
    assert again == spec, label
    assert parse_spec(spec.to_yaml()) == spec
    columns = [c for t in spec.to_dict()["tables"] for c in t["columns"]]
    assert not FLAT & {k for c in columns for k in c}, "output keeps flat rule fields"
    assert all(c["rule"]["kind"] in (*RULE_KINDS, "auto") for c in columns if "rule" in c)


def test_notebooks_hold_specs_to_check() -> None:
    assert _notebook_specs(), "the rules notebook's spec moved; update _notebook_specs"


def _one(column: dict[str, Any]) -> dict[str, Any]:
    return {"name": "t", "tables": [{"name": "a", "columns": [column]}]}


@pytest.mark.parametrize(
    ("flat", "rule"),
    [
        (
            {"faker_rule": "city", "locale": "de_DE"},
            {"kind": "faker", "provider": "city", "locale": "de_DE"},
        ),
        ({"min_value": 1, "max_value": 9}, {"kind": "range", "min": 1, "max": 9}),
        (
            {
                "min_value": 0,
                "max_value": 99,
                "distribution": {"type": "normal", "parameters": {"mean": 5}},
            },
            {
                "kind": "distribution",
                "type": "normal",
                "parameters": {"mean": 5},
                "min": 0,
                "max": 99,
            },
        ),
        (
            {"values": ["a", "b"], "weights": [3, 1]},
            {"kind": "values", "values": ["a", "b"], "weights": [3, 1]},
        ),
        ({"pattern": "??-##"}, {"kind": "pattern", "pattern": "??-##"}),
        ({"sequence": {"start": 5, "step": 2}}, {"kind": "sequence", "start": 5, "step": 2}),
        ({"true_probability": 0.2}, {"kind": "boolean", "true_probability": 0.2}),
        ({"json_shape": {"a": "int"}}, {"kind": "json", "shape": {"a": "int"}}),
        ({"constant": "USD"}, {"kind": "constant", "value": "USD"}),
        ({"expression": "x + 1"}, {"kind": "derived", "expression": "x + 1"}),
        ({"inferred_rule": "unique key"}, {"kind": "auto", "reason": "unique key"}),
    ],
)
def test_flat_fields_and_rule_records_are_the_same_spec(flat: dict, rule: dict) -> None:
    old = parse_spec(_one({"name": "x", "data_type": "INT", "shuffle": False, **flat}))
    new = parse_spec(_one({"name": "x", "data_type": "INT", "rule": rule}))
    assert old == new
    assert old.to_dict()["tables"][0]["columns"][0]["rule"] == rule


def test_written_out_specs_edited_in_flat_fields_load() -> None:
    # spec.to_dict(), then col["values"] = [...] as before rules were records: the flat
    # fields replace the parts of the rule they name, the rest of the rule stays.
    spec = parse_spec(
        _one({"name": "d", "data_type": "DATE", "date_start": "2020-01-01", "inferred_rule": "x"})
    )
    data = spec.to_dict()
    data["tables"][0]["columns"][0]["date_end"] = "2020-12-31"
    col = parse_spec(data).tables[0].columns[0]
    assert (col.date_start, col.date_end, col.inferred_rule) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
        "x",
    )
    text = parse_spec(_one({"name": "s", "data_type": "VARCHAR", "faker_rule": "city"})).to_dict()
    text["tables"][0]["columns"][0]["values"] = ["a"]
    with pytest.raises(SpecError, match="more than one generation rule"):
        parse_spec(text)  # as before: faker_rule and values are two rules


def test_datetime_rule_and_reason() -> None:
    spec = parse_spec(
        _one(
            {
                "name": "d",
                "data_type": "DATE",
                "date_start": "2024-01-01",
                "after": "a.e",
                "inferred_rule": "a date",
            }
        )
    )
    col = spec.tables[0].columns[0]
    out = spec.to_dict()["tables"][0]["columns"][0]["rule"]
    assert out == {"kind": "datetime", "start": "2024-01-01", "after": "a.e", "reason": "a date"}
    assert next(iter(out)) == "kind" and list(out)[-1] == "reason"
    assert (col.rule_kind(), col.after, col.inferred_rule) == ("datetime", "a.e", "a date")
    # Date fields on a column that holds no dates were never a rule; they still are not.
    num = parse_spec(_one({"name": "n", "data_type": "INT", "date_start": "2024-01-01"}))
    assert num.tables[0].columns[0].rule is None


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (
            {"rule": {"kind": "range", "min": 5, "max": 1}},
            ["column 'x'", "range rule", "min 5 > max 1"],
        ),
        ({"rule": {"kind": "dice"}}, ["column 'x'", "dice", "faker"]),
        ({"rule": {"kind": "faker", "provider": "seed"}}, ["faker rule", "seed"]),
        ({"rule": {"kind": "values", "values": []}}, ["values rule", "'values' is empty"]),
        ({"rule": {"kind": "datetime", "start": "2024-01-01"}}, ["datetime rule needs a DATE"]),
        ({"rule": {"kind": "uuid"}, "pattern": "##"}, ["both 'rule' and flat rule fields"]),
        ({"rule": {"kind": "constant", "value": None}}, ["constant needs a value"]),
        ({"rule": {"kind": "range", "low": 1}}, ["range rule", "'low'", "not a known field"]),
    ],
)
def test_rule_errors_name_the_column_and_kind(column: dict, expected: list[str]) -> None:
    with pytest.raises(SpecError) as err:
        parse_spec(_one({"name": "x", "data_type": "INT", **column}))
    for piece in expected:
        assert piece in str(err.value), f"{piece!r} not in {err.value}"


def test_overrides_take_flat_spellings_and_whole_rules() -> None:
    spec = parse_spec(
        _one(
            {
                "name": "x",
                "data_type": "INT",
                "min_value": 1,
                "max_value": 50,
                "distribution": {"type": "zipf", "parameters": {"a": 1.5}},
                "inferred_rule": "a guess",
            }
        )
    )
    changed = apply_overrides(spec, {"a": {"columns": {"x": {"max_value": 9}}}})
    rule = changed.tables[0].columns[0].rule
    assert isinstance(rule, DistributionRule) and (rule.min, rule.max) == (1, 9)
    assert rule.reason is None  # the user chose it: no longer a guess
    whole = apply_overrides(spec, {"a": {"columns": {"x": {"rule": {"kind": "range", "max": 3}}}}})
    assert whole.tables[0].columns[0].rule == RangeRule(max=3)
    text = apply_overrides(spec, {"a": {"columns": {"x": {"faker_rule": "city"}}}})
    assert isinstance(text.tables[0].columns[0].rule, FakerRule)


def test_json_schema_shows_the_rule_union() -> None:
    schema = spec_json_schema()
    column = schema["$defs"]["Column"]
    rule = column["properties"]["rule"]["anyOf"][0]
    assert rule["discriminator"]["propertyName"] == "kind"
    assert set(rule["discriminator"]["mapping"]) == {*RULE_KINDS, "auto"}
    # Editors accept the flat spellings of older files, marked as deprecated.
    assert column["properties"]["faker_rule"]["deprecated"] is True


def test_docs_schema_is_current() -> None:
    text = json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("DWSIM_WRITE_SCHEMA"):
        SCHEMA.write_text(text)
    assert SCHEMA.exists() and SCHEMA.read_text() == text, (
        "docs/spec.schema.json is stale: DWSIM_WRITE_SCHEMA=1 pytest tests/test_spec_rules.py"
    )


_TYPE_FOR = {"range": "INT", "sequence": "INT", "distribution": "DOUBLE", "datetime": "TIMESTAMP"}
_TYPE_FOR |= {"boolean": "BOOLEAN", "uuid": "UUID", "json": "JSON", "derived": "INT"}
_TYPE_FOR |= {"aggregate": "DECIMAL", "array": "TEXT[]"}


def test_readme_rule_examples_load() -> None:
    text = (ROOT / "README.md").read_text()
    examples = [json.loads(m) for m in re.findall(r'`(\{"kind": .*?\})`', text)]
    assert {e["kind"] for e in examples} == set(RULE_KINDS)
    columns = [
        {"name": f"c{i}", "data_type": _TYPE_FOR.get(e["kind"], "VARCHAR"), "rule": e}
        for i, e in enumerate(examples)
    ]
    spec = parse_spec({"name": "t", "tables": [{"name": "orders", "columns": columns}]})
    assert [c.rule.kind for c in spec.tables[0].columns] == [e["kind"] for e in examples]


def test_fingerprints_are_those_of_the_flat_format() -> None:
    # Hashes taken before rules were records: runs recorded then still match their spec.
    before = {
        "ecommerce": "8f3c11f82cedadc7",
        "marketing": "3d4b4dbb7f79d9ec",
        "data_container": "cd70339a5d707990",
    }
    for spec in (ECOMMERCE, MARKETING, CONTAINERS):
        assert parse_spec(spec).fingerprint() == before[spec["name"]]
    assert parse_spec(ROOT / "benchmarks" / "ecom.json").fingerprint() == "49e5a1fc906d83ae"
    nb03 = dict(_notebook_specs())["03_generation_rules.ipynb"]
    assert parse_spec(nb03).fingerprint() == "315307752e9e93d1"


@pytest.mark.parametrize("rule", [{"kind": "json", "shape": {}}, {"kind": "constant", "value": []}])
def test_empty_rule_values_survive_a_round_trip(rule: dict) -> None:
    spec = parse_spec(_one({"name": "x", "data_type": "JSON", "rule": rule}))
    assert parse_spec(spec.to_json()) == spec


def test_flat_values_over_an_inferred_weighted_rule_replace_its_weights() -> None:
    """Editing a written-out spec (col["values"] = [...]) over an inferred weighted rule: the
    old weights belonged to the old values and go with them."""
    from dwsim_nb.spec.models import Column

    inferred = {"kind": "values", "values": ["Y", "N"], "weights": [0.7, 0.3], "reason": "x"}
    col = Column.model_validate(
        {"name": "f", "data_type": "CHAR(1)", "rule": inferred, "values": ["R", "A", "N"]}
    )
    assert col.rule.values == ["R", "A", "N"] and col.rule.weights is None
    both = Column.model_validate(
        {"name": "f", "data_type": "CHAR(1)", "rule": inferred, "values": ["R", "A"],
         "weights": [1, 3]}
    )
    assert both.rule.weights == [1, 3]
