"""Findings: the one way every stage builds rows of the `findings` dataset.

A stage that walks rows in Python (ingest, the parsers, assemble) collects `Finding` records
instead of raising, so one bad row never hides the rest, and turns them into a frame with
`findings_frame`; a stage that works column-wise over many rows (reconcile, validation) gives
`findings_from_columns` its columns. Both give the `findings` contract, evidence as sorted-key JSON,
so a finding looks the same whichever stage made it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from schemas.contracts import DATASETS, conform, empty_frame

#: A column of findings: one value for every row, a value per row, or (over a frame) an expression.
Column = str | None | Sequence[str | None] | pl.Series | pl.Expr


@dataclass(frozen=True)
class Finding:
    """A data-quality observation about one row (or the whole document when `row_key` is None).

    `evidence` is a dict (serialised here) or JSON text a stage has already serialised."""

    dataset: str
    row_key: str | None
    check: str
    severity: str
    message: str
    evidence: dict[str, Any] | str | None = None


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
            "evidence": _evidence_text(finding.evidence),
        }
        for finding in findings
    ]
    return conform("findings", pl.DataFrame(rows, schema=empty_frame("findings").schema))


def _evidence_text(evidence: dict[str, Any] | str | None) -> str | None:
    if evidence is None or isinstance(evidence, str):
        return evidence
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True)


def finding(dataset: str, row_key: str | None, check: str, severity: str, message: str,
            evidence: dict[str, Any] | str | None = None) -> pl.DataFrame:
    """A one-row `findings` frame, for a stage that has a single thing to say."""
    return findings_frame([Finding(dataset, row_key, check, severity, message, evidence)])


def findings_from_columns(*, dataset: Column, row_key: Column, check: Column, severity: Column, message: Column,
                          evidence: Column = None, over: pl.DataFrame | None = None) -> pl.DataFrame:
    """A `findings` frame from its columns, without a Python object per row.

    Without `over`, each column is one value for every row or a sequence with a value per row;
    with `over`, each is an expression (or Series, or one value) evaluated over that frame."""
    columns = {"dataset": dataset, "row_key": row_key, "check": check, "severity": severity,
               "message": message, "evidence": evidence}
    if over is None:
        return pl.DataFrame(columns, schema=DATASETS["findings"])
    return conform("findings", over.select([
        (value if isinstance(value, pl.Expr | pl.Series) else pl.lit(value, dtype=pl.String)).alias(name)
        for name, value in columns.items()]))
