"""Signal 1: author lists from independent sources (notes `*by*` lines, program pages).

An anchor is one source's author list for a paper, linked to it by title upstream (`paper_id` set
by the parser's fuzzy title link). Comparing it with the table's list gives agreement (the row can
be verified), a contradiction (the table is wrong), or a partial overlap (suspect).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.reconcile.names import damaged_name, list_similarity
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds


@dataclass(frozen=True)
class Anchor:
    """One independent source's authors for one paper; `source` is "file:line" for evidence."""

    paper_id: int
    edition: str | None
    names: tuple[str, ...]
    source: str
    kind: str  # "notes" or "program"

    @property
    def quality(self) -> tuple[int, int]:
        """Prefer lists with more whole names, then notes over program (program names may be glued)."""
        whole = sum(damaged_name(n) is None for n in self.names)
        return whole, int(self.kind == "notes")


def _frame_anchors(frame: pl.DataFrame, kind: str, prefix: str) -> list[Anchor]:
    if frame.is_empty():
        return []
    usable = frame.filter(pl.col("paper_id").is_not_null() & (pl.col("authors").list.len() > 0))
    return [
        Anchor(int(row["paper_id"]), row["edition"], tuple(n for n in row["authors"] if n and n.strip()),
               f"{prefix}{row['source_file']}:{row['source_line']}", kind)
        for row in usable.select("paper_id", "edition", "authors", "source_file", "source_line").iter_rows(named=True)
    ]


PaperKey = tuple[str | None, int]


def collect_anchors(paper_notes: pl.DataFrame, program: pl.DataFrame) -> dict[PaperKey, list[Anchor]]:
    """Anchors by paper key (edition, paper_id), best first (see `Anchor.quality`); unlinked entries
    are skipped. An entry's edition is its document's (linking never links across editions), so a
    source only ever speaks about papers of its own edition."""
    by_paper: dict[PaperKey, list[Anchor]] = {}
    for anchor in _frame_anchors(paper_notes, "notes", "") + _frame_anchors(program, "program", "program:"):
        if anchor.names:
            by_paper.setdefault((anchor.edition, anchor.paper_id), []).append(anchor)
    return {pid: sorted(anchors, key=lambda a: a.quality, reverse=True) for pid, anchors in by_paper.items()}


def cross_source_verdict(source_names: tuple[str, ...], table_names: tuple[str, ...],
                         thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> tuple[str, float]:
    """("agree" | "partial" | "contradict", similarity) of a source's list against the table's:
    agree from `thresholds.same_list_min_similarity` up, contradict below `thresholds.contradicts_below`.

    >>> cross_source_verdict(("Ann Lee", "Bo Xu"), ("Ann Lee", "Bo Xu"))
    ('agree', 1.0)
    >>> cross_source_verdict(("Ann Lee", "Bo Xu"), ("Cy Twombly",))[0]
    'contradict'
    """
    similarity = list_similarity(source_names, table_names, thresholds.person_min_score)
    if similarity >= thresholds.same_list_min_similarity:
        return "agree", similarity
    return ("partial" if similarity >= thresholds.contradicts_below else "contradict"), similarity
