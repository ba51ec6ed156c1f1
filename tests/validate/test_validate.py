"""validate_dataset: error checks quarantine rows, warnings only report, nothing is ever dropped."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ContractError
from pipeline.validate import combined_findings, validate_all, validate_dataset
from schemas.contracts import DATASETS
from schemas.examples import example_frame


def _papers(**changes_by_id: dict) -> pl.DataFrame:
    """Example papers with some cells replaced: {"p2": {"title": None}} changes paper 2."""
    rows = example_frame("papers").to_dicts()
    for key, changes in changes_by_id.items():
        rows[int(key[1:]) - 1].update(changes)
    return pl.DataFrame(rows, schema=DATASETS["papers"], orient="row")


def _quarantined_checks(result) -> dict[int, list[str]]:
    return dict(result.quarantined.select("paper_id", "failed_checks").iter_rows())


def test_valid_frame_passes_whole_with_no_findings():
    result = validate_dataset("papers", example_frame("papers"))
    assert result.valid.equals(example_frame("papers"))
    assert result.quarantined.height == 0 and result.findings.height == 0


def test_error_check_quarantines_only_the_failing_row_with_its_checks():
    result = validate_dataset("papers", _papers(p2={"author_status": "maybe", "title": " "}))
    assert _quarantined_checks(result) == {2: ["author_status.allowed_values", "title.not_blank"]}
    assert result.valid["paper_id"].to_list() == [1, 3]


def test_quarantined_rows_keep_their_original_values():
    result = validate_dataset("papers", _papers(p2={"edition": "Not A Slug"}))
    original = _papers(p2={"edition": "Not A Slug"}).filter(pl.col("paper_id") == 2)
    assert result.quarantined.drop("failed_checks").equals(original)


def test_mojibake_in_an_abstract_is_a_warning_not_a_quarantine():
    result = validate_dataset("papers", _papers(p3={"abstract": "We study å®˜æ–¹ data."}))
    assert result.quarantined.height == 0
    assert result.findings.select("row_key", "check", "severity").rows() == [
        ("recsys-2025:3", "abstract.no_mojibake", "warning")
    ]


def test_mojibake_in_a_title_is_an_error():
    result = validate_dataset("papers", _papers(p1={"title": "cafÃ© recommendations"}))
    assert _quarantined_checks(result) == {1: ["title.no_mojibake"]}


def test_duplicate_paper_keys_quarantine_both_rows_and_name_each():
    result = validate_dataset("papers", _papers(p3={"paper_id": 2}))
    assert result.quarantined["paper_id"].to_list() == [2, 2]
    unique_keys = result.findings.filter(pl.col("check") == "edition+paper_id.unique")["row_key"]
    assert sorted(unique_keys) == ["recsys-2025:2@row1", "recsys-2025:2@row2"]


def test_the_same_number_in_two_editions_is_two_papers():
    result = validate_dataset("papers", _papers(p3={"paper_id": 2, "edition": "recsys-2024"}))
    assert result.quarantined.height == 0


def test_an_unknown_track_is_null_and_valid():
    result = validate_dataset("papers", _papers(p2={"track": None, "track_raw": "Keynote"}))
    assert result.quarantined.height == 0


def test_config_severities_override_the_models(tmp_path):
    from pipeline.config import load_config

    path = tmp_path / "strict.toml"
    path.write_text('[tracks]\n"Full" = ["full"]\n[severities]\n"abstract.no_mojibake" = "error"\n', encoding="utf-8")
    result = validate_dataset("papers", _papers(p3={"abstract": "We study å®˜æ–¹ data."}), load_config(path))
    assert _quarantined_checks(result) == {3: ["abstract.no_mojibake"]}


def test_gap_in_paper_numbering_is_a_warning_on_the_row_after_it():
    result = validate_dataset("papers", _papers(p3={"paper_id": 7}))
    assert result.quarantined.height == 0
    gaps = result.findings.filter(pl.col("check") == "paper_id.contiguous")
    assert gaps.select("row_key", "severity").rows() == [("recsys-2025:7", "warning")]


def test_authors_must_be_null_exactly_when_status_is_unresolved():
    ada = [{"name": "Ada Lovelace", "affiliation": None}]
    result = validate_dataset(
        "papers", _papers(p1={"author_status": "mismatch"}, p3={"authors": ada})
    )
    assert _quarantined_checks(result) == {
        1: ["authors.null_iff_unresolved"],
        3: ["authors.null_iff_unresolved"],
    }


def test_corrected_authors_without_evidence_are_quarantined():
    result = validate_dataset("papers", _papers(p2={"author_evidence": []}))
    assert _quarantined_checks(result) == {2: ["author_evidence.corrected_has_evidence"]}


def test_an_affiliation_in_the_cleaned_authors_is_an_error_but_in_raw_only_a_warning():
    org = [{"name": "Google DeepMind Research", "affiliation": None}]
    result = validate_dataset("papers", _papers(p1={"authors": org, "authors_raw": org}))
    assert _quarantined_checks(result) == {1: ["authors.names_look_like_names"]}
    severities = dict(result.findings.select("check", "severity").iter_rows())
    assert severities["authors_raw.names_look_like_names"] == "warning"


def test_bad_doi_and_pdf_url_formats_are_errors_in_notes():
    notes = example_frame("paper_notes").with_columns(
        pl.when(pl.col("note_id") == "note-1").then(pl.lit("doi:10.1145")).alias("doi"),
    )
    result = validate_dataset("paper_notes", notes)
    assert result.quarantined["failed_checks"].to_list() == [["doi.format"]]


def test_compound_key_duplicates_are_reported_on_both_key_columns():
    authors = example_frame("paper_authors").with_columns(pl.lit(1).cast(pl.Int64).alias("position"))
    result = validate_dataset("paper_authors", authors)
    assert "edition+paper_id+position.unique" in result.findings["check"].to_list()


def test_findings_conform_to_the_findings_contract():
    result = validate_dataset("papers", _papers(p2={"edition": "Not A Slug"}))
    assert result.findings.schema == DATASETS["findings"]
    assert validate_dataset("findings", result.findings).quarantined.height == 0


def test_missing_column_is_a_contract_error_not_bad_data():
    with pytest.raises(ContractError, match="missing column 'title'"):
        validate_dataset("papers", example_frame("papers").drop("title"))


def test_wrong_dtype_is_a_contract_error():
    frame = example_frame("papers").with_columns(pl.col("paper_id").cast(pl.Int32))
    with pytest.raises(ContractError, match="paper_id"):
        validate_dataset("papers", frame)


def test_unknown_dataset_is_a_contract_error():
    with pytest.raises(ContractError, match="no model"):
        validate_dataset("posters", example_frame("papers"))


def test_validate_all_validates_each_dataset_and_findings_combine():
    datasets = {name: example_frame(name) for name in DATASETS}
    datasets["papers"] = _papers(p2={"edition": "Not A Slug"})
    results = validate_all(datasets)
    assert set(results) == set(DATASETS)
    assert combined_findings(results)["dataset"].unique().to_list() == ["papers"]


_TRACKS = st.sampled_from(["Full", "Short", "Poster", None])
_TITLES = st.sampled_from(["A Title", "", "cafÃ©", None, "推荐系统"])
_IDS = st.integers(min_value=-1, max_value=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(_IDS, _TRACKS, _TITLES), min_size=3, max_size=3))
def test_every_row_ends_valid_or_quarantined(cells):
    rows = example_frame("papers").to_dicts()
    for row, (paper_id, track, title) in zip(rows, cells):
        row.update(paper_id=paper_id, track=track, title=title)
    frame = pl.DataFrame(rows, schema=DATASETS["papers"], orient="row")
    result = validate_dataset("papers", frame)
    assert result.valid.height + result.quarantined.height == frame.height
    errors = result.findings.filter(pl.col("severity") == "error")["row_key"].n_unique()
    assert result.quarantined.height == errors
