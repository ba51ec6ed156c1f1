"""A drop holding two editions (both numbering from 1) keeps every row of both, and no signal crosses editions."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline import assemble, parts
from pipeline.parts import document_folder

PEOPLE = [["Ann Lee", "Bo Xu"], ["Cy Twombly"], ["Dee Rivers", "Ed Stone"], ["Fay Wong", "Gus Hale"],
          ["Hal Moss", "Ivy Park"], ["Jo March"]]


def write_up(conference: str, people: list[list[str]], track: str = "Full Papers", notes_for: tuple[int, ...] = ()) -> str:
    """A write-up titled `conference` with a table of papers 1..n and *by* lines for `notes_for`."""
    rows = [f"| **{n}** | {conference} paper number {n} about topic {n} | " + ", ".join(f"{a} (Org {n})" for a in names)
            + f" | {track} |" for n, names in enumerate(people, 1)]
    notes = [line for n in notes_for for line in (f"### {conference} paper number {n} about topic {n}",
                                                  "*by " + ", ".join(people[n - 1]) + "*", "")]
    return "\n".join([f"# Notes from {conference}", "", "## Session", "", *notes,
                      "| # | Title | Authors | Category |", "|---|---|---|---|", *rows, ""])


def run_drop(tmp_path: Path, documents: dict[str, str]) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    parsed = []
    for name, text in documents.items():
        folder = document_folder(tmp_path, name, name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / parts.REPAIRED_TEXT).write_text(text, encoding="utf-8")
        parsed.append(assemble.parse_document(assemble.RepairedDocument(name, name, len(text), folder, 0)))
    combined, held = assemble.hold_back_rejected_rows(assemble.combine_documents(parsed))
    return assemble.detect_authors(combined), held


def test_two_editions_numbering_from_one_keep_every_row(tmp_path):
    other = [list(reversed(names)) + ["Zed Quinn"] for names in PEOPLE]
    detected, held = run_drop(tmp_path, {"a.md": write_up("RecSys 2024", other, notes_for=(1, 2, 3)),
                                         "b.md": write_up("RecSys 2025", PEOPLE, notes_for=(1, 2, 3, 4))})
    papers = detected["papers"]
    assert papers.height == 2 * len(PEOPLE) and not held.get("papers", pl.DataFrame()).height
    assert sorted(papers["edition"].unique()) == ["recsys-2024", "recsys-2025"]
    assert "duplicate_paper_id" not in detected["findings"]["check"].to_list()
    statuses = dict(zip(zip(papers["edition"], papers["paper_id"]), papers["author_status"]))
    assert {statuses["recsys-2025", n] for n in (1, 2, 3, 4)} == {"verified"}
    assert {statuses["recsys-2024", n] for n in (1, 2, 3)} == {"verified"}
    assert "corrected" not in statuses.values()


def test_a_source_of_one_edition_never_corrects_the_other(tmp_path):
    # 2024's notes name other people for its papers 1..4; 2025's table must not hear of it.
    strangers = [[f"Stranger{'abcdef'[n]} Person{'abcdef'[n]}"] for n in range(len(PEOPLE))]
    detected, _ = run_drop(tmp_path, {"a.md": write_up("RecSys 2024", strangers, notes_for=(1, 2, 3, 4)),
                                      "b.md": write_up("RecSys 2025", PEOPLE)})
    papers = detected["papers"].filter(pl.col("edition") == "recsys-2025")
    assert set(papers["author_status"]) == {"unverified"}
    assert papers["authors_raw"].to_list() == detected["papers"].filter(pl.col("edition") == "recsys-2025")["authors_raw"].to_list()


def test_the_same_document_dropped_twice_is_still_a_duplicate_naming_both_files(tmp_path):
    text = write_up("RecSys 2025", PEOPLE)
    detected, held = run_drop(tmp_path, {"a.md": text, "copy.md": text})
    assert detected["papers"].height == len(PEOPLE) and held["papers"].height == len(PEOPLE)
    message = detected["findings"].filter(pl.col("check") == "duplicate_paper_id")["message"][0]
    assert "copy.md" in message and "a.md" in message


def test_an_unknown_category_never_quarantines(tmp_path):
    detected, held = run_drop(tmp_path, {"b.md": write_up("RecSys 2025", PEOPLE, track="Keynote Talks")})
    assert detected["papers"].height == len(PEOPLE) and not held.get("papers", pl.DataFrame()).height
    assert detected["papers"]["track"].null_count() == len(PEOPLE)
    assert set(detected["papers"]["track_raw"]) == {"Keynote Talks"}
    unknown = detected["findings"].filter(pl.col("check") == "track_unknown")
    assert set(unknown["severity"]) == {"warning"}


def test_a_program_page_links_to_papers_of_its_own_edition(tmp_path):
    title = "Lighthouses as recommenders of safe harbours"
    program = "\n".join(["Session 1: Things", "RecSys 2025 (Prague)", f"- RES{title}",
                         "by Ann Lee, Bo XuAn abstract follows here.", ""])
    last_year = write_up("RecSys 2024", PEOPLE).replace("RecSys 2024 paper number 1 about topic 1", title)
    detected, _ = run_drop(tmp_path, {"a.md": last_year, "b.md": write_up("RecSys 2025", PEOPLE), "p.txt": program})
    entry = detected["program"].row(0, named=True)
    assert entry["edition"] == "recsys-2025" and entry["paper_id"] is None


def test_a_program_of_an_edition_without_a_table_is_reported_not_linked(tmp_path):
    program = "\n".join(["Session 1: Things", "RecSys 2026 (Delft)", "- RESRecSys 2024 paper number 1 about topic 1",
                         "by Ann Lee, Bo XuAn abstract follows here.", ""])
    detected, _ = run_drop(tmp_path, {"a.md": write_up("RecSys 2024", PEOPLE), "p.txt": program})
    assert detected["program"]["paper_id"].to_list() == [None]
    assert "linked_other_edition" in detected["findings"]["check"].to_list()


def test_a_program_naming_no_edition_takes_the_edition_of_its_paper(tmp_path):
    program = "\n".join(["Session 1: Things", "- RESRecSys 2024 paper number 1 about topic 1",
                         "by Ann Lee, Bo XuAn abstract follows here.", ""])
    detected, _ = run_drop(tmp_path, {"a.md": write_up("RecSys 2024", PEOPLE), "p.txt": program})
    assert detected["program"].select("edition", "paper_id").row(0) == ("recsys-2024", 1)
