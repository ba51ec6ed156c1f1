"""Link write-ups and program entries to rows of the accepted-papers table by fuzzy title match.

Titles differ in small ways between sources (dashes, case, a lost byte), so exact joins miss.
Comparing every title with every paper is quadratic; instead papers are indexed by their title
tokens and each query is compared only with papers sharing one of its rarest tokens (blocking),
which keeps the work near-linear in the number of rows.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from pipeline.findings import Finding

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


def normalise_titles(titles: pl.Series) -> pl.Series:
    """`normalise_title` of every title: ASCII titles in polars, the others (few) in Python.

    For ASCII text NFKC is the identity, casefold is lower-casing and `[\\W_]` is `[^A-Za-z0-9]`, so
    the polars spelling below gives exactly `normalise_title`'s string; a null title gives "".
    """
    frame = pl.DataFrame({"title": titles.cast(pl.String)})
    is_ascii = pl.col("title").str.contains(r"^[\x00-\x7F]*$")
    fast = pl.col("title").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars(" ")
    out = frame.select(pl.when(pl.col("title").is_null()).then(pl.lit("")).when(is_ascii).then(fast)
                       .otherwise(pl.lit(None, dtype=pl.String)).alias("normalised"))["normalised"]
    missing = out.is_null()
    if missing.any():
        others = titles.filter(missing)
        unique = others.unique()
        fixed = pl.DataFrame({"title": unique, "normalised": [normalise_title(t) for t in unique.to_list()]},
                             schema={"title": pl.String, "normalised": pl.String})
        filled = others.to_frame("title").join(fixed, on="title", how="left", maintain_order="left")["normalised"]
        out = out.scatter(missing.arg_true(), filled)
    return out.alias("normalised")


def _tokens(normalised: pl.Series, id_column: str) -> pl.DataFrame:
    """(id, token) once per distinct token of each normalised title (`set(title.split())`)."""
    frame = pl.DataFrame({id_column: pl.int_range(len(normalised), eager=True, dtype=pl.Int64),
                          "token": normalised.str.split(" ").list.unique()})
    return frame.explode("token").filter(pl.col("token").is_not_null() & (pl.col("token") != ""))


def _token_sorted(normalised: pl.Series) -> pl.Series:
    """Each title's tokens sorted and joined by one space: what `fuzz.token_sort_ratio` compares, so
    it becomes a plain `fuzz.ratio` (normalised titles hold only word characters and single spaces)."""
    return pl.Series([" ".join(sorted(title.split(" "))) for title in normalised.to_list()], dtype=pl.String)


@dataclass(frozen=True)
class _Papers:
    """The papers' side of linking, built once per papers table: normalised titles, their
    token-sorted form, the (position, token) index and each token's posting count."""

    titles: pl.Series
    sorted_titles: pl.Series
    paper_ids: pl.Series
    index: pl.DataFrame
    postings: pl.DataFrame

    @classmethod
    def build(cls, papers: pl.DataFrame) -> "_Papers":
        titles = normalise_titles(papers["title"])
        index = _tokens(titles, "position")
        return cls(titles, _token_sorted(titles), papers["paper_id"].cast(pl.Int64), index,
                   index.group_by("token").agg(pl.len().alias("posting")))


#: The last papers table linked against and its `_Papers` (notes and program link to the same
#: table one after the other): (weak reference to the frame, its title and paper_id columns, side),
#: reused only while that frame is alive and its columns are equal; one tuple, replaced whole.
_LAST: list[tuple[Any, pl.Series, pl.Series, _Papers] | None] = [None]


def _forget(reference: Any) -> None:
    entry = _LAST[0]
    if entry is not None and entry[0] is reference:
        _LAST[0] = None


def _papers_side(papers: pl.DataFrame) -> _Papers:
    entry = _LAST[0]
    if (entry is not None and entry[0]() is papers and entry[1].equals(papers["title"])
            and entry[2].equals(papers["paper_id"])):
        return entry[3]
    side = _Papers.build(papers)
    _LAST[0] = (weakref.ref(papers, _forget), papers["title"], papers["paper_id"], side)
    return side


def best_papers(titles: pl.Series, papers: pl.DataFrame, min_score: float) -> tuple[list[int | None], list[float | None]]:
    """`best_paper` of every title against `papers`, for all titles at once.

    The same blocking (`TitleIndex.candidates`) and scoring (`title_score`) as `best_paper`, with the
    same tie-breaks, but as joins over (title, token) and (title, candidate) frames, and one
    rapidfuzz call per scorer over every candidate pair: no Python work per candidate, so linking a
    drop costs time in proportion to its candidate pairs, not a Python loop over them.
    """
    side = _papers_side(papers)
    queries = normalise_titles(titles)
    opened = (_tokens(queries, "qid").join(side.postings, on="token")
              .sort("qid", "posting", "token")
              .with_columns(pl.int_range(pl.len()).over("qid").alias("rank"))
              # the rarest token always; up to _RARE_TOKENS of them while they are not too common
              .filter((pl.col("rank") == 0) | ((pl.col("rank") < _RARE_TOKENS) & (pl.col("posting") <= _COMMON_TOKEN_CAP))))
    # a paper reached through two tokens is scored twice: harmless for the max and min taken below
    pairs = opened.select("qid", "token").join(side.index, on="token").select("qid", "position")
    if pairs.height:
        plain = process.cpdist(queries.gather(pairs["qid"]).to_list(), side.titles.gather(pairs["position"]).to_list(),
                               scorer=fuzz.ratio)
        token_sorted = process.cpdist(_token_sorted(queries).gather(pairs["qid"]).to_list(),
                                      side.sorted_titles.gather(pairs["position"]).to_list(), scorer=fuzz.ratio)
        score = np.maximum(plain, token_sorted).astype(np.float64)
    else:
        score = np.zeros(0, dtype=np.float64)
    scored = pairs.with_columns(pl.Series("score", score, dtype=pl.Float64), side.paper_ids.gather(pairs["position"]).alias("paper_id"))
    # best score per paper; papers rank by score, ties by their first candidate row (Counter order)
    per_paper = (scored.group_by("qid", "paper_id").agg(pl.col("score").max(), pl.col("position").min().alias("first"))
                 .sort("qid", pl.col("score"), "first", descending=[False, True, False])
                 .with_columns(pl.int_range(pl.len()).over("qid").alias("rank")).filter(pl.col("rank") < 2))
    top = per_paper.filter(pl.col("rank") == 0).select("qid", "paper_id", "score")
    runner = per_paper.filter(pl.col("rank") == 1).select("qid", pl.col("score").alias("runner_up"))
    ranked = top.join(runner, on="qid", how="left")
    found = {qid: (paper_id, score, runner_up or 0.0) for qid, paper_id, score, runner_up in ranked.iter_rows()}
    ids: list[int | None] = []
    scores: list[float | None] = []
    for qid in range(len(titles)):
        if qid not in found:
            ids.append(None)
            scores.append(None)
            continue
        paper_id, score, runner_up = found[qid]
        ambiguous = runner_up >= min_score and runner_up >= score - AMBIGUITY_MARGIN
        ids.append(paper_id if score >= min_score and not ambiguous else None)
        scores.append(round(score, 2))
    return ids, scores


def link_to_papers(frame: pl.DataFrame, papers: pl.DataFrame, *, min_score: float = DEFAULT_MIN_SCORE) -> pl.DataFrame:
    """`frame` with `paper_id` and `match_score` filled from the best title match in `papers`.

    `match_score` is kept even below `min_score` (it tells how close the nearest paper was);
    `paper_id` is set only at or above `min_score` and when no other paper scores about as well.
    Each title gets what `best_paper` gives it (computed for all titles at once by `best_papers`).
    """
    paper_ids, scores = best_papers(frame["title"], papers, min_score)
    return frame.with_columns(
        pl.Series("paper_id", paper_ids, dtype=pl.Int64),
        pl.Series("match_score", scores, dtype=pl.Float64),
    )


def link_within_editions(frame: pl.DataFrame, papers: pl.DataFrame, *, min_score: float = DEFAULT_MIN_SCORE,
                         dataset: str = "program") -> tuple[pl.DataFrame, list[Finding]]:
    """`link_to_papers` where a paper is (edition, paper_id): an entry links to papers of its own edition.

    An entry whose document names an edition is matched against that edition's papers only; when
    the drop holds none of that edition, its best match in another edition is *reported* (an info
    finding) but not linked, because a paper of another conference must never vouch for, or correct,
    this one's authors. An entry whose page names no edition is matched against every paper and
    takes the edition of the paper it links to. Returns (linked frame in input order, finding rows).
    """
    if frame.is_empty():
        return frame, []
    numbered = frame.with_row_index("_order")
    editions = set(papers["edition"].drop_nulls().unique().to_list()) if papers.height else set()
    parts, found = [], []
    for (edition,), group in numbered.group_by("edition", maintain_order=True):
        if edition is not None and edition in editions:
            parts.append(link_to_papers(group, papers.filter(pl.col("edition") == edition), min_score=min_score))
            continue
        linked = _link_across(group, papers, min_score)
        hit = linked["paper_id"].is_not_null()
        if edition is None:
            parts.append(linked.with_columns(pl.col("_edition").alias("edition")).drop("_edition"))
            continue
        for row in linked.filter(hit).select("_order", "paper_id", "match_score", "source_file", "source_line").iter_rows(named=True):
            found.append(Finding(dataset, None, "linked_other_edition", "info",
                                 f"{row['source_file']}:{row['source_line']}: the title matches paper {row['paper_id']} "
                                 f"of another edition (score {row['match_score']}), but this document is edition "
                                 f"{edition!r} and the drop has no table of it; not linked"))
        parts.append(linked.drop("_edition").with_columns(pl.lit(None, dtype=pl.Int64).alias("paper_id")))
    joined = pl.concat(parts, how="vertical").sort("_order").drop("_order")
    return joined.select(frame.columns), found


def _link_across(frame: pl.DataFrame, papers: pl.DataFrame, min_score: float) -> pl.DataFrame:
    """`link_to_papers` against the papers of every edition, plus `_edition` of the linked paper.

    Numbers repeat across editions, so papers are matched by their position (a surrogate key) and
    the (edition, paper_id) of the chosen one is looked up afterwards."""
    positions = papers.select("title", pl.int_range(pl.len(), dtype=pl.Int64).alias("paper_id"))
    linked = link_to_papers(frame, positions, min_score=min_score)
    at = linked["paper_id"]
    found = at.is_not_null()
    ids = pl.Series("paper_id", [None] * len(at), dtype=pl.Int64)
    editions = pl.Series("_edition", [None] * len(at), dtype=pl.String)
    if found.any():
        where = found.arg_true()
        ids = ids.scatter(where, papers["paper_id"].gather(at.filter(found)))
        editions = editions.scatter(where, papers["edition"].gather(at.filter(found)))
    return linked.with_columns(ids, editions)
