"""A blocking index over the table's author lists, so matching stays near-linear.

A query list is compared (fuzzily) only with rows sharing one of its rarest name tokens; there is
never an all-pairs loop over the table. `lookup` is how anchors find the rows that show their
authors, and how rows find the other rows that repeat their list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.reconcile.names import list_similarity, name_tokens

#: Lists at least this similar name the same people.
SAME_LIST = 0.8
#: At most this many (and at most half) of a query's rarest tokens open candidate rows.
BLOCKING_TOKENS = 3
#: Candidates whose token overlap is below this share are not scored at all.
MIN_TOKEN_OVERLAP = 0.3


def person_key(name: str) -> str:
    """First and last folded token, order-free: equal across middle names, accents, glued spellings
    and surname-first order ("Elena V. Epure", "Epure Elena" -> "elena epure")."""
    tokens = name_tokens(name)
    return " ".join(sorted({tokens[0], tokens[-1]})) if tokens else ""


def list_tokens(names: Sequence[str]) -> frozenset[str]:
    """The person keys of a list: its blocking keys (far rarer than single name tokens)."""
    return frozenset(key for key in map(person_key, names) if key)


def _overlaps(query: frozenset[str], row: frozenset[str]) -> bool:
    """Enough shared tokens to be worth a fuzzy comparison (half the shorter list, a third of the longer)."""
    shared = len(query & row)
    return shared >= 0.5 * min(len(query), len(row)) and shared >= MIN_TOKEN_OVERLAP * max(len(query), len(row))


@dataclass(frozen=True)
class ListIndex:
    """Author lists by row position plus an inverted index token -> row positions."""

    lists: tuple[tuple[str, ...], ...]
    tokens: tuple[frozenset[str], ...]
    postings: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, lists: Sequence[Sequence[str]]) -> ListIndex:
        token_sets = tuple(list_tokens(names) for names in lists)
        postings: dict[str, list[int]] = defaultdict(list)
        for position, token_set in enumerate(token_sets):
            for token in token_set:
                postings[token].append(position)
        return cls(tuple(tuple(n) for n in lists), token_sets, {k: tuple(v) for k, v in postings.items()})

    def candidates(self, names: Sequence[str]) -> set[int]:
        """Rows sharing one of the query's rarest tokens and enough of its tokens overall."""
        query = list_tokens(names)
        rare = sorted((t for t in query if t in self.postings), key=lambda t: len(self.postings[t]))
        found: set[int] = set()
        for token in rare[: min(BLOCKING_TOKENS, (len(rare) + 1) // 2)]:
            found.update(self.postings[token])
        return {row for row in found if _overlaps(query, self.tokens[row])}

    def lookup(self, names: Sequence[str], threshold: float = SAME_LIST) -> dict[int, float]:
        """Row positions whose list names the same people as `names`, with their similarity."""
        scored = {row: list_similarity(names, self.lists[row]) for row in self.candidates(names)}
        return {row: score for row, score in scored.items() if score >= threshold}
