"""Render one paper's author reconciliation for a person: the only module here that formats output."""

from __future__ import annotations

import polars as pl
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

STATUS_STYLE = {"verified": "green", "corrected": "cyan", "mismatch": "red", "suspect": "yellow", "unverified": "dim"}


def _author_lines(authors: list[dict] | None) -> str:
    if authors is None:
        return "—"
    return "\n".join(f"{a['name']}" + (f" ({a['affiliation']})" if a.get("affiliation") else "") for a in authors)


def explain_paper(papers: pl.DataFrame, paper_id: int, edition: str | None = None) -> Panel:
    """A panel with the row's title, status, the table's authors beside the best-known ones, and evidence;
    `edition` picks the paper when two editions use the number (the first row otherwise)."""
    rows = papers.filter(pl.col("paper_id") == paper_id)
    if edition is not None:
        rows = rows.filter(pl.col("edition") == edition)
    key = f"{edition}:{paper_id}" if edition else str(paper_id)
    if rows.is_empty():
        return Panel(Text(f"no paper {key}", style="red"), title="explain")
    row = rows.row(0, named=True)
    key = f"{row.get('edition')}:{paper_id}"
    status = row.get("author_status") or "unverified"
    header = Text.assemble((f"{key} ", "bold"), (row.get("title") or "", "bold"), "\nstatus: ",
                           (status, STATUS_STYLE.get(status, "")))
    authors = Table("authors in the table (authors_raw)", "best-known authors (authors)", expand=True)
    authors.add_row(_author_lines(row.get("authors_raw") or []), _author_lines(row.get("authors")))
    evidence = Table("signal", "detail", "source", title="evidence", expand=True)
    for item in row.get("author_evidence") or []:
        evidence.add_row(item["signal"], item["detail"], item["source"])
    return Panel(Group(header, authors, evidence), title=f"paper {paper_id} of {row.get('edition')}")
