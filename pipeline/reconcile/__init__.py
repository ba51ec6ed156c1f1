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

from dataclasses import dataclass

import polars as pl

from pipeline.reconcile.displacement import MIN_SUPPORT
from pipeline.reconcile.explain import PaperExplanation, explain_paper
from pipeline.reconcile.frames import decide_all, findings_frame, paper_authors_frame
from pipeline.reconcile.links import link_findings
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds
from schemas.contracts import conform

__all__ = ["MatchThresholds", "PaperExplanation", "ReconcileResult", "explain_paper", "reconcile_authors"]


@dataclass(frozen=True)
class ReconcileResult:
    """Papers with their author verdicts, the per-author table, and one finding per unverified row."""

    papers: pl.DataFrame
    paper_authors: pl.DataFrame
    findings: pl.DataFrame


def reconcile_authors(papers: pl.DataFrame, paper_notes: pl.DataFrame, program: pl.DataFrame,
                      min_support: int = MIN_SUPPORT,
                      thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> ReconcileResult:
    """Cross-check every paper's authors cell against the other sources of its own edition and the
    table's own structure; `min_support` confirmations make a displacement, `thresholds` say how
    alike names and lists must be (both from the configuration's `[matching]`)."""
    decided = conform("papers", decide_all(papers, paper_notes, program, min_support, thresholds))
    findings = pl.concat([findings_frame(decided), link_findings(decided)])
    return ReconcileResult(decided, paper_authors_frame(decided), findings)
