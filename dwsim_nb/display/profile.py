"""A quick look at generated data: one small chart per column, rendered as a PNG or SVG picture.

Each column gets the picture that says something about it (:func:`column_kind`): numbers and
dates a histogram; few distinct values (statuses, flags, codes) their counts; free text and other
many-valued text (names, e-mails, comments) the distribution of its lengths, since bars of values
seen once each say nothing. Matplotlib is used through ``Figure`` directly (never pyplot) so it
does not touch the notebook's backend or state.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from dwsim_nb.errors import DwsimError

MAX_ROWS = 200_000  # a profile is a glance; more rows only slow it down


def _to_pandas(data: Any) -> Any:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    to_pandas = getattr(data, "to_pandas", None)  # pyarrow Table / RecordBatch
    if callable(to_pandas):
        return to_pandas()
    raise DwsimError(
        f"cannot profile a {type(data).__name__}",
        where="dwsim_nb.display.profile",
        hint="pass a pandas DataFrame or a pyarrow Table (e.g. exp.query('select * from t')).",
    )


def _short(value: Any, width: int = 18) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def profile_figure(
    data: Any, *, columns: list[str] | None = None, top: int = 8, per_row: int = 3
) -> Any:
    """A matplotlib Figure with one chart per column of ``data`` (DataFrame or Arrow table)."""
    import pandas as pd
    from matplotlib.figure import Figure

    df = _to_pandas(data)
    if len(df) > MAX_ROWS:
        df = df.iloc[:MAX_ROWS]
    names = list(columns or df.columns)
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise DwsimError(
            f"no column(s) {missing} in the data to profile",
            where="profile",
            hint=f"choose from {list(df.columns)}",
        )
    cols = max(1, min(per_row, len(names)))
    nrows = max(1, math.ceil(len(names) / cols))
    fig = Figure(figsize=(4.0 * cols, 2.6 * nrows), dpi=80)
    for i, name in enumerate(names):
        ax = fig.add_subplot(nrows, cols, i + 1)
        series = df[name]
        nulls = int(series.isna().sum())
        values = series.dropna()
        title = f"{name}  ({nulls:,} null)" if nulls else name
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        if values.empty:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "all null", ha="center", va="center", transform=ax.transAxes)
            continue
        kind = column_kind(values, top)
        if kind == "numbers":
            ax.hist(values.astype("float64"), bins=20, color="#0969da")
        elif kind == "dates":
            ax.hist(pd.to_datetime(values), bins=20, color="#1a7f37")
            for label in ax.get_xticklabels():
                label.set_rotation(30)
        elif kind == "lengths":
            lengths = values.astype(str).str.len()
            ax.hist(lengths, bins=min(20, max(1, int(lengths.nunique()))), color="#bf8700")
            ax.set_title(f"{title}: text length, {values.nunique():,} distinct", fontsize=9)
            ax.set_xlabel("characters", fontsize=7)
        else:
            counts = values.astype(str).value_counts().head(top)[::-1]
            ax.barh([_short(v) for v in counts.index], counts.to_numpy(), color="#8250df")
    fig.tight_layout()
    return fig


def column_kind(values: Any, top: int = 8) -> str:
    """The picture for a column's non-null ``values``: ``numbers`` or ``dates`` (histogram),
    ``top`` (counts of the few most common values) or ``lengths`` (histogram of text lengths:
    text with so many distinct values that its most common ones cover under half the rows)."""
    import datetime as dt

    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return "top"
    distinct = int(values.nunique())
    if pd.api.types.is_numeric_dtype(values):
        return "numbers" if distinct > top else "top"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "dates" if distinct > 1 else "top"
    first = values.iloc[0]
    if isinstance(first, (dt.date, dt.datetime)) and not isinstance(first, dt.time):
        return "dates" if distinct > 1 else "top"
    if distinct <= top:
        return "top"
    covered = values.astype(str).value_counts().head(top).sum()
    return "top" if covered * 2 >= len(values) else "lengths"


def profile_png(data: Any, **kwargs: Any) -> bytes:
    """The profile as PNG bytes."""
    buf = io.BytesIO()
    profile_figure(data, **kwargs).savefig(buf, format="png")
    return buf.getvalue()


def profile_svg(data: Any, **kwargs: Any) -> str:
    """The profile as an SVG document (text)."""
    buf = io.StringIO()
    profile_figure(data, **kwargs).savefig(buf, format="svg")
    return buf.getvalue()


class Profile:
    """A profile picture that renders inline in a notebook: ``profile(df)``."""

    def __init__(self, data: Any, **kwargs: Any) -> None:
        self.png = profile_png(data, **kwargs)

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.png)
        return path


def profile(data: Any, **kwargs: Any) -> Profile:
    """Profile a DataFrame or Arrow table: a histogram or top values per column."""
    return Profile(data, **kwargs)


def read_run_table(run: Any, table: str, limit: int = MAX_ROWS) -> Any:
    """Read a run's Parquet files of one table (``run.path/<table>/part-*.parquet``)."""
    import pyarrow.dataset as ds

    base = Path(getattr(run, "path", "") or "") / table
    known = getattr(run, "rows", None) or {}
    # The name picks a folder of the run: one of its tables, never a path ('..', '/etc').
    plain = table not in ("", ".", "..") and Path(table).name == table and "\\" not in table
    if not plain or (known and table not in known) or not base.is_dir():
        raise DwsimError(
            f"run {getattr(run, 'id', '?')} has no data for table '{table}'",
            where=str(base),
            hint="pick a table of the experiment, or a run that completed (exp.runs()).",
        )
    return ds.dataset(str(base), format="parquet").head(limit)


def profile_run(run: Any, table: str, **kwargs: Any) -> Profile:
    """Profile one table of a run straight from its Parquet files (no warehouse needed)."""
    return Profile(read_run_table(run, table), **kwargs)
