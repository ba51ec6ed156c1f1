"""Row accounting: read = emitted + quarantined, counted one way for the manifest and the report."""

from __future__ import annotations

import polars as pl

from pipeline import accounting
from pipeline.validate import validate_dataset
from schemas.examples import example_frame


def test_held_back_rows_count_as_read_and_quarantined():
    papers = example_frame("papers")
    held = papers.head(1).with_columns(pl.lit(["truncated_row"]).alias(accounting.FAILED_CHECKS))
    kept = {"papers": papers.tail(papers.height - 1), "findings": example_frame("findings")}
    result = validate_dataset("papers", kept["papers"])
    read = accounting.rows_read(kept, {"papers": held})
    quarantined = {"papers": accounting.with_held_back(result.quarantined, held)}
    rows = accounting.row_counts(read, {"papers": result.valid, "findings": kept["findings"]}, quarantined)
    assert rows["papers"] == {"read": papers.height, "emitted": result.valid.height,
                              "quarantined": result.quarantined.height + 1, "reconciled": True}
    assert accounting.all_reconciled(rows)


def test_a_row_that_ends_nowhere_does_not_reconcile():
    papers = example_frame("papers")
    rows = accounting.row_counts({"papers": papers}, {"papers": papers.head(papers.height - 1)}, {})
    assert rows["papers"]["reconciled"] is False and not accounting.all_reconciled(rows)


def test_the_report_prefers_the_runs_counts_and_counts_the_rest_from_frames():
    papers = example_frame("papers")
    counted = accounting.reported_counts({"papers": {"read": 9, "emitted": 7, "quarantined": 2}},
                                         {"papers": papers, "program": example_frame("program").lazy()}, {})
    assert counted["papers"] == {"read": 9, "emitted": 7, "quarantined": 2}
    assert counted["program"]["read"] == counted["program"]["emitted"] == example_frame("program").height
