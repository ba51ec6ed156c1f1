"""Glue between polars frames and the per-table decision code: build views, write results back."""

from __future__ import annotations

import polars as pl

from pipeline.reconcile.anchors import collect_anchors
from pipeline.reconcile.decide import TableDecisions, reconcile_table
from pipeline.reconcile.view import TableView
from schemas.contracts import DATASETS, conform, empty_frame

#: What `json.dumps(..., ensure_ascii=False)` escapes inside a string, and how.
JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                **{chr(c): f"\\u{c:04x}" for c in range(0x20) if chr(c) not in "\n\r\t\b\f"}}
SEVERITY = {"mismatch": "warning", "suspect": "warning", "corrected": "info", "unverified": "info"}
MESSAGE = {
    "mismatch": "the authors cell does not belong to this title; the true authors are not known here",
    "suspect": "the authors cell may not belong to this title (weak signals only)",
    "corrected": "the authors cell did not belong to this title; corrected from independent evidence",
    "unverified": "no independent source names this paper's authors",
}


def _organisations(paper_notes: pl.DataFrame) -> dict[int, str]:
    if paper_notes.is_empty():
        return {}
    linked = paper_notes.filter(pl.col("paper_id").is_not_null() & pl.col("organisation").is_not_null())
    return dict(zip(linked["paper_id"].to_list(), linked["organisation"].to_list()))


def table_views(papers: pl.DataFrame, organisations: dict[int, str]) -> list[tuple[pl.DataFrame, TableView]]:
    """One view per source table (rows in table order), so displacement never spans two documents."""
    views = []
    ordered = papers.with_row_index("_input_row").sort("source_file", "source_line", "paper_id", nulls_last=True)
    for (_,), table in ordered.group_by("source_file", maintain_order=True):
        views.append((table, TableView.build(table, organisations)))
    return views


def decide_all(papers: pl.DataFrame, paper_notes: pl.DataFrame, program: pl.DataFrame) -> pl.DataFrame:
    """`papers` with author_status / authors / author_evidence filled in, in the input row order."""
    anchors_by_id = collect_anchors(paper_notes, program)
    parts = []
    for table, view in table_views(papers, _organisations(paper_notes)):
        anchors = {pos: anchors_by_id[pid] for pos, pid in enumerate(view.paper_ids) if pid in anchors_by_id}
        parts.append(_apply(table, view, reconcile_table(view, anchors)))
    if not parts:
        return papers
    return pl.concat(parts).sort("_input_row").drop("_input_row")


def _apply(table: pl.DataFrame, view: TableView, decisions: TableDecisions) -> pl.DataFrame:
    """Write one table's decisions back: authors are gathered from the table's own lists (plus the
    few new ones) by reference, evidence comes from its Arrow log."""
    dtype = DATASETS["papers"]["authors"]
    pool = pl.concat([view.authors.cast(dtype), pl.Series(decisions.new_lists, dtype=dtype)])
    authors = pool.gather(pl.Series(decisions.authors_ref, dtype=pl.Int64)).alias("authors")
    return table.with_columns(
        pl.Series("author_status", decisions.statuses, dtype=pl.String),
        authors,
        decisions.evidence.column("author_evidence"),
    )


def paper_authors_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """One row per author in order: the best-known list when there is one, else the table's."""
    if papers.is_empty():
        return empty_frame("paper_authors")
    exploded = (
        papers.select(
            "paper_id", "author_status",
            pl.when(pl.col("authors").is_not_null()).then(pl.col("authors")).otherwise(pl.col("authors_raw")).alias("author"),
        )
        .filter(pl.col("author").list.len() > 0)
        .with_columns(pl.int_ranges(1, pl.col("author").list.len() + 1).alias("position"))
        .explode("author", "position")
        .unnest("author")
    )
    return conform("paper_authors", exploded)


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
    """One finding per row that is not verified, carrying the row's evidence as JSON."""
    if papers.is_empty():
        return empty_frame("findings")
    status = pl.col("author_status")
    rows = papers.select("paper_id", "author_status", "title", evidence_json(papers)).filter(status != "verified")
    findings = rows.select(
        pl.lit("papers").alias("dataset"), pl.col("paper_id").cast(pl.String).fill_null("None").alias("row_key"),
        pl.concat_str(pl.lit("author_"), status).alias("check"),
        status.replace_strict(SEVERITY, return_dtype=pl.String).alias("severity"),
        pl.concat_str(status.replace_strict(MESSAGE, return_dtype=pl.String), pl.lit(": "), pl.col("title").fill_null("None")).alias("message"),
        "evidence")
    return conform("findings", findings) if findings.height else empty_frame("findings")
