"""The one findings builder: records and columns give the same `findings` rows."""

from __future__ import annotations

import polars as pl

from pipeline.findings import Finding, finding, findings_frame, findings_from_columns
from schemas.contracts import DATASETS


def test_records_and_columns_build_the_same_findings():
    records = findings_frame([Finding("papers", "1", "c", "error", "m1", {"b": 2, "a": "é"}),
                              Finding("papers", "2", "c", "error", "m2", '{"x": 1}')])
    columns = findings_from_columns(dataset="papers", row_key=["1", "2"], check="c", severity="error",
                                    message=["m1", "m2"], evidence=['{"a": "é", "b": 2}', '{"x": 1}'])
    over = findings_from_columns(over=pl.DataFrame({"id": [1, 2]}), dataset="papers", row_key=pl.col("id").cast(pl.String),
                                 check="c", severity="error", message=pl.concat_str(pl.lit("m"), pl.col("id").cast(pl.String)),
                                 evidence=pl.Series(['{"a": "é", "b": 2}', '{"x": 1}']))
    assert records.schema == DATASETS["findings"]
    assert records.equals(columns) and records.equals(over)


def test_one_finding_is_a_one_row_frame_of_the_contract():
    frame = finding("inputs", "a.md", "unreadable_document", "error", "a.md is empty")
    assert frame.schema == DATASETS["findings"] and frame.height == 1 and frame["evidence"][0] is None
