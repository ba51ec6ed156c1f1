"""GX suites mirror the Pandera models: on the same broken file they flag the same columns."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.expectations import expectation_specs, run_expectations
from pipeline.validate import validate_dataset
from schemas.contracts import DATASETS
from schemas.examples import example_frame


def _broken_papers() -> pl.DataFrame:
    rows = example_frame("papers").to_dicts()
    rows[1].update(paper_id=1, track="Poster")
    rows[2].update(title=None, arxiv_id="12.3")
    return pl.DataFrame(rows, schema=DATASETS["papers"], orient="row")


def test_specs_cover_keys_value_sets_and_formats_of_papers():
    specs = {(kind, kwargs.get("column")) for kind, kwargs in expectation_specs("papers")}
    assert {
        ("ExpectColumnValuesToBeUnique", "paper_id"),
        ("ExpectColumnValuesToBeInSet", "track"),
        ("ExpectColumnValuesToMatchRegex", "arxiv_id"),
        ("ExpectColumnValuesToNotBeNull", "title"),
    } <= specs


def test_compound_key_becomes_a_compound_uniqueness_expectation():
    kinds = [kind for kind, _ in expectation_specs("paper_authors")]
    assert "ExpectCompoundColumnsToBeUnique" in kinds


@pytest.fixture(scope="module")
def gx_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gx")
    paths = {"papers": folder / "papers.parquet", "text_repairs": folder / "text_repairs.parquet"}
    _broken_papers().write_parquet(paths["papers"])
    example_frame("text_repairs").write_parquet(paths["text_repairs"])
    return run_expectations(paths, folder / "report" / "gx"), folder


def test_gx_flags_the_same_columns_as_pandera_on_a_broken_file(gx_run):
    summary, _ = gx_run
    gx_columns = {failure["column"] for failure in summary.datasets["papers"].failed_expectations}
    findings = validate_dataset("papers", _broken_papers()).findings
    pandera_columns = set(findings["check"].str.split(".").list.first())
    assert gx_columns == pandera_columns == {"paper_id", "track", "title", "arxiv_id"}
    assert not summary.success and summary.datasets["text_repairs"].success


def test_data_docs_are_built_in_the_given_folder(gx_run):
    summary, folder = gx_run
    assert summary.data_docs_index == (folder / "report" / "gx" / "index.html").resolve()
    assert summary.data_docs_index.is_file()
    assert list((folder / "report" / "gx" / "validations").rglob("*.html"))
