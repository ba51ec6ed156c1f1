"""Row accounting: every row read ends in an output dataset or in quarantine, counted one way.

Rows are read in three places (parsed and combined in memory, held back before detection because
the parser rejected them, validated part by part on disk) and end in two (emitted, quarantined).
This module is where those are added up, so the manifest, the report and the CLI all state the
same `read = emitted + quarantined` per dataset, and a dataset that does not reconcile is visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

from schemas.contracts import empty_frame

#: Column a quarantined row carries: the checks it failed (validation's or the parser's).
FAILED_CHECKS = "failed_checks"


@dataclass(frozen=True)
class RowCount:
    """One dataset's rows: read, emitted and quarantined."""

    read: int
    emitted: int
    quarantined: int

    @property
    def reconciled(self) -> bool:
        return self.read == self.emitted + self.quarantined

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "emitted": self.emitted, "quarantined": self.quarantined,
                "reconciled": self.reconciled}


class Counted(Protocol):
    """What validating a dataset part by part reports (`pipeline.run.StreamedResult`)."""

    read: int
    valid: int
    quarantined: pl.DataFrame


def height(frame: pl.DataFrame | pl.LazyFrame) -> int:
    """Rows of a frame, or of a lazy scan (counted without loading it)."""
    return frame.height if isinstance(frame, pl.DataFrame) else frame.select(pl.len()).collect().item()


def rows_read(datasets: dict[str, pl.DataFrame], held: dict[str, pl.DataFrame],
              new_findings: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """The rows read per dataset: what went through detection plus what was held back before it;
    `findings` also counts the findings validation itself made (`new_findings`), which are emitted."""
    read = datasets | {name: pl.concat([datasets[name], rows.drop(FAILED_CHECKS).select(datasets[name].columns)])
                       for name, rows in held.items()}
    if new_findings is not None:
        read["findings"] = pl.concat([datasets["findings"], new_findings], how="vertical")
    return read


def empty_quarantine(name: str) -> pl.DataFrame:
    """A zero-row quarantine of dataset `name`: its columns plus `failed_checks`."""
    return empty_frame(name).with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(FAILED_CHECKS))


def with_held_back(quarantined: pl.DataFrame, held: pl.DataFrame | None) -> pl.DataFrame:
    """A dataset's quarantine plus the rows parse/assemble held back before detection."""
    if held is None:
        return quarantined
    return pl.concat([quarantined, held.select(quarantined.columns)], how="vertical") if quarantined.height else held


def row_counts(read: Mapping[str, pl.DataFrame], emitted: Mapping[str, pl.DataFrame | pl.LazyFrame],
               quarantined: Mapping[str, pl.DataFrame], streamed: Mapping[str, Counted] | None = None,
               order: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """Per dataset: rows read, emitted and quarantined, and whether they reconcile.

    In-memory datasets are counted from their frames, datasets validated part by part (`streamed`)
    from their counts; `order` (the contract's) sorts the result."""
    counts = {name: RowCount(frame.height, height(emitted[name]),
                             quarantined[name].height if name in quarantined else 0) for name, frame in read.items()}
    counts |= {name: RowCount(result.read, result.valid, result.quarantined.height)
               for name, result in (streamed or {}).items()}
    names = [name for name in order if name in counts] if order else list(counts)
    return {name: counts[name].to_dict() for name in names}


def reported_counts(rows: Mapping[str, Mapping[str, Any]], emitted: Mapping[str, pl.DataFrame | pl.LazyFrame],
                    quarantined: Mapping[str, pl.DataFrame]) -> dict[str, dict[str, int]]:
    """{dataset: {read, emitted, quarantined}} for the report: the run's own counts (`rows`), and for
    a dataset the run did not count, counted from the frames (nothing read beyond what ended somewhere)."""
    counts = {}
    for name in sorted(set(rows) | set(emitted) | set(quarantined)):
        given = rows.get(name, {})
        if all(key in given for key in ("read", "emitted", "quarantined")):
            counts[name] = {key: int(given[key]) for key in ("read", "emitted", "quarantined")}
            continue
        kept = height(emitted[name]) if name in emitted else 0
        held = quarantined[name].height if name in quarantined else 0
        fallback = {"read": kept + held, "emitted": kept, "quarantined": held}
        counts[name] = {key: int(given.get(key, fallback[key])) for key in fallback}
    return counts


def all_reconciled(rows: Mapping[str, Mapping[str, Any]]) -> bool:
    return all(counts["read"] == counts["emitted"] + counts["quarantined"] for counts in rows.values())
