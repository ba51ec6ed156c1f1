"""Signal 2: the same author list under different titles.

Two papers by exactly the same people happen; the same list on three rows, or many lists each
repeating at the same row distance, is the mark of a displaced column (e.g. a block of lists
repeated down the table). Only that systematic kind of recurrence makes a row suspect.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline.reconcile.index import ListIndex

#: Distinct lists that must repeat at one row distance before the distance counts as a pattern.
MIN_SYSTEMATIC = 3


@dataclass(frozen=True)
class Recurrence:
    """Row positions grouped by the list they show; `group_of[row]` is the group's first row."""

    group_of: tuple[int, ...]
    members: dict[int, tuple[int, ...]]
    systematic_distances: frozenset[int]

    def others(self, row: int) -> tuple[int, ...]:
        """The other rows showing this row's list."""
        return tuple(r for r in self.members.get(self.group_of[row], ()) if r != row)

    def is_suspicious(self, row: int) -> bool:
        """A list on 3+ rows, or repeating at a distance many other lists also repeat at."""
        group = self.members.get(self.group_of[row], ())
        if len(group) >= 3:
            return True
        return any(abs(other - row) in self.systematic_distances for other in self.others(row))


def _union_find_groups(index: ListIndex) -> list[int]:
    """Group rows whose lists match (exact key first, fuzzy lookup for the rest)."""
    parent = list(range(len(index.lists)))

    def find(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    first_by_key: dict[tuple[str, ...], int] = {}
    for row, names in enumerate(index.lists):
        if not names:
            continue
        key = tuple(sorted(names))
        if key in first_by_key:
            parent[find(row)] = find(first_by_key[key])
            continue
        first_by_key[key] = row
        for other in index.lookup(names):
            if other != row:
                root_a, root_b = find(row), find(other)
                parent[max(root_a, root_b)] = min(root_a, root_b)
    return [find(row) for row in range(len(parent))]


def find_recurrence(index: ListIndex) -> Recurrence:
    """Group equal lists and find the row distances at which several different lists repeat."""
    roots = _union_find_groups(index)
    grouped: dict[int, list[int]] = {}
    for row, root in enumerate(roots):
        grouped.setdefault(root, []).append(row)
    members = {min(rows): tuple(rows) for rows in grouped.values() if len(rows) > 1}
    group_of = tuple(min(grouped[root]) for root in roots)
    distances: Counter[int] = Counter()
    for rows in members.values():
        distances.update({b - a for a, b in zip(rows, rows[1:])})
    systematic = frozenset(d for d, count in distances.items() if count >= MIN_SYSTEMATIC)
    return Recurrence(group_of, members, systematic)
