"""A load fed table by table: what lets a warehouse load while the engine still generates.

``Warehouse.open_staged_load`` returns one where the warehouse supports it (the default DuckDB
warehouse), else ``None`` and the run is loaded with ``Warehouse.load`` once generated. Tables
are added as their blocks are written (:meth:`StagedLoad.add_rows`, on a loader thread), each into
a side table the queries do not see; :meth:`StagedLoad.publish` puts every side table in place of
the experiment's tables in one short transaction, so until then the earlier data stays as it was
and a failure (:meth:`StagedLoad.abort`) leaves it untouched.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path


class StagedLoad(ABC):
    """One run's load, table by table, published at the end. Used by one thread at a time."""

    @abstractmethod
    def add(self, table: str, files: Sequence[Path], rows: int) -> int:
        """Load ``table``'s complete ``files`` into its side table; returns the rows loaded
        (a mismatch with ``rows`` is a LoadError)."""

    @abstractmethod
    def add_rows(self, table: str, files: Sequence[Path], rows: int, total: int) -> None:
        """More of ``table``'s files, continuing the ones added before in order, holding
        ``rows`` of its ``total`` rows; the load may wait for more before reading them. The
        files that complete the table are loaded and counted before this returns (a mismatch
        is a LoadError)."""

    def idle(self) -> None:  # noqa: B027 (a hook: most loads hold nothing between tables)
        """No table is waiting (the engine is generating): release what the load holds between
        tables, such as the warehouse file, so that other processes can use it meanwhile."""

    @abstractmethod
    def publish(self) -> dict[str, int]:
        """Replace the experiment's tables with the side tables (tables never added are
        emptied), in one transaction; returns rows per table."""

    @abstractmethod
    def interrupt(self) -> None:
        """Stop the statement running now (called from another thread when the run fails)."""

    @abstractmethod
    def abort(self) -> None:
        """Remove the side tables; the experiment's tables stay as they were."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (after ``publish`` or ``abort``)."""
