"""The accepted-papers table: found by its header, every row kept, bad rows reported."""

from __future__ import annotations

import json

import polars as pl

from pipeline.parse import parse_notes
from pipeline.parse.table import find_papers_table, split_link


def notes_with_table(header: str, *rows: str) -> str:
    delimiter = "|".join("---" for _ in header.split("|"))
    return "\n".join(["# Accepted", "", header, delimiter, *rows, ""])


def checks(findings: pl.DataFrame) -> list[str]:
    return findings["check"].to_list()


def test_table_is_found_by_header_names_in_any_column_order():
    text = notes_with_table("**Authors** | Category | **Title** | No.", "Ann Lee (Uni) | Short Papers | A Title | **7**")
    papers = parse_notes(text, "n.md").papers
    assert papers.select("paper_id", "title", "track", "track_raw").row(0) == (7, "A Title", "Short", "Short Papers")
    assert papers["authors_raw"].to_list() == [[{"name": "Ann Lee", "affiliation": "Uni"}]]


def test_table_lacking_an_authors_column_is_not_the_papers_table():
    lines = notes_with_table("# | Title | Notes", "1 | T | x").split("\n")
    assert find_papers_table(lines) is None


def test_mojibake_attachment_header_still_names_the_attachment_column():
    mojibake = "附件".encode("utf-8").decode("cp1252", errors="replace")
    text = notes_with_table(f"# | Title | authors | **{mojibake}**", "**1** | T | A (B) | 1.pdf")
    assert parse_notes(text, "n.md").papers["attachment"].to_list() == ["1.pdf"]


def test_affiliations_keep_commas_and_nested_parentheses():
    cell = "Timo Wilm (OTTO (GmbH & Co. KGaA)), Suman Malani (Google, Inc), Jim Poe"
    papers = parse_notes(notes_with_table("# | Title | Authors", f"**1** | T | {cell}"), "n.md").papers
    assert papers["authors_raw"].to_list()[0] == [
        {"name": "Timo Wilm", "affiliation": "OTTO (GmbH & Co. KGaA)"},
        {"name": "Suman Malani", "affiliation": "Google, Inc"},
        {"name": "Jim Poe", "affiliation": None},
    ]


def test_unbalanced_parentheses_are_reported_not_dropped():
    tables = parse_notes(notes_with_table("# | Title | Authors", "**1** | T | Ann (Uni, Bo (X)"), "n.md")
    assert tables.papers.height == 1
    assert "authors_unbalanced_parentheses" in checks(tables.findings)


def test_row_with_a_missing_cell_is_kept_and_reported_as_error():
    text = notes_with_table("# | Title | Authors | Category", "**1** | T | A (B) | Full Papers", "**2** | U | C (D)")
    tables = parse_notes(text, "n.md")
    assert tables.papers["paper_id"].to_list() == [1, 2]
    bad = tables.findings.filter(pl.col("check") == "table_row_cell_count")
    assert bad.select("row_key", "severity").rows() == [("2", "error")]
    assert "n.md:6" in bad["message"][0]


def test_duplicate_paper_number_is_an_error_naming_both_lines():
    text = notes_with_table("# | Title | Authors", "**1** | T | A", "**1** | U | B", "**2** | V | C")
    tables = parse_notes(text, "n.md")
    assert tables.papers.height == 3
    duplicate = tables.findings.filter(pl.col("check") == "duplicate_paper_id")
    assert duplicate.height == 1
    assert json.loads(duplicate["evidence"][0]) == {"lines": [5, 6], "source_file": "n.md", "source_line": 6}


def test_unreadable_paper_number_keeps_the_row_with_null_id():
    tables = parse_notes(notes_with_table("# | Title | Authors", "**x** | T | A"), "n.md")
    assert tables.papers["paper_id"].to_list() == [None]
    assert "paper_number_unparsable" in checks(tables.findings)


def test_unknown_category_keeps_the_row_and_warns_naming_the_config_key():
    tables = parse_notes(notes_with_table("# | Title | Authors | Category", "**1** | T | A | Keynote Track"), "n.md")
    assert tables.papers.select("track", "track_raw").row(0) == (None, "Keynote Track")
    unknown = tables.findings.filter(pl.col("check") == "track_unknown").row(0, named=True)
    assert unknown["severity"] == "warning"
    assert "[tracks]" in unknown["message"] and "pipeline.toml" in unknown["message"]
    assert "TRACK_KEYWORDS" not in unknown["message"]


def test_common_tracks_of_the_field_are_in_the_default_vocabulary():
    cells = ["Demo", "Late-Breaking Results", "Posters", "Workshop papers", "Tutorials", "Perspective Papers",
             "Doctoral Symposium", "Applied Data Science", "Long Papers", "Short Papers", "Reproducibility"]
    rows = [f"**{n}** | T{n} | A | {cell}" for n, cell in enumerate(cells, 1)]
    tables = parse_notes(notes_with_table("# | Title | Authors | Category", *rows), "n.md")
    assert tables.papers["track"].to_list() == ["Demo", "Late-Breaking Results", "Poster", "Workshop", "Tutorial",
                                                "Perspective", "Doctoral", "Industry", "Full", "Short", "Reproducibility"]
    assert "track_unknown" not in checks(tables.findings)


def test_a_configured_track_is_recognised_without_code_changes(tmp_path):
    from pipeline.config import load_config

    path = tmp_path / "pipeline.toml"
    path.write_text('[tracks]\n"Keynote" = ["keynote"]\n"Full" = ["full"]\n', encoding="utf-8")
    tables = parse_notes(notes_with_table("# | Title | Authors | Category", "**1** | T | A | Keynote Track"), "n.md",
                         load_config(path))
    assert tables.papers["track"].to_list() == ["Keynote"]


def test_arxiv_id_drops_the_version_that_the_link_keeps():
    assert split_link("https://arxiv.org/abs/2507.20035v3") == ("https://arxiv.org/abs/2507.20035v3", "2507.20035")
    assert split_link("https://dl.acm.org/doi/10.1145/3705328.3748021") == (
        "https://dl.acm.org/doi/10.1145/3705328.3748021", None)


def test_link_cell_without_url_leaves_link_empty_with_warning(small_notes):
    row = small_notes.papers.filter(pl.col("paper_id") == 3)
    assert row["link"].to_list() == [None]
    finding = small_notes.findings.filter(pl.col("check") == "link_not_url")
    assert finding.select("row_key", "severity").rows() == [("3", "warning")]


def test_outer_pipes_and_a_trailing_empty_cell_are_both_understood():
    with_pipes = notes_with_table("| # | Title | Authors | Files |", "| **1** | T | A |  |")
    without = notes_with_table("# | Title | Authors | Files", "**1** | T | A | ")
    for text in (with_pipes, without):
        tables = parse_notes(text, "n.md")
        assert tables.papers.select("paper_id", "attachment").row(0) == (1, None)
        assert "table_row_cell_count" not in checks(tables.findings)


def test_reconcile_fields_start_unverified(small_notes):
    papers = small_notes.papers
    assert papers["author_status"].unique().to_list() == ["unverified"]
    assert papers["authors"].null_count() == papers.height
    assert papers["author_evidence"].list.len().to_list() == [0] * papers.height
