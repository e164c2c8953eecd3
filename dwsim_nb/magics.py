"""IPython magics (``%load_ext dwsim_nb``): thin shells over ``Workspace`` / ``Experiment``.

Each magic parses its arguments, calls the Python API and shows the result; nothing here decides
anything the API does not. Every magic answers ``--help``; a :class:`DwsimError` becomes a short
red message (stderr text outside notebooks), never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from dwsim_nb.errors import DwsimError
from dwsim_nb.magics_base import _message, _shell, _show

__all__ = ["DwsimMagics", "_message", "_shell", "_show", "load_ipython_extension"]


@magics_class
class DwsimMagics(Magics):
    """The ``%dwsim_*`` magics. One workspace per home folder, opened on first use."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self._home: str | None = None
        self._ws: Any = None
        self._ws_home: Path | None = None
        self._sql_connections: dict[str, Callable[[], None]] = {}

    # --- workspace ---------------------------------------------------------------------------

    def home(self) -> Path:
        """``%dwsim_home`` if set, else $DWSIM_HOME, else ./.dwsim (read at each call)."""
        return Path(self._home or os.environ.get("DWSIM_HOME") or ".dwsim").expanduser()

    def workspace(self) -> Any:
        home = self.home().resolve()
        if self._ws is None or self._ws_home != home:
            from dwsim_nb.workspace import Workspace

            self._ws = Workspace(home)
            self._ws_home = home
        return self._ws

    def experiment(self, name: str) -> Any:
        return self.workspace().experiment(name)

    # --- magics ------------------------------------------------------------------------------

    @line_magic
    @_shell
    @magic_arguments()
    @argument("dir", nargs="?", help="workspace folder (created when needed)")
    def dwsim_home(self, args: Any, cell: str | None) -> None:
        """Show or set the workspace folder the magics use (default: $DWSIM_HOME, else ./.dwsim)."""
        if args.dir:
            self._home = str(Path(args.dir).expanduser())
        _message(f"dwsim workspace: {self.home().resolve()}")

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--dialect", "-d", default="ansi", help="DDL dialect: redshift, snowflake, ...")
    @argument("--warehouse", "-w", default="duckdb", help="target warehouse (default duckdb)")
    @argument("--file", "-f", help="read the DDL from this file instead of the cell")
    @argument("--strict", action="store_true", help="fail on statements that cannot be read")
    @argument("--dry-run", action="store_true", help="show the interpreted spec, store nothing")
    @argument("--erd", action="store_true", help="also draw the entity-relationship diagram")
    def dwsim_import(self, args: Any, cell: str | None) -> None:
        """Import CREATE TABLE DDL as an experiment and show the tables, keys, rules, warnings.

        %dwsim_import shop --dialect redshift --file schema.sql
        %%dwsim_import shop --dialect snowflake      (DDL in the cell body)
        """
        ddl = _ddl_text(args.file, cell)
        if args.dry_run:
            from dwsim_nb.workspace import import_sql

            spec = import_sql(ddl, dialect=args.dialect, name=args.name, strict=args.strict)
        else:
            exp = self.workspace().import_sql(
                ddl,
                name=args.name,
                dialect=args.dialect,
                warehouse=args.warehouse,
                strict=args.strict,
            )
            spec = exp.spec
        _show_spec(spec, erd=args.erd)

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--seed", "-s", type=int, default=None, help="random seed (same seed, same data)")
    @argument("--no-load", action="store_true", help="write the Parquet run only")
    @argument("--workers", "-k", type=int, default=None, help="worker processes")
    @argument(
        "--scale",
        type=float,
        default=None,
        help="multiply every table's target_rows (at least 1 row; counts in the cell win), "
        "e.g. 0.1",
    )
    @argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run the blocks on the Dask cluster at ADDRESS (tcp://HOST:8786); its workers "
        "must see the workspace folder",
    )
    def dwsim_generate(self, args: Any, cell: str | None) -> None:
        """Generate data for an experiment (and load it), with a progress bar per table.

        The cell body (YAML or JSON) gives rows per table and rule overrides:

            %%dwsim_generate shop --seed 42
            customers: 10_000
            orders: {rows: 50_000, columns: {status: {values: [placed, shipped]}}}

            %%dwsim_generate shop --scale 0.1
            rows: {customers: 1000, orders: 5000}

        `--scale` multiplies the other tables' target_rows, as `dwsim generate --scale` does.
        Overrides are saved as a new version of the experiment's spec. `--dask ADDRESS` runs the
        blocks on an existing Dask cluster, as `dwsim generate --dask` does.
        """
        from dwsim_nb.display.runs_view import run_html, run_text
        from dwsim_nb.progress import progress_bar
        from dwsim_nb.spec.overrides import apply_overrides, parse_overrides
        from dwsim_nb.spec.scale import scaled_rows

        if args.scale is not None and not args.scale > 0:
            raise DwsimError(
                f"--scale {args.scale} is not a factor above 0",
                where="%%dwsim_generate",
                hint="write e.g. --scale 0.1 or --scale 10",
            )
        if args.dask:
            from dwsim_nb.extras import require

            require("distributed", "%%dwsim_generate --dask")  # before the progress bar starts
        exp = self.experiment(args.name)
        rows, overrides = parse_overrides(cell)
        if overrides:
            exp.update(apply_overrides(exp.spec, overrides))
        counts = scaled_rows(exp.spec, rows, args.scale)
        progress = progress_bar()
        try:
            run = exp.generate(
                rows=counts or None,
                seed=args.seed,
                workers=args.workers,
                load=not args.no_load,
                progress=progress,
                # As `dwsim generate --dask`: an address selects the Dask executor, which
                # opens a client for this run and closes it after.
                client=args.dask,
            )
        except BaseException:
            getattr(progress, "fail", lambda: None)()
            raise
        _show(run_html(run), run_text(run))

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--off", action="store_true", help="close %%sql's connection, releasing the file")
    def dwsim_use(self, args: Any, cell: str | None) -> None:
        """Make the experiment jupysql's current connection: %sql / %%sql then query its tables.

        Statements are read in the experiment's dialect (Redshift, Snowflake, ...) and translated
        as Experiment.query translates them. `<<` and `%config SqlMagic.autopandas = True` work.
        The engine's connection stays open in this kernel (an embedded DuckDB file is then locked
        for other processes, such as the dwsim CLI) until `%dwsim_use NAME --off` or %dwsim_drop.
        """
        import dwsim_nb.sqlbridge as sqlbridge

        if args.off:
            self._close_sql(args.name)
            _message(f"%sql no longer queries experiment {args.name}")
            return
        exp = self.experiment(args.name)
        spec = exp.spec
        self._close_sql(args.name)
        connection, close = sqlbridge.open_warehouse_connection(exp.warehouse, spec)
        self._sql_connections[args.name] = close

        def translate(sql: str) -> list[str]:
            # The experiment's own translation, read at each statement: a later
            # %%dwsim_generate with overrides may have replaced the spec.
            return list(exp.translate(sql))

        sqlbridge.use_connection(self.shell, connection, args.name, translate)
        tables = ", ".join(t.name for t in spec.tables)
        _message(f"%sql now queries experiment {args.name} ({exp.dialect} SQL): {tables}")

    def _close_sql(self, name: str) -> None:
        import dwsim_nb.sqlbridge as sqlbridge

        close = self._sql_connections.pop(name, None)
        if close is not None:
            sqlbridge.forget(name)
            close()

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("-o", "--output", dest="var", help="also store the DataFrame in this variable")
    @argument("-q", "--quiet", action="store_true", help="no note on why a query finds no rows")
    @argument("sql", nargs="*", help="the query (or write it in the cell body)")
    def dwsim_sql(self, args: Any, cell: str | None) -> Any:
        """Run SQL written in the experiment's dialect; the result is a DataFrame.

        %%dwsim_sql shop -o top
        select top 5 * from orders order by amount desc
        """
        sql = cell if cell is not None and cell.strip() else " ".join(args.sql)
        if not sql.strip():
            raise DwsimError(
                "no SQL to run", where="%%dwsim_sql", hint="write the query in the cell body"
            )
        exp = self.experiment(args.name)
        df = exp.query(sql)
        if args.var and self.shell is not None:
            self.shell.user_ns[args.var] = df
        if len(df) == 0 and not args.quiet:
            from dwsim_nb.display.empty_note import empty_note_html, empty_note_text

            why = exp.why_empty(sql)
            _show(empty_note_html(args.name, why), empty_note_text(args.name, why))
        return df

    @line_magic
    @_shell
    @magic_arguments()
    def dwsim_list(self, args: Any, cell: str | None) -> None:
        """List the workspace's experiments with their warehouse and last run."""
        from dwsim_nb.display.runs_view import experiments_html, experiments_text

        exps = self.workspace().experiments()
        _show(experiments_html(exps), experiments_text(exps))

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    def dwsim_runs(self, args: Any, cell: str | None) -> None:
        """List an experiment's runs (newest first) with status, seed, rows and errors."""
        from dwsim_nb.display.runs_view import runs_html, runs_text

        runs = self.experiment(args.name).runs()
        _show(runs_html(runs), runs_text(runs))

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--erd", action="store_true", help="also draw the entity-relationship diagram")
    def dwsim_show(self, args: Any, cell: str | None) -> None:
        """Show an experiment: tables, types, keys, rules, warnings and recent runs."""
        from dwsim_nb.display.runs_view import experiment_html, experiment_text

        exp = self.experiment(args.name)
        _show(experiment_html(exp), experiment_text(exp))
        if args.erd:
            _show_erd(exp.spec)

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("table", help="table to profile")
    @argument("--limit", type=int, default=100_000, help="rows to read (default 100000)")
    def dwsim_profile(self, args: Any, cell: str | None) -> None:
        """Picture of a table's data: a histogram or the top values per column."""
        from IPython.display import display

        from dwsim_nb.display.profile import profile

        exp = self.experiment(args.name)
        # read_table names the experiment's tables when args.table is not one of them.
        df = exp.read_table(args.table, limit=args.limit)
        display(profile(df))

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--run", type=int, default=None, help="run id (default: the latest completed)")
    def dwsim_load(self, args: Any, cell: str | None) -> None:
        """Load a run's data into the experiment's warehouse (replacing what is there)."""
        from dwsim_nb.display.runs_view import run_html, run_text

        run = self.experiment(args.name).load(run_id=args.run)
        _show(run_html(run), run_text(run))

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    def dwsim_reset(self, args: Any, cell: str | None) -> None:
        """Empty the experiment's tables in the warehouse (runs and spec are kept)."""
        self.experiment(args.name).reset()
        _message(f"experiment {args.name}: tables emptied")

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    def dwsim_drop(self, args: Any, cell: str | None) -> None:
        """Delete an experiment: its tables, runs and spec."""
        self._close_sql(args.name)
        self.workspace().delete(args.name)
        _message(f"experiment {args.name} deleted")

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument(
        "--from",
        dest="source",
        required=True,
        help="a DataFrame or dict variable's name, a Parquet path, or a database URL",
    )
    @argument("--warehouse", "-w", default="duckdb", help="target warehouse (default duckdb)")
    @argument("--tables", help="comma-separated tables to read (default: all)")
    @argument("--schema", help="database schema to read")
    @argument("--category-limit", type=int, default=20, help="most distinct values of a category")
    @argument("--no-categories", action="store_true", help="copy no real value into the spec")
    @argument("--dry-run", action="store_true", help="show the inferred spec, store nothing")
    def dwsim_infer(self, args: Any, cell: str | None) -> None:
        """Infer an experiment from existing data: types, ranges, distributions, keys.

        %dwsim_infer shop_like --from orders_df
        %dwsim_infer music --from sqlite:///chinook.db --no-categories
        """
        ns = self.shell.user_ns if self.shell is not None else {}
        source: Any = ns.get(args.source, args.source)
        options: dict[str, Any] = {
            "tables": [t.strip() for t in args.tables.split(",")] if args.tables else None,
            "schema": args.schema,
            "category_limit": args.category_limit,
            "copy_categories": not args.no_categories,
        }
        if args.dry_run:
            from dwsim_nb.workspace import infer_spec

            spec = infer_spec(source, name=args.name, target_warehouse=args.warehouse, **options)
        else:
            exp = self.workspace().infer(source, args.name, warehouse=args.warehouse, **options)
            spec = exp.spec
        _show_spec(spec, erd=False)

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument(
        "--warehouses", "-w", default="duckdb,sqlite", help="comma-separated, reference first"
    )
    @argument("--as-is", action="store_true", help="read the SQL in each warehouse's dialect")
    @argument("--run", type=int, default=None, help="run id (default: the latest completed)")
    @argument("-o", "--output", dest="var", help="also store the comparison in this variable")
    def dwsim_compare(self, args: Any, cell: str | None) -> Any:
        """Run the cell's SQL on several warehouses loaded with the same run; show the diff.

        %%dwsim_compare shop --warehouses duckdb,redshift
        select status, count(*) from orders group by 1 order by 1
        """
        if not (cell or "").strip():
            raise DwsimError(
                "no SQL to compare", where="%%dwsim_compare", hint="write the query in the cell"
            )
        result = self.experiment(args.name).compare(
            cell or "",
            warehouses=[w.strip() for w in args.warehouses.split(",") if w.strip()],
            run_id=args.run,
            mode="as_is" if args.as_is else "translate",
        )
        if args.var and self.shell is not None:
            self.shell.user_ns[args.var] = result
        return result

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("--from", dest="source", required=True, help="dialect the cell is written in")
    @argument("--to", dest="target", required=True, help="dialect to translate to")
    def dwsim_translate(self, args: Any, cell: str | None) -> Any:
        """Translate the cell's SQL between dialects and name what may change meaning.

        %%dwsim_translate --from redshift --to snowflake
        select top 5 * from sales where datediff(day, saletime, getdate()) < 30
        """
        from dwsim_nb.workspace import translate

        if not (cell or "").strip():
            raise DwsimError(
                "no SQL to translate", where="%%dwsim_translate", hint="write it in the cell"
            )
        return translate(cell or "", args.source.lower(), args.target.lower())

    @line_magic
    @_shell
    @magic_arguments()
    def dwsim_ui(self, args: Any, cell: str | None) -> None:
        """Open the forms: import, generate, experiments dashboard and query panel."""
        from IPython.display import display

        from dwsim_nb.widgets import app

        display(app(self.workspace()))


def _ddl_text(path: str | None, cell: str | None) -> str:
    if path:
        try:
            return Path(path).expanduser().read_text(encoding="utf-8")
        except OSError as e:
            raise DwsimError(
                f"cannot read DDL file {path!r}: {e.strerror or e}",
                where="%dwsim_import --file",
                hint="check the path (relative paths start at the notebook's folder)",
            ) from None
    if cell is None or not cell.strip():
        raise DwsimError(
            "no DDL given",
            where="%dwsim_import",
            hint="pass --file schema.sql, or use %%dwsim_import with the DDL in the cell",
        )
    return cell


def _show_spec(spec: Any, *, erd: bool) -> None:
    from dwsim_nb.display.spec_view import spec_html, spec_text

    _show(spec_html(spec), spec_text(spec))
    if erd:
        _show_erd(spec)


def _show_erd(spec: Any) -> None:
    from IPython.display import display

    from dwsim_nb.display.erd import ERD

    display(ERD(spec))


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext dwsim_nb``: register the magics (cheap: the heavy parts load on first use)."""
    ip.register_magics(DwsimMagics)
