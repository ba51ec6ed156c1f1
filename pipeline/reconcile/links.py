"""The link column: does it show the displacement the authors column shows?

Without an independent source of links (the notes give ACM DOIs, not arXiv ids), the one structural
sign of a displaced link column is the same link under different titles. Links are never changed.
"""

from __future__ import annotations

import json

import polars as pl

from schemas.contracts import DATASETS, empty_frame


def link_findings(papers: pl.DataFrame) -> pl.DataFrame:
    """A warning on every row whose non-empty link also appears on another row."""
    linked = papers.filter(pl.col("link").is_not_null() & (pl.col("link").str.strip_chars() != ""))
    repeated = linked.filter(pl.col("link").is_duplicated())
    if repeated.is_empty():
        return empty_frame("findings")
    groups = repeated.group_by("link").agg(pl.col("paper_id").sort())
    rows_by_link = dict(zip(groups["link"].to_list(), groups["paper_id"].to_list()))
    rows = [
        {"dataset": "papers", "row_key": str(pid), "check": "link_recurring", "severity": "warning",
         "message": f"link {link} also appears on rows {[p for p in rows_by_link[link] if p != pid]}",
         "evidence": json.dumps({"link": link, "rows": rows_by_link[link]})}
        for pid, link in repeated.select("paper_id", "link").iter_rows()
    ]
    return pl.DataFrame(rows, schema=DATASETS["findings"])
