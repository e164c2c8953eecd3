"""The shells of infer, compare, translate and bundles: magics and CLI commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main

pytest.importorskip("IPython")

from IPython.utils.capture import capture_output


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "order_id": np.arange(1, 301),
            "status": rng.choice(["placed", "shipped"], 300),
            "amount": rng.exponential(50, 300),
        }
    )


def test_magics(ip: Any, home: Path) -> None:
    ip.user_ns["orders_df"] = _frame()
    with capture_output() as cap:
        ip.run_line_magic("dwsim_infer", "orders_like --from orders_df")
    assert (
        "orders_like" in cap.stdout + "".join(o.data.get("text/plain", "") for o in cap.outputs)
        or cap.outputs
    )
    with capture_output():
        ip.run_cell_magic("dwsim_generate", "orders_like --seed 1 --workers 1", "data: 100")
    result = ip.run_cell_magic(
        "dwsim_compare",
        "orders_like --warehouses duckdb,sqlite -o cmp",
        "select status, count(*) as n from data group by status order by status",
    )
    assert result is not None and result.same
    assert ip.user_ns["cmp"] is result
    t = ip.run_cell_magic(
        "dwsim_translate", "--from redshift --to snowflake", "select top 2 * from data"
    )
    assert "LIMIT 2" in t.text
    for magic in ("dwsim_infer", "dwsim_compare", "dwsim_translate"):
        with capture_output() as cap:
            ip.run_line_magic(magic, "--help")
        assert "usage" in cap.stdout.lower() or len(cap.stdout) > 20
    with capture_output() as cap:  # an error: a message, no traceback
        ip.run_line_magic("dwsim_infer", "x --from /nonexistent/folder")
    assert "Traceback" not in cap.stdout + cap.stderr


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws")]
    parquet = tmp_path / "orders.parquet"
    _frame().to_parquet(parquet)
    r = runner.invoke(main, [*base, "infer", "orders", str(parquet), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    assert '"name": "orders"' in r.output
    r = runner.invoke(main, [*base, "infer", "orders", str(parquet), "--no-categories"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, [*base, "generate", "orders", "--seed", "3", "--workers", "1"])
    assert r.exit_code == 0, r.output
    bundle = tmp_path / "bundle"
    r = runner.invoke(main, [*base, "export-bundle", "orders", str(bundle)])
    assert r.exit_code == 0 and (bundle / "bundle.json").exists(), r.output
    r = runner.invoke(main, [*base, "import-bundle", str(bundle), "--name", "orders2"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, [*base, "infer", "bad", str(tmp_path / "missing.parquet")])
    assert r.exit_code == 1 and "no such file" in r.output
