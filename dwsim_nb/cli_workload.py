"""``dwsim workload`` and ``dwsim coverage``, and ``import-sql --workload``: the workload's
commands, registered on the ``dwsim`` group by :mod:`dwsim_nb.cli` (kept apart, as cli.py is
full). Thin like every shell: each command calls the facade and prints what it returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.workspace import Workspace

_PATHS = click.Path(exists=True, path_type=Path)


def workload_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--workload PATH`` (repeatable) for ``import-sql``."""
    return click.option(
        "--workload",
        multiple=True,
        type=_PATHS,
        metavar="PATH",
        help="Queries the data should answer: a .sql file or a folder of them (repeatable).",
    )(command)


def with_workload(spec: ExperimentSpec, paths: tuple[Path, ...]) -> ExperimentSpec:
    """``spec`` with the queries of ``paths`` and the rules they need (as is without paths)."""
    if not paths:
        return spec
    from dwsim_nb.workspace import fit_workload

    return fit_workload(spec, list(paths))


def _workspace(ctx: click.Context) -> Workspace:
    from dwsim_nb.workspace import Workspace

    return Workspace((ctx.find_object(dict) or {}).get("home"))


@click.command("workload")
@click.argument("name")
@click.argument("paths", nargs=-1, type=_PATHS)
@click.option("--add", is_flag=True, help="Add to the queries already there.")
@click.option(
    "--selectivity",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Share of rows each predicate selects (default: 5-30%, by query).",
)
@click.option(
    "--targets",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="YAML mapping of query name to target ('q18: rows >= 10', 'q3: share >= 0.2').",
)
@click.option(
    "--suggestions", is_flag=True, help="List the relationships the joins suggest (no key)."
)
@click.option("--accept", multiple=True, metavar="T.C", help="Accept a suggested relationship.")
@click.option("--reject", multiple=True, metavar="T.C", help="Reject a suggested relationship.")
@click.option("--json", "as_json", is_flag=True, help="Print the queries as JSON.")
@click.pass_context
def workload_cmd(
    ctx: click.Context,
    name: str,
    paths: tuple[Path, ...],
    add: bool,
    selectivity: float | None,
    targets: Path | None,
    suggestions: bool,
    accept: tuple[str, ...],
    reject: tuple[str, ...],
    as_json: bool,
) -> None:
    """Set the workload of NAME to the queries in PATHS (.sql files or folders), or list it.

    The spec is fitted at once, so the next `dwsim generate` makes data the queries find.
    Joins on columns without a foreign key are suggested relationships (--suggestions):
    accepted by default on key-like columns; --accept / --reject table.column decide."""
    exp = _workspace(ctx).experiment(name)
    if paths or targets is not None:
        options: dict[str, Any] = {} if selectivity is None else {"selectivity": selectivity}
        if targets is not None:
            options["targets"] = targets
        if paths:
            verb = exp.add_workload if add else exp.set_workload
            verb(list(paths), **options)
        else:
            exp.add_workload([], **options)
    for which in accept:
        exp.accept_suggestion(which)
    for which in reject:
        exp.reject_suggestion(which)
    if suggestions or accept or reject:
        _print_suggestions(exp, name, as_json)
        return
    queries = exp.workload
    if as_json:
        click.echo(json.dumps([q.model_dump() for q in queries], indent=2))
        return
    from dwsim_nb.terminal import say

    say(f"{len(queries)} workload queries in ", name)
    for q in queries:
        first = " ".join(q.sql.split())
        say("  ", (q.name, "bold"), "  ", first[:70] + ("..." if len(first) > 70 else ""))


def _print_suggestions(exp: Any, name: str, as_json: bool) -> None:
    frame = exp.suggestions()
    if as_json:
        click.echo(json.dumps(frame.to_dict(orient="records"), indent=2, default=str))
        return
    from dwsim_nb.terminal import console, df_table

    console().print(df_table(frame, title=f"suggested relationships of {name}"))


@click.command("coverage")
@click.argument("name")
@click.option("--run", "run_id", type=int, help="Run to measure (default: the loaded one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def coverage_cmd(ctx: click.Context, name: str, run_id: int | None, as_json: bool) -> None:
    """Count the rows each workload query of NAME returns on its data: ok, empty or error,
    and for each empty query the predicate that removed its rows."""
    frame = _workspace(ctx).experiment(name).coverage(run_id=run_id)
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        click.echo(json.dumps(records, indent=2, default=str))
        return
    from dwsim_nb.terminal import console, df_table

    shown = frame.assign(explanation=frame["explanation"].fillna(""))  # blank when not empty
    console().print(df_table(shown, title=f"coverage of {name}"))


def register(group: click.Group) -> None:
    """Add the workload's commands to the ``dwsim`` group."""
    group.add_command(workload_cmd)
    group.add_command(coverage_cmd)
