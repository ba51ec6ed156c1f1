"""Document kinds are told apart by content."""

from __future__ import annotations

from pipeline.parse import DocumentKind, detect_kind
from tests.parse.conftest import DATA, SEED_NOTES, SEED_PROGRAM, SEED_RAW, seed_text


def test_seed_documents_are_recognised_after_repair():
    assert detect_kind(seed_text(SEED_NOTES)) is DocumentKind.NOTES
    assert detect_kind(seed_text(SEED_PROGRAM)) is DocumentKind.PROGRAM


def test_unrepaired_seed_notes_are_still_recognised():
    assert detect_kind((SEED_RAW / SEED_NOTES).read_text(encoding="utf-8")) is DocumentKind.NOTES


def test_write_ups_without_a_table_are_notes():
    assert detect_kind("## Session\n### Paper\n*by Ann Lee*\nAbstract.\n") is DocumentKind.NOTES


def test_other_text_is_unknown():
    assert detect_kind("# Minutes\n\n- item one\n- item two\n\nNothing else.") is None
    assert detect_kind((DATA / "program_small.txt").read_text(encoding="utf-8")) is DocumentKind.PROGRAM
