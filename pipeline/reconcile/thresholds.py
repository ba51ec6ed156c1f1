"""The detection thresholds of author reconciliation, as one value the stage passes down.

A run takes them from the configuration file's `[matching]` table (`PipelineConfig.thresholds`);
the constants here are their defaults, the one place the numbers are written in Python (the
packaged `pipeline/pipeline.toml` states the same values for users to change). Functions that
compare names or lists take a `MatchThresholds` (default: `DEFAULT_THRESHOLDS`), so tests and tools
that call them directly keep the built-in behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Lists at least this similar (share of people in common, 0..1) name the same people.
SAME_LIST = 0.8
#: Below this similarity an independent source and the table name different people.
CONTRADICTS = 0.5
#: A name pair scoring at least this (`names.person_score`, 0..1) counts as the same person.
PERSON_MATCH = 0.6
#: Distinct lists that must repeat at one row distance before the distance counts as a pattern.
MIN_SYSTEMATIC = 3
#: Rows that must show one list before the repetition alone makes each of them suspect.
REPEATED_LIST_MIN_ROWS = 3
#: A source's name scoring at least this against a damaged (glued, truncated) table name replaces it.
RESPELL_MIN_SCORE = 0.85


@dataclass(frozen=True)
class MatchThresholds:
    """How alike names and lists must be to match, and how much repetition is a pattern.

    Field names are the `[matching]` keys of the configuration file."""

    same_list_min_similarity: float = SAME_LIST
    contradicts_below: float = CONTRADICTS
    person_min_score: float = PERSON_MATCH
    recurrence_min_lists: int = MIN_SYSTEMATIC
    repeated_list_min_rows: int = REPEATED_LIST_MIN_ROWS
    respell_min_score: float = RESPELL_MIN_SCORE


#: What the stage uses when no thresholds are passed (the built-in defaults).
DEFAULT_THRESHOLDS = MatchThresholds()
