"""Paper write-ups of a notes document: found by structure, fields sorted by kind and script."""

from __future__ import annotations

import json

import polars as pl

from pipeline.parse import parse_notes
from pipeline.parse.notes import split_awards, split_organisation


def note(tables, title_start: str) -> dict:
    rows = tables.paper_notes.filter(pl.col("title").str.starts_with(title_start)).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def test_sections_with_author_line_or_doi_are_write_ups_and_talks_are_skipped(small_notes):
    assert small_notes.paper_notes["title"].to_list() == [
        "Don't Stop: Listening Models for News",
        "Users' Interests in Playlists Considered Harmful",
        "Scaling Widgets: A Study",
        "A Poster About Graphs",
    ]
    skipped = small_notes.findings.filter(pl.col("check") == "non_paper_sections_skipped")
    assert json.loads(skipped["evidence"][0])["count"] == 4  # Overview, Talk, its keynote, the table section


def test_session_is_the_enclosing_heading(small_notes):
    assert small_notes.paper_notes["session"].to_list() == [
        "Paper Session 1: Music and News", "Paper Session 1: Music and News", "Paper Session 2: Industry", "Posters"]


def test_award_and_organisation_come_off_the_heading(small_notes):
    first = note(small_notes, "Don't Stop")
    assert (first["award"], first["organisation"]) == ("Best Full Paper", "ACME")
    third = note(small_notes, "Scaling Widgets")
    assert (third["award"], third["organisation"]) == ("Nominee", "Widgets&Co")


def test_apostrophes_inside_titles_are_not_organisation_separators():
    assert split_organisation("Don't Stop Me Now") == (None, "Don't Stop Me Now")
    assert split_organisation("Users' Interests in Playlists") == (None, "Users' Interests in Playlists")
    assert split_organisation("Meta' Enhancing Embeddings") == ("Meta", "Enhancing Embeddings")
    assert split_organisation("JRC’You Don't Bring Me Flowers") == ("JRC", "You Don't Bring Me Flowers")


def test_award_marks_with_spaces_and_escapes_are_trimmed():
    assert split_awards(r"\[Best Short Paper \]UIBK'Beyond Top-1") == ("Best Short Paper", "UIBK'Beyond Top-1")


def test_doi_and_pdf_url_come_from_the_quoted_link_line(small_notes):
    first = note(small_notes, "Don't Stop")
    assert first["doi"] == "10.1145/1234567.7654321"
    assert first["pdf_url"] == "https://dl.acm.org/doi/pdf/10.1145/1234567.7654321"
    assert note(small_notes, "Users'")["doi"] is None


def test_prose_is_sorted_into_english_abstract_chinese_title_abstract_and_notes(small_notes):
    first = note(small_notes, "Don't Stop")
    assert first["authors"] == ["Ann McDonald", "Bo Xu", "Maarten de Rijke"]
    assert first["abstract_en"].startswith("We study how listeners")
    assert first["title_zh"] == "不要停止：新闻收听模型"
    assert first["abstract_zh"].startswith("我们研究听众")
    assert first["comment_zh"] == "很有意思的工作\n补充笔记：模型很简单。"


def test_single_short_chinese_line_is_a_title_and_a_long_one_an_abstract():
    long_zh = "本文" + "研究推荐系统中的偏差问题并提出新的方法" * 20
    text = "\n".join([
        "## S", "### Short One", "*by A B*", "An English abstract of decent length for the test here.", "短标题",
        "### Long One", "*by C D*", "Short.", long_zh, ""])
    notes = parse_notes(text, "n.md").paper_notes
    assert notes.select("title_zh", "abstract_zh").rows() == [("短标题", None), (None, long_zh)]


def test_chinese_still_in_mojibake_counts_as_chinese():
    garbled_title = "不要停止：新闻收听模型".encode("utf-8").decode("cp1252", errors="replace")
    garbled_abstract = ("我们研究听众如何跳过新闻条目" * 5).encode("utf-8").decode("cp1252", errors="replace")
    text = "\n".join(["## S", "### Title", "*by A B*", "We study listeners and their habits in detail.",
                      garbled_title, garbled_abstract, ""])
    row = parse_notes(text, "n.md").paper_notes.row(0, named=True)
    assert (row["abstract_en"], row["title_zh"], row["abstract_zh"]) == (
        "We study listeners and their habits in detail.", garbled_title, garbled_abstract)


def test_text_after_the_author_emphasis_is_reported_not_taken_as_author(small_notes):
    poster = note(small_notes, "A Poster")
    assert poster["authors"] == ["Kim Park", "Lee Chan"]
    extra = small_notes.findings.filter(pl.col("check") == "byline_extra_text")
    assert json.loads(extra["evidence"][0]) == {"extra": "Topic: Graphs"}


def test_note_ids_are_file_and_ordinal_and_source_line_is_the_heading(small_notes):
    notes = small_notes.paper_notes
    assert notes["note_id"].to_list() == [f"notes_small.md#{n}" for n in range(1, 5)]
    assert notes["source_line"].to_list() == [11, 24, 31, 46]


def test_english_abstract_running_into_chinese_on_one_line_is_split_and_flagged():
    english = "We study how listeners skip news items. We propose a listening model that predicts it well."
    text = "\n".join(["## S", "### T", "*by A B*", f"{english} 中文标题 我们的中文摘要在这里。", ""])
    tables = parse_notes(text, "n.md")
    row = tables.paper_notes.row(0, named=True)
    assert (row["abstract_en"], row["title_zh"], row["abstract_zh"]) == (english, "中文标题", "我们的中文摘要在这里。")
    assert "mixed_language_line" in tables.findings["check"].to_list()
