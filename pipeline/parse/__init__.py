"""Parse stage: repaired document text -> polars frames (papers, paper_notes, program) + findings.

Plain functions over strings and frames; nothing here reads files, logs or knows about Prefect.
A document that cannot be read as its kind at all raises `RawInputError`; a bad row is kept with
what could be parsed and reported in `findings`, so the validation stage can quarantine it.

    kind = detect_kind(text)
    notes = parse_notes(text, "recsys2025_notes.md")        # NotesTables(papers, paper_notes, findings)
    program = parse_program(text, "session5.txt")           # ProgramTables(program, findings)
    linked = link_to_papers(program.program, notes.papers)  # fills paper_id + match_score

`parse_notes` leaves `paper_notes.paper_id` empty: linking is a separate call because a program
page must be linked against another document's table, and the flow owns that pairing.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from pipeline.config import PipelineConfig
from pipeline.errors import RawInputError
from pipeline.parse.edition import notes_edition, program_edition
from pipeline.findings import Finding, findings_frame
from pipeline.parse.kinds import DocumentKind, detect_kind
from pipeline.parse.linking import DEFAULT_MIN_SCORE, link_to_papers, normalise_title
from pipeline.parse.notes import parse_write_ups
from pipeline.parse.program import parse_program_lines
from pipeline.parse.table import find_papers_table, headerless_rows, parse_papers_table
from schemas.contracts import empty_frame

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DocumentKind",
    "NotesTables",
    "ProgramTables",
    "detect_kind",
    "link_to_papers",
    "normalise_title",
    "parse_notes",
    "parse_program",
]


class NotesTables(NamedTuple):
    """What a write-up yields: the accepted-papers table, the paper write-ups, and findings."""

    papers: pl.DataFrame
    paper_notes: pl.DataFrame
    findings: pl.DataFrame


class ProgramTables(NamedTuple):
    """What a program page yields: its entries and findings."""

    program: pl.DataFrame
    findings: pl.DataFrame


def with_edition(frame: pl.DataFrame, edition: str | None) -> pl.DataFrame:
    """`frame` with its `edition` column set to the document's edition."""
    return frame.with_columns(pl.lit(edition, dtype=pl.String).alias("edition"))


def parse_notes(text: str, source_file: str, config: PipelineConfig | None = None) -> NotesTables:
    """Parse a conference write-up; raises RawInputError when it has neither table nor write-ups.

    Every row carries the document's edition (`parse.edition.notes_edition`): with the table's
    number it is the paper's key."""
    edition = notes_edition(text, source_file)
    tables = _parse_notes(text, source_file, config)
    return NotesTables(with_edition(tables.papers, edition), with_edition(tables.paper_notes, edition), tables.findings)


def _parse_notes(text: str, source_file: str, config: PipelineConfig | None) -> NotesTables:
    lines = text.split("\n")
    table = find_papers_table(lines)
    notes, found = parse_write_ups(lines, source_file)
    if table is None:
        orphans = headerless_rows(lines)
        if notes.is_empty():
            raise RawInputError(source_file, orphans[0] if orphans else None,
                                headerless_advice(orphans) if orphans else
                                "no accepted-papers table (a pipe table with #, Title and Authors columns) and no "
                                "paper write-ups ('### Title' sections with a '*by ...*' line); is this a write-up?")
        if orphans:
            found.append(Finding("papers", None, "papers_table_header_missing", "error",
                                 f"{source_file}:{orphans[0]}: {headerless_advice(orphans)}; papers is empty for "
                                 "this document", {"lines": orphans[:50], "count": len(orphans)}))
        else:
            found.append(Finding("papers", None, "papers_table_missing", "warning",
                                 f"{source_file}: no accepted-papers table (header with #, Title, Authors); "
                                 "papers is empty for this document"))
        return NotesTables(empty_frame("papers"), notes, findings_frame(found))
    papers, table_found = parse_papers_table(lines, table, source_file, config)
    return NotesTables(papers, notes, findings_frame(table_found + found))


def headerless_advice(orphans: list[int]) -> str:
    """What to tell a user whose accepted-papers table lost its header (`orphans`: 1-based lines)."""
    return (f"{len(orphans)} line(s) from here on look like accepted-papers rows but no table header is above "
            "them; add a header ('| # | Title | Authors | ... |') and a '|---|---|' line before the first row")


def parse_program(text: str, source_file: str) -> ProgramTables:
    """Parse a scraped program page; raises RawInputError when it holds no entries at all.

    `edition` is what the page's text names, else null (linking fills it from the paper)."""
    program, found = parse_program_lines(text.split("\n"), source_file)
    return ProgramTables(with_edition(program, program_edition(text)), findings_frame(found))
