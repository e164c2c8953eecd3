"""Lookup tables hold real lists, each value once; hierarchy pairs agree; names mean codes.

Schemas in the style of a DVD-rental pg_dump, TICKIT and TPC-H are imported without overrides,
generated, and queried with duckdb.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.domains import COUNTRIES, LANGUAGES
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.spec.rules import LookupRule, ValuesRule

ROOT = Path(__file__).resolve().parent

RENTAL = """
CREATE TABLE public.language (
    language_id integer NOT NULL PRIMARY KEY,
    name character(20) NOT NULL,
    last_update timestamp DEFAULT now() NOT NULL
);
CREATE TABLE public.category (
    category_id integer NOT NULL PRIMARY KEY,
    name character varying(25) NOT NULL,
    last_update timestamp DEFAULT now() NOT NULL
);
CREATE TABLE public.film (
    film_id integer NOT NULL PRIMARY KEY,
    title character varying(255) NOT NULL,
    release_year integer,
    language_id smallint NOT NULL REFERENCES public.language (language_id)
);
CREATE TABLE public.film_category (
    film_id integer NOT NULL REFERENCES public.film (film_id),
    category_id integer NOT NULL REFERENCES public.category (category_id),
    PRIMARY KEY (film_id, category_id)
);
CREATE TABLE public.countries (
    country_id integer NOT NULL PRIMARY KEY,
    country character varying(50) NOT NULL,
    iso_code char(2),
    iso3 char(3),
    continent varchar(20)
);
CREATE TABLE public.address (
    address_id integer NOT NULL PRIMARY KEY,
    district character varying(20) NOT NULL,
    iso_country_code varchar(3),
    active_flag smallint,
    promo_flag varchar(5)
);
CREATE TABLE public.currency (
    currency_id integer PRIMARY KEY,
    currency_code char(3),
    currency_name varchar(40)
);
CREATE TABLE public.truck (
    truck_id integer PRIMARY KEY,
    year smallint,
    model_year integer
);
"""

TPCH_GEO = """
CREATE TABLE region (r_regionkey integer PRIMARY KEY, r_name char(25), r_comment varchar(152));
CREATE TABLE nation (
    n_nationkey integer PRIMARY KEY, n_name char(25),
    n_regionkey integer REFERENCES region (r_regionkey), n_comment varchar(152)
);
"""


def _load(spec: ExperimentSpec, path: Path) -> duckdb.DuckDBPyConnection:
    # No row counts given: the tables' own target_rows, as an import without a workload has.
    rows = {t.name: min(t.target_rows, 600) for t in spec.tables}
    generate_run(spec, path, rows=rows, workers=1, executor="inprocess")
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view {t.name} as select * from read_parquet('{path}/{t.key}/*.parquet')"
        )
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture(scope="module")
def rental(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return _load(import_sql(RENTAL, "postgres"), tmp_path_factory.mktemp("rental"))


def test_language_table_holds_distinct_languages(rental: duckdb.DuckDBPyConnection) -> None:
    n, distinct = (
        rental.execute("select count(*), count(distinct name) from language").fetchone() or ()
    )
    assert n == distinct and n >= 6
    names = {r[0].strip().lower() for r in rental.execute("select name from language").fetchall()}
    assert {"english", "french", "german", "japanese"} <= names


def test_six_row_language_table_has_six_languages(tmp_path: Path) -> None:
    spec = import_sql(RENTAL, "postgres")
    generate_run(spec, tmp_path, rows={"language": 6, "film": 200}, executor="inprocess")
    con = duckdb.connect()
    got = con.execute(f"select name from read_parquet('{tmp_path}/language/*.parquet')").fetchall()
    assert len({r[0] for r in got}) == 6
    languages = {name.upper() for name, _ in LANGUAGES}
    assert {r[0].strip().upper() for r in got} <= languages


def test_category_next_to_film_holds_film_categories(rental: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in rental.execute("select name from category").fetchall()}
    assert {"Action", "Comedy", "Horror", "Documentary"} <= names
    assert _one(rental, "select count(*) - count(distinct name) from category") == 0


def test_country_codes_follow_the_country(rental: duckdb.DuckDBPyConnection) -> None:
    by_name = {c[0]: c for c in COUNTRIES}
    rows = rental.execute("select country, iso_code, iso3, continent from countries").fetchall()
    assert len(rows) == len({r[0] for r in rows}) > 20
    for country, iso2, iso3, continent in rows:
        assert (iso2, iso3, continent) == by_name[country][1:], country


def test_name_rules_codes_flags_years_places(rental: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(
            rental,
            "select count(*) from address "
            "where not regexp_matches(iso_country_code, '^[A-Z]{2,3}$')",
        )
        == 0
    )
    assert _one(rental, "select count(*) from address where active_flag not in (0, 1)") == 0
    assert _one(rental, "select count(distinct active_flag) from address") == 2
    assert _one(rental, "select count(*) from address where promo_flag not in ('Y', 'N')") == 0
    # a place name, not a sentence
    assert (
        _one(
            rental, "select max(length(district) - length(replace(district, ' ', ''))) from address"
        )
        <= 2
    )
    assert _one(rental, "select count(*) from address where district like '%.'") == 0
    for col in ("year", "model_year"):
        assert (
            _one(rental, f"select count(*) from truck where {col} not between 1950 and 2100") == 0
        )
        assert _one(rental, f"select count(distinct {col}) from truck") > 10
    assert (
        _one(rental, "select count(*) from film where release_year not between 1900 and 2100") == 0
    )


def test_currency_code_agrees_with_its_name(rental: duckdb.DuckDBPyConnection) -> None:
    pairs = dict(rental.execute("select currency_name, currency_code from currency").fetchall())
    assert pairs["US Dollar"] == "USD" and pairs["Euro"] == "EUR"
    assert all(len(c) == 3 and c.isupper() for c in pairs.values())


def test_tickit_category_groups_agree_with_names(tmp_path: Path) -> None:
    spec = import_sql((ROOT / "corpus" / "ddl" / "tickit_redshift.sql").read_text(), "redshift")
    con = _load(spec, tmp_path)
    groups = {
        "Sports": {"MLB", "NHL", "NFL", "NBA", "MLS"},
        "Shows": {"Musicals", "Plays", "Opera"},
        "Concerts": {"Pop", "Jazz", "Classical"},
    }
    rows = con.execute("select catgroup, catname from category").fetchall()
    assert len(rows) == 11 and len({r[1] for r in rows}) == 11
    for group, name in rows:
        assert name in groups[group], (group, name)
    assert (
        _one(
            con,
            "select count(*) from event e join category c using (catid) where catgroup = 'Shows'",
        )
        > 0
    )


def test_tpch_regions_and_nations_in_capitals_with_their_regions(tmp_path: Path) -> None:
    con = _load(import_sql(TPCH_GEO, "postgres"), tmp_path)
    regions = {r[0] for r in con.execute("select r_name from region").fetchall()}
    assert regions == {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"}
    nations = {r[0] for r in con.execute("select n_name from nation").fetchall()}
    assert len(nations) == 25 and {"GERMANY", "FRANCE", "JAPAN", "BRAZIL"} <= nations


def test_lookup_rule_override_is_kept_and_reason_says_why() -> None:
    spec = import_sql(RENTAL, "postgres")
    lang = next(t for t in spec.tables if t.name == "language")
    rule = lang.column("name").rule
    assert rule is not None and rule.kind == "values" and "language" in (rule.reason or "")
    assert lang.target_rows == len(rule.values)
    assert any("lookup table" in n for n in spec.notes)


@pytest.mark.parametrize(
    ("context", "groups"),
    [
        # Beside events and venues, categories are event categories grouped as such.
        (
            "CREATE TABLE venues (id INT PRIMARY KEY, name VARCHAR(60));"
            "CREATE TABLE events (id INT PRIMARY KEY, venue_id INT REFERENCES venues,"
            " category_id INT REFERENCES event_category);",
            {"Sports", "Shows", "Concerts"},
        ),
        # Beside products, a shop's categories under a few groups.
        (
            "CREATE TABLE products (id INT PRIMARY KEY,"
            " category_id INT REFERENCES event_category);",
            {"Media", "Fashion", "Home", "Leisure", "Everyday"},
        ),
    ],
)
def test_generic_category_group_and_name_columns_follow_the_schema(
    context: str, groups: set[str]
) -> None:
    """Any ``*_group`` / ``*_name`` pair of a category table: a real list of names, each once,
    and the group each name belongs to."""
    table = "event_category" if "venues" in context else "product_category"
    ddl = (
        f"CREATE TABLE {table} (id INT PRIMARY KEY, category_group VARCHAR(20),"
        " category_name VARCHAR(20), description VARCHAR(60));"
    ) + context.replace("event_category", table)
    spec = import_sql(ddl, "postgres")
    cat = spec.table(table)
    name, group = cat.column("category_name").rule, cat.column("category_group").rule
    assert isinstance(name, ValuesRule) and cat.target_rows == len(name.values)
    assert isinstance(group, LookupRule) and group.of == "category_name"
    assert set(group.mapping.values()) == groups
