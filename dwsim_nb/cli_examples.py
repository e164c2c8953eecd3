"""``dwsim example`` and ``dwsim demo``: the shipped DDL examples and the first thing to run.

Registered on the ``dwsim`` group by :mod:`dwsim_nb.cli` (kept apart, as cli.py is full). The
demo keeps its experiment in the workspace and ends with commands to try on it.
"""

from __future__ import annotations

import shlex

import click
from click.core import ParameterSource

# Seeds are stored as SQLite integers in the catalog (as in cli.py).
SEED = click.IntRange(-(2**63), 2**63 - 1)


@click.command("example")
@click.argument("name", required=False)
@click.option("--path", "as_path", is_flag=True, help="Print the file's path instead of its DDL.")
def example_cmd(name: str | None, as_path: bool) -> None:
    """List the DDL examples shipped with dwsim, or print example NAME's DDL."""
    from dwsim_nb.demo import example, examples

    if name is None:
        from dwsim_nb.terminal import say

        found = examples()
        width = max(len(ex.name) for ex in found)
        for ex in found:
            say("  ", (ex.name.ljust(width), "bold"), f"  {ex.dialect:<9}  {ex.summary}")
        say(
            "print one with `dwsim example NAME > NAME.sql`, then import it with "
            "`dwsim import-sql NAME.sql --name NAME --dialect DIALECT`"
        )
        return
    ex = example(name)
    click.echo(str(ex.path) if as_path else ex.text(), nl=as_path)


def _home_args(ctx: click.Context) -> str:
    """``--home H `` when the workspace was given with --home, so the next commands find it."""
    root = ctx.find_root()
    if root.get_parameter_source("home") != ParameterSource.COMMANDLINE:
        return ""
    home = (ctx.find_object(dict) or {}).get("home")
    return f"--home {shlex.quote(str(home))} " if home else ""


@click.command("demo")
@click.option("--seed", type=SEED, default=42, show_default=True)
@click.pass_context
def demo_cmd(ctx: click.Context, seed: int) -> None:
    """Import a TICKIT Redshift schema, generate and load it, run two Redshift queries.

    The experiment (tickit_demo) stays in the workspace, ready for the commands printed last."""
    from dwsim_nb.demo import DEMO_NAME, EXAMPLE_DDL, run_demo
    from dwsim_nb.terminal import RichProgress, console, df_table, report_run, say
    from dwsim_nb.workspace import Workspace

    ws = Workspace((ctx.find_object(dict) or {}).get("home"))
    out = console()
    say(f"importing {EXAMPLE_DDL.name} (Redshift DDL) as {DEMO_NAME} in ", ws.home)
    with RichProgress(out) as progress:
        result = run_demo(ws, seed=seed, progress=progress)
    report_run(out, result.run, "generated and loaded into duckdb")
    for title, df in result.results.items():
        out.print(df_table(df, title=title))
    dwsim = "dwsim " + _home_args(ctx)
    query = "select catname, count(*) as events from event join category using (catid) group by 1"
    say(f"{DEMO_NAME} stays in the workspace; next, try:")
    for line in (
        f'{dwsim}query {DEMO_NAME} "{query} order by 2 desc limit 5"',
        f"{dwsim}show {DEMO_NAME} --why",
        f"{dwsim}generate {DEMO_NAME} --scale 10 --seed 7",
    ):
        click.echo("  " + line)  # unwrapped, so it can be copied as it is


def register(group: click.Group) -> None:
    """Add the example commands to the ``dwsim`` group."""
    group.add_command(example_cmd)
    group.add_command(demo_cmd)
