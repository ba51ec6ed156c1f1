"""The data dictionary says what the contract and the Pandera models say, and nothing else.

No pipeline run here (fast): the checks against emitted Parquet files live in tests/test_loaders.py,
which shares one run of the flow.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.dictionary import dataset_entry, dictionary, render_markdown, type_name
from pipeline.validate import validate_dataset
from schemas import DATASETS, MODELS, SCHEMA_VERSION
from schemas.examples import example_frame
from schemas.models import warning_checks
from tests.conftest import REPO

COMMITTED_COPY = REPO / "docs" / "DATA_DICTIONARY.md"


def test_nested_types_are_spelled_out_from_the_contract():
    papers = {column.name: column.type for column in dataset_entry("papers").columns}
    program = {column.name: column.type for column in dataset_entry("program").columns}
    assert papers["authors_raw"] == "list[struct{name: str, affiliation: str}]"
    assert papers["author_evidence"] == "list[struct{signal: str, detail: str, source: str}]"
    assert papers["paper_id"] == "int64"
    assert program["authors"] == "list[str]"
    assert (program["session_date"], program["start_time"]) == ("date", "time")


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_contract_column_is_in_the_dictionary_with_its_field_description(name):
    fields = MODELS[name].to_schema().columns
    entry = dataset_entry(name)
    assert [column.name for column in entry.columns] == list(DATASETS[name])
    for column in entry.columns:
        assert fields[column.name].description, f"{name}.{column.name} has no Field(description=...)"
        assert column.description == fields[column.name].description
        assert column.type == type_name(DATASETS[name][column.name])
        assert column.nullable == fields[column.name].nullable


@pytest.mark.parametrize("name", list(DATASETS))
def test_dictionary_schema_version_and_key_come_from_the_model(name):
    entry = dataset_entry(name)
    assert entry.schema_version == SCHEMA_VERSION == MODELS[name].Config.metadata["schema_version"]
    assert entry.key == MODELS[name].Config.metadata["key"]
    assert entry.description == MODELS[name].Config.description


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_warning_check_names_a_real_check_marked_warning(name):
    checks = {check.name: check.severity for check in _all_checks(name)}
    for warning in warning_checks(MODELS[name]):
        assert checks.get(warning) == "warning", f"{name}: warning_checks lists {warning}, no such check"
    assert {severity for severity in checks.values()} <= {"error", "warning"}


def test_check_names_and_severities_are_the_ones_findings_use():
    broken = {
        "papers": example_frame("papers").with_columns(
            author_status=pl.lit("maybe"), paper_id=pl.lit(0, pl.Int64), link=pl.lit("not a url"),
            title=pl.lit(None, pl.String), abstract=pl.lit("CafÃ© au lait"),
        ),
        "paper_authors": pl.concat([example_frame("paper_authors").head(1)] * 2),
        "text_repairs": example_frame("text_repairs").with_columns(confidence=pl.lit(2.0)),
    }
    seen = set()
    for name, frame in broken.items():
        documented = {check.name: check.severity for check in _all_checks(name)}
        findings = validate_dataset(name, frame).findings
        for check, severity in findings.select("check", "severity").unique().iter_rows():
            assert documented.get(check) == severity, f"{name}: finding {check} ({severity}) not in the dictionary"
            seen.add(check.rpartition(".")[2])
    assert {"allowed_values", "range", "format", "not_null", "unique", "no_mojibake"} <= seen


def test_committed_copy_in_docs_is_up_to_date():
    assert COMMITTED_COPY.read_text(encoding="utf-8") == render_markdown(), (
        "docs/DATA_DICTIONARY.md is stale: regenerate it with `.venv/bin/pipeline schema > docs/DATA_DICTIONARY.md`"
    )


def test_every_markdown_table_row_has_as_many_cells_as_its_header():
    header_cells = None
    for line in render_markdown().splitlines():
        if not line.startswith("|"):
            header_cells = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line)) - 2
        header_cells = header_cells or cells
        assert cells == header_cells, line


def test_schema_command_prints_one_dataset_as_markdown():
    result = CliRunner().invoke(app, ["schema", "paper_notes"])
    assert result.exit_code == 0, result.output
    assert "## paper_notes" in result.output and "## papers\n" not in result.output
    assert "| `title_zh` | `str` | yes |" in result.output
    assert f"Schema version: {SCHEMA_VERSION}" in result.output


def test_schema_command_json_lists_every_dataset_with_arrow_types():
    result = CliRunner().invoke(app, ["schema", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema_version"] == SCHEMA_VERSION
    assert list(document["datasets"]) == list(DATASETS)
    authors_raw = next(c for c in document["datasets"]["papers"]["columns"] if c["name"] == "authors_raw")
    assert authors_raw["arrow_type"] == "large_list<element: struct<name: large_string, affiliation: large_string>>"


def test_schema_command_unknown_dataset_exits_3_naming_the_known_ones():
    result = CliRunner().invoke(app, ["schema", "authors"])
    assert result.exit_code == 3
    assert "unknown dataset 'authors'" in result.output and "papers" in result.output


def test_schema_command_rejects_an_unknown_format_with_usage_exit_2():
    result = CliRunner().invoke(app, ["schema", "--format", "xml"])
    assert result.exit_code == 2


def _all_checks(name: str):
    entry = dictionary([name])[0]
    return [check for column in entry.columns for check in column.checks] + entry.table_checks
