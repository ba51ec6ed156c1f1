"""The link column: does it show the displacement the authors column shows?

Without an independent source of links (the notes give ACM DOIs, not arXiv ids), the one structural
sign of a displaced link column is the same link under different titles. Links are never changed.
"""

from __future__ import annotations

import json

import polars as pl

from pipeline.findings import findings_from_columns
from schemas.contracts import empty_frame

#: Rows whose message strings are built in Python at once.
MESSAGE_CHUNK = 5_000


def link_findings(papers: pl.DataFrame) -> pl.DataFrame:
    """A warning on every row whose non-empty link also appears on another row of its edition
    (two editions may list the same paper; that is no sign of a displaced column).

    A link shared by g rows gives g findings, each listing the g - 1 other rows, so the text grows
    with g²; each group's list is therefore formatted once (`_GroupText`) and every row's message is
    cut from it, and the evidence (the same for the whole group) is encoded once per group.
    """
    links = papers.select("edition", "paper_id", "link")
    linked = links.filter(pl.col("link").is_not_null() & (pl.col("link").str.strip_chars() != ""))
    repeated = linked.filter(pl.struct("edition", "link").is_duplicated())
    if repeated.is_empty():
        return empty_frame("findings")
    groups = repeated.group_by("edition", "link").agg(pl.col("paper_id").sort())
    texts = {(edition, link): _GroupText(link, rows) for edition, link, rows in groups.iter_rows()}
    number = {group: position for position, group in enumerate(texts)}
    pids, editions = repeated["paper_id"].to_list(), repeated["edition"].to_list()
    row_links = list(zip(editions, repeated["link"].to_list()))
    # Each group's evidence is stored once; the rows' cells are views of it (a gather copies no text).
    group_evidence = pl.Series([text.evidence for text in texts.values()], dtype=pl.String)
    evidence = group_evidence.gather(pl.Series([number[link] for link in row_links], dtype=pl.Int64))
    # Messages (g per group, each listing g - 1 rows) are the bulk: made MESSAGE_CHUNK rows at a time,
    # so only one chunk's Python strings are alive next to the column.
    messages = pl.concat([
        pl.Series([texts[link].message(pid) for pid, link in zip(pids[start:start + MESSAGE_CHUNK],
                                                                  row_links[start:start + MESSAGE_CHUNK])], dtype=pl.String)
        for start in range(0, len(pids), MESSAGE_CHUNK)])
    return findings_from_columns(dataset="papers", row_key=[f"{edition}:{pid}" for edition, pid in zip(editions, pids)],
                                 check="link_recurring", severity="warning", message=messages, evidence=evidence)


#: Other rows a `link_recurring` message names; the evidence lists them all.
ROWS_NAMED = 10


class _GroupText:
    """The rows sharing one link: `message(pid)` names the first ROWS_NAMED other rows and counts the
    rest. Naming all of them made each message grow with the group (a link shared by 1,000 rows of a
    big drop gave 1,000 messages of 999 ids each: ~0.5 GB of text nobody reads); the evidence keeps
    the full list, once per group."""

    def __init__(self, link: str, rows: list[int | None]) -> None:
        self.link = link
        self.rows = rows
        self.evidence = json.dumps({"link": link, "rows": rows})
        self.count: dict[int | None, int] = {}
        for pid in rows:
            self.count[pid] = self.count.get(pid, 0) + 1
        # enough rows to name ROWS_NAMED others whichever pid (repeats included) is left out
        self.head = rows[: ROWS_NAMED + max(self.count.values())]

    def message(self, pid: int | None) -> str:
        others = [p for p in self.head if p != pid][:ROWS_NAMED]
        total = len(self.rows) - self.count.get(pid, 0)
        if total <= ROWS_NAMED:
            return f"link {self.link} also appears on rows {others}"
        return (f"link {self.link} also appears on {total} other rows: {others} and {total - ROWS_NAMED} more "
                "(all in the evidence)")
