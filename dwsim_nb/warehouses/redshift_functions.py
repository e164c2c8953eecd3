"""SQL functions that give PostgreSQL the Redshift behaviour a syntax rewrite cannot.

They live in one helper schema, ``dwsim_rs``, shared by every experiment in a database, and the
Redshift fixes (:mod:`dwsim_nb.warehouses.redshift_rewrites`, ``redshift_dates``,
``redshift_aggregates``) call them by their qualified names, so the experiment's ``search_path``
does not matter. Installing is idempotent and versioned: a marker
function returns :data:`VERSION`, and the statements run only when it differs.
"""

from __future__ import annotations

from typing import Any

HELPER_SCHEMA = "dwsim_rs"
VERSION = 5

# Redshift's DATEDIFF counts the boundaries of ``part`` crossed between two instants, so
# datediff(month, '2024-01-31', '2024-02-01') is 1 although only one day passed. Each branch
# compares the instants truncated to the part; weeks start on Monday, as DATE_TRUNC('week') does.
_DATEDIFF = r"""
CREATE OR REPLACE FUNCTION dwsim_rs.datediff(part text, a timestamp, b timestamp)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE part
  WHEN 'millennium' THEN (floor((extract(year FROM b) - 1) / 1000)
                        - floor((extract(year FROM a) - 1) / 1000))::bigint
  WHEN 'century' THEN (floor((extract(year FROM b) - 1) / 100)
                     - floor((extract(year FROM a) - 1) / 100))::bigint
  WHEN 'decade' THEN (floor(extract(year FROM b) / 10) - floor(extract(year FROM a) / 10))::bigint
  WHEN 'year' THEN (extract(year FROM b) - extract(year FROM a))::bigint
  WHEN 'quarter' THEN ((extract(year FROM b) * 4 + extract(quarter FROM b))
                     - (extract(year FROM a) * 4 + extract(quarter FROM a)))::bigint
  WHEN 'month' THEN ((extract(year FROM b) * 12 + extract(month FROM b))
                   - (extract(year FROM a) * 12 + extract(month FROM a)))::bigint
  WHEN 'week' THEN ((date_trunc('week', b)::date - date_trunc('week', a)::date) / 7)::bigint
  WHEN 'day' THEN (b::date - a::date)::bigint
  WHEN 'hour' THEN (extract(epoch FROM date_trunc('hour', b) - date_trunc('hour', a))
                  / 3600)::bigint
  WHEN 'minute' THEN (extract(epoch FROM date_trunc('minute', b) - date_trunc('minute', a))
                    / 60)::bigint
  WHEN 'second' THEN extract(epoch FROM date_trunc('second', b) - date_trunc('second', a))::bigint
  WHEN 'millisecond' THEN (extract(epoch FROM date_trunc('milliseconds', b)
                                            - date_trunc('milliseconds', a)) * 1000)::bigint
  WHEN 'microsecond' THEN (extract(epoch FROM b - a) * 1000000)::bigint
END
$$;
"""

# Redshift's TRUNC(timestamp) returns the DATE; PostgreSQL's trunc only knows numbers. One name with
# overloads lets PostgreSQL pick by the argument's type, which the rewrite cannot know.
_TRUNC = """
CREATE OR REPLACE FUNCTION dwsim_rs.trunc(timestamp) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT $1::date $$;
CREATE OR REPLACE FUNCTION dwsim_rs.trunc(timestamptz) RETURNS date
  LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT $1::date $$;
CREATE OR REPLACE FUNCTION dwsim_rs.trunc(date) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION dwsim_rs.trunc(numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.trunc($1) $$;
CREATE OR REPLACE FUNCTION dwsim_rs.trunc(double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.trunc($1) $$;
"""


def _percentile_sql(sqltype: str, suffix: str) -> str:
    """Percentile aggregates usable as window functions (PostgreSQL's ordered-set ones are not).

    The state is an array whose first element is the fraction and the rest the non-null values;
    the final functions sort once per frame.
    """
    return f"""
CREATE OR REPLACE FUNCTION dwsim_rs._pct_acc_{suffix}(s {sqltype}[], frac double precision,
                                                      v {sqltype})
RETURNS {sqltype}[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL THEN coalesce(s, ARRAY[frac::{sqltype}])
              ELSE coalesce(s, ARRAY[frac::{sqltype}]) || v END
$$;
CREATE OR REPLACE FUNCTION dwsim_rs._pct_cont_{suffix}(s {sqltype}[]) RETURNS {sqltype}
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN coalesce(cardinality(s), 0) < 2 THEN NULL ELSE (
    SELECT (a[floor(pos)::int + 1] + (pos - floor(pos)) * (a[ceil(pos)::int + 1]
            - a[floor(pos)::int + 1]))::{sqltype}
    FROM (SELECT array_agg(x ORDER BY x) AS a, (s[1] * (count(*) - 1))::{sqltype} AS pos
          FROM unnest(s[2:]) AS x) q) END
$$;
CREATE OR REPLACE FUNCTION dwsim_rs._pct_disc_{suffix}(s {sqltype}[]) RETURNS {sqltype}
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN coalesce(cardinality(s), 0) < 2 THEN NULL ELSE (
    SELECT a[greatest(1, ceil(s[1] * count_)::int)]
    FROM (SELECT array_agg(x ORDER BY x) AS a, count(*) AS count_
          FROM unnest(s[2:]) AS x) q) END
$$;
DROP AGGREGATE IF EXISTS dwsim_rs.percentile_cont(double precision, {sqltype});
CREATE AGGREGATE dwsim_rs.percentile_cont(double precision, {sqltype}) (
  SFUNC = dwsim_rs._pct_acc_{suffix}, STYPE = {sqltype}[],
  FINALFUNC = dwsim_rs._pct_cont_{suffix});
DROP AGGREGATE IF EXISTS dwsim_rs.percentile_disc(double precision, {sqltype});
CREATE AGGREGATE dwsim_rs.percentile_disc(double precision, {sqltype}) (
  SFUNC = dwsim_rs._pct_acc_{suffix}, STYPE = {sqltype}[],
  FINALFUNC = dwsim_rs._pct_disc_{suffix});
"""


# Redshift's RATIO_TO_REPORT and the string helpers the rewrites point at.
_MISC = """
CREATE OR REPLACE FUNCTION dwsim_rs.strtol(text, integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sum((strpos('0123456789abcdefghijklmnopqrstuvwxyz', d) - 1)::bigint
             * power($2::numeric, len - i)::bigint)::bigint
  FROM (SELECT lower($1) AS s, length($1) AS len) t,
       LATERAL (SELECT substr(t.s, i, 1) AS d, i FROM generate_series(1, t.len) AS i) c
$$;
CREATE OR REPLACE FUNCTION dwsim_rs.months_between(a date, b date) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (extract(year FROM a) * 12 + extract(month FROM a)
        - extract(year FROM b) * 12 - extract(month FROM b))::double precision
       + CASE WHEN extract(day FROM a) = extract(day FROM b)
                OR (a = (date_trunc('month', a) + interval '1 month - 1 day')::date
                    AND b = (date_trunc('month', b) + interval '1 month - 1 day')::date)
              THEN 0 ELSE (extract(day FROM a) - extract(day FROM b)) / 31.0 END
$$;
-- NEXT_DAY(d, 'Tue'): the first date after d falling on that weekday; Redshift reads the day's
-- name from its first two letters ('Tu', 'Tue', 'Tuesday').
CREATE OR REPLACE FUNCTION dwsim_rs.next_day(d date, day text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d + (((strpos('sumotuwethfrsa', lower(left(btrim(day), 2))) - 1) / 2
               - extract(dow FROM d)::int + 6) % 7 + 1)
$$;
CREATE OR REPLACE FUNCTION dwsim_rs.next_day(d timestamp, day text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT dwsim_rs.next_day(d::date, day) $$;
-- ADD_MONTHS keeps month ends at month ends: add_months('2024-02-29', 1) is 2024-03-31, where
-- PostgreSQL's interval arithmetic gives 2024-03-29. Other days clamp as intervals do; the time
-- of day is kept and the result is a timestamp, as Redshift returns.
CREATE OR REPLACE FUNCTION dwsim_rs.add_months(d timestamp, n bigint) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d::date = (date_trunc('month', d) + interval '1 month - 1 day')::date
              THEN date_trunc('month', d) + make_interval(months => n::int + 1)
                   - interval '1 day' + (d - date_trunc('day', d))
              ELSE d + make_interval(months => n::int) END
$$;
-- A function of its own so PostgreSQL names an unaliased LAST_DAY(d) column last_day.
CREATE OR REPLACE FUNCTION dwsim_rs.last_day(d timestamp) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date
$$;
CREATE OR REPLACE FUNCTION dwsim_rs.is_valid_json(text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM $1::json;
  RETURN $1 IS NOT NULL;
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;
"""


def install_statements() -> list[str]:
    """Every statement that creates the helper schema and its functions, in order."""
    body = (
        _DATEDIFF
        + _TRUNC
        + _percentile_sql("double precision", "f")
        + _percentile_sql("numeric", "n")
        + _MISC
    )
    return [
        f"CREATE SCHEMA IF NOT EXISTS {HELPER_SCHEMA}",
        body,
        f"CREATE OR REPLACE FUNCTION {HELPER_SCHEMA}.version() RETURNS integer "
        f"LANGUAGE sql IMMUTABLE AS $$ SELECT {VERSION} $$",
    ]


def install(conn: Any) -> None:
    """Create or update the ``dwsim_rs`` helpers through a psycopg 3 connection.

    Two sessions installing at once would collide on the catalog ("tuple concurrently updated"),
    so installation holds a transaction-level advisory lock.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('dwsim_rs.install'))")
        row = conn.execute(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = %s AND p.proname = 'version'",
            (HELPER_SCHEMA,),
        ).fetchone()
        if row is not None:
            current = conn.execute(f"SELECT {HELPER_SCHEMA}.version()").fetchone()
            if current is not None and current[0] == VERSION:
                return
        for statement in install_statements():
            conn.execute(statement)
