"""Parse the seed drop in raw/ into the frames reconciliation receives (bench and explain demos only)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

RAW = Path(__file__).resolve().parent.parent / "raw"


def seed_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(papers, paper_notes, program) from raw/, repaired and linked by title as the flow does."""
    from pipeline.encoding import repair_text
    from pipeline.parse import link_to_papers, parse_notes, parse_program

    notes_name, program_name = "recsys2025_notes.md", "recsys2025_program_session5.txt"
    notes_text = repair_text((RAW / notes_name).read_text(encoding="utf-8"), source_file=notes_name).text
    program_text = repair_text((RAW / program_name).read_text(encoding="utf-8"), source_file=program_name).text
    notes = parse_notes(notes_text, notes_name)
    program = parse_program(program_text, program_name)
    return notes.papers, link_to_papers(notes.paper_notes, notes.papers), link_to_papers(program.program, notes.papers)
