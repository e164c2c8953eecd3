"""The ``redshift`` warehouse: Redshift emulated on PostgreSQL, or a real cluster.

:class:`RedshiftEmulator` (the default): the :mod:`postgres <dwsim_nb.warehouses.postgres>`
adapter on ``DWSIM_REDSHIFT_URL`` (default: the local server), with queries written in Redshift
SQL translated by sqlglot plus :mod:`dwsim_nb.warehouses.redshift_rewrites`, helper functions in
schema ``dwsim_rs``, and sessions in UTC (Redshift's default). Redshift's physical options
(DISTKEY, SORTKEY, DISTSTYLE, ENCODE, BACKUP) in DDL the user types are dropped; tables built from
the spec never carry them. A typed ``COPY t FROM 's3://bucket/prefix/' IAM_ROLE '...' FORMAT AS
PARQUET`` reads the Parquet objects from the S3 stage (:mod:`dwsim_nb.staging`) and COPYs them in.

:class:`RedshiftCluster` (a ``redshift://`` / ``redshift+...://`` URL, or ``emulated=False``;
the registry picks the class, see :func:`dwsim_nb.warehouses.target_for`): runs are staged
to S3 and loaded with ``COPY ... IAM_ROLE ... FORMAT AS PARQUET`` (:func:`copy_from_s3_sql`),
queries run as typed. The IAM role comes from ``iam_role=`` or ``DWSIM_REDSHIFT_IAM_ROLE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from dwsim_nb.errors import LoadError, QueryError, WarehouseError
from dwsim_nb.redact import redact_url
from dwsim_nb.staging import S3Config, iter_batches, stage_run, table_prefix
from dwsim_nb.warehouses.base import LoadPlan, Progress, count_rows, first_line
from dwsim_nb.warehouses.postgres import PostgresWarehouse, safe_rollback
from dwsim_nb.warehouses.postgres_copy import csv_bytes, prepare_batch
from dwsim_nb.warehouses.redshift_copy import copy_from_s3_sql
from dwsim_nb.warehouses.redshift_functions import install
from dwsim_nb.warehouses.tables import qualified, quote
from dwsim_nb.warehouses.translate import parse

if TYPE_CHECKING:
    import psycopg
    import pyarrow as pa
    from sqlglot import exp

    from dwsim_nb.spec import ExperimentSpec, Table


# Helpers are installed once per database URL and process.
_INSTALLED: set[str] = set()


def real_load_statements(
    schema: str,
    tables: list[str],
    bucket: str,
    experiment: str,
    run_id: int | str,
    iam_role: str,
    *,
    region: str | None = None,
) -> list[str]:
    """The statements a real cluster runs to replace the tables' rows with a staged run.

    DELETE, not TRUNCATE: TRUNCATE commits at once on Redshift, and the load must stay one
    transaction that a failed COPY rolls back.
    """
    out = ["BEGIN"]
    for table in tables:
        target = qualified(schema, table)
        uri = f"s3://{bucket}/{table_prefix(experiment, table, run_id)}"
        out.append(f"DELETE FROM {target}")
        out.append(copy_from_s3_sql(target, uri, iam_role, region=region))
    return out


class RedshiftWarehouse(PostgresWarehouse):
    """What the emulator and a cluster share: the names, the server's URL variable, sessions in
    UTC (Redshift's default) and the S3 stage."""

    name = "redshift"
    dialect = "redshift"
    url_env: ClassVar[str] = "DWSIM_REDSHIFT_URL"
    session_settings: ClassVar[tuple[str, ...]] = ("SET TimeZone = 'UTC'",)

    def __init__(self, home: Path, **options: Any) -> None:
        super().__init__(home, **options)
        self.s3_config: S3Config | None = options.get("s3_config")


class RedshiftCluster(RedshiftWarehouse):
    """A real Redshift cluster: Redshift types, loads by COPY from the S3 stage, SQL as typed."""

    engine_dialect = "redshift"
    # Redshift folds names to lower case, quoted ones too, and keeps 127 bytes of them.
    names_ignore_case = True
    max_name_bytes = 127

    def __init__(self, home: Path, **options: Any) -> None:
        super().__init__(home, **options)
        self.iam_role = options.get("iam_role") or os.environ.get("DWSIM_REDSHIFT_IAM_ROLE")

    def __repr__(self) -> str:
        return f"RedshiftCluster(url={redact_url(self.url)!r})"

    def load(
        self, spec: ExperimentSpec, plan: LoadPlan, progress: Progress | None = None
    ) -> dict[str, int]:
        if not self.iam_role:
            raise WarehouseError(
                "loading into a real Redshift cluster needs an IAM role that may read the bucket.",
                where=self.where,
                hint="pass iam_role='arn:aws:iam::...:role/...' or set DWSIM_REDSHIFT_IAM_ROLE",
            )
        self.check_plan(spec, plan)
        cfg = self.s3_config or S3Config.from_env()
        run_id = plan.run_dir.name.removeprefix("run_")
        stage_run(plan, spec.name, run_id, config=cfg)
        statements = real_load_statements(
            self.schema_for(spec),
            [t.name for t in spec.tables if t.name in plan.tables],
            cfg.bucket,
            spec.name,
            run_id,
            self.iam_role,
            region=cfg.region,
        )
        import psycopg

        with self.connect() as conn:
            try:
                for stmt in statements[1:]:
                    conn.execute(stmt)
                counts = {}
                for table in spec.tables:
                    target = self.target(spec, table)
                    counts[table.key] = count_rows(conn, target)
                    expected = plan.tables[table.key].rows if table.key in plan.tables else 0
                    if counts[table.key] != expected:
                        raise self.mismatch(table.key, expected, counts[table.key], plan)
                conn.commit()
            except psycopg.Error as exc:
                safe_rollback(conn)
                raise LoadError(
                    f"Redshift COPY failed, nothing was changed: {first_line(exc)}",
                    where=self.where,
                    hint="check the IAM role's access to the bucket (STL_LOAD_ERRORS has details)",
                ) from None
            except LoadError:
                safe_rollback(conn)
                raise
        return counts

    def translate(self, spec: ExperimentSpec, sql: str) -> list[str]:
        # The cluster runs Redshift SQL itself.
        return [sql]


class RedshiftEmulator(RedshiftWarehouse):
    """Redshift on PostgreSQL: PostgreSQL types, Redshift's functions installed, Redshift SQL
    translated, and a typed ``COPY ... FROM 's3://...'`` read from the S3 stage."""

    engine_dialect = "postgres"
    # Redshift keeps arrays in SUPER: JSON here (JSONB), so its SUPER functions and navigation
    # work on them as on the cluster.
    native_arrays = False

    def __repr__(self) -> str:
        return f"RedshiftEmulator(url={redact_url(self.url)!r})"

    def prepare(self, conn: psycopg.Connection[Any]) -> None:
        if self.url not in _INSTALLED:
            install(conn)
            _INSTALLED.add(self.url)

    # --- queries -----------------------------------------------------------------------------

    def translate(self, spec: ExperimentSpec, sql: str) -> list[str]:
        # Redshift SQL, even on a postgres-dialect experiment: PostgresWarehouse's pass-through
        # is skipped.
        return super(PostgresWarehouse, self).translate(spec, sql)

    def query_arrow(self, spec: ExperimentSpec, sql: str) -> pa.Table:
        if "copy" not in sql.lower():
            return super().query_arrow(spec, sql)
        from sqlglot import exp

        trees = parse(sql, "redshift")
        if not any(isinstance(t, exp.Copy) for t in trees):
            return super().query_arrow(spec, sql)
        result: pa.Table | None = None
        for tree in trees:
            if isinstance(tree, exp.Copy):
                result = self.emulate_copy(spec, tree)
            else:
                result = super().query_arrow(spec, tree.sql(dialect="redshift"))
        assert result is not None
        return result

    def emulate_copy(self, spec: ExperimentSpec, tree: exp.Copy) -> pa.Table:
        """A typed ``COPY t FROM 's3://...' FORMAT AS PARQUET``, read from the S3 stage."""
        import psycopg
        import pyarrow as pa
        from sqlglot import exp

        files = tree.args.get("files") or []
        uri = files[0].name if files else ""
        params = {
            p.this.name.upper(): (p.expression.name.upper() if p.expression else "")
            for p in tree.args.get("params") or []
        }
        if not tree.args.get("kind") or not uri.lower().startswith("s3://"):
            raise QueryError(
                "the Redshift emulator runs COPY only FROM an 's3://' prefix.",
                hint="stage the run first (dwsim_nb.staging.stage_run) and COPY from its prefix",
            )
        if params.get("FORMAT") != "PARQUET" and "PARQUET" not in params:
            raise QueryError(
                "the Redshift emulator runs COPY only with FORMAT AS PARQUET: staged runs are "
                "Parquet, and CSV/JSON options are not emulated.",
                hint="add FORMAT AS PARQUET",
            )
        target = tree.this
        columns: list[str] = []
        if isinstance(target, exp.Schema):
            columns = [c.name for c in target.expressions]
            target = target.this
        table = self._spec_table(spec, target.name)
        names = columns or [c.name for c in table.columns]
        dest = self.target(spec, table)
        cols = ", ".join(quote(n) for n in names)
        cfg = self.s3_config
        loaded = 0
        with self.connect(spec) as conn:
            try:
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY {dest} ({cols}) FROM STDIN (FORMAT CSV)") as cp,
                ):
                    for batch in iter_batches(uri, config=cfg):
                        batch = _by_name_or_position(batch, names)
                        ready = prepare_batch(batch, names, hex_binary=True, lists="json")
                        cp.write(csv_bytes(ready))
                        loaded += batch.num_rows
                conn.commit()
            except psycopg.Error as exc:
                safe_rollback(conn)
                raise LoadError(
                    f"COPY into {table.name} from {uri} failed, nothing was loaded: "
                    f"{first_line(exc)}",
                    where=self.where,
                    hint="the staged files' columns must match the table's",
                ) from None
        return pa.table({"rows_loaded": pa.array([loaded], pa.int64())})

    def _spec_table(self, spec: ExperimentSpec, name: str) -> Table:
        try:
            return spec.table(name)
        except KeyError:
            raise QueryError(
                f"COPY names table {name!r}, which experiment {spec.name} does not have.",
                hint=f"use one of: {', '.join(t.name for t in spec.tables)}",
            ) from None


def _by_name_or_position(batch: pa.RecordBatch, names: list[str]) -> pa.RecordBatch:
    """Parquet columns matched by name when they all match, else by position (as Redshift)."""
    import pyarrow as pa

    have = {n.lower(): n for n in batch.schema.names}
    if all(n.lower() in have for n in names):
        return pa.RecordBatch.from_arrays(
            [batch.column(have[n.lower()]) for n in names], names=names
        )
    if batch.num_columns < len(names):
        raise LoadError(
            f"the staged Parquet has {batch.num_columns} columns for {len(names)} table columns.",
            hint="COPY a prefix staged from the same experiment",
        )
    return pa.RecordBatch.from_arrays([batch.column(i) for i in range(len(names))], names=names)
