"""One accepted-papers table as the signals see it: columns, the name index, recurrence groups.

Built column-at-a-time from the table's frame. Per-row Python values exist only where a signal
needs them (rows with an organisation or a deployment sentence, names that may be damaged);
a row's names or authors are read from the columns on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.reconcile.affiliation import DEPLOYMENT, abstract_orgs, heading_orgs, org_terms
from pipeline.reconcile.index import ListIndex, keyed_names
from pipeline.reconcile.keys import maybe_damaged
from pipeline.reconcile.names import damaged_name
from pipeline.reconcile.recurrence import Recurrence, find_recurrence
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds
from schemas.contracts import DATASETS

Author = dict[str, str | None]


def _known_orgs(authors: pl.Series) -> frozenset[str]:
    """All organisation words the table knows (`affiliation.vocabulary` of every affiliation)."""
    affiliations = authors.explode().struct.field("affiliation").drop_nulls().unique()
    return frozenset(t for a in affiliations.to_list() if a for t in org_terms(a))


def _damaged(index: ListIndex) -> dict[int, list[tuple[str, str]]]:
    """Row -> (name, why) for each of its names that looks damaged, in list order."""
    suspects = index.names.filter(maybe_damaged(index.names["name"]))
    found: dict[int, list[tuple[str, str]]] = {}
    for row, name in suspects.select("row", "name").iter_rows():
        why = damaged_name(name)
        if why:
            found.setdefault(row, []).append((name, why))
    return found


def table_names(table: pl.DataFrame) -> pl.DataFrame:
    """(row, name) of every non-null name in the table's `authors_raw`, in row and list order."""
    rows = table.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), pl.col("authors_raw").alias("a"))
    return rows.explode("a").select("row", pl.col("a").struct.field("name").alias("name")).drop_nulls("name")


@dataclass(frozen=True)
class TableView:
    """One accepted-papers table in row order, with the indexes every signal shares; `thresholds`
    are the ones its recurrence groups were found with, and every decision on the table uses them."""

    paper_ids: list[int]
    source_file: str | None
    lines: list[int | None]
    authors: pl.Series  # the table's authors_raw, a null cell read as an empty list
    organisations: dict[int, str]  # notes heading organisation linked to the row
    abstracts: dict[int, str]  # abstracts with a sentence that may be about deployment
    known_orgs: frozenset[str]
    damaged: dict[int, list[tuple[str, str]]]
    index: ListIndex
    recurrence: Recurrence
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS

    @classmethod
    def build(cls, table: pl.DataFrame, organisations: dict[int, str], abstracts: dict[int, str] | None = None,
              keyed: pl.DataFrame | None = None, thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> TableView:
        """From one table's rows (papers columns) in table order and the notes organisations by paper_id.
        `abstracts` (row -> abstract with a possible deployment sentence) is read from the table's
        `abstract` column, and `keyed` (`table_names` keyed by `index.keyed_names`) is computed,
        when not given. `thresholds` are the `[matching]` ones of the run's configuration."""
        authors = table["authors_raw"].fill_null(pl.Series([[]], dtype=DATASETS["papers"]["authors_raw"]))
        index = ListIndex.from_keyed(keyed_names(table_names(table)) if keyed is None else keyed, table.height)
        ids = table["paper_id"].to_list()
        if abstracts is None:
            abstracts = dict(table.select(pl.int_range(pl.len()).alias("row"), "abstract").filter(
                pl.col("abstract").str.contains("(?i)" + DEPLOYMENT.pattern)).iter_rows())
        return cls(ids, table["source_file"][0] if table.height else None, table["source_line"].to_list(), authors,
                   {row: organisations[pid] for row, pid in enumerate(ids) if pid in organisations},
                   abstracts, _known_orgs(authors), _damaged(index), index,
                   find_recurrence(index, thresholds), thresholds)

    def names(self, row: int) -> tuple[str, ...]:
        return self.index.list_of(row)

    def authors_of(self, row: int) -> list[Author]:
        return self.authors.slice(row, 1).to_list()[0]

    def source(self, row: int) -> str:
        """"file:line" of a row, for evidence."""
        return f"{self.source_file}:{self.lines[row]}"

    def where(self, row: int) -> str:
        return f"row {self.paper_ids[row]} ({self.source(row)})"

    def organisations_of(self, row: int) -> list[frozenset[str]]:
        """Organisations a source names for this paper: the notes heading, else a deployment sentence."""
        return heading_orgs(self.organisations.get(row)) or abstract_orgs(self.abstracts.get(row), self.known_orgs)
