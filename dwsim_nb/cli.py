"""``dwsim``: the command line, a thin shell over :class:`dwsim_nb.workspace.Workspace`.

Exit codes: 0 success, 1 a dwsim error (one paragraph on stderr, no traceback), 2 a usage error,
3 an internal error (one paragraph naming the command; ``DWSIM_DEBUG=1`` shows the traceback),
130 interrupted. Heavy modules (duckdb, pandas, sqlglot) load inside the commands that need
them, so ``dwsim --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dwsim_nb.cli_erd import register as register_erd
from dwsim_nb.cli_examples import register as register_examples
from dwsim_nb.cli_help import add_examples
from dwsim_nb.cli_rows import rows_options, scaled_rows
from dwsim_nb.cli_ui import register as register_ui
from dwsim_nb.cli_workload import register, with_workload, workload_option
from dwsim_nb.dialects import DIALECT_NAMES
from dwsim_nb.version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from dwsim_nb.workspace import Workspace

# Other spellings (postgresql, pg, generic ...) are accepted too; an unknown name is a DwsimError.
DIALECTS = list(DIALECT_NAMES)


# Seeds are stored as SQLite integers in the catalog.
SEED = click.IntRange(-(2**63), 2**63 - 1)


def _console(stderr: bool = False) -> Console:
    from dwsim_nb.terminal import console

    return console(stderr)


def _say(*parts: Any) -> None:
    from dwsim_nb.terminal import say

    say(*parts)


class DwsimGroup(click.Group):
    """The one error path: a DwsimError anywhere in a command becomes one paragraph and exit
    code 1; any other exception one "internal error" paragraph and exit code 3."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except KeyboardInterrupt:
            _console(stderr=True).print("interrupted")
            sys.exit(130)
        except Exception as e:
            from dwsim_nb.terminal import report_error

            sys.exit(report_error(e, " ".join(filter(None, ["dwsim", ctx.invoked_subcommand]))))


def _workspace(ctx: click.Context) -> Workspace:
    from dwsim_nb.workspace import Workspace

    obj = ctx.find_object(dict) or {}
    return Workspace(obj.get("home"))


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@click.group(cls=DwsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DWSIM_HOME",
    help="Workspace folder (default: $DWSIM_HOME, else ./.dwsim).",
)
@click.version_option(__version__, prog_name="dwsim")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """dwsim: a data warehouse simulator. Warehouse DDL in, realistic data loaded, queried in
    the warehouse's own SQL."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


@main.command("import-sql")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", "-n", required=True, help="Name of the experiment.")
@click.option(
    "--dialect",
    "-d",
    default="ansi",
    show_default=True,
    help=f"SQL dialect of the DDL: {', '.join(DIALECTS)}.",
)
@click.option(
    "--warehouse",
    "-w",
    default="duckdb",
    show_default=True,
    help="Where the data goes (duckdb, sqlite, ...).",
)
@click.option("--dry-run", is_flag=True, help="Show the interpreted spec; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the spec as JSON.")
@click.option("--strict", is_flag=True, help="Fail on statements that cannot be read.")
@click.option(
    "--encoding", default="utf-8", show_default=True, help="Text encoding of FILE (e.g. latin-1)."
)
@workload_option
@click.pass_context
def import_sql_cmd(
    ctx: click.Context,
    file: Path,
    name: str,
    dialect: str,
    warehouse: str,
    dry_run: bool,
    as_json: bool,
    strict: bool,
    encoding: str,
    workload: tuple[Path, ...],
) -> None:
    """Create an experiment from CREATE TABLE statements in FILE."""
    from dwsim_nb.limits import MAX_SQL_BYTES, read_text
    from dwsim_nb.workspace import import_sql

    ddl = read_text(file, what="DDL file", limit=MAX_SQL_BYTES, encoding=encoding)
    options: dict[str, Any] = {"name": name, "strict": strict, "target_warehouse": warehouse}
    spec = import_sql(ddl, dialect=dialect.lower(), source=str(file), **options)
    spec = with_workload(spec, workload)
    if dry_run:
        click.echo(spec.to_json() if as_json else spec.to_yaml())
        return
    _report_created(_workspace(ctx).create(spec), as_json)


def _report_created(exp: Any, as_json: bool) -> None:
    if as_json:
        click.echo(exp.spec.to_json())
        return
    from dwsim_nb.terminal import report_created

    report_created(_console(), exp)


@main.command("create")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the stored spec as JSON.")
@click.option("--strict", is_flag=True, help="Refuse fields the spec format does not know.")
@click.pass_context
def create_cmd(ctx: click.Context, spec: Path, as_json: bool, strict: bool) -> None:
    """Create an experiment from a JSON or YAML spec file (unknown fields: a warning)."""
    exp = _workspace(ctx).create(spec, strict=strict)
    _report_created(exp, as_json)


@main.command("generate")
@click.argument("name")
@rows_options
@click.option("--seed", "-s", type=SEED, help="Seed (64-bit); the same seed gives the same data.")
@click.option("--workers", "-k", type=click.IntRange(min=1), help="Worker processes.")
@click.option("--no-load", is_flag=True, help="Only write the run's Parquet files.")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run the blocks on the Dask cluster at ADDRESS (tcp://HOST:8786); its workers must "
    "see the workspace folder.",
)
@click.option(
    "--overrides",
    "--columns",
    "overrides_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML/JSON of rows and rule overrides, as in a %%dwsim_generate cell.",
)
@click.pass_context
def generate_cmd(
    ctx: click.Context,
    name: str,
    rows: dict[str, int] | None,
    scale: float | None,
    seed: int | None,
    workers: int | None,
    no_load: bool,
    dask_address: str | None,
    overrides_file: Path | None,
) -> None:
    """Generate data for experiment NAME and load it into its warehouse."""
    from dwsim_nb.spec.overrides import overrides_file_rows
    from dwsim_nb.terminal import RichProgress, report_run

    exp = _workspace(ctx).experiment(name)
    rows = scaled_rows(exp.spec, rows, scale)
    if overrides_file is not None:
        rows = overrides_file_rows(overrides_file, exp, rows)
    console = _console()
    with RichProgress(console, tables=len(exp.spec.tables)) as progress:
        # A scheduler address as client= selects the Dask executor, which opens the client for
        # this run and closes it after: the notebook's --dask goes through the same path.
        run = exp.generate(
            rows=rows,
            seed=seed,
            workers=workers,
            load=not no_load,
            progress=progress,
            client=dask_address,
        )
    report_run(console, run, "generated" + ("" if no_load else " and loaded"))


@main.command("load")
@click.argument("name")
@click.option("--run", "run_id", type=int, help="Run to load (default: the latest completed).")
@click.pass_context
def load_cmd(ctx: click.Context, name: str, run_id: int | None) -> None:
    """Load a completed run of NAME into its warehouse (replacing the data there)."""
    from dwsim_nb.terminal import RichProgress, report_run

    exp = _workspace(ctx).experiment(name)
    console = _console()
    with RichProgress(console, tables=len(exp.spec.tables)) as progress:
        run = exp.load(run_id=run_id, progress=progress)
    report_run(console, run, "loaded")


@main.command("reset")
@click.argument("name")
@click.pass_context
def reset_cmd(ctx: click.Context, name: str) -> None:
    """Empty every table of NAME (the tables stay)."""
    _workspace(ctx).experiment(name).reset()
    _say("emptied the tables of ", name)


@main.command("delete")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete_cmd(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete experiment NAME: its tables, runs and catalog entries."""
    ws = _workspace(ctx)
    ws.experiment(name)  # a NotFoundError before asking
    if not yes:
        from dwsim_nb.terminal import plain

        click.confirm(
            f"delete experiment {plain(name).plain}, its tables and run files?", abort=True
        )
    ws.delete(name)
    _say("deleted ", name)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the workspace's experiments."""
    experiments = _workspace(ctx).experiments()
    if as_json:
        _echo_json([{k: v for k, v in e.to_dict().items() if k != "spec"} for e in experiments])
        return
    if not experiments:
        click.echo("no experiments yet; try `dwsim demo` or `dwsim import-sql`")
        return
    from dwsim_nb.terminal import experiments_table

    _console().print(experiments_table(experiments))


@main.command("runs")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with tracebacks).")
@click.pass_context
def runs_cmd(ctx: click.Context, name: str, as_json: bool) -> None:
    """List the runs of experiment NAME."""
    runs = _workspace(ctx).experiment(name).runs()
    if as_json:
        _echo_json([r.to_dict() for r in runs])
        return
    if not runs:
        import shlex

        _say(name, f" has no runs yet; try `dwsim generate {shlex.quote(name)}`")
        return
    from dwsim_nb.terminal import runs_table

    _console().print(runs_table(runs))


@main.command("query")
@click.argument("name")
@click.argument("sql")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the rows to FILE.csv or FILE.parquet instead of printing them.",
)
@click.pass_context
def query_cmd(ctx: click.Context, name: str, sql: str, output: Path | None) -> None:
    """Run SQL (in the experiment's dialect) against NAME. SQL '-' reads standard input."""
    if sql == "-":
        sql = sys.stdin.read()
    exp = _workspace(ctx).experiment(name)
    if output is not None:
        from dwsim_nb.terminal import export_query

        _say("wrote ", export_query(exp, sql, output))
        return
    from dwsim_nb.terminal import df_table

    df = exp.query(sql)
    _console().print(df_table(df))
    if len(df) == 0:  # why, on standard error: standard output keeps only the rows
        from dwsim_nb.display.empty_note import empty_note_text

        note = empty_note_text(name, exp.why_empty(sql), terminal=True)
        _console(stderr=True).print(note, markup=False, highlight=False)


@main.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the spec as JSON.")
@click.option(
    "--why", is_flag=True, help="List each inferred rule with its reason, and the import's notes."
)
@click.pass_context
def show_cmd(ctx: click.Context, name: str, as_json: bool, why: bool) -> None:
    """Show experiment NAME: its tables, columns and rules."""
    exp = _workspace(ctx).experiment(name)
    if as_json:
        import json

        data = exp.spec.to_dict()
        for table, spec_table_ in zip(data.get("tables", []), exp.spec.tables, strict=False):
            # Every table says where it lives (null: the experiment's default schema).
            table["schema"] = spec_table_.schema_name
            table["database"] = spec_table_.database
        click.echo(json.dumps(data, indent=2, default=str))
        return
    from dwsim_nb.terminal import plain, report_why, spec_table

    console = _console()
    if why:
        report_why(console, exp.spec)
        return
    console.print(spec_table(exp))
    loaded = exp.loaded_run()
    console.print(
        plain(
            f"loaded: run {loaded.id}, {loaded.total_rows:,} rows" if loaded else "no data loaded"
        )
    )


@main.command("infer")
@click.argument("name")
@click.argument("source")
@click.option("--warehouse", "-w", default="duckdb", show_default=True, help="Target warehouse.")
@click.option("--table", "tables", multiple=True, help="Only this table (repeat for more).")
@click.option("--schema", help="Database schema to read (URL sources).")
@click.option(
    "--category-limit",
    type=int,
    default=20,
    show_default=True,
    help="Columns with at most this many distinct values keep them as categories.",
)
@click.option("--no-categories", is_flag=True, help="Copy no real value into the spec at all.")
@click.option("--dry-run", is_flag=True, help="Show the inferred spec; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the spec as JSON.")
@click.pass_context
def infer_cmd(
    ctx: click.Context,
    name: str,
    source: str,
    warehouse: str,
    tables: tuple[str, ...],
    schema: str | None,
    category_limit: int,
    no_categories: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Create experiment NAME from existing data: SOURCE is a Parquet file or folder, or a
    database URL (sqlite:///shop.db, postgresql://user@host/db, duckdb:///file.duckdb)."""
    options: dict[str, Any] = {
        "tables": list(tables) or None,
        "schema": schema,
        "category_limit": category_limit,
        "copy_categories": not no_categories,
    }
    if dry_run:
        from dwsim_nb.workspace import infer_spec

        spec = infer_spec(source, name=name, target_warehouse=warehouse, **options)
        if as_json:
            click.echo(spec.to_json())
        else:
            click.echo(spec.to_yaml())
        return
    exp = _workspace(ctx).infer(source, name, warehouse=warehouse, **options)
    _report_created(exp, as_json)


@main.command("export-bundle")
@click.argument("name")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--run", "run_id", type=int, default=None, help="Run id (default: the latest).")
@click.pass_context
def export_bundle_cmd(ctx: click.Context, name: str, path: Path, run_id: int | None) -> None:
    """Write a folder that regenerates NAME's data: spec, seed, DDL, notebook, requirements."""
    out = _workspace(ctx).experiment(name).export_bundle(path, run_id=run_id)
    _say("wrote bundle ", out)


@main.command("import-bundle")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--name", "-n", default=None, help="Experiment name (default: the bundle's).")
@click.option("--no-generate", is_flag=True, help="Create the experiment only.")
@click.pass_context
def import_bundle_cmd(ctx: click.Context, path: Path, name: str | None, no_generate: bool) -> None:
    """Create an experiment from a bundle and regenerate (and check) its data."""
    exp = _workspace(ctx).import_bundle(path, name=name, generate=not no_generate)
    _say("imported ", exp.name, "" if no_generate else " with its data, checked")


register(main)
register_ui(main)
register_examples(main)
register_erd(main)
add_examples(main)

if __name__ == "__main__":  # pragma: no cover
    main()
