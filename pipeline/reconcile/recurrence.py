"""Signal 2: the same author list under different titles.

Two papers by exactly the same people happen; the same list on three rows, or many lists each
repeating at the same row distance, is the mark of a displaced column (e.g. a block of lists
repeated down the table). Only that systematic kind of recurrence makes a row suspect.

Equal lists (the same names in any order) are grouped by a polars group-by; only the first row of
each distinct list is blocked against the index, and only its candidates from other groups are
scored fuzzily, so the work grows with the table, not with its square.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.reconcile.index import ListIndex
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, REPEATED_LIST_MIN_ROWS, MatchThresholds


@dataclass(frozen=True)
class Recurrence:
    """Row positions grouped by the list they show; `group_of[row]` is the group's first row."""

    group_of: list[int]
    members: dict[int, tuple[int, ...]]
    systematic_distances: frozenset[int]
    min_rows: int = REPEATED_LIST_MIN_ROWS

    def others(self, row: int) -> tuple[int, ...]:
        """The other rows showing this row's list."""
        return tuple(r for r in self.members.get(self.group_of[row], ()) if r != row)

    def is_suspicious(self, row: int) -> bool:
        """A list on `min_rows`+ rows, or repeating at a distance many other lists also repeat at."""
        group = self.members.get(self.group_of[row], ())
        if len(group) >= self.min_rows:
            return True
        return any(abs(other - row) in self.systematic_distances for other in self.others(row))


def _exact_groups(index: ListIndex) -> pl.DataFrame:
    """(row, rep): every row with names and the first row showing the same names in any order."""
    lists = index.names.group_by("row").agg(pl.col("name").sort().alias("sorted_names"))
    return lists.select("row", pl.col("row").min().over("sorted_names").alias("rep"))


def _fuzzy_edges(index: ListIndex, exact: pl.DataFrame, thresholds: MatchThresholds) -> list[tuple[int, int]]:
    """(rep, rep) pairs of distinct lists that name the same people (spelling differs)."""
    reps = exact["rep"].unique()
    pairs = index.block_rows(reps).join(exact.rename({"rep": "other_rep"}), on="row")
    pairs = pairs.filter(pl.col("other_rep") != pl.col("qid"))
    if pairs.is_empty():
        return []
    query_lists = index.lists_of(set(pairs["qid"].to_list()))
    matched = {(qid, row) for qid, row, _ in index.score(pairs.select("qid", "row"), query_lists.__getitem__, thresholds)}
    return [(qid, other) for qid, row, other in pairs.select("qid", "row", "other_rep").iter_rows() if (qid, row) in matched]


def _component_minimum(edges: list[tuple[int, int]]) -> dict[int, int]:
    """Union-find over the edges: each node -> the smallest node of its component."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in parent}


def find_recurrence(index: ListIndex, thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> Recurrence:
    """Group equal lists (fuzzily: `thresholds.same_list_min_similarity`) and find the row distances
    at which at least `thresholds.recurrence_min_lists` different lists repeat."""
    exact = _exact_groups(index)
    group = np.arange(index.size, dtype=np.int64)
    group[exact["row"].to_numpy()] = exact["rep"].to_numpy()
    merged = np.arange(index.size, dtype=np.int64)
    for node, root in _component_minimum(_fuzzy_edges(index, exact, thresholds)).items():
        merged[node] = root
    group = merged[group]
    rows = pl.DataFrame({"row": np.arange(index.size, dtype=np.int64), "group": group})
    grouped = rows.filter(pl.len().over("group") > 1).group_by("group").agg(pl.col("row").sort())
    members = {g: tuple(r) for g, r in grouped.iter_rows()}
    gaps = (rows.filter(pl.len().over("group") > 1).sort("group", "row")
            .select(pl.col("row").diff().over("group").alias("gap")).drop_nulls()["gap"].value_counts())
    systematic = frozenset(gaps.filter(pl.col("count") >= thresholds.recurrence_min_lists)["gap"].to_list())
    return Recurrence(group.tolist(), members, systematic, thresholds.repeated_list_min_rows)
