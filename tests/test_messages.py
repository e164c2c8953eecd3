"""Messages that fit the mistake: --help with examples on every command, query-error hints by
kind (unknown name with the closest one, syntax, missing function, unsupported construct), and
"did you mean" for experiment, table and column names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.cli_help import EXAMPLES
from dwsim_nb.errors import GenerationError, NotFoundError, QueryError, SpecError, did_you_mean
from dwsim_nb.warehouses.hints import query_hint
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id int primary key, email varchar(100), city varchar(40));
create table orders (order_id int primary key,
                     customer_id int references customers(customer_id), amount decimal(8,2));
"""


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("msg"))
    e = ws.import_sql(DDL, name="shop", dialect="postgres")
    e.generate(rows={"customers": 20, "orders": 40}, seed=1)
    return e


def test_every_command_help_has_examples_that_name_the_command() -> None:
    runner = CliRunner()
    assert set(main.commands) <= set(EXAMPLES), set(main.commands) - set(EXAMPLES)
    for name in main.commands:
        out = runner.invoke(main, [name, "--help"]).output
        assert "Examples:" in out, name
        examples = out.split("Examples:", 1)[1]
        assert f"dwsim {name}" in examples, name
    assert "Examples:" in runner.invoke(main, ["--help"]).output


@pytest.mark.parametrize(
    ("sql", "expected", "absent"),
    [
        ("select * from custmers", "did you mean 'customers'?", "syntax"),
        ("select emial from customers", "did you mean 'email'?", "syntax"),
        ("select c.cty from customers c", "did you mean 'city'?", "syntax"),
        ("select no_such_fn(amount) from orders", "no function no_such_fn()", "did you mean"),
    ],
)
def test_query_hints_follow_the_engines_error(
    exp: Any, sql: str, expected: str, absent: str
) -> None:
    with pytest.raises(QueryError) as info:
        exp.query(sql)
    assert expected in (info.value.hint or ""), info.value
    assert absent not in (info.value.hint or "")


def test_hint_classes_on_engine_texts() -> None:
    # The wording of PostgreSQL, SQLite and DuckDB for each kind of mistake.
    cases = {
        'relation "ordrs" does not exist': ("did you mean 'orders'?", "table names"),
        'column "amout" does not exist': ("did you mean 'amount'?", "column names"),
        "no such table: ordrs": ("did you mean 'orders'?", "table names"),
        "no such column: amout": ("did you mean 'amount'?", "column names"),
        "function median(integer) does not exist": ("no function median()", ""),
        "no such function: listagg": ("no function listagg()", ""),
        'syntax error at or near "form"': ("syntax", ""),
        "Not implemented Error: recursive CTE with window": ("does not support this construct", ""),
    }
    from dwsim_nb.ddl import import_sql

    spec = import_sql(DDL, dialect="postgres", name="shop")
    for text, (first, second) in cases.items():
        hint = query_hint(text, spec, "the engine")
        assert first in hint and second in hint, (text, hint)
    # An unknown name with nothing close gets no guess.
    assert "did you mean" not in query_hint('relation "zzz" does not exist', spec)


def test_did_you_mean_for_experiment_table_and_override_names(exp: Any) -> None:
    ws = exp.workspace
    with pytest.raises(NotFoundError, match="did you mean 'shop'"):
        ws.experiment("shoop")
    with pytest.raises(QueryError, match="did you mean 'orders'"):
        exp.read_table("order")
    with pytest.raises(GenerationError, match="did you mean 'customers'"):
        exp.generate(rows={"customer": 5})
    with pytest.raises(SpecError, match="did you mean 'amount'"):
        exp.generate(columns={"orders": {"amont": {"values": [1]}}})
    assert did_you_mean("zzzz", ["orders"]) == ""


def test_cli_prints_the_suggestion_without_a_traceback(exp: Any) -> None:
    home = str(Path(exp.workspace.home))
    r = CliRunner().invoke(main, ["--home", home, "query", "shop", "select * from custmers"])
    assert r.exit_code == 1 and "did you mean 'customers'?" in r.output
    assert "Traceback" not in r.output


def test_an_engines_limits_are_named_only_for_what_it_lacks(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, name="lite", dialect="ansi", warehouse="sqlite")
    exp.generate(rows={"customers": 3, "orders": 3}, seed=1)
    with pytest.raises(QueryError) as name_error:
        exp.query("select * from custmers")
    assert "did you mean 'customers'?" in str(name_error.value)
    assert "SQLite lacks" not in str(name_error.value)
    with pytest.raises(QueryError) as fn_error:
        exp.query("select no_such_fn(amount) from orders")
    assert "no function no_such_fn()" in str(fn_error.value)
    assert "SQLite lacks" in str(fn_error.value)
