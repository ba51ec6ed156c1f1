"""`link_findings` formats each group once; every row's message must be exactly what formatting that
row's list of other rows gives (ids repeated or missing included), capped at ROWS_NAMED ids."""

from __future__ import annotations

import json
import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.reconcile.links import ROWS_NAMED, link_findings
from schemas.contracts import DATASETS


def reference(papers: pl.DataFrame) -> pl.DataFrame:
    """The row-by-row formatting `link_findings` must reproduce."""
    linked = papers.filter(pl.col("link").is_not_null() & (pl.col("link").str.strip_chars() != ""))
    repeated = linked.filter(pl.struct("edition", "link").is_duplicated())
    groups = repeated.group_by("edition", "link").agg(pl.col("paper_id").sort())
    rows_by_link = {(e, link): ids for e, link, ids in groups.iter_rows()}
    rows = [
        {"dataset": "papers", "row_key": f"{edition}:{pid}", "check": "link_recurring", "severity": "warning",
         "message": message(link, [p for p in rows_by_link[edition, link] if p != pid]),
         "evidence": json.dumps({"link": link, "rows": rows_by_link[edition, link]})}
        for edition, pid, link in repeated.select("edition", "paper_id", "link").iter_rows()
    ]
    return pl.DataFrame(rows, schema=DATASETS["findings"])


def message(link: str, others: list) -> str:
    if len(others) <= ROWS_NAMED:
        return f"link {link} also appears on rows {others}"
    return (f"link {link} also appears on {len(others)} other rows: {others[:ROWS_NAMED]} and "
            f"{len(others) - ROWS_NAMED} more (all in the evidence)")


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 60))
def test_messages_equal_formatting_each_row(seed, n):
    rng = random.Random(seed)
    links = ["https://arxiv.org/abs/1", "https://x.org/é\"q", " ", None, "https://b.org/2", "https://c.org/3"]
    papers = pl.DataFrame({"edition": [rng.choice(["conf-2024", "conf-2025"]) for _ in range(n)],
                           "paper_id": [rng.choice([None, rng.randint(1, 8), i + 10]) for i in range(n)],
                           "link": [rng.choice(links) for _ in range(n)]},
                          schema={"edition": pl.String, "paper_id": pl.Int64, "link": pl.String})
    out = link_findings(papers)
    expected = reference(papers)
    assert out.to_dicts() == (expected.to_dicts() if expected.height else [])
