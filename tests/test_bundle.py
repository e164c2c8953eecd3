"""Bundles: export, regenerate identical Parquet contents, run the notebook, import back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim_nb.bundle import BundleError, read_bundle, regenerate, verify
from dwsim_nb.ddl.writer import WRITE_DIALECTS
from dwsim_nb.workspace import Experiment, Workspace

SPEC: dict[str, Any] = {
    "name": "shop",
    "dialect": "redshift",
    "tables": [
        {
            "name": "customers",
            "target_rows": 500,
            "primary_key": ["customer_id"],
            "columns": [
                {"name": "customer_id", "data_type": "INT"},
                {"name": "email", "data_type": "VARCHAR(80)", "faker_rule": "email"},
                {"name": "segment", "data_type": "VARCHAR(20)", "values": ["a", "b", "c"]},
            ],
        },
        {
            "name": "orders",
            "target_rows": 2000,
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
                {"name": "amount", "data_type": "DECIMAL(10,2)", "min_value": 1, "max_value": 900},
                {"name": "ordered_at", "data_type": "TIMESTAMP"},
            ],
        },
    ],
}


def _table(run_dir: Path, name: str) -> pa.Table:
    files = sorted((run_dir / name).glob("*.parquet"))
    return pa.concat_tables(pq.read_table(f) for f in files)


@pytest.fixture
def exp(home: Path) -> Experiment:
    e = Workspace(home).create(SPEC)
    e.generate(rows={"customers": 700, "orders": 3000}, seed=1234, workers=1)
    return e


def test_export_and_regenerate_identical(exp: Experiment, tmp_path: Path) -> None:
    bundle = exp.export_bundle(tmp_path / "bundle")
    for f in ("spec.json", "bundle.json", "regenerate.ipynb", "requirements.txt", "README.md"):
        assert (bundle / f).exists(), f
    for dialect in WRITE_DIALECTS:
        assert "CREATE TABLE" in (bundle / "ddl" / f"{dialect}.sql").read_text().upper()
    info = json.loads((bundle / "bundle.json").read_text())
    assert info["seed"] == 1234 and info["rows"] == {"customers": 700, "orders": 3000}
    assert "numpy==" in (bundle / "requirements.txt").read_text()

    out = tmp_path / "again"
    regenerate(bundle, out, workers=2)  # another worker count: the same data
    assert verify(bundle, out) == {"customers": True, "orders": True}
    run_dir = Path(exp.runs()[-1].path or "")
    for table in ("customers", "orders"):
        assert _table(out, table).equals(_table(run_dir, table))


def test_notebook_runs(exp: Experiment, tmp_path: Path) -> None:
    bundle = exp.export_bundle(tmp_path / "bundle")
    try:
        import nbclient
        import nbformat
    except ImportError:
        _run_cells_in_subprocess(bundle)
    else:
        nb = nbformat.read(str(bundle / "regenerate.ipynb"), as_version=4)
        client = nbclient.NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(bundle)}}
        )
        client.execute()
    assert all(verify(bundle, bundle / "data").values())


def _run_cells_in_subprocess(bundle: Path) -> None:
    nb = json.loads((bundle / "regenerate.ipynb").read_text())
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    subprocess.run([sys.executable, "-c", code], cwd=bundle, check=True, timeout=120)


def test_import_bundle_into_another_workspace(exp: Experiment, tmp_path: Path) -> None:
    bundle = exp.export_bundle(tmp_path / "bundle")
    other = Workspace(tmp_path / "other")
    copy = other.import_bundle(bundle, name="shop_copy")
    assert copy.table_counts() == {"customers": 700, "orders": 3000}
    sql = "select sum(amount) as total, count(distinct customer_id) as n from orders"
    assert copy.query(sql).equals(exp.query(sql))
    spec, _ = read_bundle(bundle)
    assert spec.name == "shop" and copy.spec.dialect == "redshift"
    empty = other.import_bundle(bundle, name="shop_empty", generate=False)
    assert empty.runs() == []


def test_bundle_errors(exp: Experiment, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(BundleError, match="not a bundle"):
        exp.export_bundle(taken)
    with pytest.raises(BundleError, match="not a bundle"):
        read_bundle(tmp_path)
    bundle = exp.export_bundle(tmp_path / "bundle")
    exp.export_bundle(bundle)  # writing over an earlier bundle is fine
    info = json.loads((bundle / "bundle.json").read_text())
    info["tables"]["orders"]["sha256"] = "0" * 64
    (bundle / "bundle.json").write_text(json.dumps(info))
    with pytest.raises(BundleError, match="orders"):
        Workspace(tmp_path / "w2").import_bundle(bundle)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seed", "abc", "'seed' must be a whole number"),
        ("rows", [1, 2], "'rows' must map table names"),
        ("tables", 5, "'tables' must map table names"),
        ("block_size", 0, "'block_size' must be a whole number"),
    ],
)
def test_tampered_bundle_json_is_refused(
    exp: Experiment, tmp_path: Path, field: str, value: object, message: str
) -> None:
    folder = exp.export_bundle(tmp_path / "b")
    meta = json.loads((folder / "bundle.json").read_text())
    (folder / "bundle.json").write_text(json.dumps({**meta, field: value}))
    with pytest.raises(BundleError, match=message):
        read_bundle(folder)
