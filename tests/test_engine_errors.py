"""Impossible requests fail before any file is written, with a message that says what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.engine import generate_run
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec import ExperimentSpec


def _spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": "err",
        "tables": [
            {"name": "parents", "target_rows": 10, "primary_key": ["id"],
             "columns": [{"name": "id", "data_type": "INT"},
                         {"name": "code", "data_type": "VARCHAR(4)", "pattern": "##",
                          "is_unique": True}]},
            {"name": "kids", "target_rows": 20,
             "foreign_keys": [{"columns": ["pid"], "references_table": "parents"}],
             "columns": [{"name": "pid", "data_type": "INT"}]},
        ],
    }
    spec.update(overrides)
    return spec


def _fails(tmp_path: Path, spec: dict[str, Any], match: str, **kwargs: Any) -> None:
    out = tmp_path / "run"
    with pytest.raises(GenerationError, match=match):
        generate_run(ExperimentSpec.parse(spec), out, **kwargs)
    assert not out.exists() or not any(out.rglob("*"))


def test_unknown_table_in_rows(tmp_path: Path) -> None:
    _fails(tmp_path, _spec(), r"'nope'.*parents, kids", rows={"nope": 5})


def test_unique_domain_too_small_for_override(tmp_path: Path) -> None:
    _fails(tmp_path, _spec(), r"'code'.*only 100 distinct.*1000 rows", rows={"parents": 1000})


def test_required_fk_to_empty_parent(tmp_path: Path) -> None:
    _fails(tmp_path, _spec(), r"'parents' gets 0 rows", rows={"parents": 0})


def test_nullable_fk_to_empty_parent_gives_nulls(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    spec = _spec()
    spec["tables"][1]["foreign_keys"][0]["nullable"] = True
    generate_run(ExperimentSpec.parse(spec), tmp_path, rows={"parents": 0})
    kids = pq.read_table(tmp_path / "kids")
    assert kids.num_rows == 20 and kids.column("pid").null_count == 20
    assert pq.read_table(tmp_path / "parents").num_rows == 0


def test_zipf_out_of_range(tmp_path: Path) -> None:
    spec = ExperimentSpec.parse(_spec())
    col = spec.tables[0].columns[0].model_copy()
    spec.tables[0].columns.append(
        col.model_copy(update={"name": "z", "is_unique": False, "distribution": None})
    )
    from dwsim_nb.spec.models import Cardinality, Distribution

    spec.tables[0].columns[-1].distribution = Distribution.model_construct(
        type="zipf", parameters={"a": 0.8}
    )
    out = tmp_path / "z"
    with pytest.raises(GenerationError, match=r"zipf parameter a=0\.8"):
        generate_run(spec, out)
    assert not out.exists()
    spec = ExperimentSpec.parse(_spec())
    spec.tables[1].foreign_keys[0].cardinality = Cardinality.model_construct(kind="zipf", s=0.5)
    with pytest.raises(GenerationError, match=r"s=0\.5"):
        generate_run(spec, out)


def test_cardinality_impossible(tmp_path: Path) -> None:
    spec = _spec()
    spec["tables"][1]["foreign_keys"][0]["cardinality"] = {"kind": "range", "min": 3, "max": 4}
    _fails(tmp_path, spec, r"3\.\.4 children.*30\.\.40 child rows, not 20")
    spec["tables"][1]["foreign_keys"][0]["cardinality"] = {"kind": "at_least_one"}
    _fails(tmp_path, spec, r"10 parents and only 5", rows={"kids": 5})


def test_unknown_faker_provider_and_bad_expression(tmp_path: Path) -> None:
    spec = _spec()
    spec["tables"][1]["columns"].append(
        {"name": "x", "data_type": "VARCHAR", "faker_rule": "no_such_thing"})
    _fails(tmp_path, spec, "no provider 'no_such_thing'")
    spec = _spec()
    spec["tables"][1]["columns"].append(
        {"name": "x", "data_type": "INT", "expression": "pid + (select 1)"})
    _fails(tmp_path, spec, "derived columns do not support")


def test_bad_row_count(tmp_path: Path) -> None:
    _fails(tmp_path, _spec(), "whole number", rows={"kids": -1})
