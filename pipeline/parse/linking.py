"""Link write-ups and program entries to rows of the accepted-papers table by fuzzy title match.

Titles differ in small ways between sources (dashes, case, a lost byte), so exact joins miss.
Comparing every title with every paper is quadratic; instead papers are indexed by their title
tokens and each query is compared only with papers sharing one of its rarest tokens (blocking),
which keeps the work near-linear in the number of rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz, process

#: Default threshold (0..100): above typo-level differences, below "different paper, similar words".
DEFAULT_MIN_SCORE = 90.0
#: A runner-up this close to the best match (and itself above the threshold) makes a link ambiguous.
AMBIGUITY_MARGIN = 2.0
_RARE_TOKENS = 3
#: A token in more papers than max(this, 5% of papers) is too common to block on.
_COMMON_TOKEN_CAP = 50


def normalise_title(title: str | None) -> str:
    """Casefolded, NFKC, punctuation replaced by spaces: the form titles are compared in.

    >>> normalise_title("Informfully Recommenders – Reproducibility: A Study!")
    'informfully recommenders reproducibility a study'
    """
    if not title:
        return ""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


@dataclass(frozen=True)
class TitleIndex:
    """Papers' normalised titles with an inverted index token -> row positions."""

    paper_ids: list[int | None]
    titles: list[str]
    postings: dict[str, list[int]]

    @classmethod
    def build(cls, papers: pl.DataFrame) -> "TitleIndex":
        titles = [normalise_title(title) for title in papers["title"].to_list()]
        postings: dict[str, list[int]] = defaultdict(list)
        for position, title in enumerate(titles):
            for token in set(title.split()):
                postings[token].append(position)
        return cls(papers["paper_id"].to_list(), titles, dict(postings))

    def candidates(self, query: str) -> set[int]:
        """Rows sharing one of the query's rarest indexed tokens (the blocking step).

        Up to three rarest tokens are used, skipping tokens so common that they would pull in
        a large share of all papers ("recommendation"); a query made only of common tokens
        falls back to its single rarest one.
        """
        tokens = sorted({token for token in query.split() if token in self.postings},
                        key=lambda token: (len(self.postings[token]), token))
        # A fixed cap, not a share of the table: a share lets candidate sets grow with the table,
        # which made linking quadratic on large drops.
        chosen = [token for token in tokens[:_RARE_TOKENS] if len(self.postings[token]) <= _COMMON_TOKEN_CAP] or tokens[:1]
        return {position for token in chosen for position in self.postings[token]}


def title_score(left: str, right: str) -> float:
    """Similarity 0..100 of two normalised titles: the better of plain and token-sorted ratio."""
    return max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right))


def title_scores(query: str, titles: list[str]) -> list[float]:
    """`title_score` of the query against many titles at once (rapidfuzz's C loop, not Python's)."""
    if not titles:
        return []
    plain = process.cdist([query], titles, scorer=fuzz.ratio)[0]
    token_sorted = process.cdist([query], titles, scorer=fuzz.token_sort_ratio)[0]
    return [float(max(a, b)) for a, b in zip(plain, token_sorted)]


def best_paper(title: str | None, index: TitleIndex, min_score: float) -> tuple[int | None, float | None]:
    """(paper_id, score) of the best candidate; paper_id is None when too weak or ambiguous."""
    query = normalise_title(title)
    if not query:
        return None, None
    positions = sorted(index.candidates(query))
    best_by_paper: dict[int | None, float] = {}
    for position, score in zip(positions, title_scores(query, [index.titles[p] for p in positions])):
        paper_id = index.paper_ids[position]
        best_by_paper[paper_id] = max(score, best_by_paper.get(paper_id, 0.0))
    if not best_by_paper:
        return None, None
    ranked = Counter(best_by_paper).most_common(2)
    paper_id, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    ambiguous = runner_up >= min_score and runner_up >= score - AMBIGUITY_MARGIN
    return (paper_id if score >= min_score and not ambiguous else None), round(score, 2)


def link_to_papers(frame: pl.DataFrame, papers: pl.DataFrame, *, min_score: float = DEFAULT_MIN_SCORE) -> pl.DataFrame:
    """`frame` with `paper_id` and `match_score` filled from the best title match in `papers`.

    `match_score` is kept even below `min_score` (it tells how close the nearest paper was);
    `paper_id` is set only at or above `min_score` and when no other paper scores about as well.
    """
    index = TitleIndex.build(papers)
    matches = [best_paper(title, index, min_score) for title in frame["title"].to_list()]
    return frame.with_columns(
        pl.Series("paper_id", [paper_id for paper_id, _ in matches], dtype=pl.Int64),
        pl.Series("match_score", [score for _, score in matches], dtype=pl.Float64),
    )
