"""Fuzzy title linking: exact and near titles link, weak or ambiguous ones only keep a score."""

from __future__ import annotations

import polars as pl

from pipeline.parse import link_to_papers
from pipeline.parse.linking import TitleIndex, normalise_title

PAPERS = pl.DataFrame({
    "paper_id": [1, 2, 3, 4],
    "title": ["GRACE: Generative Recommendation via Journey-Aware Sparse Attention",
              "Informfully Recommenders - Reproducibility Framework",
              "Duplicated Title About Widgets",
              "Duplicated Title About Widgets"],
})


def linked(*titles: str | None) -> list[tuple]:
    frame = pl.DataFrame({"title": list(titles), "paper_id": [None] * len(titles), "match_score": [None] * len(titles)},
                         schema={"title": pl.String, "paper_id": pl.Int64, "match_score": pl.Float64})
    return link_to_papers(frame, PAPERS).select("paper_id", "match_score").rows()


def test_identical_title_links_with_full_score():
    assert linked("GRACE: Generative Recommendation via Journey-Aware Sparse Attention") == [(1, 100.0)]


def test_case_dashes_and_a_typo_still_link():
    [(paper_id, score)] = linked("informfully recommenders – reproducibilty framework")
    assert paper_id == 2 and 90 <= score < 100


def test_weak_match_keeps_its_score_but_no_paper_id():
    [(paper_id, score)] = linked("Generative Recommendation for Something Else Entirely")
    assert paper_id is None and score < 90


def test_title_matching_two_papers_equally_is_left_unlinked():
    assert linked("Duplicated Title About Widgets") == [(None, 100.0)]


def test_missing_title_gets_no_link_and_no_score():
    assert linked(None) == [(None, None)]


def test_other_columns_and_row_order_are_kept():
    frame = pl.DataFrame({"note_id": ["b", "a"], "title": ["Informfully Recommenders - Reproducibility Framework", "x"],
                          "paper_id": [None, None], "match_score": [None, None]},
                         schema={"note_id": pl.String, "title": pl.String, "paper_id": pl.Int64, "match_score": pl.Float64})
    out = link_to_papers(frame, PAPERS)
    assert out.columns == frame.columns and out["note_id"].to_list() == ["b", "a"]
    assert out["paper_id"].to_list() == [2, None]


def test_blocking_compares_a_title_only_with_papers_sharing_its_rare_tokens():
    many = pl.DataFrame({"paper_id": list(range(1000)),
                         "title": [f"Recommendation Systems Study number{n} topic{n % 10}" for n in range(1000)]})
    index = TitleIndex.build(many)
    assert index.candidates(normalise_title("Recommendation Systems Study number42 topic2")) == {42}
    assert len(index.candidates(normalise_title("Recommendation Systems Study"))) == 1000  # nothing rarer to use
