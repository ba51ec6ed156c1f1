"""Dataset contracts (`contracts`: shape) and Pandera models (`models`: values) of every dataset.

`MODELS` maps each dataset name of `contracts.DATASETS` to its Pandera model; `SCHEMA_VERSION` is
the version written into every emitted file and every model's `Config.metadata`.
"""

from __future__ import annotations

import pandera.polars as pa

from schemas.contracts import DATASETS, SCHEMA_VERSION
from schemas.models import (
    FindingsModel,
    PaperAuthorsModel,
    PaperNotesModel,
    PapersModel,
    ProgramModel,
    TextRepairsModel,
)

MODELS: dict[str, type[pa.DataFrameModel]] = {
    "papers": PapersModel,
    "paper_authors": PaperAuthorsModel,
    "paper_notes": PaperNotesModel,
    "program": ProgramModel,
    "text_repairs": TextRepairsModel,
    "findings": FindingsModel,
}

__all__ = [
    "DATASETS",
    "MODELS",
    "SCHEMA_VERSION",
    "FindingsModel",
    "PaperAuthorsModel",
    "PaperNotesModel",
    "PapersModel",
    "ProgramModel",
    "TextRepairsModel",
]
