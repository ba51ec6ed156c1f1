"""Assemble: turn per-document tables into the run's datasets, and account for every row.

Documents are repaired and parsed independently (so they can be mapped in parallel); this module is
the join point before detection. It stays a set of plain functions over frames: the flow, the CLI
and the benchmarks all call the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipeline.encoding import RepairResult, repair_text, repairs_frame
from pipeline.ingest import RawDocument
from pipeline.parse import DocumentKind, detect_kind, link_to_papers, parse_notes, parse_program
from schemas.contracts import DATASETS, empty_frame

#: Datasets produced by parsing, before detection adds `paper_authors`.
PARSED_DATASETS = ("papers", "paper_notes", "program", "text_repairs", "findings")


@dataclass(frozen=True)
class RepairedDocument:
    """A raw document after the repair stage; `repairs` is its part of `text_repairs`."""

    name: str
    sha256: str
    size: int
    text: str
    repairs: pl.DataFrame


@dataclass(frozen=True)
class ParsedDocument:
    """One document's tables; `kind` is None for a document no parser recognised."""

    name: str
    sha256: str
    size: int
    kind: str | None
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


def repair_document(document: RawDocument) -> RepairedDocument:
    result: RepairResult = repair_text(document.text, source_file=document.name)
    return RepairedDocument(document.name, document.sha256, document.size, result.text, repairs_frame(result.repairs))


def finding(dataset: str, row_key: str, check: str, severity: str, message: str, evidence: str | None = None) -> pl.DataFrame:
    """A one-row `findings` frame; stages concatenate these rather than build dicts by hand."""
    row = {"dataset": dataset, "row_key": row_key, "check": check, "severity": severity, "message": message, "evidence": evidence}
    return pl.DataFrame([row], schema=DATASETS["findings"])


def parse_document(document: RepairedDocument) -> ParsedDocument:
    """Recognise the document by content and parse it; an unknown kind becomes a finding, not an error."""
    kind = detect_kind(document.text)
    tables: dict[str, pl.DataFrame] = {"text_repairs": document.repairs}
    if kind is DocumentKind.NOTES:
        notes = parse_notes(document.text, document.name)
        tables |= {"papers": notes.papers, "paper_notes": notes.paper_notes, "findings": notes.findings}
    elif kind is DocumentKind.PROGRAM:
        program = parse_program(document.text, document.name)
        tables |= {"program": program.program, "findings": program.findings}
    else:
        tables["findings"] = finding(
            "inputs", document.name, "unknown_document_kind", "warning",
            f"{document.name}: not recognised as a conference write-up or a program page; skipped",
        )
    return ParsedDocument(document.name, document.sha256, document.size, kind.value if kind else None, tables)


def combine_documents(parsed: list[ParsedDocument], extra_findings: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Concatenate each dataset across documents and link notes and program entries to papers."""
    combined = {}
    for name in PARSED_DATASETS:
        parts = [doc.tables[name] for doc in parsed if name in doc.tables]
        if name == "findings" and extra_findings is not None:
            parts.append(extra_findings)
        combined[name] = pl.concat(parts, how="vertical") if parts else empty_frame(name)
    combined["paper_notes"] = link_to_papers(combined["paper_notes"], combined["papers"])
    combined["program"] = link_to_papers(combined["program"], combined["papers"])
    return combined


def row_counts(read: dict[str, pl.DataFrame], emitted: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame]) -> dict[str, dict[str, int]]:
    """Per dataset: rows read, emitted and quarantined, and whether they reconcile."""
    counts = {}
    for name, frame in read.items():
        emitted_rows = emitted[name].height
        quarantined_rows = quarantined[name].height if name in quarantined else 0
        counts[name] = {
            "read": frame.height,
            "emitted": emitted_rows,
            "quarantined": quarantined_rows,
            "reconciled": frame.height == emitted_rows + quarantined_rows,
        }
    return counts
