"""Names never become code: a table name, a physical option or a comment that looks like SQL (or
Python, or a glob) stays data in every statement, notebook and path the package writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dwsim_nb as dw

VICTIM_KILLER = 'victim;TRUNCATE"victim";select(1)'


def victim_spec(warehouse: str, name: str = "e") -> dict[str, Any]:
    return {
        "name": name,
        "target_warehouse": warehouse,
        "tables": [
            {"name": "victim", "target_rows": 5, "columns": [{"name": "a", "data_type": "INT"}]},
            {
                "name": VICTIM_KILLER,
                "target_rows": 3,
                "columns": [{"name": "b", "data_type": "INT"}],
            },
        ],
    }


def _read_hostile_table(exp: Any) -> None:
    exp.generate(seed=1, workers=1)
    df = exp.read_table(VICTIM_KILLER, limit=100)
    assert list(df.columns) == ["b"] and len(df) == 3
    assert len(exp.read_table(VICTIM_KILLER, limit=2)) == 2
    assert exp.table_counts() == {"victim": 5, VICTIM_KILLER: 3}


# --- reading a table by name (%dwsim_profile) ----------------------------------------------------


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite", "snowflake"])
def test_read_table_quotes_the_name(home: Path, warehouse: str) -> None:
    if warehouse == "snowflake":
        pytest.importorskip("fakesnow")
    exp = dw.Workspace(home).create(victim_spec(warehouse))
    _read_hostile_table(exp)


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
def test_read_table_quotes_the_name_on_postgres(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, warehouse: str
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", postgres_url)
    exp = dw.Workspace(home).create(victim_spec(warehouse))
    _read_hostile_table(exp)


def test_read_table_names_the_tables_it_knows(home: Path) -> None:
    exp = dw.Workspace(home).create(victim_spec("duckdb"))
    with pytest.raises(dw.DwsimError, match="no table 'nosuch'") as err:
        exp.read_table("nosuch")
    assert "victim" in str(err.value)


def test_profile_magic_reads_a_hostile_table_as_data(ip: Any, home: Path) -> None:
    from IPython.utils.capture import capture_output

    exp = dw.Workspace(home).create(victim_spec("duckdb"))
    exp.generate(seed=1, workers=1)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_profile", f"e {VICTIM_KILLER}")
    assert any("image/png" in o.data for o in cap.outputs), cap.stderr
    assert exp.table_counts() == {"victim": 5, VICTIM_KILLER: 3}


def test_inferring_from_a_database_keeps_colons_in_names(tmp_path: Path) -> None:
    """SQLAlchemy's text() reads ``:name`` as a bind parameter, even inside a quoted name."""
    import sqlite3

    from dwsim_nb.infer.sources import read_source

    db = tmp_path / "src.db"
    with sqlite3.connect(db) as con:
        con.execute('create table ":b" (":c" int)')
        con.executemany('insert into ":b" values (?)', [(1,), (2,), (2,)])
    for rows in (100, 1):  # read whole, then sampled (keys checked in the database)
        data = read_source(f"sqlite:///{db}", sample_rows=rows)
        (table,) = data.tables
        assert table.name == ":b" and table.data.num_rows == min(rows, 3)
    keys, count = table.all_rows([":c"])
    assert count == 3 and sorted(keys.column(":c").to_pylist()) == [1, 2]
    if data.close:
        data.close()


# --- a bundle's notebook -------------------------------------------------------------------------

# Each name once broke out of the SQL, the glob or the Markdown the notebook was built from.
NOTEBOOK_NAMES = {
    'x" as select 1; copy (select 42) to $$pwned.csv$$; create view "y': 2,
    "b": 3,
    "*": 4,
    "[b]": 5,
    "# <b>*m*<b> `c` | d": 6,
}


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_bundle_notebook_keeps_hostile_names_as_data(home: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    tables = [
        {"name": name, "target_rows": rows, "columns": [{"name": "v", "data_type": "INT"}]}
        for name, rows in NOTEBOOK_NAMES.items()
    ]
    exp = dw.Workspace(home).create({"name": "nb", "target_warehouse": "duckdb", "tables": tables})
    exp.generate(seed=1, workers=1)
    bundle = exp.export_bundle(tmp_path / "bundle")
    before = _files(bundle)
    nb = json.loads((bundle / "regenerate.ipynb").read_text())
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    code += (
        "\n\nimport json\n"
        "q = lambda n: 'select count(*) from \"' + n.replace('\"', '\"\"') + '\"'\n"
        "print(json.dumps({n: con.execute(q(n)).fetchone()[0] for n in manifest.tables}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=bundle, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == NOTEBOOK_NAMES
    stray = {f for f in _files(bundle) - before if f != "data" and not f.startswith("data/")}
    assert stray == set()
    assert not list(tmp_path.rglob("pwned*"))
    title = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert title == "# Regenerate nb"
    readme = (bundle / "README.md").read_text()
    assert "| \\# \\<b\\>\\*m\\*\\<b\\> \\`c\\` \\| d | 6 |" in readme


# --- DuckDB reads Parquet by exact paths ---------------------------------------------------------


def test_literal_glob_matches_only_the_path() -> None:
    from dwsim_nb.warehouses.duckdb import literal_glob

    assert literal_glob("/w/runs/e/run_1/b/part-0.parquet") == "/w/runs/e/run_1/b/part-0.parquet"
    assert literal_glob("/r/*/[a]/b?/p.parquet") == "/r/[*]/[[]a]/b[?]/p.parquet"


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite"])
def test_tables_named_like_globs_load_their_own_rows(home: Path, warehouse: str) -> None:
    rows = {"b": 3, "*": 4, "[b]": 5, "[a]": 6, "a": 7, "b?": 8, "**": 9}
    tables = [
        {"name": name, "target_rows": n, "columns": [{"name": "v", "data_type": "INT"}]}
        for name, n in rows.items()
    ]
    exp = dw.Workspace(home).create({"name": "g", "target_warehouse": warehouse, "tables": tables})
    exp.generate(seed=1, workers=1)
    assert exp.table_counts() == rows
    assert len(exp.read_table("*")) == 4
