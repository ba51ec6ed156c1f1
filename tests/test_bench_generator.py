"""The benchmark's drop generator (bench/drops.py): deterministic, seed-like, repairable, parseable."""

from __future__ import annotations

import json
from pathlib import Path

from bench.drops import SEED_NOTES, SEED_PROGRAM, SEED_ROWS, documents, ensure_drop, write_drop
from pipeline.encoding import repair_text
from pipeline.parse import parse_notes


def test_copy_zero_is_the_seed_and_a_drop_has_two_documents_per_copy():
    docs = list(documents(3, seed=7))
    assert [d.name for d in docs] == ["c0_notes.md", "c0_program.txt", "c1_notes.md", "c1_program.txt",
                                      "c2_notes.md", "c2_program.txt"]
    assert docs[0].text == SEED_NOTES.read_text(encoding="utf-8")
    assert docs[1].text == SEED_PROGRAM.read_text(encoding="utf-8")


def test_same_seed_same_bytes_other_seed_other_titles(tmp_path: Path):
    first = write_drop(tmp_path / "a", scale=2, seed=7)
    second = write_drop(tmp_path / "b", scale=2, seed=7)
    assert first == second
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
    other = [d.clean for d in documents(2, seed=8)]
    assert other[2] != [d.clean for d in documents(2, seed=7)][2]
    assert json.loads((tmp_path / "a" / ".drop.json").read_text())["documents"] == 4


def test_copies_are_renumbered_retitled_and_their_mojibake_repairs():
    copy = list(documents(2, seed=7))[2]
    papers = parse_notes(copy.clean, copy.name).papers
    seed = parse_notes(list(documents(1))[0].clean, "seed").papers
    assert papers["paper_id"].to_list() == list(range(SEED_ROWS + 1, 2 * SEED_ROWS + 1))
    changed = sum(a != b for a, b in zip(papers["title"].to_list(), seed["title"].to_list()))
    assert changed > 0.9 * SEED_ROWS
    assert copy.text != copy.clean and copy.codepage in ("cp1254", "cp1252")
    assert repair_text(copy.text, source_file=copy.name).text == copy.clean


def test_ensure_drop_reuses_an_identical_drop(tmp_path: Path):
    target, summary = ensure_drop(tmp_path, 1)
    stamp = (target / "c0_notes.md").stat().st_mtime_ns
    again, same = ensure_drop(tmp_path, 1)
    assert again == target and same == summary and (target / "c0_notes.md").stat().st_mtime_ns == stamp
