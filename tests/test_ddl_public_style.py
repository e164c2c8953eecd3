"""Constructs met when importing real public schemas (benchmark kits, pg_dump, GET_DDL output).

Every script here is written for these tests in the style of those schemas; each test names the
construct that broke an import or a generation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec


def imp(sql: str, dialect: str = "ansi") -> ExperimentSpec:
    return import_sql(sql, dialect, infer=True)


def _generate(spec: ExperimentSpec, path: Path, rows: int = 40) -> duckdb.DuckDBPyConnection:
    generate_run(
        spec, path, rows={t.name: rows for t in spec.tables}, workers=1, executor="inprocess"
    )
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(
            f"create view {t.name} as select * from read_parquet('{path}/{t.name}/*.parquet')"
        )
    return con


# A benchmark-kit layout: a child whose primary key is exactly one composite foreign key to its
# parent's primary key (one row per parent at most), and small DECIMAL(p, 0) counters.
KIT_SQL = """
CREATE TABLE depot (
    dp_id      int          NOT NULL,
    dp_name    varchar(12)  NOT NULL,
    PRIMARY KEY (dp_id)
);
CREATE TABLE shipment (
    sh_dp_id    int           NOT NULL,
    sh_id       int           NOT NULL,
    sh_parcels  decimal(2, 0) NOT NULL,
    sh_express  decimal(1, 0) NOT NULL,
    sh_rate     decimal(4, 4) NOT NULL,
    PRIMARY KEY (sh_dp_id, sh_id)
);
CREATE TABLE pending_shipment (
    ps_dp_id int NOT NULL,
    ps_sh_id int NOT NULL,
    PRIMARY KEY (ps_dp_id, ps_sh_id)
);
ALTER TABLE shipment
    ADD CONSTRAINT fk_sh_dp FOREIGN KEY (sh_dp_id) REFERENCES depot (dp_id) ON DELETE CASCADE;
ALTER TABLE pending_shipment
    ADD CONSTRAINT fk_ps_sh FOREIGN KEY (ps_dp_id, ps_sh_id)
    REFERENCES shipment (sh_dp_id, sh_id) ON DELETE CASCADE;
"""


def test_primary_key_that_is_one_composite_foreign_key_generates(tmp_path: Path) -> None:
    spec = imp(KIT_SQL, "postgres")
    pending = spec.table("pending_shipment")
    assert pending.primary_key == ["ps_dp_id", "ps_sh_id"]
    assert [fk.columns for fk in pending.foreign_keys] == [["ps_dp_id", "ps_sh_id"]]
    con = _generate(spec, tmp_path)
    dup = con.execute(
        "select count(*) from (select ps_dp_id, ps_sh_id from pending_shipment "
        "group by all having count(*) > 1)"
    ).fetchone()
    orphans = con.execute(
        "select count(*) from pending_shipment p left join shipment s "
        "on p.ps_dp_id = s.sh_dp_id and p.ps_sh_id = s.sh_id where s.sh_id is null"
    ).fetchone()
    assert dup == (0,) and orphans == (0,)


def test_small_integral_decimals_generate_within_precision(tmp_path: Path) -> None:
    con = _generate(imp(KIT_SQL, "postgres"), tmp_path)
    row = con.execute(
        "select max(abs(sh_parcels)), max(abs(sh_express)), max(abs(sh_rate)) from shipment"
    ).fetchone()
    assert row is not None
    assert row[0] < 100 and row[1] < 10 and row[2] < 1
