"""Renderings: HTML names tables, columns, keys, rules and badges; the ERD is well-formed SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import pytest

from dwsim_nb.display import (
    erd_svg,
    error_html,
    experiment_html,
    experiment_text,
    profile,
    profile_png,
    run_html,
    run_text,
    runs_html,
    spec_html,
    spec_text,
    status_badge,
)
from dwsim_nb.display.erd import fk_depths
from dwsim_nb.errors import DwsimError, SpecError
from dwsim_nb.spec import ExperimentSpec

SVG = "{http://www.w3.org/2000/svg}"

SHOP: dict[str, Any] = {
    "name": "shop",
    "dialect": "redshift",
    "warnings": ["DISTKEY on orders.customer_id was ignored"],
    "notes": ["skipped statement: GRANT SELECT ON orders TO analyst"],
    "tables": [
        {
            "name": "customers",
            "target_rows": 100,
            "primary_key": ["customer_id"],
            "columns": [
                {"name": "customer_id", "data_type": "INT"},
                {
                    "name": "email",
                    "data_type": "VARCHAR(80)",
                    "faker_rule": "email",
                    "is_unique": True,
                    "inferred_rule": "name says e-mail",
                },
                {"name": "referrer_id", "data_type": "INT"},
            ],
            "foreign_keys": [
                {
                    "columns": ["referrer_id"],
                    "references_table": "customers",
                    "references_columns": ["customer_id"],
                    "nullable": True,
                }
            ],
        },
        {
            "name": "orders",
            "target_rows": 300,
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
                    "data_type": "VARCHAR(20)",
                    "values": ["placed", "shipped"],
                    "weights": [0.8, 0.2],
                },
                {"name": "amount", "data_type": "DECIMAL(10,2)", "min_value": 1, "max_value": 500},
            ],
        },
        {
            "name": "order_items",
            "target_rows": 1000,
            "primary_key": ["order_id", "line_no"],
            "foreign_keys": [
                {
                    "columns": ["order_id"],
                    "references_table": "orders",
                    "references_columns": ["order_id"],
                }
            ],
            "columns": [
                {"name": "order_id", "data_type": "BIGINT"},
                {"name": "line_no", "data_type": "SMALLINT", "min_value": 1, "max_value": 9},
            ],
        },
    ],
}


@pytest.fixture
def spec() -> ExperimentSpec:
    return ExperimentSpec.parse(SHOP)


@dataclass
class FakeRun:
    id: int = 3
    experiment: str = "shop"
    status: str = "COMPLETED"
    started_at: str = "2026-01-02T10:00:00"
    finished_at: str | None = "2026-01-02T10:00:02.500000"
    seed: int | None = 42
    rows: dict[str, int] = field(default_factory=lambda: {"customers": 100, "orders": 300})
    timings: dict[str, float] = field(default_factory=lambda: {"generate": 1.5, "load": 1.0})
    error: str | None = None
    path: str | None = None


@dataclass
class FakeExperiment:
    spec: ExperimentSpec
    name: str = "shop"
    dialect: str = "redshift"
    warehouse_name: str = "duckdb"
    history: list[FakeRun] = field(default_factory=list)

    def runs(self) -> list[FakeRun]:
        return self.history


def test_spec_html_names_tables_columns_keys_rules_and_warnings(spec: ExperimentSpec) -> None:
    html = spec_html(spec)
    for name in ("customers", "orders", "order_items", "customer_id", "status", "line_no"):
        assert name in html
    assert "DECIMAL(10,2)" in html and "VARCHAR(80)" in html
    assert "PK" in html and "FK → customers.customer_id" in html and "UQ" in html
    assert "placed (80%)" in html and "range 1 … 500" in html
    assert 'class="dwsim-inferred"' in html and "name says e-mail" in html
    assert "DISTKEY on orders.customer_id was ignored" in html
    assert "GRANT SELECT" in html


def test_spec_html_escapes_user_text() -> None:
    data = {
        "name": "x",
        "description": "<script>alert(1)</script>",
        "tables": [{"name": "t", "columns": [{"name": "a", "data_type": "INT"}]}],
    }
    html = spec_html(ExperimentSpec.parse(data))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_spec_text_is_readable(spec: ExperimentSpec) -> None:
    text = spec_text(spec)
    assert "orders  (300 rows)" in text
    assert "[inferred]" in text and "warning: DISTKEY" in text


def test_status_badges_have_a_class_per_status() -> None:
    for status in ("RUNNING", "COMPLETED", "FAILED", "ABORTED"):
        badge = status_badge(status)
        assert f"dwsim-status-{status.lower()}" in badge and status in badge


def test_run_and_runs_html(spec: ExperimentSpec) -> None:
    run = FakeRun()
    html = run_html(run)
    assert "COMPLETED" in html and "customers" in html and "2.50 s" in html
    failed = FakeRun(id=4, status="FAILED", error="table orders: boom")
    many = runs_html([failed, run])
    assert "dwsim-status-failed" in many and "dwsim-status-completed" in many
    assert "table orders: boom" in many
    assert "400" in many  # total rows
    assert "FAILED" in run_text(failed) and "error: table orders: boom" in run_text(failed)


def test_experiment_html_shows_spec_and_runs(spec: ExperimentSpec) -> None:
    exp = FakeExperiment(spec=spec, history=[FakeRun()])
    html = experiment_html(exp)
    assert "Experiment shop" in html and "order_items" in html and "dwsim-status-completed" in html
    assert "customers" in experiment_text(exp)


def test_error_html_is_short_and_red() -> None:
    html = error_html(SpecError("bad rule", where="table 'orders'", hint="fix it"))
    assert "dwsim-error" in html and "SpecError" in html and "Traceback" not in html


def test_erd_is_wellformed_with_a_box_per_table_and_an_edge_per_fk(spec: ExperimentSpec) -> None:
    root = ET.fromstring(erd_svg(spec))
    assert root.tag == f"{SVG}svg"
    boxes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "erd-table"]
    assert sorted(g.get("data-table") or "" for g in boxes) == [
        "customers",
        "order_items",
        "orders",
    ]
    edges = [p for p in root.iter(f"{SVG}path") if p.get("class") == "erd-fk"]
    assert sorted((e.get("data-from"), e.get("data-to")) for e in edges) == [
        ("customers", "customers"),
        ("order_items", "orders"),
        ("orders", "customers"),
    ]
    text = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "PK" in text and "FK" in text and "line_no" in text


def test_erd_layers_parents_above_children(spec: ExperimentSpec) -> None:
    assert fk_depths(spec) == {"customers": 0, "orders": 1, "order_items": 2}
    root = ET.fromstring(erd_svg(spec))
    y = {}
    for g in root.iter(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        if g.get("class") == "erd-table" and rect is not None:
            y[g.get("data-table")] = float(rect.get("y") or 0)
    assert y["customers"] < y["orders"] < y["order_items"]


def test_erd_survives_a_cycle_through_nullable_keys() -> None:
    data = {
        "name": "cyc",
        "tables": [
            {
                "name": "a",
                "primary_key": ["id"],
                "columns": [
                    {"name": "id", "data_type": "INT"},
                    {"name": "b_id", "data_type": "INT"},
                ],
                "foreign_keys": [{"columns": ["b_id"], "references_table": "b", "nullable": True}],
            },
            {
                "name": "b",
                "primary_key": ["id"],
                "columns": [
                    {"name": "id", "data_type": "INT"},
                    {"name": "a_id", "data_type": "INT"},
                ],
                "foreign_keys": [{"columns": ["a_id"], "references_table": "a", "nullable": True}],
            },
        ],
    }
    try:
        spec = ExperimentSpec.parse(data)
    except SpecError:
        pytest.skip("the spec rejects this cycle")
    root = ET.fromstring(erd_svg(spec))
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "erd-fk"]) == 2


def test_profile_renders_a_png_from_pandas_and_arrow() -> None:
    import pandas as pd
    import pyarrow as pa

    df = pd.DataFrame(
        {
            "n": range(200),
            "s": ["a", "b", "c", "d"] * 50,
            "d": pd.date_range("2024-01-01", periods=200, freq="D"),
            "empty": [None] * 200,
        }
    )
    png = profile_png(df)
    assert png.startswith(b"\x89PNG")
    assert profile(pa.Table.from_pandas(df))._repr_png_().startswith(b"\x89PNG")


def test_profile_rejects_what_it_cannot_read() -> None:
    with pytest.raises(DwsimError, match="cannot profile"):
        profile_png([1, 2, 3])
