"""The report on a big drop: aggregates from a scan of the repair log, and a capped papers table."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.report.summary import repairs_section
from schemas.examples import example_frame


def _log(source_file: str, confidence: float = 0.9) -> pl.DataFrame:
    return example_frame("text_repairs").with_columns(pl.lit(source_file).alias("source_file"),
                                                      pl.lit(confidence).alias("confidence"))


def test_repairs_section_of_a_scan_equals_that_of_the_frame(tmp_path: Path):
    log = pl.concat([_log("a.md", 0.05), _log("b.md", 1.0), _log("c.md", 0.7)])
    log.write_parquet(tmp_path / "log.parquet")
    assert repairs_section(pl.scan_parquet(tmp_path / "log.parquet")) == repairs_section(log)
    histogram = repairs_section(log)["confidence_histogram"]
    assert [sum(b["counts"].values()) for b in histogram] == [2, 0, 0, 0, 0, 0, 0, 2, 0, 2]


def test_report_lists_papers_to_look_at_first_when_a_drop_has_too_many(monkeypatch):
    import pipeline.report.summary as summary

    papers = pl.concat([example_frame("papers")] * 3).with_row_index("i").with_columns(
        paper_id=pl.col("i").cast(pl.Int64) + 1,
        author_status=pl.when(pl.col("i") == 4).then(pl.lit("mismatch")).otherwise(pl.lit("verified"))).drop("i")
    monkeypatch.setattr(summary, "PAPERS_SHOWN", 2)
    section = summary.authors_section(papers, None)
    assert section["total"] == papers.height
    assert [row["paper_id"] for row in section["papers"]] == [1, 5]
