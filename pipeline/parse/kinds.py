"""Which kind of raw document a text is, decided by its content (never by its file name)."""

from __future__ import annotations

from enum import Enum

from pipeline.parse.notes import find_headings, is_write_up, section_body
from pipeline.parse.program import find_entries
from pipeline.parse.table import find_papers_table


class DocumentKind(str, Enum):
    """The document kinds the parse stage understands."""

    NOTES = "notes"  # a conference write-up: paper notes and/or an accepted-papers table
    PROGRAM = "program"  # a scraped program page: '- CODETitle' + 'by Authors...' entries


def has_write_ups(lines: list[str]) -> bool:
    """True when some markdown section is a paper write-up (a `*by` line or a DOI link line)."""
    headings = find_headings(lines)
    return any(is_write_up(lines, section_body(lines, headings, position)) for position in range(len(headings)))


def detect_kind(text: str) -> DocumentKind | None:
    """NOTES if the text has an accepted-papers table (or paper write-ups), PROGRAM if it has program
    entries, None when it is neither (the flow reports and skips such a file).

    >>> detect_kind("| # | Title | Authors |\\n|---|---|---|\\n| 1 | T | A (B) |").value
    'notes'
    >>> detect_kind("- RESA Title\\nby Ann LeeWe study x.").value
    'program'
    >>> detect_kind("just some text") is None
    True
    """
    lines = text.split("\n")
    if find_papers_table(lines) is not None:
        return DocumentKind.NOTES
    if find_entries(lines):
        return DocumentKind.PROGRAM
    if has_write_ups(lines):
        return DocumentKind.NOTES
    return None
