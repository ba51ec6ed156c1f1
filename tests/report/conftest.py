"""A synthetic run (invented papers, repairs and findings) for the report tests; no seed data."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.validate import validate_dataset
from schemas.contracts import AUTHOR_STATUSES, DATASETS

_FIRST = ["Ada", "Chen", "Zoë", "Olivier", "Eleanor", "María", "Kenji", "Priya"]
_LAST = ["Lovelace", "Xiaoming", "Müller", "Jeunen", "Hanna", "García", "Sato", "Raman"]


def _author(i: int) -> dict:
    return {"name": f"{_FIRST[i % 8]} {_LAST[(i * 3) % 8]}", "affiliation": f"Lab {i % 5}"}


def _paper(paper_id: int) -> dict:
    status = AUTHOR_STATUSES[paper_id % len(AUTHOR_STATUSES)]
    raw = [_author(paper_id + k) for k in range(1 + paper_id % 3)]
    evidence = [] if status in ("verified", "unverified") else [
        {"signal": "program_authors", "detail": f"program lists {len(raw) + 1} authors",
         "source": f"program.txt:{paper_id * 2}"}]
    if status == "verified":
        evidence = [{"signal": "notes_match", "detail": "same authors", "source": "notes.md:9"}]
    return {
        "edition": "recsys-2025", "paper_id": paper_id, "title": f"Recommending Things, Part {paper_id}",
        "abstract": "We study recommendations.", "link": f"https://arxiv.org/abs/2507.{paper_id:05d}",
        "arxiv_id": f"2507.{paper_id:05d}", "track": "Full", "track_raw": "Full Papers",
        "attachment": None, "authors_raw": raw,
        "authors": None if status in ("mismatch", "unverified") else raw,
        "author_status": status, "author_evidence": evidence,
        "source_file": "notes.md", "source_line": 100 + paper_id,
    }


def _repairs() -> pl.DataFrame:
    rows = [
        {"source_file": "notes.md" if i % 3 else "program.txt", "line": 3 + i, "column": i % 7,
         "before": "å®˜æ–¹" if i % 2 else "â€™", "after": "官方" if i % 2 else "’",
         "method": "lost_byte" if i % 4 == 0 else "ftfy", "confidence": round(0.3 + (i % 14) / 20, 2),
         "alternatives": ["宫方"] if i % 4 == 0 else []}
        for i in range(60)
    ]
    return pl.DataFrame(rows, schema=DATASETS["text_repairs"], orient="row")


@pytest.fixture()
def run_inputs(tmp_path: Path) -> dict:
    papers = pl.DataFrame([_paper(i) for i in range(1, 41)], schema=DATASETS["papers"],
                          orient="row")
    papers = papers.with_columns(
        pl.when(pl.col("paper_id") == 7).then(pl.lit("RecSys 2025")).otherwise("edition").alias("edition"),
        pl.when(pl.col("paper_id") == 11).then(pl.lit("We study å®˜æ–¹ things."))
        .otherwise("abstract").alias("abstract"),
    )
    checked = validate_dataset("papers", papers)
    repairs = _repairs()
    out_dir = tmp_path / "report"
    gx = {"success": False, "data_docs_index": str(out_dir / "gx" / "index.html"),
          "datasets": {"papers": {"success": False, "evaluated": 18, "failed": 1,
                                  "failed_expectations": [{"expectation":
                                      "expect_column_values_to_match_regex", "column": "edition"}]},
                       "text_repairs": {"success": True, "evaluated": 13, "failed": 0,
                                        "failed_expectations": []}}}
    run = {
        "run_id": "20250924T113000-abc123", "started_at": "2025-09-24T11:30:00+00:00",
        "finished_at": "2025-09-24T11:30:42+00:00",
        "inputs": [{"path": "raw/notes.md", "sha256": "ab" * 32, "bytes": 123456, "kind": "notes"},
                   {"path": "raw/program.txt", "sha256": "cd" * 32, "bytes": 4567,
                    "kind": "program"}],
        "rows": {"papers": {"read": 40, "emitted": checked.valid.height,
                            "quarantined": checked.quarantined.height},
                 "text_repairs": {"read": 60, "emitted": 60, "quarantined": 0}},
        "timings": {"ingest": 0.12, "repair": 1.8, "parse": 0.4, "detect": 2.2, "validate": 0.9,
                    "emit": 0.3, "check": 5.1},
    }
    history = [
        {"run_id": f"2025092{d}T000000-old", "finished_at": f"2025-09-2{d}T00:00:00+00:00",
         "rows_emitted": 90 + d, "rows_quarantined": 5 - d,
         "papers_by_status": {"verified": 20 + d, "corrected": 6, "suspect": 4, "mismatch": 6 - d,
                              "unverified": 4},
         "repairs_total": 50 + d, "repairs_by_method": {"ftfy": 40, "lost_byte": 10 + d},
         "errors": 5 - d, "warnings": 3, "gx_success": d > 2}
        for d in range(1, 4)
    ]
    return {
        "run": run, "datasets": {"papers": checked.valid, "text_repairs": repairs},
        "quarantine": {"papers": checked.quarantined}, "findings": checked.findings, "gx": gx,
        "history": history, "out_dir": out_dir,
    }
