"""A blocking index over the table's author lists, so matching stays near-linear.

A query list is compared (fuzzily) only with rows sharing one of its rarest person keys; there is
never an all-pairs loop over the table. Keys, postings and candidate pairs are polars frames (one
row per name or per key), so building the index and blocking many queries at once costs a few
joins, and Python only scores the candidate pairs that survive. `lookup_many` is how anchors find
the rows that show their authors, and how rows find the other rows that repeat their list.

A list of one person has one key; when that single name is damaged (truncated to "Shuhei", or with
the next word glued on) its key differs from the whole spelling's. One-name queries are therefore
also blocked on the rarest single name tokens among one-name rows, a small second index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.reconcile.keys import person_keys, token_text
from pipeline.reconcile.names import list_similarity, name_tokens
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds

#: At most this many (and at most half) of a query's rarest keys open candidate rows.
BLOCKING_TOKENS = 3
#: Candidates whose key overlap is below this share are not scored at all.
MIN_TOKEN_OVERLAP = 0.3
#: One-name queries also open the one-name rows of their rarest this many name tokens.
SINGLE_NAME_TOKENS = 2
#: Name tokens shorter than this never open one-name rows (initials, "li").
MIN_SINGLE_TOKEN = 3


def person_key(name: str) -> str:
    """First and last folded token, order-free: equal across middle names, accents, glued spellings
    and surname-first order ("Elena V. Epure", "Epure Elena" -> "elena epure")."""
    tokens = name_tokens(name)
    return " ".join(sorted({tokens[0], tokens[-1]})) if tokens else ""


def list_tokens(names: Sequence[str]) -> frozenset[str]:
    """The person keys of a list: its blocking keys (far rarer than single name tokens)."""
    return frozenset(key for key in map(person_key, names) if key)


def flat_names(lists: Sequence[Sequence[str]]) -> pl.DataFrame:
    """(row, name) in list order from Python lists: the shape `ListIndex.from_names` takes."""
    rows = [row for row, names in enumerate(lists) for _ in names]
    return pl.DataFrame({"row": rows, "name": [n for names in lists for n in names]},
                        schema={"row": pl.Int64, "name": pl.String})


def _keyed(names: pl.DataFrame) -> pl.DataFrame:
    """(row, name, tokens, key) for (row, name) rows: folded tokens and person key of each name."""
    tokens = token_text(names["name"])
    return names.with_columns(tokens.alias("tokens"), person_keys(tokens).alias("key"))


def keyed_names(names: pl.DataFrame) -> pl.DataFrame:
    """(row, name, tokens, key) for the non-empty names of (row, name) rows, in row then list order."""
    usable = (names.select(pl.col("row").cast(pl.Int64), "name").filter(pl.col("name").str.len_chars() > 0)
              .sort("row", maintain_order=True))
    return _keyed(usable)


def _row_keys(keyed: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """(id, key, n_keys): each list's distinct non-empty keys and how many it has."""
    keys = keyed.filter(pl.col("key") != "").select(id_column, "key").unique()
    return keys.with_columns(pl.len().over(id_column).alias("n_keys"))


def _single_tokens(keyed: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """(id, token) for lists of exactly one name: the tokens a damaged single name may keep."""
    single = keyed.filter(pl.len().over(id_column) == 1)
    return (single.select(id_column, pl.col("tokens").str.split(" ").alias("token")).explode("token")
            .filter(pl.col("token").str.len_chars() >= MIN_SINGLE_TOKEN).unique())


def _rarest(query: pl.DataFrame, postings: pl.DataFrame, key: str, limit: pl.Expr) -> pl.DataFrame:
    """(qid, key) of each query's `limit` rarest keys that occur in the index (ties by key)."""
    present = query.join(postings, on=key)
    ranked = present.sort("qid", "posting", key).with_columns(
        pl.int_range(pl.len()).over("qid").alias("rank"), pl.len().over("qid").alias("n_present"))
    return ranked.filter(pl.col("rank") < limit).select("qid", key)


@dataclass(frozen=True)
class ListIndex:
    """Author lists by row position, as a flat frame, plus postings key -> rows."""

    names: pl.DataFrame  # row, name, key: one row per non-empty name, in list order
    keys: pl.DataFrame  # row, key, n_keys: the distinct keys of each row
    postings: pl.DataFrame  # key, posting: how many rows carry each key
    single: pl.DataFrame  # row, token: name tokens of one-name rows
    size: int
    starts: np.ndarray  # names of row r are names[starts[r]:starts[r + 1]]

    @classmethod
    def build(cls, lists: Sequence[Sequence[str]]) -> ListIndex:
        return cls.from_names(flat_names(lists), len(lists))

    @classmethod
    def from_names(cls, names: pl.DataFrame, size: int) -> ListIndex:
        """From (row, name) in list order; empty and null names are no names."""
        return cls.from_keyed(keyed_names(names), size)

    @classmethod
    def from_keyed(cls, keyed: pl.DataFrame, size: int) -> ListIndex:
        """From `keyed_names` of (row, name) rows: rows of several indexes can be keyed at once
        and each index given its slice (rows renumbered from 0)."""
        keys = _row_keys(keyed, "row")
        starts = np.searchsorted(keyed["row"].to_numpy(), np.arange(size + 1))
        return cls(keyed.drop("tokens"), keys, keys.group_by("key").agg(pl.len().alias("posting")),
                   _single_tokens(keyed, "row"), size, starts)

    def list_of(self, row: int) -> tuple[str, ...]:
        """The row's names in order (empty for a row without names)."""
        start, end = self.starts[row], self.starts[row + 1]
        return tuple(self.names["name"].slice(start, end - start).to_list()) if end > start else ()

    def lists_of(self, rows: Iterable[int]) -> dict[int, tuple[str, ...]]:
        """The names of each requested row."""
        return {row: self.list_of(row) for row in rows}

    def block(self, queries: pl.DataFrame) -> pl.DataFrame:
        """Candidate (qid, row) pairs for queries given as (qid, name): rows sharing one of the query's
        rarest keys and enough of its keys overall, plus the one-name rows for one-name queries."""
        keyed = _keyed(queries.filter(pl.col("name").str.len_chars() > 0))
        single_postings = self.single.group_by("token").agg(pl.len().alias("posting"))
        single_open = _rarest(_single_tokens(keyed, "qid"), single_postings, "token", pl.lit(SINGLE_NAME_TOKENS))
        singles = single_open.join(self.single, on="token").select("qid", "row")
        return pl.concat([self._block(keyed), singles]).unique().sort("qid", "row")

    def block_rows(self, rows: pl.Series) -> pl.DataFrame:
        """Key blocking only, with the index's own rows as queries (qid = row): how rows find the
        rows repeating their list (copies repeat spellings, so no one-name fallback is needed)."""
        return self._block(self.names.join(pl.DataFrame({"row": rows.cast(pl.Int64)}), on="row", how="semi").rename({"row": "qid"}))

    def _block(self, keyed: pl.DataFrame) -> pl.DataFrame:
        query_keys = _row_keys(keyed, "qid")
        limit = pl.min_horizontal(pl.lit(BLOCKING_TOKENS), (pl.col("n_present") + 1) // 2)
        opened = _rarest(query_keys.select("qid", "key"), self.postings, "key", limit)
        pairs = opened.join(self.keys.select("key", "row"), on="key").select("qid", "row").unique()
        shared = (pairs.join(query_keys, on="qid").join(self.keys, on=["row", "key"], suffix="_row")
                  .group_by("qid", "row").agg(pl.len().alias("shared"), pl.first("n_keys"), pl.first("n_keys_row")))
        small, large = pl.min_horizontal("n_keys", "n_keys_row"), pl.max_horizontal("n_keys", "n_keys_row")
        overlapping = shared.filter((pl.col("shared") >= 0.5 * small) & (pl.col("shared") >= MIN_TOKEN_OVERLAP * large))
        return overlapping.select("qid", "row").sort("qid", "row")

    def candidates(self, names: Sequence[str]) -> set[int]:
        """Rows worth a fuzzy comparison with `names` (see `block`)."""
        return set(self.block(flat_names([names]).rename({"row": "qid"}))["row"].to_list())

    def lookup_many(self, queries: Mapping[int, Sequence[str]],
                    thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> dict[int, dict[int, float]]:
        """For each query id, the row positions whose list names the same people, with similarity
        (at least `thresholds.same_list_min_similarity`)."""
        ids = list(queries)
        if not ids:
            return {}
        flat = flat_names([queries[q] for q in ids]).with_columns(
            pl.col("row").replace_strict(list(range(len(ids))), ids, return_dtype=pl.Int64).alias("qid"))
        found: dict[int, dict[int, float]] = {q: {} for q in ids}
        for qid, row, score in self.score(self.block(flat.select("qid", "name")), queries.__getitem__, thresholds):
            found[qid][row] = score
        return found

    def score(self, pairs: pl.DataFrame, query_names,
              thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> list[tuple[int, int, float]]:
        """(qid, row, similarity) of the candidate pairs at or above `thresholds.same_list_min_similarity`;
        `query_names(qid)` gives a query's list. The only per-pair Python work, so it runs on blocked
        pairs only."""
        row_lists = self.lists_of(set(pairs["row"].to_list()))
        person = thresholds.person_min_score
        scored = ((qid, row, list_similarity(query_names(qid), row_lists.get(row, ()), person))
                  for qid, row in pairs.iter_rows())
        return [item for item in scored if item[2] >= thresholds.same_list_min_similarity]


    def lookup(self, names: Sequence[str], thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> dict[int, float]:
        """Row positions whose list names the same people as `names`, with their similarity."""
        return self.lookup_many({0: names}, thresholds)[0]
