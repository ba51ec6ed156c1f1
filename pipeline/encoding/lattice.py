"""Choose characters for a window of damaged positions jointly: a Viterbi search over a word lattice.

Each position holds one or more (character, local log-score) options; fixed characters have one.
An edge is a dictionary word (or a single character) laid over consecutive positions that agrees
with their options. Under a unigram word model the best reading is the best path through these
edges, and the max-marginal of every option (best path forced through it) gives a confidence and
the runner-ups for free. `alone` adds a score to an option only when it is read as a word of its
own (the context of one-character words, `language.single_word_context`): words containing the
character are not affected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pipeline.encoding.language import WordModel

Options = Sequence[tuple[str, float]]
NEG = float("-inf")


Edge = tuple[int, int, str, float]
"""A word over positions [start, end) with its total log-score (a tuple: there are many)."""


def build_edges(options: Sequence[Options], model: WordModel, single: Callable[[str], float],
                alone: dict[int, dict[str, float]] | None = None,
                ) -> tuple[list[list[tuple[str, float]]], list[Edge]]:
    """Single-character readings per position, and all multi-character word edges compatible with
    the options (ordered by start).

    Single characters are kept apart because most of them (a damaged position has up to 16
    candidates) join no word: for the search only the best of them per position matters, and
    the others' max-marginals follow from the forward and backward scores without an edge each.
    """
    singles: list[list[tuple[str, float]]] = []
    edges: list[Edge] = []
    append = edges.append
    root, max_length = model.trie, model.max_length
    size = len(options)
    for start in range(size):
        here = options[start]
        extra = alone.get(start) if alone else None
        if extra:
            singles.append([(char, single(char) + local + extra.get(char, 0.0)) for char, local in here])
        else:
            singles.append([(char, single(char) + local) for char, local in here])
        frontier = []
        for char, local in here:
            entry = root.get(char)
            if entry is not None and entry[1] is not None:
                frontier.append((entry[1], char, local))
        end = start + 1
        while frontier and end < size and end - start < max_length:
            grown: list = []
            following = options[end]
            end += 1
            for children, prefix, local_sum in frontier:
                for char, local in following:
                    entry = children.get(char)
                    if entry is None:
                        continue
                    score, deeper = entry
                    if score is not None:
                        append((start, end, prefix + char, score + local_sum + local))
                    if deeper is not None:
                        grown.append((deeper, prefix + char, local_sum + local))
            frontier = grown
    return singles, edges


def solve(options: Sequence[Options], model: WordModel, single: Callable[[str], float],
          targets: Sequence[int] | None = None, alone: dict[int, dict[str, float]] | None = None,
          ) -> tuple[str, dict[int, list[tuple[str, float]]]]:
    """Best string over the window and, per target position (default: all), options ranked by
    max-marginal log-score.

    >>> from pipeline.encoding.language import WordModel
    >>> model = WordModel.from_logps({"反馈": -8.0, "反": -9.0, "后": -7.0, "馈": -12.0}, 4)
    >>> text, ranked = solve([[("后", 0.0), ("反", 0.0)], [("馈", 0.0)]], model, lambda c: -20.0)
    >>> text, [c for c, _ in ranked[0]]
    ('反馈', ['反', '后'])
    """
    singles, edges = build_edges(options, model, single, alone)
    size = len(options)
    best_single = [max(choices, key=_score) for choices in singles]
    forward = [NEG] * (size + 1)
    back: list[Edge | None] = [None] * (size + 1)
    forward[0] = 0.0
    index, count = 0, len(edges)
    for position in range(size):  # forward[position] is final: every edge ending here started earlier
        char, score = best_single[position]
        total = forward[position] + score
        if total > forward[position + 1]:
            forward[position + 1], back[position + 1] = total, (position, position + 1, char, score)
        while index < count and edges[index][0] == position:
            edge = edges[index]
            index += 1
            total = forward[position] + edge[3]
            if total > forward[edge[1]]:
                forward[edge[1]], back[edge[1]] = total, edge
    backward = [NEG] * (size + 1)
    backward[size] = 0.0
    index = len(edges) - 1
    for position in range(size - 1, -1, -1):
        best = best_single[position][1] + backward[position + 1]
        while index >= 0 and edges[index][0] == position:
            _, end, _, score = edges[index]
            index -= 1
            if score + backward[end] > best:
                best = score + backward[end]
        backward[position] = best
    wanted = range(size) if targets is None else targets
    return _path(back, size), _marginals(singles, edges, forward, backward, wanted)


def _score(choice: tuple[str, float]) -> float:
    return choice[1]


def _path(back: list[Edge | None], size: int) -> str:
    """Follow back-pointers from the end of the window."""
    pieces: list[str] = []
    position = size
    while position > 0:
        edge = back[position]
        assert edge is not None, "every position has a single-character edge"
        pieces.append(edge[2])
        position = edge[0]
    return "".join(reversed(pieces))


def _marginals(singles: list[list[tuple[str, float]]], edges: list[Edge], forward: list[float],
               backward: list[float], targets: Sequence[int]) -> dict[int, list[tuple[str, float]]]:
    """For each target position, each character's best total score over the paths that choose it."""
    best: dict[int, dict[str, float]] = {}
    for position in targets:
        outside = forward[position] + backward[position + 1]
        best[position] = {char: outside + score for char, score in singles[position]}
    for start, end, word, score in edges:
        total = None
        for position in range(start, end):
            seen = best.get(position)
            if seen is None:
                continue
            if total is None:
                total = forward[start] + score + backward[end]
            char = word[position - start]
            if total > seen.get(char, NEG):
                seen[char] = total
    return {index: sorted(scores.items(), key=lambda item: -item[1]) for index, scores in best.items()}


def confidence(ranked: list[tuple[str, float]]) -> float:
    """Share of the winner in a softmax over max-marginal scores (1.0 when unopposed).

    >>> round(confidence([("a", 0.0), ("b", -math.log(3))]), 2)
    0.75
    """
    top = ranked[0][1]
    mass = sum(math.exp(score - top) for _, score in ranked)
    return 1.0 / mass
