"""Fixtures of the parse tests: the hand-made documents in data/ and the repaired seed drop."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline.parse import NotesTables, ProgramTables, parse_notes, parse_program

DATA = Path(__file__).resolve().parent / "data"
SEED_RAW = Path(__file__).resolve().parents[2] / "raw"
SEED_NOTES = "recsys2025_notes.md"
SEED_PROGRAM = "recsys2025_program_session5.txt"


def repaired(text: str) -> str:
    """The text-repair stage when it is available, else ftfy (the parser must cope with either)."""
    try:
        from pipeline.encoding import repair_text

        result = repair_text(text)
    except (ImportError, TypeError, NotImplementedError):
        import ftfy

        return ftfy.fix_text(text)
    return getattr(result, "text", result)


@cache
def seed_text(name: str) -> str:
    return repaired((SEED_RAW / name).read_text(encoding="utf-8"))


@cache
def _seed_notes() -> NotesTables:
    return parse_notes(seed_text(SEED_NOTES), SEED_NOTES)


@cache
def _seed_program() -> ProgramTables:
    return parse_program(seed_text(SEED_PROGRAM), SEED_PROGRAM)


@pytest.fixture
def seed_notes() -> NotesTables:
    """The seed write-up, repaired and parsed once per test session."""
    return _seed_notes()


@pytest.fixture
def seed_program() -> ProgramTables:
    return _seed_program()


@pytest.fixture
def small_notes() -> NotesTables:
    return parse_notes((DATA / "notes_small.md").read_text(encoding="utf-8"), "notes_small.md")


@pytest.fixture
def small_program() -> ProgramTables:
    return parse_program((DATA / "program_small.txt").read_text(encoding="utf-8"), "program_small.txt")
