"""Detect (and where the evidence allows, correct) author lists that do not belong to their titles.

`reconcile_authors` is the stage's only entry point: it sees the accepted-papers table together with
every independent source (notes `*by*` lines, program pages) and sets `author_status`, `authors`
and `author_evidence` on each paper. Signals live in their own modules: `anchors` (cross-source),
`recurrence` (repeated lists), `displacement` (systematic shifts), `affiliation`, `names`
(damaged names); how alike names and lists must be is one `MatchThresholds` (`thresholds`), which
a run takes from the configuration's `[matching]`. `explain_paper` gives one row's evidence as data,
for the CLI to render.

The stage is columnar: names, person keys and blocking are polars frames (`keys`, `index`), a row's
view of the table is read from its columns (`view`), and verdicts leave as a status list, author
lists gathered by reference and an Arrow evidence log (`decide`, `evidence`), so memory and time
grow linearly with the table (170,000 rows: a few hundred MiB).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.reconcile.explain import PaperExplanation, explain_paper
    from pipeline.reconcile.stage import ReconcileResult, reconcile_authors
    from pipeline.reconcile.thresholds import MatchThresholds

__all__ = ["MatchThresholds", "PaperExplanation", "ReconcileResult", "explain_paper", "reconcile_authors"]

#: Where each public name lives; loaded on first use (PEP 562), so that importing one light
#: submodule (`thresholds`, for the configuration) does not load polars and the schemas.
_HOMES = {
    "MatchThresholds": "thresholds",
    "PaperExplanation": "explain",
    "explain_paper": "explain",
    "ReconcileResult": "stage",
    "reconcile_authors": "stage",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
