"""The house's shape: the import contracts in pyproject.toml, no import circle, no long file.

See docs/ARCHITECTURE.md. Every import counts, also those inside functions and under
``TYPE_CHECKING``: a lazy import is still a dependency, and a circle of them is a knot the next
change has to untie.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dwsim_nb"
MAX_LINES = 500


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package by its __init__)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in the file.

    ``from a.b import c`` imports ``a.b`` and, when it is a module, ``a.b.c``; a relative import is
    resolved against the importing module's package.
    """
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            graph[name].update(t for t in targets if t in mods and t != name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def test_circle_finder_sees_lazy_and_relative_imports() -> None:
    graph = {"p": {"p.a"}, "p.a": {"p.b"}, "p.b": {"p.a"}, "p.c": set()}
    assert circles(graph) == [["p.a", "p.b"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    found = circles(import_graph())
    assert not found, "import circles (every import counts, also inside functions):\n" + "\n".join(
        f"  {len(c)} modules that import each other: {', '.join(c)}" for c in found
    )


def test_no_file_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"files over {MAX_LINES} lines (split them by concern): {long}"


def test_import_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    """pyproject.toml's [tool.importlinter] contracts: layers, and shells through the facade."""
    if str(ROOT) not in sys.path:  # the linter imports nothing, but finds the package on the path
        sys.path.insert(0, str(ROOT))
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report


def test_facade_offers_what_the_shells_took_from_the_core() -> None:
    """The shells call these instead of ddl, infer, compare, engine and warehouses."""
    import pandas as pd

    import dwsim_nb as dw
    from dwsim_nb import workspace
    from dwsim_nb.compare import translate
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.experiment import Experiment
    from dwsim_nb.infer import infer_spec

    ddl = "create table users (id int primary key, name varchar(20))"
    assert (
        workspace.import_sql(ddl, dialect="redshift", name="x").to_json()
        == import_sql(ddl, dialect="redshift", name="x").to_json()
    )
    frame = pd.DataFrame({"id": [1, 2, 3], "city": ["a", "b", "a"]})
    assert workspace.infer_spec(frame, name="y").to_json() == infer_spec(frame, name="y").to_json()
    sql = "select top 3 * from users"
    assert workspace.translate(sql, "redshift", "snowflake").text == (
        translate(sql, "redshift", "snowflake").text
    )
    assert workspace.scheduler_address("127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert workspace.scheduler_address("  ") is None
    assert {"duckdb", "sqlite"} <= set(workspace.warehouse_names())
    assert workspace.Experiment is Experiment is dw.Experiment
    assert dw.Workspace is workspace.Workspace
