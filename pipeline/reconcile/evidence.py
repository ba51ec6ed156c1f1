"""Evidence items kept as Arrow columns, not a Python dict per item.

Reconciliation writes a few evidence items per row, in row order; at 170,000 rows a dict per item
(and the nested lists polars would build them into) cost gigabytes. `EvidenceLog` keeps three
string columns plus a count per row and moves them into Arrow every `CHUNK` items, so the Python
strings alive at once stay bounded; `column()` is the `author_evidence` list column.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from schemas.contracts import EVIDENCE

#: Items held as Python strings before they move into an Arrow chunk.
CHUNK = 50_000
FIELDS = ("signal", "detail", "source")


class EvidenceLog:
    """Append (signal, detail, source) items for the current row; `end_row` closes the row."""

    def __init__(self) -> None:
        self._pending: tuple[list[str], list[str], list[str]] = ([], [], [])
        self._chunks: list[pa.StructArray] = []
        self._counts: list[int] = []
        self._in_row = 0

    def add(self, signal: str, detail: str, source: str) -> None:
        for column, value in zip(self._pending, (signal, detail, source)):
            column.append(value)
        self._in_row += 1
        if len(self._pending[0]) >= CHUNK:
            self._flush()

    def end_row(self) -> None:
        self._counts.append(self._in_row)
        self._in_row = 0

    def _flush(self) -> None:
        if self._pending[0]:
            arrays = [pa.array(column, type=pa.large_string()) for column in self._pending]
            self._chunks.append(pa.StructArray.from_arrays(arrays, names=list(FIELDS)))
            self._pending = ([], [], [])

    def column(self, name: str = "author_evidence") -> pl.Series:
        """One list of evidence structs per closed row, in row order."""
        self._flush()
        items = (pa.concat_arrays(self._chunks) if self._chunks else
                 pa.StructArray.from_arrays([pa.array([], type=pa.large_string())] * 3, names=list(FIELDS)))
        offsets = np.zeros(len(self._counts) + 1, dtype=np.int64)
        np.cumsum(self._counts, out=offsets[1:])
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), items)
        return pl.Series(name, lists).cast(pl.List(EVIDENCE))
