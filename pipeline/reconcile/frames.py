"""Glue between polars frames and the per-table decision code: build views, write results back."""

from __future__ import annotations

import json

import polars as pl

from pipeline.reconcile.anchors import Anchor, collect_anchors
from pipeline.reconcile.decide import RowDecision, TableView, reconcile_table
from schemas.contracts import DATASETS, conform, empty_frame

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
        ids = table["paper_id"].to_list()
        authors = [[dict(a) for a in (row or [])] for row in table["authors_raw"].to_list()]
        sources = [f"{f}:{line}" for f, line in zip(table["source_file"].to_list(), table["source_line"].to_list())]
        views.append((table, TableView.build(ids, authors, sources, table["abstract"].to_list(),
                                             [organisations.get(i) for i in ids])))
    return views


def decide_all(papers: pl.DataFrame, paper_notes: pl.DataFrame, program: pl.DataFrame) -> pl.DataFrame:
    """`papers` with author_status / authors / author_evidence filled in, in the input row order."""
    anchors_by_id = collect_anchors(paper_notes, program)
    parts = []
    for table, view in table_views(papers, _organisations(paper_notes)):
        anchors: dict[int, Anchor] = {pos: anchors_by_id[pid][0] for pos, pid in enumerate(view.paper_ids)
                                      if pid in anchors_by_id}
        decisions = reconcile_table(view, anchors)
        for pos, pid in enumerate(view.paper_ids):
            for extra in anchors_by_id.get(pid, [])[1:]:
                decisions[pos].add("cross_source", f"{extra.kind} also lists: {', '.join(extra.names)}", extra.source)
        parts.append(_apply(table, decisions))
    if not parts:
        return papers
    return pl.concat(parts).sort("_input_row").drop("_input_row")


def _apply(table: pl.DataFrame, decisions: list[RowDecision]) -> pl.DataFrame:
    return table.with_columns(
        pl.Series("author_status", [d.status for d in decisions], dtype=pl.String),
        pl.Series("authors", [d.authors for d in decisions], dtype=DATASETS["papers"]["authors"]),
        pl.Series("author_evidence", [d.evidence for d in decisions], dtype=DATASETS["papers"]["author_evidence"]),
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


def findings_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """One finding per row that is not verified, carrying the row's evidence as JSON."""
    rows = [
        {"dataset": "papers", "row_key": str(pid), "check": f"author_{status}", "severity": SEVERITY[status],
         "message": f"{MESSAGE[status]}: {title}", "evidence": json.dumps(evidence or [], ensure_ascii=False)}
        for pid, status, title, evidence in papers.select("paper_id", "author_status", "title", "author_evidence").iter_rows()
        if status != "verified"
    ]
    return pl.DataFrame(rows, schema=DATASETS["findings"]) if rows else empty_frame("findings")
