"""Which fixes run, in which order, when SQL read in one dialect is translated for an engine.

One explicit, ordered tuple per (source dialect, engine) pair: what a translation does is read
here, not found by importing modules. The engines are the dialects the warehouses run
(``duckdb``, ``sqlite``, ``postgres`` — also behind the Redshift emulator — and ``snowflake``,
fakesnow's input); ``redshift`` and ``ansi`` are targets of :func:`dwsim_nb.compare.translate`.

>>> [f.__name__ for f in fixes_for("postgres", "duckdb")]
['resolve_table_names', 'qualify_experiment_tables', 'match_column_case', 'name_result_columns', \
'refuse_to_char_number_format', 'fix_to_char_template_duckdb', 'fix_integer_division_duckdb']
"""

from __future__ import annotations

from dwsim_nb.dialects import resolve
from dwsim_nb.warehouses.array_rewrites import fix_lateral_flatten_duckdb
from dwsim_nb.warehouses.date_part_fixes import fix_dayofweek_as_extract, fix_sqlite_date_trunc
from dwsim_nb.warehouses.namespaces import resolve_table_names
from dwsim_nb.warehouses.redshift_aggregates import (
    fix_any_value,
    fix_approximate_aggregates,
    fix_ignore_nulls_window,
    fix_listagg_distinct,
    fix_listagg_within_group,
    fix_median_window,
    fix_percentile_window,
)
from dwsim_nb.warehouses.redshift_dates import (
    fix_add_months_month_end,
    fix_add_months_month_end_duckdb,
    fix_date_part_year,
    fix_datediff_boundaries,
    fix_getdate_sysdate,
    fix_like_on_datetime,
    fix_trunc_of_unknown_type,
    fix_trunc_timestamp,
)
from dwsim_nb.warehouses.redshift_duckdb import (
    fix_datediff_week_duckdb,
    fix_integer_division_duckdb,
    fix_listagg_empty_strings_duckdb,
    fix_strtol_duckdb,
)
from dwsim_nb.warehouses.redshift_rewrites import (
    fix_helper_functions,
    fix_physical_options,
    fix_redshift_types,
    fix_string_functions_of_numbers,
    fix_unaliased_derived_tables,
    refuse_to_char_number_format,
)
from dwsim_nb.warehouses.rewrites import (
    Fix,
    fix_ratio_to_report,
    match_column_case,
    name_result_columns,
    qualify_experiment_tables,
)
from dwsim_nb.warehouses.snowflake_rewrites import (
    fix_group_by_all_with_qualify,
    fix_result_column_names,
    fix_to_char_date_format,
    refuse_unemulated_functions,
)
from dwsim_nb.warehouses.sqlite_functions import (
    fix_sqlite_add_months_month_end,
    fix_sqlite_exact_functions,
    refuse_unsupported_sqlite,
)
from dwsim_nb.warehouses.sqlite_like import fix_sqlite_like_case
from dwsim_nb.warehouses.sqlite_numbers import (
    fix_sqlite_cast_rounds,
    fix_sqlite_date_plus_days,
    fix_sqlite_decimal_constants,
)
from dwsim_nb.warehouses.sqlite_rewrites import (
    fix_derived_column_aliases,
    fix_sqlite_cast_timestamp,
    fix_sqlite_date_interval,
    fix_sqlite_dateadd,
    fix_sqlite_extract,
)
from dwsim_nb.warehouses.to_char_fixes import (
    fix_snowflake_to_char_duckdb,
    fix_snowflake_to_char_postgres,
    fix_snowflake_to_char_sqlite,
    fix_to_char_template_duckdb,
    fix_to_char_template_postgres,
    fix_to_char_template_sqlite,
)
from dwsim_nb.warehouses.variant_rewrites import (
    fix_flatten_outer_snowflake,
    fix_get_as_path_snowflake,
    fix_object_construct_duckdb,
    fix_variant_values_duckdb,
    fix_variant_values_snowflake,
    refuse_array_functions_snowflake,
)

# Every pair: the experiment's table names and the schema's spelling of column names.
NAMES: tuple[Fix, ...] = (resolve_table_names, qualify_experiment_tables, match_column_case)

# Redshift/PostgreSQL result column names on engines that name them otherwise.
POSTGRES_NAMES: tuple[Fix, ...] = (name_result_columns,)

# Dates, EXTRACT and LIKE on SQLite, from any dialect; what SQLite lacks is emulated or refused
# by name before the other fixes rewrite it (refused last would see their output instead).
ON_SQLITE: tuple[Fix, ...] = (
    fix_ratio_to_report,
    fix_sqlite_exact_functions,
    refuse_unsupported_sqlite,
    fix_sqlite_add_months_month_end,
    fix_derived_column_aliases,
    fix_dayofweek_as_extract,
    fix_sqlite_date_trunc,
    fix_sqlite_date_interval,
    fix_sqlite_dateadd,
    fix_sqlite_extract,
    fix_sqlite_cast_timestamp,
    fix_sqlite_decimal_constants,
    fix_sqlite_date_plus_days,
    fix_sqlite_cast_rounds,
    fix_sqlite_like_case,
)

# What fakesnow mis-runs, from any dialect. The result columns are named before the TO_CHAR fix,
# so their labels keep the TO_CHAR the user wrote.
ON_SNOWFLAKE: tuple[Fix, ...] = (
    refuse_unemulated_functions,
    fix_result_column_names,
    fix_group_by_all_with_qualify,
    fix_ratio_to_report,
    fix_to_char_date_format,
)

# APPROXIMATE aggregates run exact: DuckDB's approx_quantile interpolates where Redshift's
# PERCENTILE_DISC picks a value, and exact counts agree with the other warehouses.
REDSHIFT_ON_DUCKDB: tuple[Fix, ...] = (
    *NAMES,
    *POSTGRES_NAMES,
    fix_approximate_aggregates,
    fix_listagg_distinct,
    fix_trunc_timestamp,
    fix_like_on_datetime,
    refuse_to_char_number_format,
    fix_to_char_template_duckdb,
    fix_ratio_to_report,
    fix_string_functions_of_numbers,
    fix_date_part_year,
    fix_add_months_month_end_duckdb,
    fix_datediff_week_duckdb,
    fix_integer_division_duckdb,
    fix_listagg_empty_strings_duckdb,
    fix_strtol_duckdb,
)

# The percentile fixes must see WITHIN GROUP before anything else rewrites it; the typed TRUNC
# fix runs before the helper that takes every TRUNC left.
REDSHIFT_ON_POSTGRES: tuple[Fix, ...] = (
    *NAMES,
    fix_to_char_template_postgres,
    fix_trunc_timestamp,
    fix_like_on_datetime,
    fix_median_window,
    fix_percentile_window,
    fix_approximate_aggregates,
    fix_listagg_within_group,
    fix_trunc_of_unknown_type,
    fix_datediff_boundaries,
    fix_getdate_sysdate,
    fix_unaliased_derived_tables,
    fix_redshift_types,
    fix_any_value,
    fix_ratio_to_report,
    fix_ignore_nulls_window,
    fix_string_functions_of_numbers,
    fix_date_part_year,
    fix_add_months_month_end,
    fix_helper_functions,
    fix_physical_options,
)

PIPELINES: dict[tuple[str, str], tuple[Fix, ...]] = {
    ("redshift", "duckdb"): REDSHIFT_ON_DUCKDB,
    ("redshift", "sqlite"): (
        *NAMES,
        *POSTGRES_NAMES,
        fix_trunc_timestamp,
        fix_to_char_template_sqlite,
        *ON_SQLITE,
    ),
    ("redshift", "postgres"): REDSHIFT_ON_POSTGRES,
    ("redshift", "snowflake"): (*NAMES, *POSTGRES_NAMES, fix_trunc_timestamp, *ON_SNOWFLAKE),
    ("redshift", "redshift"): (*NAMES, fix_trunc_timestamp, fix_to_char_template_postgres),
    ("redshift", "ansi"): (*NAMES, fix_trunc_timestamp),
    ("postgres", "duckdb"): (
        *NAMES,
        *POSTGRES_NAMES,
        refuse_to_char_number_format,
        fix_to_char_template_duckdb,
        fix_integer_division_duckdb,
    ),
    ("postgres", "sqlite"): (*NAMES, *POSTGRES_NAMES, fix_to_char_template_sqlite, *ON_SQLITE),
    ("postgres", "postgres"): (*NAMES, fix_to_char_template_postgres),
    ("postgres", "snowflake"): (*NAMES, *POSTGRES_NAMES, *ON_SNOWFLAKE),
    ("postgres", "redshift"): NAMES,
    ("postgres", "ansi"): NAMES,
    ("snowflake", "duckdb"): (
        *NAMES,
        fix_result_column_names,
        fix_group_by_all_with_qualify,
        fix_ratio_to_report,
        fix_lateral_flatten_duckdb,
        fix_object_construct_duckdb,
        fix_variant_values_duckdb,
        fix_snowflake_to_char_duckdb,
    ),
    ("snowflake", "sqlite"): (
        *NAMES,
        fix_result_column_names,
        fix_snowflake_to_char_sqlite,
        *ON_SQLITE,
    ),
    ("snowflake", "postgres"): (
        *NAMES,
        fix_result_column_names,
        fix_snowflake_to_char_postgres,
        fix_dayofweek_as_extract,
    ),
    ("snowflake", "snowflake"): (
        *NAMES,
        *ON_SNOWFLAKE,
        refuse_array_functions_snowflake,
        fix_flatten_outer_snowflake,
        fix_get_as_path_snowflake,
        fix_variant_values_snowflake,
    ),
    ("snowflake", "redshift"): NAMES,
    ("snowflake", "ansi"): NAMES,
    ("duckdb", "duckdb"): NAMES,
    ("duckdb", "sqlite"): (*NAMES, *ON_SQLITE),
    ("duckdb", "postgres"): NAMES,
    ("duckdb", "snowflake"): (*NAMES, *ON_SNOWFLAKE),
    ("duckdb", "redshift"): NAMES,
    ("duckdb", "ansi"): NAMES,
    ("sqlite", "duckdb"): NAMES,
    ("sqlite", "sqlite"): (*NAMES, *ON_SQLITE),
    ("sqlite", "postgres"): NAMES,
    ("sqlite", "snowflake"): (*NAMES, *ON_SNOWFLAKE),
    ("sqlite", "redshift"): NAMES,
    ("sqlite", "ansi"): NAMES,
    ("ansi", "duckdb"): NAMES,
    ("ansi", "sqlite"): (*NAMES, *ON_SQLITE),
    ("ansi", "postgres"): NAMES,
    ("ansi", "snowflake"): (*NAMES, *ON_SNOWFLAKE),
    ("ansi", "redshift"): NAMES,
    ("ansi", "ansi"): NAMES,
}


def fixes_for(read: str, engine: str) -> tuple[Fix, ...]:
    """The fixes, in order, for SQL read as ``read`` and run on ``engine`` (any spelling)."""
    return PIPELINES[(resolve(read).name, resolve(engine).name)]
