"""Polars dtypes of every emitted dataset: the column contract of DESIGN.md in code.

Stages build their frames with `empty_frame(name)` / `conform(name, frame)` so every dataset leaves
the pipeline with exactly these columns, in this order, with these dtypes. The Pandera models in
this package check the *values*; this module fixes the *shape*. Changing a column here is a
contract change: bump `SCHEMA_VERSION`.
"""

from __future__ import annotations

import polars as pl

SCHEMA_VERSION = "2.0.0"  # 2.0: papers are keyed by (edition, paper_id); track may be null

AUTHOR = pl.Struct({"name": pl.String, "affiliation": pl.String})
EVIDENCE = pl.Struct({"signal": pl.String, "detail": pl.String, "source": pl.String})

AUTHOR_STATUSES = ("verified", "corrected", "mismatch", "suspect", "unverified")
REPAIR_METHODS = ("ftfy", "redecode", "lost_byte")
"""Families of repair method: 'ftfy' (ftfy's fix_encoding), 'redecode:<codec>' (exact re-decoding
of UTF-8 read as <codec>), 'lost_byte:<codec>' (bytes <codec> dropped, guessed back)."""
REPAIR_METHOD_PATTERN = r"^(ftfy|redecode|lost_byte)(:[a-z0-9_-]+)?$"
SEVERITIES = ("error", "warning", "info")

DATASETS: dict[str, pl.Schema] = {
    "papers": pl.Schema(
        {
            "edition": pl.String,
            "paper_id": pl.Int64,
            "title": pl.String,
            "abstract": pl.String,
            "link": pl.String,
            "arxiv_id": pl.String,
            "track": pl.String,
            "track_raw": pl.String,
            "attachment": pl.String,
            "authors_raw": pl.List(AUTHOR),
            "authors": pl.List(AUTHOR),
            "author_status": pl.String,
            "author_evidence": pl.List(EVIDENCE),
            "source_file": pl.String,
            "source_line": pl.Int64,
        }
    ),
    "paper_authors": pl.Schema(
        {
            "edition": pl.String,
            "paper_id": pl.Int64,
            "position": pl.Int64,
            "name": pl.String,
            "affiliation": pl.String,
            "author_status": pl.String,
        }
    ),
    "paper_notes": pl.Schema(
        {
            "note_id": pl.String,
            "session": pl.String,
            "award": pl.String,
            "organisation": pl.String,
            "title": pl.String,
            "doi": pl.String,
            "pdf_url": pl.String,
            "authors": pl.List(pl.String),
            "abstract_en": pl.String,
            "title_zh": pl.String,
            "abstract_zh": pl.String,
            "comment_zh": pl.String,
            "edition": pl.String,
            "paper_id": pl.Int64,
            "match_score": pl.Float64,
            "source_file": pl.String,
            "source_line": pl.Int64,
        }
    ),
    "program": pl.Schema(
        {
            "entry_id": pl.String,
            "session_title": pl.String,
            "session_date": pl.Date,
            "start_time": pl.Time,
            "end_time": pl.Time,
            "timezone": pl.String,
            "chair": pl.String,
            "track_code": pl.String,
            "title": pl.String,
            "authors": pl.List(pl.String),
            "abstract": pl.String,
            "edition": pl.String,
            "paper_id": pl.Int64,
            "match_score": pl.Float64,
            "source_file": pl.String,
            "source_line": pl.Int64,
        }
    ),
    "text_repairs": pl.Schema(
        {
            "source_file": pl.String,
            "line": pl.Int64,
            "column": pl.Int64,
            "before": pl.String,
            "after": pl.String,
            "method": pl.String,
            "confidence": pl.Float64,
            "alternatives": pl.List(pl.String),
        }
    ),
    "findings": pl.Schema(
        {
            "dataset": pl.String,
            "row_key": pl.String,
            "check": pl.String,
            "severity": pl.String,
            "message": pl.String,
            "evidence": pl.String,
        }
    ),
}


def empty_frame(name: str) -> pl.DataFrame:
    """A zero-row frame of dataset `name`, so stages never invent column lists of their own."""
    return pl.DataFrame(schema=DATASETS[name])


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast `frame` to the contract of `name`; missing columns are an error, not nulls.

    >>> conform("findings", pl.DataFrame({"dataset": ["papers"], "row_key": ["1"], "check": ["c"],
    ...     "severity": ["info"], "message": ["m"], "evidence": [None]})).columns[:2]
    ['dataset', 'row_key']
    """
    schema = DATASETS[name]
    missing = [column for column in schema if column not in frame.columns]
    if missing:
        raise KeyError(f"{name}: frame lacks contract columns {missing}")
    return frame.select([pl.col(column).cast(dtype) for column, dtype in schema.items()])
