"""The link column: does it show the displacement the authors column shows?

Without an independent source of links (the notes give ACM DOIs, not arXiv ids), the one structural
sign of a displaced link column is the same link under different titles. Links are never changed.
"""

from __future__ import annotations

import json

import polars as pl

from schemas.contracts import DATASETS, empty_frame


def link_findings(papers: pl.DataFrame) -> pl.DataFrame:
    """A warning on every row whose non-empty link also appears on another row.

    A link shared by g rows gives g findings, each listing the g - 1 other rows, so the text grows
    with g²; each group's list is therefore formatted once (`_GroupText`) and every row's message is
    cut from it, and the evidence (the same for the whole group) is encoded once per group.
    """
    linked = papers.filter(pl.col("link").is_not_null() & (pl.col("link").str.strip_chars() != ""))
    repeated = linked.filter(pl.col("link").is_duplicated())
    if repeated.is_empty():
        return empty_frame("findings")
    groups = repeated.group_by("link").agg(pl.col("paper_id").sort())
    texts = {link: _GroupText(link, rows) for link, rows in groups.iter_rows()}
    pids, links = repeated["paper_id"].to_list(), repeated["link"].to_list()
    return pl.DataFrame(
        {"dataset": "papers", "row_key": [str(pid) for pid in pids], "check": "link_recurring", "severity": "warning",
         "message": [texts[link].message(pid) for pid, link in zip(pids, links)],
         "evidence": [texts[link].evidence for link in links]},
        schema=DATASETS["findings"],
    )


class _GroupText:
    """The rows sharing one link, formatted once: `message(pid)` is
    f"link {link} also appears on rows {[p for p in rows if p != pid]}" without building that list."""

    def __init__(self, link: str, rows: list[int | None]) -> None:
        self.link = link
        self.rows = rows
        self.evidence = json.dumps({"link": link, "rows": rows})
        items = [repr(p) for p in rows]
        self.joined = ", ".join(items)
        self.starts, position = [], 0
        for item in items:
            self.starts.append(position)
            position += len(item) + 2
        self.index = {}  # pid -> (first, last + 1): equal ids are adjacent in the sorted list
        for number, pid in enumerate(rows):
            first, _ = self.index.get(pid, (number, number))
            self.index[pid] = (first, number + 1)

    def message(self, pid: int | None) -> str:
        first, end = self.index.get(pid, (0, 0))
        if first == end:  # pid not in the list: every row is another row
            others = self.joined
        else:
            left = self.joined[: self.starts[first] - 2] if first else ""
            right = self.joined[self.starts[end]:] if end < len(self.rows) else ""
            others = f"{left}, {right}" if left and right else left or right
        return f"link {self.link} also appears on rows [{others}]"
