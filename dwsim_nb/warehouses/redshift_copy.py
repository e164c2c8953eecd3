"""Redshift's ``COPY ... FROM 's3://...' IAM_ROLE ... FORMAT AS PARQUET`` text.

Used by the ``redshift`` warehouse to load a staged run into a real cluster, and by people who
load a run generated straight to S3 (``redshift_copy_statements``): on a real cluster with its
IAM role, or typed into an emulated ``redshift`` experiment's ``query``, which ignores the role.
"""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.staging import RunLocation, S3Config
from dwsim_nb.warehouses.tables import qualified, quote

#: The role ``redshift_copy_statements`` names when none is given (the emulator ignores it).
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/dwsim-load"


def string_literal(text: str) -> str:
    """A Redshift string: its strings take backslash escapes, so ``\\`` is doubled as well as
    ``'`` (a URI built from a manifest's table names must stay one string)."""
    return exp.Literal.string(text).sql(dialect="redshift")


def copy_from_s3_sql(target: str, uri: str, iam_role: str, *, region: str | None = None) -> str:
    """The Redshift statement that loads the Parquet objects under ``uri`` into ``target``.

    For example ``COPY "shop"."orders" FROM 's3://b/experiments/shop/orders/run_3/'
    IAM_ROLE 'arn:aws:iam::123456789012:role/Load' FORMAT AS PARQUET``.
    """
    # Redshift maps Parquet columns to the table's by position; tables made from the spec have
    # the columns in the order the generator writes them.
    sql = (
        f"COPY {target} FROM {string_literal(uri)} IAM_ROLE {string_literal(iam_role)} "
        "FORMAT AS PARQUET"
    )
    if region:
        sql += f" REGION {string_literal(region)}"
    return sql


def redshift_copy_statements(
    uri: str,
    *,
    iam_role: str = PLACEHOLDER_ROLE,
    schema: str | None = None,
    region: str | None = None,
    config: S3Config | None = None,
) -> list[str]:
    """``COPY ... FORMAT AS PARQUET`` statements of a run generated to ``uri``, parents first.

    >>> generate_run(spec, "s3://b/experiments/shop/run_1", client=client)  # doctest: +SKIP
    >>> redshift_copy_statements("s3://b/experiments/shop/run_1")           # doctest: +SKIP
    ['COPY "customers" FROM \\'s3://b/experiments/shop/customers/run_1/\\' IAM_ROLE ...', ...]
    """
    location = RunLocation.from_uri(uri, config)
    tables = location.read_manifest_data().get("tables") or {}
    out = []
    for table in tables:  # written in the plan's foreign-key order
        target = qualified(schema, table) if schema else quote(table)
        out.append(copy_from_s3_sql(target, location.table_uri(table), iam_role, region=region))
    return out
