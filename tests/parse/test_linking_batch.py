"""`link_to_papers` links all titles at once (`best_papers`); it must give each title exactly what the
one-title reference (`TitleIndex` + `best_paper`) gives: same blocking, scores and tie-breaks."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse import link_to_papers
from pipeline.parse.linking import DEFAULT_MIN_SCORE, TitleIndex, best_paper, best_papers, normalise_title, normalise_titles

WORDS = ["recommendation", "systems", "graph", "neural", "user", "Ünïcode", "café", "LLM", "at", "scale", "ß-test",
         "Straße", "ﬁne", "x", "deep", "learning", "bias", "—", "news", "music", "rec", "sys", "Ｆｕｌｌ", "İstanbul"]


def reference(titles: list[str | None], papers: pl.DataFrame, min_score: float = DEFAULT_MIN_SCORE) -> list[tuple]:
    index = TitleIndex.build(papers)
    return [best_paper(title, index, min_score) for title in titles]


def batch(titles: list[str | None], papers: pl.DataFrame, min_score: float = DEFAULT_MIN_SCORE) -> list[tuple]:
    ids, scores = best_papers(pl.Series(titles, dtype=pl.String), papers, min_score)
    return list(zip(ids, scores))


def random_title(rng: random.Random) -> str | None:
    if rng.random() < 0.05:
        return rng.choice([None, "", "  ", "!!"])
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6))) + rng.choice(["", ":", "!", " (2025)"])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 120), st.integers(0, 40))
def test_batch_linking_equals_the_one_title_reference(seed, n_papers, n_titles):
    rng = random.Random(seed)
    titles = [random_title(rng) for _ in range(n_papers)]
    # repeated and missing paper ids, and near-copies of titles, so ties and ambiguity happen
    ids = [rng.choice([None, rng.randint(1, max(1, n_papers // 2))]) if rng.random() < 0.2 else i + 1 for i in range(n_papers)]
    papers = pl.DataFrame({"paper_id": ids, "title": titles}, schema={"paper_id": pl.Int64, "title": pl.String})
    queries = [rng.choice(titles) if titles and rng.random() < 0.5 else random_title(rng) for _ in range(n_titles)]
    for min_score in (DEFAULT_MIN_SCORE, 40.0):
        assert batch(queries, papers, min_score) == reference(queries, papers, min_score)


def test_common_tokens_fall_back_to_the_rarest_one():
    many = pl.DataFrame({"paper_id": list(range(1000)),
                         "title": [f"Recommendation Systems Study number{n} topic{n % 10}" for n in range(1000)]})
    queries = ["Recommendation Systems Study", "Recommendation Systems Study number42 topic2", "topic3 Study", None, "zzz"]
    assert batch(queries, many) == reference(queries, many)


def test_normalise_titles_equals_normalise_title():
    titles = ["Informfully Recommenders – Reproducibility: A Study!", "ASCII_only__x", "  spaced\tout  ", "Straße ﬁne",
              "Ｆｕｌｌ width", None, "", "İstanbul", "a\u00a0b", "x\x0by", "snake_case-and.dots"]
    assert normalise_titles(pl.Series(titles, dtype=pl.String)).to_list() == [normalise_title(t) for t in titles]


def test_papers_changed_in_place_are_indexed_again():
    papers = pl.DataFrame({"paper_id": [1, 2], "title": ["Graph Neural Recommenders", "Music Streaming Bias"]})
    frame = pl.DataFrame({"title": ["graph neural recommenders", "music streaming bias"]})
    assert link_to_papers(frame, papers)["paper_id"].to_list() == [1, 2]
    papers.replace_column(1, pl.Series("title", ["Music Streaming Bias", "Graph Neural Recommenders"]))
    assert link_to_papers(frame, papers)["paper_id"].to_list() == [2, 1]
