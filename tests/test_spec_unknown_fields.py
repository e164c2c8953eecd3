"""Original-format specs with fields this format does not know (issue 17, item 6).

Lenient by default: the unknown fields are dropped and named in the spec's warnings, and the
data is generated from the fields that are known. Strict (``strict=True``, ``dwsim create
--strict``) refuses them. A likely typo of a known field (difflib ratio >= 0.8) is refused in
both modes with a "did you mean": its value was meant to shape the data.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.errors import SpecError
from dwsim_nb.spec import ExperimentSpec, parse_spec
from dwsim_nb.workspace import Workspace

ORIGINAL = {
    "name": "legacy",
    "version": "1",
    "tables": [
        {
            "name": "events",
            "target_rows": 50,
            "owner": "analytics",
            "columns": [
                {"name": "id", "data_type": "INT", "is_unique": True, "required": True},
                {
                    "name": "day",
                    "data_type": "DATE",
                    "date_start": "2024-03-01",
                    "date_end": "2024-03-31",
                    "expected_start": "2024-03-01",
                    "expected_end": "2024-03-31",
                },
            ],
        }
    ],
}


def test_unknown_fields_load_with_a_warning_naming_them(tmp_path: Path) -> None:
    data = copy.deepcopy(ORIGINAL)
    exp = Workspace(tmp_path).create(data)
    warnings = " | ".join(exp.spec.warnings)
    assert "column 'day'" in warnings and "'expected_start', 'expected_end'" in warnings
    assert "table 'events': ignored unknown field 'owner'" in warnings
    assert "'version'" in warnings
    assert data == ORIGINAL  # the caller's dict is not changed
    # The known fields still shape the data.
    exp.generate()
    got = exp.query("SELECT min(day) AS lo, max(day) AS hi, count(*) AS n FROM events")
    assert str(got["lo"][0])[:10] >= "2024-03-01" and str(got["hi"][0])[:10] <= "2024-03-31"
    assert got["n"][0] == 50


def test_strict_refuses_and_names_every_unknown_field() -> None:
    with pytest.raises(SpecError) as err:
        ExperimentSpec.parse(ORIGINAL, strict=True)
    text = str(err.value)
    for field in ("expected_start", "expected_end", "owner", "version"):
        assert f"field '{field}'" in text


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("typo", "meant"),
    [("min_valeu", "min_value"), ("requird", "required"), ("nul_rate", "null_rate")],
)
def test_a_typo_of_a_known_field_is_refused_with_did_you_mean(
    strict: bool, typo: str, meant: str
) -> None:
    data = copy.deepcopy(ORIGINAL)
    data["tables"][0]["columns"][0][typo] = 1
    with pytest.raises(SpecError) as err:
        parse_spec(data, strict=strict)
    assert f"did you mean '{meant}'" in str(err.value)
    assert "column 'id'" in str(err.value)


def test_unknown_field_inside_a_rule_record_stays_an_error() -> None:
    data = copy.deepcopy(ORIGINAL)
    data["tables"][0]["columns"][0]["rule"] = {"kind": "range", "min": 1, "max": 9, "step": 2}
    with pytest.raises(SpecError, match="range rule, field 'step'"):
        parse_spec(data)


def test_cli_create_lenient_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(ORIGINAL))
    home = ["--home", str(tmp_path / "ws")]
    refused = CliRunner().invoke(main, [*home, "create", str(path), "--strict"])
    assert refused.exit_code != 0 and "expected_start" in refused.output
    loaded = CliRunner().invoke(main, [*home, "create", str(path), "--json"])
    assert loaded.exit_code == 0, loaded.output
    spec = json.loads(loaded.output)
    assert any("expected_start" in w for w in spec["warnings"])
    assert "expected_start" not in json.dumps(spec["tables"])
