"""Choose characters for a window of damaged positions jointly: a Viterbi search over a word lattice.

Each position holds one or more (character, local log-score) options; fixed characters have one.
An edge is a dictionary word (or a single character) laid over consecutive positions that agrees
with their options. Under a unigram word model the best reading is the best path through these
edges, and the max-marginal of every option (best path forced through it) gives a confidence and
the runner-ups for free.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pipeline.encoding.language import WordModel

Options = Sequence[tuple[str, float]]
NEG = float("-inf")


Edge = tuple[int, int, str, float]
"""A word over positions [start, end) with its total log-score (a tuple: there are many)."""


def build_edges(options: Sequence[Options], model: WordModel,
                single: Callable[[str], float]) -> list[Edge]:
    """All word and single-character edges compatible with the options, ordered by start."""
    edges: list[Edge] = []
    words, prefixes = model.words, model.prefixes
    size = len(options)
    for start in range(size):
        frontier: list[tuple[str, float]] = []
        for char, local in options[start]:
            edges.append((start, start + 1, char, single(char) + local))
            if char in prefixes:
                frontier.append((char, local))
        end = start + 1
        while frontier and end < size and end - start < model.max_length:
            grown: list[tuple[str, float]] = []
            for prefix, local_sum in frontier:
                for char, local in options[end]:
                    word = prefix + char
                    if word in words:
                        edges.append((start, end + 1, word, words[word] + local_sum + local))
                    if word in prefixes:
                        grown.append((word, local_sum + local))
            frontier = grown
            end += 1
    return edges


def solve(options: Sequence[Options], model: WordModel,
          single: Callable[[str], float]) -> tuple[str, list[list[tuple[str, float]]]]:
    """Best string over the window and, per position, options ranked by max-marginal log-score.

    >>> from pipeline.encoding.language import WordModel
    >>> model = WordModel({"反馈": -8.0, "反": -9.0, "后": -7.0, "馈": -12.0}, frozenset({"反"}), 4, {})
    >>> text, ranked = solve([[("后", 0.0), ("反", 0.0)], [("馈", 0.0)]], model, lambda c: -20.0)
    >>> text, [c for c, _ in ranked[0]]
    ('反馈', ['反', '后'])
    """
    edges = build_edges(options, model, single)
    size = len(options)
    forward = [NEG] * (size + 1)
    back: list[Edge | None] = [None] * (size + 1)
    forward[0] = 0.0
    for edge in edges:  # by start: forward[start] is final before its edges are relaxed
        start, end, _, edge_score = edge
        score = forward[start] + edge_score
        if score > forward[end]:
            forward[end], back[end] = score, edge
    backward = [NEG] * (size + 1)
    backward[size] = 0.0
    for start, end, _, edge_score in reversed(edges):
        score = edge_score + backward[end]
        if score > backward[start]:
            backward[start] = score
    return _path(back, size), _marginals(edges, forward, backward, size)


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


def _marginals(edges: list[Edge], forward: list[float], backward: list[float],
               size: int) -> list[list[tuple[str, float]]]:
    """For each position, each character's best total score over the paths that choose it."""
    best: list[dict[str, float]] = [{} for _ in range(size)]
    for start, end, word, score in edges:
        total = forward[start] + score + backward[end]
        for offset, char in enumerate(word):
            seen = best[start + offset]
            if total > seen.get(char, NEG):
                seen[char] = total
    return [sorted(scores.items(), key=lambda item: -item[1]) for scores in best]


def confidence(ranked: list[tuple[str, float]]) -> float:
    """Share of the winner in a softmax over max-marginal scores (1.0 when unopposed).

    >>> round(confidence([("a", 0.0), ("b", -math.log(3))]), 2)
    0.75
    """
    top = ranked[0][1]
    mass = sum(math.exp(score - top) for _, score in ranked)
    return 1.0 / mass
