"""Findings of the parse stage: one small record type and its conversion to the `findings` frame.

Parsers collect `Finding`s while they walk a document instead of raising, so one bad row never
hides the rest of the document; the validation stage later decides what to quarantine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from schemas.contracts import conform, empty_frame


@dataclass(frozen=True)
class Finding:
    """A data-quality observation about one row (or the whole document when `row_key` is None)."""

    dataset: str
    row_key: str | None
    check: str
    severity: str
    message: str
    evidence: dict[str, Any] | None = None


def where(source_file: str, line: int | None) -> str:
    """`file:line` as used in every message, so a user can jump straight to the spot.

    >>> where("notes.md", 12), where("notes.md", None)
    ('notes.md:12', 'notes.md')
    """
    return f"{source_file}:{line}" if line is not None else source_file


def findings_frame(findings: list[Finding]) -> pl.DataFrame:
    """The `findings` dataset for a list of findings; evidence is serialised as sorted-key JSON."""
    if not findings:
        return empty_frame("findings")
    rows = [
        {
            "dataset": finding.dataset,
            "row_key": finding.row_key,
            "check": finding.check,
            "severity": finding.severity,
            "message": finding.message,
            "evidence": None
            if finding.evidence is None
            else json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True),
        }
        for finding in findings
    ]
    return conform("findings", pl.DataFrame(rows, schema=empty_frame("findings").schema))
