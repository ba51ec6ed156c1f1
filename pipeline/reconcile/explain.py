"""One paper's author reconciliation as data: what the CLI (`pipeline explain`) shows a person.

The core returns values, not terminal output; `pipeline.cli.render_explanation` draws them with rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class PaperExplanation:
    """Why one paper's authors got their status: both author lists and every piece of evidence."""

    paper_id: int
    edition: str | None
    title: str
    status: str
    authors_raw: list[dict[str, Any]]
    authors: list[dict[str, Any]] | None
    evidence: list[dict[str, Any]] = field(default_factory=list)


def explain_paper(papers: pl.DataFrame, paper_id: int, edition: str | None = None) -> PaperExplanation | None:
    """The explanation of paper `paper_id` of `papers`, or None when no row has that key; `edition`
    picks the paper when two editions use the number (the first row otherwise)."""
    rows = papers.filter(pl.col("paper_id") == paper_id)
    if edition is not None:
        rows = rows.filter(pl.col("edition") == edition)
    if rows.is_empty():
        return None
    row = rows.row(0, named=True)
    return PaperExplanation(paper_id=paper_id, edition=row.get("edition"), title=row.get("title") or "",
                            status=row.get("author_status") or "unverified",
                            authors_raw=row.get("authors_raw") or [], authors=row.get("authors"),
                            evidence=list(row.get("author_evidence") or []))
