"""Examples that run as written (`dwsim example`, the demo keeps its experiment and says what to
try next), row counts for big schemas (--rows a=1,b=2, --rows-file, --scale), and the views that
keep a big schema readable (collapsed sections, one header line, a picture per column kind)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.demo import DEMO_NAME, Example, example, examples
from dwsim_nb.display.profile import column_kind
from dwsim_nb.display.runs_view import experiment_html
from dwsim_nb.display.spec_view import spec_html
from dwsim_nb.errors import NotFoundError
from dwsim_nb.workspace import Workspace


def cli(home: Path, *args: str) -> str:
    r = CliRunner().invoke(main, ["--home", str(home), *args])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("ex", examples(), ids=lambda e: e.name)
def test_each_shipped_example_imports_generates_and_joins(tmp_path: Path, ex: Example) -> None:
    ddl = cli(tmp_path, "example", ex.name)
    (tmp_path / "x.sql").write_text(ddl)
    cli(tmp_path, "import-sql", str(tmp_path / "x.sql"), "--name", "x", "--dialect", ex.dialect)
    exp = Workspace(tmp_path).experiment("x")
    run = exp.generate(seed=3)
    assert run.status == "COMPLETED"
    # every foreign key joins: no orphan child rows
    for t in exp.spec.tables:
        for fk in t.foreign_keys:
            c, p = fk.columns[0], fk.references_columns[0]
            orphans = exp.query(
                f'select count(*) as n from "{t.name}" c where c."{c}" is not null and not exists '
                f'(select 1 from "{fk.references_table}" p where p."{p}" = c."{c}")'
            )
            assert int(orphans.iloc[0, 0]) == 0, (t.name, c)


def test_example_lists_prints_and_suggests(tmp_path: Path) -> None:
    listing = cli(tmp_path, "example")
    assert {"tickit", "ecommerce", "saas"} <= {ex.name for ex in examples()}
    for ex in examples():
        assert ex.name in listing and ex.dialect in listing
    assert cli(tmp_path, "example", "tickit") == example("tickit_redshift").text()
    assert cli(tmp_path, "example", "tickit", "--path").strip().endswith("tickit_redshift.sql")
    with pytest.raises(NotFoundError, match="did you mean 'tickit'"):
        example("tikit")


@pytest.mark.slow
def test_demo_keeps_its_experiment_and_its_next_commands_run(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    out = cli(home, "demo")
    assert [e.name for e in Workspace(home).experiments()] == [DEMO_NAME]
    tail = out.split("next, try:", 1)[1].strip().splitlines()
    assert len(tail) == 3
    for line in tail[:2]:  # the query and show --why (the third generates 10x: slow)
        args = shlex.split(line)
        assert args[0] == "dwsim"
        r = CliRunner().invoke(main, args[1:])
        assert r.exit_code == 0, (line, r.output)
    # The top buyers read as people: a first and last name, a city, tickets and money.
    buyers = (
        Workspace(home)
        .experiment(DEMO_NAME)
        .query("select firstname || ' ' || lastname as buyer from users limit 20")
    )
    assert all(len(b.split()) >= 2 for b in buyers["buyer"])


def test_rows_in_one_flag_from_a_file_and_scaled(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.import_sql(example("tickit").text(), name="t", dialect="redshift")
    target = {t.name: t.target_rows for t in ws.experiment("t").spec.tables}

    def rows_of_last_run() -> dict[str, int]:
        runs = json.loads(cli(tmp_path, "runs", "t", "--json"))
        return runs[-1]["rows"]

    cli(tmp_path, "generate", "t", "--rows", "users=30,sales=40", "--rows", "venue=7")
    rows = rows_of_last_run()
    assert (rows["users"], rows["sales"], rows["venue"]) == (30, 40, 7)
    (tmp_path / "rows.yaml").write_text("users: 11\nlisting: 1_2\n")
    cli(tmp_path, "generate", "t", "--rows-file", str(tmp_path / "rows.yaml"), "-r", "users=9")
    rows = rows_of_last_run()
    assert (rows["users"], rows["listing"]) == (9, 12)  # --rows beats the file
    cli(tmp_path, "generate", "t", "--scale", "0.01", "--rows", "sales=5")
    rows = rows_of_last_run()
    assert rows["sales"] == 5
    spec = ws.experiment("t").spec
    for name, n in target.items():
        if name == "sales":
            continue
        # A list table (one row per listed value, TICKIT's categories) keeps its size.
        listed = any(
            c.rule is not None and c.rule.kind == "values" and len(c.rule.values) == n  # type: ignore[union-attr]
            for c in spec.table(name).columns
        )
        assert rows[name] == (n if listed else max(1, round(n * 0.01))), name
    assert rows["category"] == target["category"] > 1
    bad = CliRunner().invoke(main, ["--home", str(tmp_path), "generate", "t", "--rows", "users"])
    assert bad.exit_code == 2 and "TABLE=COUNT" in bad.output


def big_spec_ddl(n: int) -> str:
    return "\n".join(
        f"create table t{i} (id int primary key, name varchar(20)"
        + (f", t{i - 1}_id int references t{i - 1}(id)" if i else "")
        + ");"
        for i in range(n)
    )


def test_big_schemas_start_collapsed_and_the_header_is_said_once(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    small = ws.import_sql(big_spec_ddl(3), name="small")
    big = ws.import_sql(big_spec_ddl(12), name="big")
    assert spec_html(small.spec).count('<details class="dwsim-table-details" open>') == 3
    html = spec_html(big.spec)
    assert html.count('<details class="dwsim-table-details">') == 12
    assert 'class="dwsim-table-details" open' not in html
    page = experiment_html(big)
    assert page.count("dialect <b>") == 1 and page.count("warehouse <b>") == 1


def test_profile_picks_a_picture_per_column_kind() -> None:
    n = 400
    df = pd.DataFrame(
        {
            "amount": [i * 1.5 for i in range(n)],
            "status": ["placed", "shipped", "returned", "paid"] * (n // 4),
            "comment": [f"free text number {i} with words" for i in range(n)],
            "day": pd.date_range("2024-01-01", periods=n).date,
            "flag": [True, False] * (n // 2),
            "rating": [1, 2, 3, 4, 5] * (n // 5),
        }
    )
    kinds = {c: column_kind(df[c]) for c in df.columns}
    assert kinds == {
        "amount": "numbers",
        "status": "top",
        "comment": "lengths",
        "day": "dates",
        "flag": "top",
        "rating": "top",
    }
    # Many distinct values where a few dominate still read as top values.
    skewed = pd.Series(["a"] * 300 + [f"x{i}" for i in range(100)])
    assert column_kind(skewed) == "top"
