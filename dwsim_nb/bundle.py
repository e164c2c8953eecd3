"""Reproducible bundles: a folder anyone can run to get the same data, and import back.

    path = exp.export_bundle("shop-bundle")      # spec, seed, DDL, notebook, requirements
    regenerate("shop-bundle", "out/")            # the identical Parquet contents
    ws.import_bundle("shop-bundle")              # an experiment with that data loaded

A bundle holds no data, only what makes it: ``spec.json``, ``bundle.json`` (seed, rows per table,
block size, the run's "today", library versions and a content hash per table),
``ddl/<dialect>.sql`` for every dialect, ``regenerate.ipynb``, ``requirements.txt`` (Binder reads
it) and ``README.md``. Every value is a pure function of (seed, table, column, row), so the same
spec, seed, rows, block size and "today" (for Faker rules such as ``future_date``) give the same
data on any day; the library versions are pinned because Faker's word lists and numpy's
generators are part of what makes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import DwsimError

if TYPE_CHECKING:
    import pyarrow as pa

    from dwsim_nb.engine.manifest import Manifest
    from dwsim_nb.run import Run
    from dwsim_nb.spec import ExperimentSpec

BUNDLE_FILE = "bundle.json"
BUNDLE_FORMAT = 1
# Libraries whose versions decide the generated values (or read the spec), pinned in a bundle.
PINNED = ("numpy", "pyarrow", "faker", "sqlglot", "pydantic", "pyyaml", "duckdb", "pandas")


class BundleError(DwsimError):
    """A bundle could not be written, read or reproduced."""


def table_hash(files: list[Path]) -> str:
    """A hash of a table's contents (not its file bytes): the rows of its Parquet parts in order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    digest = hashlib.sha256()
    for f in files:
        table: pa.Table = pq.read_table(f).replace_schema_metadata(None)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())
        digest.update(sink.getvalue().to_pybytes())
    return digest.hexdigest()


def _manifest_hashes(run_dir: Path) -> dict[str, dict[str, Any]]:
    from dwsim_nb.engine.manifest import Manifest

    manifest = Manifest.read(run_dir)
    return {
        name: {"rows": out.rows, "sha256": table_hash([run_dir / f for f in out.files])}
        for name, out in manifest.tables.items()
    }


def _versions() -> dict[str, str]:
    out = {}
    for name in ("dwsim-nb", *PINNED):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def bundle_folder(path: str | Path) -> Path:
    """The folder to write a bundle to: new, empty or a bundle already (never other files)."""
    out = Path(path).expanduser().absolute()
    if out.exists() and any(out.iterdir()) and not (out / BUNDLE_FILE).exists():
        raise BundleError(
            "the folder exists and is not a bundle; a bundle is not written over other files.",
            where=str(out),
            hint="choose a new or empty folder",
        )
    return out


def write_bundle(out: Path, spec: ExperimentSpec, run: Run) -> Path:
    """Write the bundle of ``run`` (a completed run made from ``spec``) to the folder ``out``."""
    from dwsim_nb.ddl.writer import WRITE_DIALECTS, spec_to_ddl
    from dwsim_nb.engine.manifest import Manifest

    experiment = run.experiment
    if run.spec_hash and run.spec_hash != spec.fingerprint():
        raise BundleError(
            f"run {run.id} was made from an earlier version of {experiment}'s spec, which a "
            "bundle cannot rebuild.",
            where=f"experiment {experiment}",
            hint=f"generate a new run (dwsim generate {experiment}) and export that",
        )
    run_dir = Path(run.path or "")
    manifest = Manifest.read(run_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "spec.json").write_text(spec.to_json() + "\n", encoding="utf-8")
    versions = _versions()
    info: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "experiment": experiment,
        "run": run.id,
        "seed": run.seed,
        "rows": {name: t.rows for name, t in manifest.tables.items()},
        "block_size": manifest.block_size,
        # The date Faker rules relative to today counted from (absent in older runs).
        "today": manifest.options.get("today"),
        "spec_hash": spec.fingerprint(),
        "dialect": spec.dialect,
        "warehouse": spec.target_warehouse,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions,
        "tables": _manifest_hashes(run_dir),
    }
    (out / BUNDLE_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    ddl = out / "ddl"
    ddl.mkdir(exist_ok=True)
    for dialect in WRITE_DIALECTS:
        (ddl / f"{dialect}.sql").write_text(spec_to_ddl(spec, dialect), encoding="utf-8")
    (out / "requirements.txt").write_text(_requirements(versions), encoding="utf-8")
    (out / "README.md").write_text(_readme(spec, info), encoding="utf-8")
    write_notebook(out / "regenerate.ipynb", experiment)
    return out


def read_bundle(path: str | Path) -> tuple[ExperimentSpec, dict[str, Any]]:
    """The spec and ``bundle.json`` of a bundle folder."""
    from dwsim_nb.spec import parse_spec

    folder = Path(path).expanduser()
    info_path, spec_path = folder / BUNDLE_FILE, folder / "spec.json"
    if not info_path.exists() or not spec_path.exists():
        raise BundleError(
            "not a bundle: spec.json or bundle.json is missing.",
            where=str(folder),
            hint="point at a folder written by exp.export_bundle(...)",
        )
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise BundleError(f"bundle.json is not JSON: {e}.", where=str(info_path)) from None
    if not isinstance(info, dict):
        raise BundleError("bundle.json is not a JSON object.", where=str(info_path))
    if info.get("format") != BUNDLE_FORMAT:
        raise BundleError(
            f"bundle format {info.get('format')!r} is not {BUNDLE_FORMAT}.",
            where=str(info_path),
            hint="install the dwsim-nb version named in its requirements.txt",
        )
    _check_info(info, str(info_path))
    return parse_spec(spec_path), info


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_info(info: dict[str, Any], where: str) -> None:
    """Refuse an edited bundle.json whose fields would reach the engine with the wrong shape."""
    from dwsim_nb.limits import MAX_TABLE_ROWS

    problems = []
    if not _whole(info.get("seed"), -(2**63), 2**63 - 1):
        problems.append(f"'seed' must be a whole number, not {info.get('seed')!r}")
    if not _whole(info.get("block_size"), 1, MAX_TABLE_ROWS):
        problems.append(f"'block_size' must be a whole number >= 1, not {info.get('block_size')!r}")
    today = info.get("today")
    if today is not None and not (isinstance(today, str) and _iso_date(today)):
        problems.append(f"'today' must be a date as YYYY-MM-DD, not {today!r}")
    rows = info.get("rows")
    if not isinstance(rows, dict) or not all(
        isinstance(k, str) and _whole(v, 0, MAX_TABLE_ROWS) for k, v in rows.items()
    ):
        problems.append("'rows' must map table names to row counts")
    tables = info.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in tables.items()
    ):
        problems.append("'tables' must map table names to their file hashes")
    if problems:
        raise BundleError(
            "bundle.json was edited or damaged: " + "; ".join(problems) + ".",
            where=where,
            hint="export the bundle again from its experiment (exp.export_bundle(...))",
        )


def regenerate(path: str | Path, out_dir: str | Path, *, workers: int | None = None) -> Manifest:
    """Generate the bundle's data into ``out_dir`` (Parquet per table, and a manifest)."""
    from dwsim_nb.engine import generate_run

    spec, info = read_bundle(path)
    return generate_run(
        spec,
        Path(out_dir),
        rows=dict(info["rows"]),
        seed=int(info["seed"]),
        workers=workers,
        block_size=int(info["block_size"]),
        today=info.get("today"),
    )


def verify(path: str | Path, run_dir: str | Path) -> dict[str, bool]:
    """Per table, whether the data in ``run_dir`` has the contents the bundle recorded."""
    _, info = read_bundle(path)
    got = _manifest_hashes(Path(run_dir))
    return {
        name: got.get(name, {}).get("sha256") == expected["sha256"]
        for name, expected in info["tables"].items()
    }


def check_regenerated(path: str | Path, info: dict[str, Any], run_dir: str | Path) -> None:
    """Raise BundleError unless ``run_dir`` holds the contents the bundle ``path`` recorded."""
    checks = verify(path, run_dir)
    wrong = sorted(t for t, ok in checks.items() if not ok)
    if wrong:
        raise BundleError(
            f"regenerated data differs from the bundle's for table(s) {', '.join(wrong)}.",
            where=str(path),
            hint="install the library versions in the bundle's requirements.txt "
            f"(they were {info.get('versions', {})})",
        )


# --- the files of a bundle ---------------------------------------------------------------------


def _requirements(versions: dict[str, str]) -> str:
    lines = [
        "# Versions that made this bundle's data; other versions may generate other values.",
        f"dwsim-nb[notebook]=={versions.get('dwsim-nb', '0.1.0')}",
    ]
    pypi = {"faker": "Faker", "pyyaml": "PyYAML"}
    lines += [f"{pypi.get(n, n)}=={versions[n]}" for n in PINNED if n in versions]
    return "\n".join(lines) + "\n"


def _readme(spec: ExperimentSpec, info: dict[str, Any]) -> str:
    rows = "\n".join(f"| {_markdown_text(t)} | {n:,} |" for t, n in info["rows"].items())
    name, experiment = _markdown_text(spec.name), _markdown_text(info["experiment"])
    return f"""# {name}: a reproducible dwsim_nb dataset

This folder regenerates the data of run {info["run"]} of experiment {experiment}
(seed {info["seed"]}) row for row. It holds no data, only what makes it.

| table | rows |
|---|---|
{rows}

## Regenerate

- Notebook: open `regenerate.ipynb` (on Binder, this folder's `requirements.txt` sets it up) and
  run all cells; it writes the Parquet files to `data/` and checks their contents against
  `bundle.json`.
- Python: `from dwsim_nb.bundle import regenerate; regenerate(".", "data")`
- Into a workspace: `dwsim_nb.Workspace().import_bundle(".")` creates the experiment, loads the
  data and checks it.

## Files

- `spec.json`: tables, columns, keys and generation rules.
- `bundle.json`: seed, rows per table, block size, library versions, a hash per table.
- `ddl/<dialect>.sql`: CREATE TABLE statements for redshift, snowflake, postgres, duckdb,
  sqlite and ANSI SQL.
- `requirements.txt`: the versions that produced the data; other versions of Faker or numpy may
  produce other values.
"""


def _markdown_text(text: str) -> str:
    """``text`` shown as itself in Markdown: no emphasis, link, heading or HTML tag."""
    flat = text.replace("\r", " ").replace("\n", " ")
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~&])", r"\\\1", flat)


def write_notebook(path: Path, name: str) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown_cell(
            f"# Regenerate {_markdown_text(name)}\n\nRuns the generator with the bundle's spec, "
            "seed and row counts, writes Parquet to `data/`, and checks each table's contents "
            "against the hashes in `bundle.json`. Run it from this folder."
        ),
        new_code_cell(
            "from pathlib import Path\n\n"
            "from dwsim_nb.bundle import read_bundle, regenerate, verify\n\n"
            "BUNDLE = Path.cwd()\n"
            "assert (BUNDLE / 'bundle.json').exists(), 'run this notebook from the bundle folder'\n"
            "spec, info = read_bundle(BUNDLE)\n"
            "print(spec.name, 'seed', info['seed'], info['rows'])"
        ),
        new_code_cell(
            "manifest = regenerate(BUNDLE, BUNDLE / 'data')\n"
            "{name: table.rows for name, table in manifest.tables.items()}"
        ),
        new_code_cell(
            "checks = verify(BUNDLE, BUNDLE / 'data')\n"
            "assert all(checks.values()), f'contents differ: {checks}'\n"
            "checks"
        ),
        new_markdown_cell("Query the files with DuckDB:"),
        new_code_cell(
            "import duckdb\n"
            "import pyarrow.dataset as ds\n\n"
            "con = duckdb.connect()\n"
            "for name, table in manifest.tables.items():\n"
            "    # The manifest's exact files, and the name passed as a value: no glob, no SQL.\n"
            "    files = [str(BUNDLE / 'data' / f) for f in table.files]\n"
            "    con.register(name, ds.dataset(files, format='parquet'))\n"
            "con.sql('select table_name from information_schema.tables').df()"
        ),
    ]
    nbformat.write(nb, str(path))
