"""End to end: small tables with known truth through `reconcile_authors`."""

import json

import polars as pl
from rich.console import Console

from bench.synthetic_drops import make_drop
from pipeline.cli import render_explanation
from pipeline.reconcile import explain_paper, reconcile_authors
from pipeline.reconcile.names import list_similarity
from tests.reconcile.reconcile_frames import no_program, notes_frame, papers_frame, people

FLAGS = {"mismatch", "corrected", "suspect"}


def run(lists, notes):
    return reconcile_authors(papers_frame(lists), notes, no_program())


def names_of(authors):
    return [a["name"] for a in authors]


def test_a_clean_table_has_no_flags_and_verifies_only_anchored_rows():
    lists = people(30)
    result = run(lists, notes_frame({5: names_of_pairs(lists[4])}))
    statuses = result.papers["author_status"].to_list()
    assert not FLAGS & set(statuses)
    assert statuses[4] == "verified" and statuses.count("verified") == 1


def test_a_row_is_never_verified_without_an_independent_source():
    result = run(people(10), notes_frame({}))
    assert set(result.papers["author_status"]) == {"unverified"}


def test_a_shifted_column_is_corrected_from_confirmed_offsets():
    truth = people(30)
    shown = truth[2:] + [[("Nobody Known", None)]] * 2  # row r shows row r+2's list
    anchors = {t + 1: names_of_pairs(truth[t]) for t in (5, 12, 20)}
    result = run(shown, notes_frame(anchors))
    papers = result.papers
    for row in range(2, 28):
        assert papers["author_status"][row] == "corrected"
        assert [a["name"] for a in papers["authors"][row]] == names_of_pairs(truth[row])
    assert papers["authors"][8][0]["affiliation"] == truth[8][0][1]  # affiliations come with the list
    assert papers["author_status"][0] == "mismatch" and papers["authors"][0] is None


def names_of_pairs(pairs):
    return [n for n, _ in pairs]


def test_a_repeated_block_marks_copies_mismatch_and_corrects_anchored_titles():
    drop = make_drop("repeated_block", n=60, anchor_share=0.3, seed=4)
    papers = reconcile_authors(drop.papers, drop.paper_notes, drop.program).papers
    shown = [names_of(a) for a in papers["authors_raw"]]
    for row, status in enumerate(papers["author_status"]):
        if status == "corrected":
            assert list_similarity(names_of(papers["authors"][row]), names_of(drop.truth[row])) == 1.0
        if status == "verified":
            assert shown[row] == names_of(drop.truth[row])
    assert papers["author_status"].to_list().count("mismatch") > 10


def test_a_single_swap_seen_by_one_source_corrects_one_row_and_flags_the_other():
    truth = people(20)
    shown = list(truth)
    shown[3], shown[11] = truth[11], truth[3]
    result = run(shown, notes_frame({4: names_of_pairs(truth[3])}))
    papers = result.papers
    assert papers["author_status"][3] == "corrected"
    assert names_of(papers["authors"][3]) == names_of_pairs(truth[3])
    assert papers["author_status"][11] == "mismatch"
    assert set(papers["author_status"].to_list()[:3]) == {"unverified"}


def test_a_source_unrelated_to_any_row_corrects_names_without_affiliations():
    result = run(people(10), notes_frame({2: ["Zed Quorum", "Yan Plinth"]}))
    row = result.papers.row(1, named=True)
    assert row["author_status"] == "corrected"
    assert row["authors"] == [{"name": "Zed Quorum", "affiliation": None}, {"name": "Yan Plinth", "affiliation": None}]


def test_a_glued_name_is_suspect_and_repaired_when_a_source_spells_it():
    lists = people(10)
    lists[2] = [("AnnSurcman", "Orgc Labs"), ("Bob Famcly", "Orgc Labs")]
    lists[6] = [("AnnSurgman", "Orgg Labs"), ("Bob Famgly", "Orgg Labs")]
    result = run(lists, notes_frame({7: ["Ann Surgman", "Bob Famgly"]}))
    papers = result.papers
    assert papers["author_status"][2] == "suspect"
    assert papers["author_status"][6] == "corrected"
    assert papers["authors"][6][0] == {"name": "Ann Surgman", "affiliation": "Orgg Labs"}


def test_heading_organisation_contradicting_affiliations_makes_a_row_suspect():
    lists = people(6)
    lists[4] = [("Cy Odeman", "Pinterest"), ("Di Foxman", "Pinterest")]
    notes = notes_frame({2: []}, {2: "Pinterest"})
    result = run(lists, notes)
    assert result.papers["author_status"][1] == "suspect"
    assert any(e["signal"] == "affiliation" for e in result.papers["author_evidence"][1])


def test_authors_are_null_exactly_for_mismatch_and_unverified():
    drop = make_drop("rotation", n=80, anchor_share=0.3, seed=2)
    papers = reconcile_authors(drop.papers, drop.paper_notes, drop.program).papers
    for status, authors in papers.select("author_status", "authors").iter_rows():
        assert (authors is None) == (status in {"mismatch", "unverified"})


def test_paper_authors_follow_the_best_known_list_in_order():
    truth = people(20)
    shown = list(truth)
    shown[3], shown[11] = truth[11], truth[3]
    result = run(shown, notes_frame({4: names_of_pairs(truth[3])}))
    rows = result.paper_authors.filter(pl.col("paper_id") == 4).sort("position")
    assert rows["name"].to_list() == names_of_pairs(truth[3])
    assert rows["position"].to_list() == [1, 2]
    assert set(rows["author_status"]) == {"corrected"}


def test_one_finding_per_row_that_is_not_verified_with_json_evidence():
    truth = people(20)
    shown = list(truth)
    shown[3], shown[11] = truth[11], truth[3]
    result = run(shown, notes_frame({4: names_of_pairs(truth[3]), 9: names_of_pairs(truth[8])}))
    findings = result.findings.filter(pl.col("check").str.starts_with("author_"))
    assert findings.height == 19
    assert "conf-2025:9" not in findings["row_key"].to_list()
    corrected = findings.filter(pl.col("row_key") == "conf-2025:4").row(0, named=True)
    assert corrected["check"] == "author_corrected"
    assert json.loads(corrected["evidence"])[0]["signal"] == "cross_source"


def test_recurring_links_are_reported_not_changed():
    papers = papers_frame(people(4)).with_columns(pl.Series("link", ["a", "x", None, "x"]))
    result = reconcile_authors(papers, notes_frame({}), no_program())
    links = result.findings.filter(pl.col("check") == "link_recurring")
    assert sorted(links["row_key"]) == ["conf-2025:2", "conf-2025:4"]
    assert result.papers["link"].to_list() == ["a", "x", None, "x"]


def test_explain_shows_status_both_author_lists_and_evidence():
    truth = people(20)
    shown = list(truth)
    shown[3], shown[11] = truth[11], truth[3]
    result = run(shown, notes_frame({4: names_of_pairs(truth[3])}))
    explained = explain_paper(result.papers, 4)
    assert explained.status == "corrected" and "cross_source" in {item["signal"] for item in explained.evidence}
    assert explain_paper(result.papers, 999) is None
    console = Console(width=200, record=True)
    console.print(render_explanation(explained))
    text = console.export_text()
    assert "corrected" in text and "cross_source" in text and "Ann Surdman" in text and "Ann Surbbman" in text


def test_a_source_finds_its_one_author_row_despite_a_truncated_name():
    truth = people(20)
    truth[3] = [("Shuhei Godaman", "Orgd Labs")]
    shown = list(truth)
    shown[3], shown[11] = truth[11], [("Shuhei", "Orgd Labs")]
    papers = run(shown, notes_frame({4: ["Shuhei Godaman"]})).papers
    assert papers["author_status"][3] == "corrected"
    assert papers["authors"][3].to_list() == [{"name": "Shuhei", "affiliation": "Orgd Labs"}]  # taken from row 12
    assert "row 12" in papers["author_evidence"][3][1]["detail"]
    assert papers["author_status"][11] == "mismatch"
