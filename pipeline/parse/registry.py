"""Every document kind the pipeline reads, registered in one place: its parser, the datasets it
yields and the column that names its rows in findings.

How a kind is recognised stays beside its enum member in `pipeline/parse/kinds.py` (`detect_kind`,
whose order matters: a table wins over program entries, which win over loose write-ups). The rest
of the pipeline asks this module, never an if/elif of its own: adding a kind is a `DocumentKind`
member with its test in `detect_kind`, its parser, and one `KINDS` entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from pipeline.config import PipelineConfig
from pipeline.parse import parse_notes, parse_program
from pipeline.parse.kinds import DocumentKind

Parser = Callable[[str, str, PipelineConfig | None], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class KindEntry:
    """What the pipeline needs to know of one document kind.

    `datasets` are the tables its parser returns (besides `findings`, which every parser returns);
    `row_ids` maps a dataset to the column whose value a parse finding's `row_key` holds, for
    datasets whose rows always have an id (rows of the others are found by source file and line)."""

    parse: Parser
    datasets: tuple[str, ...]
    row_ids: Mapping[str, str] = field(default_factory=dict)


def _parse_notes(text: str, source_file: str, config: PipelineConfig | None) -> dict[str, pl.DataFrame]:
    notes = parse_notes(text, source_file, config)
    return {"papers": notes.papers, "paper_notes": notes.paper_notes, "findings": notes.findings}


def _parse_program(text: str, source_file: str, config: PipelineConfig | None) -> dict[str, pl.DataFrame]:
    program = parse_program(text, source_file)
    return {"program": program.program, "findings": program.findings}


KINDS: dict[DocumentKind, KindEntry] = {
    DocumentKind.NOTES: KindEntry(_parse_notes, ("papers", "paper_notes"), {"paper_notes": "note_id"}),
    DocumentKind.PROGRAM: KindEntry(_parse_program, ("program",), {"program": "entry_id"}),
}

#: The row datasets the parsers produce, in registration order.
PARSED_TABLES: tuple[str, ...] = tuple(dict.fromkeys(name for entry in KINDS.values() for name in entry.datasets))

#: Datasets produced by parsing and combined in memory, in the order they are combined; `findings` last.
PARSED_DATASETS: tuple[str, ...] = (*PARSED_TABLES, "findings")

#: Column whose value a parse finding's `row_key` holds, per dataset whose rows always have an id.
ROW_ID_COLUMNS: dict[str, str] = {name: column for entry in KINDS.values() for name, column in entry.row_ids.items()}
