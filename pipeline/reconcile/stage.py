"""The stage's entry point: every paper's authors cell checked against the independent sources.

Kept out of the package's `__init__` so that `pipeline.config`, which takes its `[matching]`
defaults from `thresholds`, can import them without loading polars and the schemas.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.reconcile.displacement import MIN_SUPPORT
from pipeline.reconcile.frames import decide_all, findings_frame, paper_authors_frame
from pipeline.reconcile.links import link_findings
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds
from schemas.contracts import conform


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
