"""Program pages: glued track codes and by-lines, session headers, boilerplate."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from pipeline.errors import RawInputError
from pipeline.parse import parse_program


def test_track_code_is_split_from_the_title(small_program):
    assert small_program.program.select("track_code", "title").rows() == [
        ("IND", "Scaling Widgets: A Study"),
        ("RES", "LLMs for Widgets"),
        ("SHORT", "Tiny Widgets"),
        ("RES", "GRAPH: Widget Graphs"),
    ]


def test_code_proven_on_the_page_splits_an_all_caps_title():
    page = "- RESGRACE: Generative Things\nby Ann LeeWe study it.\n- RESScalable Stuff\nby Bo XuWe scale it.\n"
    assert parse_program(page, "p.txt").program["title"].to_list() == ["GRACE: Generative Things", "Scalable Stuff"]


def test_session_headers_apply_to_the_entries_after_them(small_program):
    program = small_program.program
    assert program.select("session_title", "chair").rows() == [
        ("Session 2: Widgets at Scale", "Maria Curie")] * 3 + [("Session 3: More Widgets", None)]
    assert program.select("start_time", "end_time", "timezone").row(3) == (dt.time(11), dt.time(12), "UTC+1")


def test_year_missing_from_date_line_is_taken_from_the_page(small_program):
    assert small_program.program["session_date"].to_list() == [dt.date(2025, 9, 23)] * 3 + [dt.date(2025, 9, 24)]


def test_page_without_any_year_leaves_the_date_empty_and_warns():
    page = "Session 1: X\nDate: Monday June 2, 10:00–11:00 (GMT)\n- RESA Title\nby Ann LeeWe study it.\n"
    tables = parse_program(page, "p.txt")
    assert tables.program.select("session_date", "start_time").row(0) == (None, dt.time(10))
    finding = tables.findings.filter(pl.col("check") == "session_year_unknown")
    assert finding.select("severity").rows() == [("warning",)]
    assert "p.txt:2" in finding["message"][0]


def test_weekday_picks_the_page_year_that_agrees_with_it():
    page = ("Session 1: X\nDate: Wednesday September 24, 11:30–13:00 (GMT+2)\n- RESA Title\n"
            "by Ann LeeWe study it in 2024.\nConf 2024 and 2025\n")
    assert parse_program(page, "p.txt").program["session_date"].to_list() == [dt.date(2025, 9, 24)]


def test_navigation_after_entries_is_dropped_and_counted(small_program):
    dropped = small_program.findings.filter(pl.col("check") == "boilerplate_dropped")
    assert dropped["severity"].to_list() == ["info"]
    assert json.loads(dropped["evidence"][0]) == {"count": 4, "lines": [15, 16, 17, 18]}
    assert small_program.program.height == 4


def test_names_only_by_line_takes_the_abstract_from_the_next_line(small_program):
    row = small_program.program.filter(pl.col("track_code") == "SHORT").row(0, named=True)
    assert (row["authors"], row["abstract"]) == (["Bo Xu"], "Small widgets matter too.")


def test_glued_by_line_gives_authors_and_abstract(small_program):
    row = small_program.program.row(1, named=True)
    assert row["authors"] == ["Ann McDonald", "Eliška Kremeňová"]
    assert row["abstract"] == "We show that language models help."


def test_entry_ids_are_file_and_ordinal(small_program):
    assert small_program.program["entry_id"].to_list() == [f"program_small.txt#{n}" for n in range(1, 5)]


def test_page_without_entries_is_a_raw_input_error():
    with pytest.raises(RawInputError, match="no program entries"):
        parse_program("Session 1: X\n- About\n- Program\n", "menu.txt")
