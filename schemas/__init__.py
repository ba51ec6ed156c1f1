"""Dataset contracts (`contracts`: shape) and Pandera models (`models`: values) of every dataset.

`MODELS` maps each dataset name of `contracts.DATASETS` to its Pandera model; `SCHEMA_VERSION` is
the version written into every emitted file and every model's `Config.metadata`.

The models (and with them Pandera, which imports pandas: over a second) load on first use of
`MODELS` or a model name, not with the package: `schemas.contracts` is what the repair stage and
`pipeline.load` need, and importing it imports this package first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.contracts import DATASETS, SCHEMA_VERSION

if TYPE_CHECKING:
    import pandera.polars as pa

    from schemas.models import (
        FindingsModel,
        PaperAuthorsModel,
        PaperNotesModel,
        PapersModel,
        ProgramModel,
        TextRepairsModel,
    )

    MODELS: dict[str, type[pa.DataFrameModel]]

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

_MODEL_NAMES = {
    "papers": "PapersModel",
    "paper_authors": "PaperAuthorsModel",
    "paper_notes": "PaperNotesModel",
    "program": "ProgramModel",
    "text_repairs": "TextRepairsModel",
    "findings": "FindingsModel",
}


def __getattr__(name: str):  # PEP 562: called for names not set yet; the first call sets them all
    if name != "MODELS" and name not in _MODEL_NAMES.values():
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    from schemas import models

    globals()["MODELS"] = {dataset: getattr(models, model) for dataset, model in _MODEL_NAMES.items()}
    globals().update({model: getattr(models, model) for model in _MODEL_NAMES.values()})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
