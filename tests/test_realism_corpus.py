"""The realism corpus (issue 15 acceptance): public-style schemas imported with their dialect,
generated with no workload, and SQL assertions on what the data means.

One test per assertion of tests/corpus/realism/assertions.yaml. An assertion marked
``xfail_until: <lane>`` does not hold on main yet; it is xfail(strict=True), so when the lane's
feature lands the test XPASSes, fails the run, and the mark is removed from the YAML.
"""

from __future__ import annotations

import math
import operator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus" / "realism"
SEED = 15
TODAY = "2024-06-30"

_OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def _load() -> dict[str, Any]:
    with (CORPUS / "assertions.yaml").open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


CONFIG = _load()


def _params() -> list[Any]:
    params = []
    for a in CONFIG["assertions"]:
        marks = []
        if a.get("xfail_until"):
            marks.append(
                pytest.mark.xfail(
                    strict=True, reason=f"until {a['xfail_until']}: {a['description']}"
                )
            )
        params.append(pytest.param(a, id=a["id"], marks=marks))
    return params


def test_assertions_are_well_formed() -> None:
    ids = [a["id"] for a in CONFIG["assertions"]]
    assert len(ids) == len(set(ids)), "assertion ids must be unique"
    for a in CONFIG["assertions"]:
        assert a["schema"] in CONFIG["schemas"], a["id"]
        assert a["description"].startswith("item "), a["id"]
        _check(a["expect"], 1)  # the condition parses


@pytest.fixture(scope="module")
def experiments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each schema imported and generated once for the module, lazily on first use."""
    ws = Workspace(tmp_path_factory.mktemp("realism"))

    class Lazy(dict):  # type: ignore[type-arg]
        def __missing__(self, name: str) -> Any:
            conf = CONFIG["schemas"][name]
            ddl = (CORPUS / conf["file"]).read_text(encoding="utf-8")
            exp = ws.import_sql(ddl, dialect=conf["dialect"], name=name)
            exp.generate(rows=conf.get("rows"), seed=SEED, today=TODAY, columns=conf.get("columns"))
            self[name] = exp
            return exp

    return Lazy()


def _check(expect: Any, value: Any) -> bool:
    """``expect`` is ``true`` (the value is true) or ``"<op> <number>"``."""
    if expect is True:
        return bool(value) is True
    op, _, number = str(expect).strip().partition(" ")
    if op not in _OPS or not number:
        raise ValueError(f"expect {expect!r}: write true or '<op> <number>', e.g. '>= 0.9'")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(_OPS[op](float(value), float(number)))


@pytest.mark.parametrize("assertion", _params())
def test_realism_assertion(assertion: dict[str, Any], experiments: dict[str, Any]) -> None:
    exp = experiments[assertion["schema"]]
    df = exp.query(assertion["sql"])
    assert df.shape[0] == 1 and df.shape[1] >= 1, f"{assertion['id']}: one row expected"
    value = df.iloc[0, 0]
    if hasattr(value, "item"):
        value = value.item()
    assert _check(assertion["expect"], value), (
        f"{assertion['id']} ({assertion['description']}): got {value!r}, "
        f"expected {assertion['expect']}"
    )
