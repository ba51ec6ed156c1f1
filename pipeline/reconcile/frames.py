"""Glue between polars frames and the per-table decision code: build views, write results back."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from pipeline.findings import findings_from_columns
from pipeline.reconcile.affiliation import DEPLOYMENT
from pipeline.reconcile.anchors import collect_anchors
from pipeline.reconcile.decide import TableDecisions, reconcile_table
from pipeline.reconcile.displacement import MIN_SUPPORT
from pipeline.reconcile.index import keyed_names
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds
from pipeline.reconcile.view import TableView, table_names
from schemas.contracts import DATASETS, conform, empty_frame

#: What `json.dumps(..., ensure_ascii=False)` escapes inside a string, and how.
JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                **{chr(c): f"\\u{c:04x}" for c in range(0x20) if chr(c) not in "\n\r\t\b\f"}}
#: Rows of consecutive tables whose names are keyed at once (`table_views`).
BATCH_ROWS = 10_000
#: Rows whose evidence is turned into JSON at once (`findings_frame`).
FINDINGS_CHUNK = 20_000
SEVERITY = {"mismatch": "warning", "suspect": "warning", "corrected": "info", "unverified": "info"}
MESSAGE = {
    "mismatch": "the authors cell does not belong to this title; the true authors are not known here",
    "suspect": "the authors cell may not belong to this title (weak signals only)",
    "corrected": "the authors cell did not belong to this title; corrected from independent evidence",
    "unverified": "no independent source names this paper's authors",
}


def _organisations(paper_notes: pl.DataFrame) -> dict[tuple[str | None, int], str]:
    """Notes heading organisation by paper key (edition, paper_id)."""
    if paper_notes.is_empty():
        return {}
    linked = paper_notes.filter(pl.col("paper_id").is_not_null() & pl.col("organisation").is_not_null())
    return dict(zip(zip(linked["edition"].to_list(), linked["paper_id"].to_list()), linked["organisation"].to_list()))


def table_views(papers: pl.DataFrame, organisations: dict[tuple[str | None, int], str],
                thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> Iterator[tuple[pl.DataFrame, TableView]]:
    """One view per source table (rows in table order), so displacement never spans two documents
    (a document is one edition: no signal crosses editions).

    Yields (table, view) one at a time, so only one table's index is alive at once. Only the
    columns a view reads are ordered (a table is then a contiguous slice); abstracts stay in
    `papers`, flagged when they may speak of deployment, and the flagged ones are read per table."""
    deployment = pl.col("abstract").str.contains("(?i)" + DEPLOYMENT.pattern).fill_null(False)
    ordered = (papers.select("edition", "paper_id", "source_file", "source_line", "authors_raw", deployment.alias("_deployment"))
               .with_row_index("_input_row").sort("source_file", "source_line", "paper_id", nulls_last=True))
    sizes = ordered.group_by("source_file", maintain_order=True).agg(pl.len())["len"].to_list()
    start = 0
    for batch in _batches(sizes):
        # Names of a batch of tables are keyed in one pass (per-table polars calls cost more than the work).
        rows = ordered.slice(start, sum(batch))
        keyed = keyed_names(table_names(rows))
        bounds = np.searchsorted(keyed["row"].to_numpy(), np.cumsum([0, *batch]))
        offset = 0
        for number, size in enumerate(batch):
            table = rows.slice(offset, size)
            table_keyed = keyed.slice(bounds[number], bounds[number + 1] - bounds[number]).with_columns(
                pl.col("row") - offset)
            offset += size
            flagged = table["_deployment"]
            abstracts = papers["abstract"].gather(table["_input_row"].filter(flagged)).to_list()
            edition = table["edition"][0] if table.height else None
            yield table, TableView.build(table, {pid: org for (ed, pid), org in organisations.items() if ed == edition},
                                         dict(zip(flagged.arg_true().to_list(), abstracts)), table_keyed, thresholds)
        start += offset


def _batches(sizes: list[int]) -> Iterator[list[int]]:
    """Consecutive table sizes grouped into batches of at most `BATCH_ROWS` rows (a larger table alone)."""
    batch: list[int] = []
    rows = 0
    for size in sizes:
        if batch and rows + size > BATCH_ROWS:
            yield batch
            batch, rows = [], 0
        batch.append(size)
        rows += size
    if batch:
        yield batch


def decide_all(papers: pl.DataFrame, paper_notes: pl.DataFrame, program: pl.DataFrame,
               min_support: int = MIN_SUPPORT, thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    """`papers` with author_status / authors / author_evidence filled in, in the input row order;
    `min_support` and `thresholds` are the configuration's `[matching]` settings.

    Tables are decided one at a time and keep only their three result columns; those are put back
    in input order and set on `papers`, whose other columns are reused as they are."""
    anchors_by_id = collect_anchors(paper_notes, program)
    parts = []
    for table, view in table_views(papers, _organisations(paper_notes), thresholds):
        edition = table["edition"][0] if table.height else None
        anchors = {pos: anchors_by_id[(edition, pid)] for pos, pid in enumerate(view.paper_ids)
                   if (edition, pid) in anchors_by_id}
        parts.append(_apply(table, view, reconcile_table(view, anchors, min_support)))
        del table, view
    if not parts:
        return papers
    decided = pl.concat(parts, rechunk=True).sort("_input_row")  # one chunk: the sort moves views, not text
    del parts
    return papers.with_columns(decided.get_column(name) for name in ("author_status", "authors", "author_evidence"))


def _apply(table: pl.DataFrame, view: TableView, decisions: TableDecisions) -> pl.DataFrame:
    """One table's decisions as (_input_row, author_status, authors, author_evidence): authors are
    gathered from the table's own lists (plus the few new ones) by reference, evidence comes from
    its Arrow log."""
    dtype = DATASETS["papers"]["authors"]
    pool = pl.concat([view.authors.cast(dtype), pl.Series(decisions.new_lists, dtype=dtype)])
    authors = pool.gather(pl.Series(decisions.authors_ref, dtype=pl.Int64)).alias("authors")
    return pl.DataFrame([
        table["_input_row"],
        pl.Series("author_status", decisions.statuses, dtype=pl.String),
        authors,
        decisions.evidence.column("author_evidence"),
    ])


def paper_authors_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """One row per author in order: the best-known list when there is one, else the table's."""
    if papers.is_empty():
        return empty_frame("paper_authors")
    exploded = (
        papers.select(
            "edition", "paper_id", "author_status",
            pl.when(pl.col("authors").is_not_null()).then(pl.col("authors")).otherwise(pl.col("authors_raw")).alias("author"),
        )
        .filter(pl.col("author").list.len() > 0)
        .with_columns(pl.int_ranges(1, pl.col("author").list.len() + 1).alias("position"))
        .explode("author", "position")
        .unnest("author")
    )
    return conform("paper_authors", exploded)


def paper_key() -> pl.Expr:
    """A paper's key as findings spell it: "edition:paper_id" (validation joins key columns the same way)."""
    return pl.concat_str(pl.col("edition").fill_null("None"), pl.lit(":"),
                         pl.col("paper_id").cast(pl.String).fill_null("None"))


def _json_string(column: str) -> pl.Expr:
    """`json.dumps(value, ensure_ascii=False)` of a string column, as a polars expression."""
    escaped = pl.col(column).str.replace_many(list(JSON_ESCAPES), list(JSON_ESCAPES.values()))
    return pl.when(pl.col(column).is_null()).then(pl.lit("null")).otherwise(pl.concat_str(pl.lit('"'), escaped, pl.lit('"')))


def evidence_json(papers: pl.DataFrame) -> pl.Series:
    """Each row's `author_evidence` as `json.dumps(evidence or [], ensure_ascii=False)` would write it."""
    items = (papers.select(pl.int_range(pl.len()).alias("_row"), pl.col("author_evidence").alias("_item"))
             .explode("_item").filter(pl.col("_item").is_not_null()).unnest("_item")
             .select("_row", pl.concat_str(
                 pl.lit('{"signal": '), _json_string("signal"), pl.lit(', "detail": '), _json_string("detail"),
                 pl.lit(', "source": '), _json_string("source"), pl.lit("}")).alias("item")))
    per_row = items.group_by("_row").agg(pl.col("item").str.join(", "))
    joined = (pl.DataFrame({"_row": pl.int_range(papers.height, eager=True)}).join(per_row, on="_row", how="left")
              .sort("_row"))
    return joined.select(pl.concat_str(pl.lit("["), pl.col("item").fill_null(""), pl.lit("]")).alias("evidence"))["evidence"]


def findings_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """One finding per row that is not verified, carrying the row's evidence as JSON.

    Built `FINDINGS_CHUNK` rows at a time, so the exploded evidence items (one row each) of only
    one chunk are alive at once."""
    if papers.is_empty():
        return empty_frame("findings")
    rows = (papers.select("edition", "paper_id", "author_status", "title", "author_evidence")
            .filter(pl.col("author_status") != "verified"))
    if rows.is_empty():
        return empty_frame("findings")
    return pl.concat([_findings_rows(rows.slice(start, FINDINGS_CHUNK))
                      for start in range(0, rows.height, FINDINGS_CHUNK)])


def _findings_rows(rows: pl.DataFrame) -> pl.DataFrame:
    status = pl.col("author_status")
    return findings_from_columns(
        over=rows.select("edition", "paper_id", "author_status", "title", evidence_json(rows)),
        dataset="papers", row_key=paper_key(),
        check=pl.concat_str(pl.lit("author_"), status),
        severity=status.replace_strict(SEVERITY, return_dtype=pl.String),
        message=pl.concat_str(status.replace_strict(MESSAGE, return_dtype=pl.String), pl.lit(": "), pl.col("title").fill_null("None")),
        evidence=pl.col("evidence"))
