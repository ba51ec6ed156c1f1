"""Signal 3: systematic displacement of the authors column, found from confirmations.

A confirmation is a title whose true authors (from an independent source) appear in the table on
row r: the title at row q then "sees" its list at offset delta = q - r. A constant shift gives one
delta everywhere; a rotation within a block gives two deltas inside the block; a block of lists
repeated down the column gives a delta per repetition. A hypothesis "title q's list sits on row
q - delta" is accepted over a run of titles only when several confirmations support it and no source
contradicts it inside the run (a contradiction: a title with an independent source whose row
q - delta shows other people). The run extends to the table's edge only where no contradiction
lies beyond it; between the last support and a contradiction the boundary is unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Set
from dataclasses import dataclass

#: Independent confirmations needed before a displacement is used to correct rows.
MIN_SUPPORT = 3


@dataclass(frozen=True)
class Realignment:
    """Titles in positions lo..hi take the list shown on row (title - delta)."""

    delta: int
    lo: int
    hi: int
    supporters: tuple[int, ...]
    uncertain: tuple[tuple[int, int], ...]  # title ranges between a support and a contradiction

    def source_of(self, title: int, table_size: int) -> int | None:
        """The row holding this title's list under the hypothesis, if inside both run and table."""
        source = title - self.delta
        return source if self.lo <= title <= self.hi and 0 <= source < table_size else None


def offsets(matches: Mapping[int, Set[int]]) -> dict[int, set[int]]:
    """delta -> titles confirming it, from title -> rows showing that title's true list."""
    support: dict[int, set[int]] = defaultdict(set)
    for title, rows in matches.items():
        for row in rows:
            support[title - row].add(title)
    return dict(support)


def contradictions(delta: int, matches: Mapping[int, Set[int]], table_size: int) -> set[int]:
    """Titles whose independent source disagrees with the row the hypothesis would give them."""
    return {t for t, rows in matches.items() if 0 <= t - delta < table_size and t - delta not in rows}


def _runs(supporters: Set[int], against: Set[int]) -> list[tuple[list[int], int | None, int | None]]:
    """Maximal runs of supporters with no contradiction between them, with the bounding contradictions."""
    runs: list[tuple[list[int], int | None, int | None]] = []
    current: list[int] = []
    previous_against: int | None = None
    for title, supports in sorted([(t, True) for t in supporters] + [(t, False) for t in against]):
        if supports:
            current.append(title)
            continue
        if current:
            runs.append((current, previous_against, title))
        current, previous_against = [], title
    if current:
        runs.append((current, previous_against, None))
    return runs


def find_realignments(
    matches: Mapping[int, Set[int]], table_size: int, min_support: int = MIN_SUPPORT
) -> list[Realignment]:
    """Every displacement hypothesis the confirmations support, restricted to uncontradicted runs.

    >>> m = {5: {3}, 9: {7}, 14: {12}, 2: {2}}  # title 2 is confirmed on its own row
    >>> [(r.delta, r.lo, r.hi, r.uncertain) for r in find_realignments(m, 20)]
    [(2, 5, 19, ((3, 4),))]
    """
    found: list[Realignment] = []
    for delta, supporters in sorted(offsets(matches).items()):
        if delta == 0 or len(supporters) < min_support:
            continue
        against = contradictions(delta, matches, table_size)
        for run, below, above in _runs(supporters, against):
            if len(run) < min_support:
                continue
            lo = run[0] if below is not None else 0
            hi = run[-1] if above is not None else table_size - 1
            uncertain = tuple(
                gap for gap in ((below + 1, run[0] - 1) if below is not None else None,
                                (run[-1] + 1, above - 1) if above is not None else None)
                if gap is not None and gap[0] <= gap[1]
            )
            found.append(Realignment(delta, lo, hi, tuple(run), uncertain))
    return found
