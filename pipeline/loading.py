"""Loading emitted datasets back, refusing files written under an incompatible contract."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.errors import ContractError
from schemas.contracts import DATASETS, SCHEMA_VERSION


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def load(name: str, output: str | Path = "output", *, quarantine: bool = False) -> pl.DataFrame:
    """Read dataset `name` (or, with `quarantine=True`, its quarantined rows: the dataset's columns
    plus `failed_checks`; every run writes one, empty when nothing was held back) as a polars frame.

    Papers are keyed by (`edition`, `paper_id`): join `paper_authors`, `paper_notes` and `program`
    to `papers` on both columns. Raises ContractError when the dataset is unknown, missing, or was
    written with another major schema version (its columns may mean something else).
    """
    if name not in DATASETS:
        raise ContractError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    path = Path(output) / ("quarantine" if quarantine else "") / f"{name}.parquet"
    if not path.is_file():
        raise ContractError(f"{path} does not exist; run `make run` (or `pipeline run --output {output}`) first")
    from pipeline.emit import read_parquet_metadata

    written_version = read_parquet_metadata(path).get("pipeline.schema_version", "0")
    if _major(written_version) != _major(SCHEMA_VERSION):
        raise ContractError(
            f"{path} was written with schema {written_version}, this code reads {SCHEMA_VERSION}; "
            "re-run the pipeline or use a matching version of this package"
        )
    return pl.read_parquet(path)


def find_paper(papers: pl.DataFrame, key: str, where: str = "papers") -> tuple[str, int]:
    """(edition, paper_id) named by `key`: "EDITION:NUMBER", or a number that one edition alone uses.

    Raises ContractError (exit 3) naming the known keys when no paper, or more than one, fits."""
    edition, _, number = key.rpartition(":")
    if not number.strip().isdigit():
        raise ContractError(f"{key!r} is not a paper key; write EDITION:NUMBER (e.g. recsys-2025:12) or a number")
    paper_id = int(number)
    rows = papers.filter(pl.col("paper_id") == paper_id)
    if edition:
        rows = rows.filter(pl.col("edition") == edition)
    editions = sorted(set(rows["edition"].to_list()))
    if not editions:
        known = ", ".join(f"{e} ({lo}..{hi})" for e, lo, hi in papers.group_by("edition").agg(
            pl.col("paper_id").min().alias("lo"), pl.col("paper_id").max().alias("hi")).sort("edition").iter_rows())
        raise ContractError(f"no paper {key} in {where}; editions and numbers there: {known or 'none'}")
    if len(editions) > 1:
        raise ContractError(f"paper {paper_id} exists in editions {', '.join(editions)} of {where}; "
                            f"name one: {editions[0]}:{paper_id}")
    return editions[0], paper_id
