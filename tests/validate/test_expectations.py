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
    rows[1].update(edition="RecSys 2025!")
    rows[2].update(title=None, arxiv_id="12.3")
    return pl.DataFrame(rows, schema=DATASETS["papers"], orient="row")


def test_specs_cover_keys_value_sets_and_formats_of_papers():
    specs = {(kind, kwargs.get("column")) for kind, kwargs in expectation_specs("papers")}
    assert {
        ("ExpectCompoundColumnsToBeUnique", None),
        ("ExpectColumnValuesToMatchRegex", "edition"),
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
    assert gx_columns == pandera_columns == {"edition", "title", "arxiv_id"}
    assert not summary.success and summary.datasets["text_repairs"].success


def test_data_docs_are_built_in_the_given_folder(gx_run):
    summary, folder = gx_run
    assert summary.data_docs_index == (folder / "report" / "gx" / "index.html").resolve()
    assert summary.data_docs_index.is_file()
    assert list((folder / "report" / "gx" / "validations").rglob("*.html"))


def test_a_file_checked_in_batches_gets_the_verdict_of_its_failing_batch(tmp_path, monkeypatch):
    import pipeline.expectations as expectations

    rows = example_frame("papers")
    broken = _broken_papers().slice(2, 1)  # a null title, in the last batch only
    path = tmp_path / "papers.parquet"
    pl.concat([rows.slice(0, 2), broken]).write_parquet(path, row_group_size=1)
    monkeypatch.setattr(expectations, "BATCH_ROWS", 2)
    summary = run_expectations({"papers": path}, tmp_path / "gx")
    verdict = summary.datasets["papers"]
    assert not verdict.success
    assert {f["column"] for f in verdict.failed_expectations} >= {"title"}
    assert len(list((tmp_path / "gx" / "validations").rglob("*.html"))) == 2  # one validation per batch


def test_previous_verdict_is_reused_only_for_the_same_data_and_code(gx_run, tmp_path):
    import json
    import shutil

    from pipeline.emit import data_sha256
    from pipeline.expectations import reuse_expectations

    summary, folder = gx_run
    previous = tmp_path / "previous"
    shutil.copytree(folder / "report", previous / "report")
    digests = {name: data_sha256(folder / f"{name}.parquet") for name in ("papers", "text_repairs")}
    manifest = {"run_id": "run-1", "code_version": "abc", "expectations": summary.to_dict(),
                "outputs": [{"dataset": name, "data_sha256": digest} for name, digest in digests.items()]}
    (previous / "manifest.json").write_text(json.dumps(manifest))
    reused = reuse_expectations(previous, tmp_path / "new" / "gx", digests, "abc")
    assert reused is not None and reused.reused_from == "run-1" and reused.success == summary.success
    assert reused.datasets == summary.datasets and reused.data_docs_index.is_file()
    assert reuse_expectations(previous, tmp_path / "other", digests, "def") is None
    assert reuse_expectations(previous, tmp_path / "other", {**digests, "papers": "0" * 64}, "abc") is None
    assert reuse_expectations(tmp_path / "absent", tmp_path / "other", digests, "abc") is None


def test_gx_in_a_child_process_gives_the_same_verdict(gx_run, tmp_path):
    from pipeline.expectations import run_expectations_in_subprocess

    summary, folder = gx_run
    paths = {"papers": folder / "papers.parquet", "text_repairs": folder / "text_repairs.parquet"}
    child = run_expectations_in_subprocess(paths, tmp_path / "gx")
    assert child.datasets == summary.datasets and child.success == summary.success
    assert child.data_docs_index.is_file() and child.process_peak_rss_mb > 0


def test_gx_in_a_child_process_reports_a_broken_file_by_name(tmp_path):
    from pipeline.errors import ContractError
    from pipeline.expectations import run_expectations_in_subprocess

    (tmp_path / "papers.parquet").write_bytes(b"not parquet")
    with pytest.raises(ContractError, match="Great Expectations check of \\['papers'\\] failed"):
        run_expectations_in_subprocess({"papers": tmp_path / "papers.parquet"}, tmp_path / "gx")
