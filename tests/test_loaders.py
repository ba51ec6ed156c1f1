"""Downstream readers get what the contract promises: one real run, read back with every loader the
README documents (polars via `pipeline.load`, pyarrow.dataset, pandas, DuckDB), and compared with the
data dictionary. Spark is documented only (not installed here).

One module-scoped run of the real flow (~15 s) serves every test in this file.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.dictionary import dictionary, render_markdown, type_name
from pipeline.emit import read_parquet_metadata
from schemas import DATASETS, SCHEMA_VERSION
from tests.conftest import REPO, SEED_RAW

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.flows import clean_conference_drop

    root = tmp_path_factory.mktemp("loaders-run")
    shutil.copytree(SEED_RAW, root / "raw")
    clean_conference_drop(raw_dir=str(root / "raw"), output_dir=str(root / "output"))
    return root / "output"


def _parquet_files(output: Path) -> list[Path]:
    return sorted(output.glob("*.parquet")) + sorted((output / "quarantine").glob("*.parquet"))


def _duckdb(query: str) -> pl.DataFrame:
    return duckdb.sql(query).pl()


def test_every_emitted_column_is_in_the_dictionary_with_the_same_type(output):
    documented = {entry.name: {column.name: column for column in entry.columns} for entry in dictionary()}
    files = _parquet_files(output)
    assert {path.stem for path in output.glob("*.parquet")} == set(DATASETS)
    for path in files:
        dataset = read_parquet_metadata(path)["pipeline.dataset"]
        columns = documented[dataset]
        as_polars = pl.from_arrow(pq.read_schema(path).empty_table()).schema
        for arrow_field in pq.read_schema(path):
            if path.parent.name == "quarantine" and arrow_field.name == "failed_checks":
                continue  # the one column quarantine adds, documented in the dictionary's preamble
            assert arrow_field.name in columns, f"{path.name}: column {arrow_field.name} is not in the dictionary"
            assert str(arrow_field.type) == columns[arrow_field.name].arrow_type, f"{path.name}:{arrow_field.name}"
            assert type_name(as_polars[arrow_field.name]) == columns[arrow_field.name].type


def test_dictionary_schema_version_equals_every_files_metadata(output):
    versions = {entry.name: entry.schema_version for entry in dictionary()}
    for path in _parquet_files(output):
        metadata = read_parquet_metadata(path)
        assert metadata["pipeline.schema_version"] == versions[metadata["pipeline.dataset"]] == SCHEMA_VERSION


def test_run_writes_the_data_dictionary_identical_to_the_committed_copy(output):
    written = (output / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert written == render_markdown() == (REPO / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(DATASETS))
def test_pyarrow_dataset_reads_each_dataset_with_contract_types_and_metadata(output, name):
    table = ds.dataset(output / f"{name}.parquet", format="parquet").to_table()
    assert pl.from_arrow(table).schema == DATASETS[name]
    assert table.schema.metadata[b"pipeline.dataset"] == name.encode()
    assert pl.from_arrow(table).equals(pipeline.load(name, output=output))


@pytest.mark.parametrize("name", list(DATASETS))
def test_pandas_with_arrow_dtypes_round_trips_each_dataset_exactly(output, name):
    frame = pd.read_parquet(output / f"{name}.parquet", dtype_backend="pyarrow")
    back = pl.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))
    assert back.schema == DATASETS[name]
    assert back.equals(pipeline.load(name, output=output))


@pytest.mark.parametrize("name", list(DATASETS))
def test_duckdb_reads_each_dataset_with_identical_values(output, name):
    from_duckdb = _duckdb(f"SELECT * FROM '{output / name}.parquet'")
    loaded = pipeline.load(name, output=output)
    assert from_duckdb.schema == DATASETS[name]
    assert from_duckdb.equals(loaded)


def test_duckdb_addresses_list_of_struct_fields_like_polars(output):
    path = output / "papers.parquet"
    sql = _duckdb(
        f"SELECT paper_id, authors_raw[1].name AS first_author, len(author_evidence) AS signals, "
        f"author_evidence[1].signal AS first_signal FROM '{path}' ORDER BY paper_id"
    )
    papers = pipeline.load("papers", output=output).sort("paper_id")
    expected = papers.select(
        "paper_id",
        first_author=pl.col("authors_raw").list.first().struct.field("name"),
        signals=pl.col("author_evidence").list.len().cast(pl.Int64),
        first_signal=pl.col("author_evidence").list.first().struct.field("signal"),
    )
    assert sql.with_columns(pl.col("signals").cast(pl.Int64)).equals(expected)
    assert expected["first_author"].null_count() == 0


def test_default_pandas_keeps_authors_raw_as_lists_of_name_affiliation_records(output):
    frame = pd.read_parquet(output / "papers.parquet")
    loaded = pipeline.load("papers", output=output)
    assert [list(authors) for authors in frame["authors_raw"]] == loaded["authors_raw"].to_list()
    assert [
        None if evidence is None else list(evidence) for evidence in frame["author_evidence"]
    ] == loaded["author_evidence"].to_list()


def test_nulls_stay_null_in_duckdb_and_pandas(output):
    total_nulls = 0
    for name, schema in DATASETS.items():
        path = output / f"{name}.parquet"
        loaded = pipeline.load(name, output=output)
        counts = ", ".join(f'count(*) - count("{column}") AS "{column}"' for column in schema)
        duck_nulls = _duckdb(f"SELECT {counts} FROM '{path}'").row(0, named=True)
        arrow_frame = pd.read_parquet(path, dtype_backend="pyarrow")
        for column in schema:
            polars_nulls = loaded[column].null_count()
            assert duck_nulls[column] == polars_nulls, f"{name}.{column} (duckdb)"
            assert int(arrow_frame[column].isna().sum()) == polars_nulls, f"{name}.{column} (pandas)"
            total_nulls += polars_nulls
    assert total_nulls > 0, "the seed run has no nulls at all: this test would prove nothing"


def test_chinese_text_round_trips_identically_through_duckdb_and_pandas(output):
    path = output / "paper_notes.parquet"
    polars_titles = pipeline.load("paper_notes", output=output).filter(pl.col("title_zh").is_not_null())
    polars_titles = polars_titles.sort("note_id")["title_zh"].to_list()
    duck_titles = [row[0] for row in duckdb.sql(
        f"SELECT title_zh FROM '{path}' WHERE title_zh IS NOT NULL ORDER BY note_id").fetchall()]
    frame = pd.read_parquet(path).sort_values("note_id")
    pandas_titles = frame.loc[frame["title_zh"].notna(), "title_zh"].tolist()
    assert any(CJK.search(title) for title in polars_titles)
    assert duck_titles == polars_titles == pandas_titles


def test_manifest_and_dictionary_agree_on_the_dataset_files(output):
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["path"] for entry in manifest["outputs"]} == {entry.file for entry in dictionary()}
