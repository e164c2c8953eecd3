"""``dwsim erd NAME``: an experiment's entity-relationship diagram as SVG (or an HTML page with
zoom), registered on the ``dwsim`` group by :mod:`dwsim_nb.cli`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("erd")
@click.argument("name")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (.svg, or .html for a page with zoom) instead of printing the SVG.",
)
@click.option("--html", "as_html", is_flag=True, help="Print the HTML page instead of the SVG.")
@click.pass_context
def erd_cmd(ctx: click.Context, name: str, output: Path | None, as_html: bool) -> None:
    """Draw the entity-relationship diagram of experiment NAME: tables, keys, foreign keys."""
    from dwsim_nb.workspace import Workspace

    erd = Workspace((ctx.find_object(dict) or {}).get("home")).experiment(name).erd()
    if output is not None:
        if as_html and output.suffix.lower() not in (".html", ".htm"):
            output = output.with_suffix(".html")
        from dwsim_nb.terminal import say

        say("wrote ", erd.save(output))
        return
    if as_html:
        from dwsim_nb.display.erd import erd_html

        click.echo(erd_html(erd.spec, erd.svg, 10_000))
        return
    click.echo(erd.svg)


def register(group: click.Group) -> None:
    """Add ``erd`` to the ``dwsim`` group."""
    group.add_command(erd_cmd)
