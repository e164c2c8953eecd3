"""The workload's magics, ``%%dwsim_workload`` and ``%dwsim_coverage`` (kept apart from
:mod:`dwsim_nb.magics`, which is full); ``%load_ext dwsim_nb`` registers both sets."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from dwsim_nb.errors import DwsimError
from dwsim_nb.magics import DwsimMagics, _message, _shell, _show


@magics_class
class WorkloadMagics(Magics):
    """``%%dwsim_workload`` and ``%dwsim_coverage``, in the workspace of ``%dwsim_home``."""

    def experiment(self, name: str) -> Any:
        home = self.shell.magics_manager.registry.get("DwsimMagics") if self.shell else None
        return (home or DwsimMagics(self.shell)).experiment(name)

    @line_cell_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("paths", nargs="*", help=".sql files or folders (or write the queries in the cell)")
    @argument("--add", action="store_true", help="add to the queries already there")
    @argument("--selectivity", type=float, default=None, help="share of rows per predicate")
    @argument("--targets", default=None, help="YAML file: query name -> 'rows >= N'")
    def dwsim_workload(self, args: Any, cell: str | None) -> None:
        """Set an experiment's workload: the queries its data should answer.

        %%dwsim_workload shop
        select count(*) from orders where status = 'returned';
        select * from customers where city like 'San%';

        The spec is fitted at once; generate again to get data the queries find.
        """
        sources: list[Any] = list(args.paths)
        if cell is not None and cell.strip():
            sources.append(cell)
        exp = self.experiment(args.name)
        if sources:
            options: dict[str, Any] = {}
            if args.selectivity is not None:
                options["selectivity"] = args.selectivity
            if args.targets is not None:
                options["targets"] = args.targets
            (exp.add_workload if args.add else exp.set_workload)(sources, **options)
        elif cell is not None:
            raise DwsimError(
                "no queries given", where="%%dwsim_workload", hint="write them in the cell"
            )
        names = [q.name for q in exp.workload]
        _message(f"{args.name}: {len(names)} workload queries ({', '.join(names)})")

    @line_magic
    @_shell
    @magic_arguments()
    @argument("name", help="experiment name")
    @argument("--run", type=int, default=None, help="run id (default: the loaded run)")
    def dwsim_coverage(self, args: Any, cell: str | None) -> Any:
        """Count the rows each workload query returns on the data: ok, empty or error, and
        for an empty query, the predicate that removed its rows."""
        from dwsim_nb.display.coverage_view import coverage_html, coverage_text

        frame = self.experiment(args.name).coverage(run_id=args.run)
        _show(coverage_html(frame), coverage_text(frame))
        return None


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext dwsim_nb``: every magic (cheap: the heavy parts load on first use)."""
    ip.register_magics(DwsimMagics)
    ip.register_magics(WorkloadMagics)
