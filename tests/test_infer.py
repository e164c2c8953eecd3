"""Inferring a spec from data: a generated experiment round trip, a sample database, privacy.

Tolerances of the round trip (source run vs data regenerated from the inferred spec, both a few
thousand rows): means within 0.1 standard deviation, standard deviations within 15%, null rates
within 0.02, category frequencies within 0.03 (absolute), date ranges within 31 days, and the same
foreign-key edges.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from dwsim_nb.infer import InferError, infer_spec
from dwsim_nb.workspace import Workspace

SHOP: dict[str, Any] = {
    "name": "shop",
    "dialect": "duckdb",
    "tables": [
        {
            "name": "customers",
            "target_rows": 3000,
            "primary_key": ["customer_id"],
            "columns": [
                {"name": "customer_id", "data_type": "INT"},
                {
                    "name": "email",
                    "data_type": "VARCHAR(80)",
                    "faker_rule": "email",
                    "is_unique": True,
                },
                {"name": "first_name", "data_type": "VARCHAR(40)", "faker_rule": "first_name"},
                {
                    "name": "age",
                    "data_type": "INT",
                    "min_value": 18,
                    "max_value": 90,
                    "distribution": {"type": "normal", "parameters": {"mean": 40, "stddev": 12}},
                },
                {
                    "name": "segment",
                    "data_type": "VARCHAR(20)",
                    "values": ["retail", "smb", "enterprise"],
                    "weights": [0.7, 0.2, 0.1],
                },
                {
                    "name": "balance",
                    "data_type": "DOUBLE",
                    "min_value": 0,
                    "max_value": 100000,
                    "null_rate": 0.1,
                    "distribution": {"type": "lognormal", "parameters": {"mean": 5, "sigma": 1}},
                },
                {
                    "name": "signup_date",
                    "data_type": "DATE",
                    "date_start": "2021-01-01",
                    "date_end": "2024-12-31",
                },
                {"name": "vip", "data_type": "BOOLEAN", "true_probability": 0.15},
            ],
        },
        {
            "name": "products",
            "target_rows": 300,
            "primary_key": ["product_id"],
            "columns": [
                {"name": "product_id", "data_type": "INT"},
                {
                    "name": "sku",
                    "data_type": "VARCHAR(12)",
                    "pattern": "SKU-#####",
                    "is_unique": True,
                },
                {
                    "name": "category",
                    "data_type": "VARCHAR(20)",
                    "values": ["books", "toys", "garden", "food"],
                },
                {"name": "price", "data_type": "DECIMAL(10,2)", "min_value": 1, "max_value": 500},
            ],
        },
        {
            "name": "orders",
            "target_rows": 8000,
            "primary_key": ["order_id"],
            "foreign_keys": [
                {
                    "columns": ["customer_id"],
                    "references_table": "customers",
                    "references_columns": ["customer_id"],
                }
            ],
            "columns": [
                {"name": "order_id", "data_type": "BIGINT"},
                {"name": "customer_id", "data_type": "INT"},
                {
                    "name": "status",
                    "data_type": "VARCHAR(12)",
                    "values": ["placed", "shipped", "returned"],
                    "weights": [0.2, 0.75, 0.05],
                },
                {
                    "name": "amount",
                    "data_type": "DOUBLE",
                    "min_value": 0,
                    "max_value": 5000,
                    "distribution": {"type": "exponential", "parameters": {"lambda": 0.01}},
                },
                {
                    "name": "ordered_at",
                    "data_type": "TIMESTAMP",
                    "date_start": "2023-01-01T00:00:00",
                    "date_end": "2024-12-31T23:59:59",
                },
            ],
        },
        {
            "name": "order_items",
            "target_rows": 12000,
            "primary_key": ["item_id"],
            "foreign_keys": [
                {
                    "columns": ["order_id"],
                    "references_table": "orders",
                    "references_columns": ["order_id"],
                },
                {
                    "columns": ["product_id"],
                    "references_table": "products",
                    "references_columns": ["product_id"],
                    "nullable": True,
                    "null_rate": 0.05,
                },
            ],
            "columns": [
                {"name": "item_id", "data_type": "BIGINT"},
                {"name": "order_id", "data_type": "BIGINT"},
                {"name": "product_id", "data_type": "INT"},
                {"name": "quantity", "data_type": "SMALLINT", "min_value": 1, "max_value": 5},
            ],
        },
    ],
}

NUMERIC = {"customers": ["age", "balance"], "products": ["price"], "orders": ["amount"]}
CATEGORIES = {
    "customers": ["segment", "vip"],
    "products": ["category"],
    "orders": ["status"],
    "order_items": ["quantity"],
}
NULLABLE = {"customers": ["balance"], "order_items": ["product_id"]}


def _frame(run_dir: str | Path | None, table: str) -> pd.DataFrame:
    files = sorted(str(p) for p in (Path(run_dir or ".") / table).glob("*.parquet"))
    return duckdb.execute(f"select * from read_parquet({files!r})").df()


def _edges(spec: Any) -> set[tuple[str, str, str, str]]:
    return {
        (t.name, fk.columns[0], fk.references_table, fk.references_columns[0])
        for t in spec.tables
        for fk in t.foreign_keys
    }


@pytest.fixture
def shop_run(home: Path) -> tuple[Workspace, Any]:
    ws = Workspace(home)
    exp = ws.create(SHOP)
    run = exp.generate(seed=11, workers=1, load=False)
    return ws, run


def test_round_trip_statistics_and_fk_graph(shop_run: tuple[Workspace, Any]) -> None:
    ws, run = shop_run
    spec = infer_spec(run.path, name="shop_like")
    assert _edges(spec) == _edges(ws.experiment("shop").spec)
    assert {t.name: t.primary_key for t in spec.tables} == {
        "customers": ["customer_id"],
        "products": ["product_id"],
        "orders": ["order_id"],
        "order_items": ["item_id"],
    }
    assert spec.table("customers").column("email").is_unique
    assert spec.table("customers").column("email").faker_rule == "email"

    like = ws.create(spec)
    regen = like.generate(seed=99, workers=1, load=False)
    assert regen.rows == run.rows
    for table, cols in NUMERIC.items():
        src, new = _frame(run.path, table), _frame(regen.path, table)
        for c in cols:
            a, b = src[c].astype(float).dropna(), new[c].astype(float).dropna()
            assert abs(a.mean() - b.mean()) <= 0.1 * a.std(), (table, c, a.mean(), b.mean())
            assert abs(a.std() - b.std()) <= 0.15 * a.std(), (table, c, a.std(), b.std())
    for table, cols in CATEGORIES.items():
        src, new = _frame(run.path, table), _frame(regen.path, table)
        for c in cols:
            fa = src[c].value_counts(normalize=True)
            fb = new[c].value_counts(normalize=True)
            assert set(fa.index) == set(fb.index), (table, c)
            assert (fa - fb).abs().max() <= 0.03, (table, c)
    for table, cols in NULLABLE.items():
        src, new = _frame(run.path, table), _frame(regen.path, table)
        for c in cols:
            assert abs(src[c].isna().mean() - new[c].isna().mean()) <= 0.02, (table, c)
    src, new = _frame(run.path, "customers"), _frame(regen.path, "customers")
    for fn in (min, max):
        gap = fn(src["signup_date"]) - fn(new["signup_date"])
        assert abs(pd.Timedelta(gap).days) <= 31


def test_no_real_values_without_categories(shop_run: tuple[Workspace, Any]) -> None:
    _, run = shop_run
    customers = _frame(run.path, "customers")
    strict = infer_spec(run.path, name="strict", copy_categories=False)
    text = strict.to_json()
    assert all(c.values is None for t in strict.tables for c in t.columns)
    for value in ["retail", "shipped", *customers["email"].head(50), *customers["first_name"]]:
        assert f'"{value}"' not in text
    # With categories: the low-cardinality values, and still no e-mail or name.
    loose = infer_spec(run.path, name="loose").to_json()
    assert '"retail"' in loose
    for value in [*customers["email"].head(50), *customers["first_name"].head(50)]:
        assert f'"{value}"' not in loose


def test_category_threshold_is_configurable() -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"code": rng.choice([f"c{i}" for i in range(30)], 3000)})
    assert infer_spec(df).tables[0].column("code").values is None
    assert len(infer_spec(df, category_limit=40).tables[0].column("code").values or []) == 30


def test_dataframes_dict_with_string_keys() -> None:
    rng = np.random.default_rng(5)
    codes = [f"ACC-{i:05d}" for i in range(400)]
    accounts = pd.DataFrame(
        {
            "account_code": codes,
            "opened": pd.date_range("2020-01-01", periods=400, freq="D"),
            "score": rng.normal(600, 50, 400),
        }
    )
    events = pd.DataFrame(
        {
            "event_id": np.arange(1, 2001),
            "account_code": rng.choice(codes, 2000),
            "kind": rng.choice(["in", "out"], 2000),
        }
    )
    spec = infer_spec({"accounts": accounts, "events": events}, name="acc")
    assert spec.table("accounts").primary_key == ["account_code"]
    assert _edges(spec) == {("events", "account_code", "accounts", "account_code")}
    assert spec.table("events").column("kind").values is not None
    score = spec.table("accounts").column("score")
    # 400 values of a normal with a small spread: a lognormal that narrow is the same shape.
    assert score.distribution is not None and score.distribution.type in ("normal", "lognormal")
    assert score.min_value is not None and score.max_value is not None
    assert 400 < score.min_value < 600 < score.max_value < 800
    assert spec.table("accounts").column("opened").date_start == dt.datetime(2020, 1, 1)


# --- a small music-store database built here (declared keys and types) ---------------------------

_MUSIC_DDL = """
create table artist (artist_id integer primary key, name varchar(120) not null);
create table album (album_id integer primary key, title varchar(160) not null,
  artist_id integer not null references artist(artist_id));
create table genre (genre_id integer primary key, name varchar(120));
create table track (track_id integer primary key, name varchar(200) not null,
  album_id integer references album(album_id), genre_id integer references genre(genre_id),
  milliseconds integer not null, unit_price numeric(10,2) not null);
create table customer (customer_id integer primary key, first_name varchar(40) not null,
  last_name varchar(20) not null, email varchar(60) not null unique, country varchar(40));
create table invoice (invoice_id integer primary key,
  customer_id integer not null references customer(customer_id),
  invoice_date timestamp not null, billing_country varchar(40), total numeric(10,2) not null);
create table invoice_line (invoice_line_id integer primary key,
  invoice_id integer not null references invoice(invoice_id),
  track_id integer not null references track(track_id), unit_price numeric(10,2) not null,
  quantity integer not null);
"""

_MUSIC_EDGES = {
    ("album", "artist_id", "artist", "artist_id"),
    ("track", "album_id", "album", "album_id"),
    ("track", "genre_id", "genre", "genre_id"),
    ("invoice", "customer_id", "customer", "customer_id"),
    ("invoice_line", "invoice_id", "invoice", "invoice_id"),
    ("invoice_line", "track_id", "track", "track_id"),
}


def music_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Realistic-looking rows, made up here (no download)."""
    rng = np.random.default_rng(2024)
    words = [
        "Night",
        "Blue",
        "River",
        "Fire",
        "Gold",
        "Echo",
        "Stone",
        "Heart",
        "Road",
        "Sky",
        "Dream",
        "Rain",
        "Wild",
        "Silver",
        "Ghost",
        "Sun",
    ]
    first = [
        "Ana",
        "Ben",
        "Carla",
        "Dev",
        "Eva",
        "Finn",
        "Gus",
        "Hana",
        "Ivo",
        "Jon",
        "Kim",
        "Lea",
        "Max",
        "Nia",
        "Omar",
        "Pia",
    ]
    last = ["Silva", "Meyer", "Novak", "Rossi", "Berg", "Costa", "Kowal", "Dubois", "Ito", "Ng"]
    countries = ["USA", "Canada", "Brazil", "France", "Germany", "United Kingdom"]
    genres = ["Rock", "Jazz", "Metal", "Alternative", "Blues", "Latin", "Pop", "Classical"]

    def title(i: int) -> str:
        return f"{words[i % 16]} {words[(i * 7 + 3) % 16]} {i}"

    artists = [(i, f"The {words[i % 16]} {words[(i * 5) % 16]}s {i}") for i in range(1, 121)]
    albums = [(i, title(i), int(rng.integers(1, 121))) for i in range(1, 301)]
    genre = [(i, g) for i, g in enumerate(genres, 1)]
    g_weights = np.array([0.4, 0.15, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04])
    tracks = [
        (
            i,
            title(i * 3),
            int(rng.integers(1, 301)),
            int(rng.choice(np.arange(1, 9), p=g_weights)),
            int(np.clip(rng.normal(240_000, 60_000), 60_000, 900_000)),
            0.99 if rng.random() < 0.9 else 1.99,
        )
        for i in range(1, 2501)
    ]
    customers = [
        (
            i,
            first[i % 16],
            last[(i * 3) % 10],
            f"{first[i % 16].lower()}.{i}@mail.example",
            countries[int(rng.choice(6, p=[0.35, 0.15, 0.15, 0.15, 0.1, 0.1]))],
        )
        for i in range(1, 201)
    ]
    start = dt.datetime(2021, 1, 1)
    invoices = []
    lines = []
    line_id = 1
    for i in range(1, 1501):
        cust = customers[int(rng.integers(0, 200))]
        n = int(rng.integers(1, 6))
        total = 0.0
        for _ in range(n):
            tr = tracks[int(rng.integers(0, 2500))]
            lines.append((line_id, i, tr[0], tr[5], 1))
            total += tr[5]
            line_id += 1
        when = start + dt.timedelta(minutes=int(rng.integers(0, 3 * 365 * 24 * 60)))
        invoices.append((i, cust[0], when, cust[4], round(total, 2)))
    return {
        "artist": artists,
        "album": albums,
        "genre": genre,
        "track": tracks,
        "customer": customers,
        "invoice": invoices,
        "invoice_line": lines,
    }


def build_music_sqlite(path: Path) -> str:
    con = sqlite3.connect(path)
    con.executescript(_MUSIC_DDL)
    for table, rows in music_rows().items():
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(
            f"insert into {table} values ({marks})",
            [tuple(str(v) if isinstance(v, dt.datetime) else v for v in r) for r in rows],
        )
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def _check_music(spec: Any) -> None:
    assert _edges(spec) == _MUSIC_EDGES
    # Each genre name is in one row only: too rare to copy, and not a person's name either.
    genre = spec.table("genre").column("name")
    assert genre.values is None and genre.faker_rule != "name"
    assert '"Rock"' not in spec.to_json()
    customer = spec.table("customer")
    assert customer.column("email").faker_rule == "email"
    assert customer.column("email").is_unique
    assert customer.column("first_name").faker_rule == "first_name"
    country = customer.column("country")
    assert country.values is not None and country.weights is not None  # a category: copied
    assert "USA" in country.values
    assert spec.table("track").column("milliseconds").distribution is not None
    assert spec.table("invoice_line").target_rows > 1500
    text = spec.to_json()
    assert "@mail.example" not in text and "The Night" not in text


def test_music_store_in_sqlite(tmp_path: Path, home: Path) -> None:
    url = build_music_sqlite(tmp_path / "music.db")
    spec = infer_spec(url, name="music")
    _check_music(spec)
    assert spec.dialect == "sqlite"
    exp = Workspace(home).create(spec.model_copy(update={"dialect": "duckdb"}))
    run = exp.generate(rows={t.name: 200 for t in spec.tables}, seed=1, workers=1)
    assert run.status == "COMPLETED"
    orphans = exp.query(
        "select count(*) as n from invoice_line l left join track t using (track_id) "
        "where t.track_id is null"
    )
    assert int(orphans["n"][0]) == 0


@pytest.mark.postgres
def test_music_store_in_postgres(postgres_url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    rows = music_rows()
    with engine.begin() as conn:
        for stmt in _MUSIC_DDL.split(";"):
            if stmt.strip():
                conn.exec_driver_sql(stmt)
        for table, data in rows.items():
            marks = ", ".join(["%s"] * len(data[0]))
            conn.exec_driver_sql(f"insert into {table} values ({marks})", data)
    try:
        spec = infer_spec(engine, name="music_pg", tables=list(rows))
    finally:
        engine.dispose()
    _check_music(spec)
    assert spec.dialect == "postgres"
    assert spec.table("track").column("unit_price").data_type == "DECIMAL"


def test_fk_found_without_declared_keys(tmp_path: Path) -> None:
    """The same store with no constraints at all: keys come from names and value inclusion."""
    path = tmp_path / "bare.db"
    con = sqlite3.connect(path)
    for table, data in music_rows().items():
        cols = {
            "artist": "artist_id, name",
            "album": "album_id, title, artist_id",
            "genre": "genre_id, name",
            "track": "track_id, name, album_id, genre_id, milliseconds, unit_price",
            "customer": "customer_id, first_name, last_name, email, country",
            "invoice": "invoice_id, customer_id, invoice_date, billing_country, total",
            "invoice_line": "invoice_line_id, invoice_id, track_id, unit_price, quantity",
        }
        con.execute(f"create table {table} ({cols[table]})")
        marks = ", ".join("?" * len(data[0]))
        con.executemany(
            f"insert into {table} values ({marks})",
            [tuple(str(v) if isinstance(v, dt.datetime) else v for v in r) for r in data],
        )
    con.commit()
    con.close()
    spec = infer_spec(f"sqlite:///{path}", name="bare")
    assert _edges(spec) == _MUSIC_EDGES
    assert spec.table("invoice").primary_key == ["invoice_id"]


def test_errors_name_the_place(tmp_path: Path) -> None:
    with pytest.raises(InferError, match="no such file"):
        infer_spec(tmp_path / "missing")
    with pytest.raises(InferError, match="no table"):
        infer_spec({"a": pd.DataFrame({"x": [1]})}, tables=["b"])
    with pytest.raises(InferError, match="cannot infer"):
        infer_spec(42)
    assert json.loads(infer_spec(pd.DataFrame({"x": [1, 2]})).to_json())["tables"]


def test_from_a_duckdb_url(home: Path) -> None:
    """The experiment's own DuckDB warehouse, read through duckdb-engine (no declared keys)."""
    ws = Workspace(home)
    exp = ws.create(SHOP)
    exp.generate(rows={t["name"]: 400 for t in SHOP["tables"]}, seed=2, workers=1)
    url = f"duckdb:///{home}/duckdb/shop/warehouse.duckdb"  # the experiment's own file
    spec = infer_spec(url, name="from_db", schema="shop")
    assert spec.dialect == "duckdb"
    assert _edges(spec) == _edges(exp.spec)
    assert {t.name: t.target_rows for t in spec.tables} == {t["name"]: 400 for t in SHOP["tables"]}


# --- composite keys (TPC-H's partsupp and lineitem, made up here) --------------------------------


def _tpch_like(drop_partsupp_row: bool = False) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    part = pd.DataFrame({"p_partkey": np.arange(1, 61), "p_size": rng.integers(1, 50, 60)})
    supplier = pd.DataFrame({"s_suppkey": np.arange(1, 21), "s_acctbal": rng.normal(5e3, 900, 20)})
    pairs = [(p, (p + 5 * k) % 20 + 1) for p in range(1, 61) for k in range(4)]
    partsupp = pd.DataFrame(
        {
            "ps_partkey": [p for p, _ in pairs],
            "ps_suppkey": [s for _, s in pairs],
            "ps_availqty": rng.integers(1, 10_000, len(pairs)),
        }
    )
    orders = pd.DataFrame({"o_orderkey": np.arange(1, 401), "o_total": rng.exponential(900, 400)})
    rows = []
    for order in range(1, 401):
        for line in range(1, int(rng.integers(1, 6)) + 1):
            p, s = pairs[int(rng.integers(0, len(pairs)))]
            rows.append((order, line, p, s, int(rng.integers(1, 51))))
    lineitem = pd.DataFrame(
        rows, columns=["l_orderkey", "l_linenumber", "l_partkey", "l_suppkey", "l_quantity"]
    )
    if drop_partsupp_row:
        # One (part, supplier) pair the line items use is missing from partsupp.
        used = lineitem.iloc[0]
        partsupp = partsupp[
            ~((partsupp.ps_partkey == used.l_partkey) & (partsupp.ps_suppkey == used.l_suppkey))
        ]
    return {
        "part": part,
        "supplier": supplier,
        "partsupp": partsupp,
        "orders": orders,
        "lineitem": lineitem,
    }


def _fk_list(spec: Any, table: str) -> set[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    return {
        (tuple(fk.columns), fk.references_table, tuple(fk.references_columns))
        for fk in spec.table(table).foreign_keys
    }


def test_composite_foreign_key_inferred(home: Path) -> None:
    spec = infer_spec(_tpch_like(), name="tpch_like")
    assert spec.table("partsupp").primary_key == ["ps_partkey", "ps_suppkey"]
    assert spec.table("lineitem").primary_key == ["l_orderkey", "l_linenumber"]
    assert _fk_list(spec, "lineitem") == {
        (("l_orderkey",), "orders", ("o_orderkey",)),
        (("l_partkey", "l_suppkey"), "partsupp", ("ps_partkey", "ps_suppkey")),
    }  # no single l_partkey -> part or l_suppkey -> supplier beside the composite key
    assert _fk_list(spec, "partsupp") == {
        (("ps_partkey",), "part", ("p_partkey",)),
        (("ps_suppkey",), "supplier", ("s_suppkey",)),
    }
    exp = Workspace(home).create(spec)
    run = exp.generate(rows={t.name: 300 for t in spec.tables}, seed=3, workers=1)
    assert run.status == "COMPLETED"
    orphans = exp.query(
        "select count(*) as n from lineitem l left join partsupp ps "
        "on l.l_partkey = ps.ps_partkey and l.l_suppkey = ps.ps_suppkey "
        "where ps.ps_partkey is null"
    )
    assert int(orphans["n"][0]) == 0


def test_composite_foreign_key_not_inferred_when_a_tuple_is_missing() -> None:
    spec = infer_spec(_tpch_like(drop_partsupp_row=True), name="tpch_gap")
    assert spec.table("partsupp").primary_key == ["ps_partkey", "ps_suppkey"]
    fks = _fk_list(spec, "lineitem")
    assert all(len(cols) == 1 for cols, _, _ in fks)
    # Each column on its own is still among its parent's keys.
    assert (("l_partkey",), "part", ("p_partkey",)) in fks
    assert (("l_suppkey",), "supplier", ("s_suppkey",)) in fks


# --- sampling -----------------------------------------------------------------------------------


def _phased(rows: int = 3000) -> pd.DataFrame:
    from dwsim_nb.infer.sources import sample_positions

    rng = np.random.default_rng(11)
    # One repeat, between two rows the default sample leaves out: the sample's tickets are
    # unique, the column's are not.
    positions = sample_positions(rows, 1000, 0)
    assert positions is not None
    drawn = set(positions.tolist())
    outside = [i for i in range(rows) if i not in drawn]
    ticket = np.arange(rows) + 100
    ticket[outside[-1]] = ticket[outside[0]]
    return pd.DataFrame(
        {
            "id": np.arange(1, rows + 1),
            # The first 1,000 rows say "early", every later one "late".
            "phase": np.where(np.arange(rows) < 1000, "early", "late"),
            "ticket": ticket,
            "score": rng.normal(50, 10, rows),
        }
    )


def _as_sqlite(df: pd.DataFrame, path: Path) -> str:
    con = sqlite3.connect(path)
    df.to_sql("events", con, index=False)
    con.close()
    return f"sqlite:///{path}"


def _as_parquet(df: pd.DataFrame, path: Path) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=700)
    return str(path)


@pytest.mark.parametrize("kind", ["frame", "parquet", "sqlite"])
def test_sample_spreads_over_the_whole_table_and_repeats(kind: str, tmp_path: Path) -> None:
    from dwsim_nb.infer.sources import read_source

    df = _phased()
    source: Any = {
        "frame": lambda: {"events": df},
        "parquet": lambda: _as_parquet(df, tmp_path / "events.parquet"),
        "sqlite": lambda: _as_sqlite(df, tmp_path / "events.db"),
    }[kind]()
    first = read_source(source, sample_rows=1000)
    second = read_source(source, sample_rows=1000)
    other = read_source(source, sample_rows=1000, sample_seed=1)
    for data in (first, second, other):
        if data.close is not None:
            data.close()
    table = first.tables[0]
    assert table.rows == 3000 and table.data.num_rows == 1000 and table.sampled
    ids = table.data.column("id").to_pylist()
    assert ids == second.tables[0].data.column("id").to_pylist()  # the same rows on each run
    assert ids != other.tables[0].data.column("id").to_pylist()
    assert ids == sorted(ids) and max(ids) > 2500  # spread over the table, in its order
    # The ticket repeat falls outside this sample, so only the check over all rows sees it.
    assert len(set(table.data.column("ticket").to_pylist())) == 1000

    spec = infer_spec(source, name="phased", sample_rows=1000)
    assert spec.to_json() == infer_spec(source, name="phased", sample_rows=1000).to_json()
    events = spec.tables[0]
    assert events.target_rows == 3000
    phase = events.column("phase")
    assert phase.values is not None and set(phase.values) == {"early", "late"}
    assert phase.weights is not None and phase.weights[phase.values.index("late")] > 0.55
    assert events.primary_key == ["id"]
    # A sequence from all rows, though the sample's ids have no constant step.
    assert events.column("id").sequence is not None
    assert events.column("id").sequence.start == 1 and events.column("id").sequence.step == 1
    assert not events.column("ticket").is_unique


def test_sampled_foreign_key_is_checked_over_all_rows() -> None:
    rng = np.random.default_rng(4)
    accounts = pd.DataFrame(
        {"account_id": np.arange(1, 3001), "kind": rng.choice(["a", "b"], 3000)}
    )
    payments = pd.DataFrame(
        {"payment_id": np.arange(1, 5001), "account_id": rng.integers(1, 3001, 5000)}
    )
    spec = infer_spec({"accounts": accounts, "payments": payments}, sample_rows=1000)
    assert _edges(spec) == {("payments", "account_id", "accounts", "account_id")}
    payments.loc[4321, "account_id"] = 9999  # one orphan, very likely outside the sample
    spec = infer_spec({"accounts": accounts, "payments": payments}, sample_rows=1000)
    assert _edges(spec) == set()
