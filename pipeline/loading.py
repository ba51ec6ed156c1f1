"""Loading emitted datasets back, refusing files written under an incompatible contract."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.errors import ContractError
from schemas.contracts import DATASETS, SCHEMA_VERSION


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def load(name: str, output: str | Path = "output") -> pl.DataFrame:
    """Read dataset `name` from an output folder as a polars frame.

    Raises ContractError when the dataset is unknown, missing, or was written with another major
    schema version (its columns may mean something else).
    """
    if name not in DATASETS:
        raise ContractError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    path = Path(output) / f"{name}.parquet"
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
