"""Choose characters for a window of damaged positions jointly: a Viterbi search over a word lattice.

Each position holds one or more (character, local log-score) options; fixed characters have one.
An edge is a dictionary word (or a single character) laid over consecutive positions that agrees
with their options. Under a unigram word model the best reading is the best path through these
edges, and the max-marginal of every option (best path forced through it) gives a confidence and
the runner-ups for free. `alone` adds a score to an option only when it is read as a word of its
own (the context of one-character words, `language.single_word_context`): words containing the
character are not affected.

What a position contributes that does not depend on its neighbours (its characters' single-word
scores, which of them start a word, the set of its characters) is computed once per position by
`prepare`; callers that meet the same position again and again (a fixed character, a damaged
character's candidate list) keep the prepared tuple and call `solve_prepared` directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import itemgetter

from pipeline.encoding.language import WordModel

Options = Sequence[tuple[str, float]]
NEG = float("-inf")


Edge = tuple[int, int, str, float]
"""A word over positions [start, end) with its total log-score (a tuple: there are many)."""

Prepared = tuple
"""A position ready for the search: (options, set of its characters or None when it has one,
word starts [(trie children, char, local)], single readings [(char, score)], best single reading,
key, steps). `key` (hashable) names a position whose options all have local score 0, so that what
it and a following keyed position make together depends on the two keys only; `steps` then memoises
that (the words of two characters and the prefixes to extend, per key of the next position). Both
are None for other positions."""

STEPS_KEPT = 512
"""Most following positions whose step a keyed position memoises (bounds the memory of a
long-running process; the common pairs are met early)."""

_LEAF = (None, None)
"""What `trie.get` falls back to: no word, no children."""

_score = itemgetter(1)
exp = math.exp


def prepare(options: Options, model: WordModel, single: Callable[[str], float],
            key: object = None) -> Prepared:
    """The neighbour-independent part of a position (see `Prepared`); pass a `key` only when every
    local score is 0 and the same key always comes with the same options, model and scorer."""
    root_get = model.trie.get
    singles = [(char, single(char) + local) for char, local in options]
    starts = [(children, char, local) for char, local in options
              if (children := root_get(char, _LEAF)[1]) is not None]
    steps = None if key is None else {}
    if len(options) == 1:
        return options, None, starts, singles, singles[0], key, steps
    return options, {char for char, _ in options}, starts, singles, max(singles, key=_score), key, steps


def with_alone(position: Prepared, extra: dict[str, float]) -> Prepared:
    """The position with `extra` added to the scores of its options read as one-character words
    (words containing them are not affected); the edges it makes are those of `position`."""
    if not extra:
        return position
    singles = [(char, score + extra.get(char, 0.0)) for char, score in position[3]]
    return position[0], position[1], position[2], singles, max(singles, key=_score), *position[5:]


def build_edges(options: Sequence[Options], model: WordModel, single: Callable[[str], float],
                alone: dict[int, dict[str, float]] | None = None,
                ) -> tuple[list[list[tuple[str, float]]], list[Edge]]:
    """Single-character readings per position, and all multi-character word edges compatible with
    the options (ordered by start, then end, then the order of the options).

    Single characters are kept apart because most of them (a damaged position has up to 16
    candidates) join no word: for the search only the best of them per position matters, and
    the others' max-marginals follow from the forward and backward scores without an edge each.
    """
    positions = [prepare(here, model, single) for here in options]
    singles, _ = _singles(positions, alone)
    starting = _edges(positions, model.max_length)
    return singles, [(start, start + length, word, score) for start, words in enumerate(starting)
                     for length, word, score in words]


def _singles(positions: Sequence[Prepared], alone: dict[int, dict[str, float]] | None,
             ) -> tuple[list[list[tuple[str, float]]], list[tuple[str, float]]]:
    """Single readings per position and the best of each, with the one-character-word scores added."""
    if alone:
        positions = [with_alone(position, alone[index]) if alone.get(index) else position
                     for index, position in enumerate(positions)]
    return [position[3] for position in positions], [position[4] for position in positions]


_NO_WORDS: list = []  # shared by the starts of no word (never appended to)


def _edges(positions: Sequence[Prepared], max_length: int) -> list[list[tuple[int, str, float]]]:
    """Per start position, every multi-character word starting there as (length, word, score),
    ordered by length, then by the order of the options (the hot loop of the search; a start's
    list may be shared with other windows: never modify it).

    A prefix is extended over a position with one option by one dictionary lookup, and over a
    position with several options only when its trie children and the options share a character
    (one C-level set test instead of a lookup per option).
    """
    starting: list[list[tuple[int, str, float]]] = []
    size = len(positions)
    for start in range(size):
        limit = start + max_length if start + max_length < size else size
        end = start + 1
        if end >= limit:
            starting.append(_NO_WORDS)
            continue
        here = positions[start]
        steps, following_key = here[6], positions[end][5]
        if steps is not None and following_key is not None:
            step = steps.get(following_key)
            if step is None:
                step = _step(here[2], positions[end])
                if len(steps) < STEPS_KEPT:
                    steps[following_key] = step
            words, frontier = step
            end += 1
            if not frontier or end >= limit:
                starting.append(words)
                continue
            found = list(words)
        else:
            frontier = here[2]
            found = []
        append = found.append
        while frontier and end < limit:
            following, chars = positions[end][0], positions[end][1]
            end += 1
            grow = end < limit
            grown: list = []
            if chars is None:
                char, local = following[0]
                for children, prefix, local_sum in frontier:
                    entry = children.get(char)
                    if entry is not None:
                        score, deeper = entry
                        if score is not None:
                            append((end - start, prefix + char, score + local_sum + local))
                        if grow and deeper is not None:
                            grown.append((deeper, prefix + char, local_sum + local))
                frontier = grown
                continue
            for children, prefix, local_sum in frontier:
                if children.keys().isdisjoint(chars):
                    continue
                for char, local in following:
                    entry = children.get(char)
                    if entry is None:
                        continue
                    score, deeper = entry
                    if score is not None:
                        append((end - start, prefix + char, score + local_sum + local))
                    if grow and deeper is not None:
                        grown.append((deeper, prefix + char, local_sum + local))
            frontier = grown
        starting.append(found)
    return starting


def _step(frontier: list, position: Prepared) -> tuple[list[tuple[int, str, float]], list]:
    """Extend one-character prefixes over the next position: the words completed there
    (2, word, score) and the prefixes that go on, in the order `_edges` makes them."""
    words: list[tuple[int, str, float]] = []
    grown: list = []
    for children, prefix, local_sum in frontier:
        for char, local in position[0]:
            entry = children.get(char)
            if entry is None:
                continue
            score, deeper = entry
            if score is not None:
                words.append((2, prefix + char, score + local_sum + local))
            if deeper is not None:
                grown.append((deeper, prefix + char, local_sum + local))
    return words, grown


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
    positions = [prepare(here, model, single) for here in options]
    return solve_prepared(positions, model.max_length, targets, alone)


def solve_prepared(positions: Sequence[Prepared], max_length: int, targets: Sequence[int] | None = None,
                   alone: dict[int, dict[str, float]] | None = None,
                   ) -> tuple[str, dict[int, list[tuple[str, float]]]]:
    """`solve` over positions already `prepare`d (by the same word model and single scorer)."""
    singles, starting, forward, backward, back = _search(positions, max_length, alone)
    wanted = range(len(positions)) if targets is None else targets
    return _path(back, len(positions)), _marginals(singles, starting, forward, backward, wanted)


def choose_prepared(positions: Sequence[Prepared], max_length: int, targets: Sequence[int], keep: int,
                    ) -> tuple[str, list[tuple[str, float, tuple[str, ...]]]]:
    """`solve_prepared` reduced to what the repair log needs: the best string and, per target, the
    chosen character, its `confidence` rounded to 4 places and up to `keep` runner-ups (in the
    order of `solve`'s ranking).

    The hot path of the repair: `_search`, `_path` and `_marginals` fused into one function (same
    arithmetic in the same order, so the same floats), and each target's max-marginals gathered
    only from the words that can cover it (those starting at most `max_length - 1` before it).
    """
    size = len(positions)
    starting = _edges(positions, max_length)
    forward, backward, back = _passes([position[4] for position in positions], starting, size)
    text = _path(back, size)
    reach = max_length - 1
    outcomes = []
    for target in targets:
        outside = forward[target] + backward[target + 1]
        seen = {char: outside + score for char, score in positions[target][3]}
        get = seen.get
        for start in range(target - reach if target > reach else 0, target + 1):
            words = starting[start]
            if not words:
                continue
            offset = target - start
            base = forward[start]
            for length, word, score in words:
                if length > offset:
                    total = base + score + backward[start + length]
                    char = word[offset]
                    if total > get(char, NEG):
                        seen[char] = total
        scores = sorted(seen.items(), key=_score, reverse=True)
        top = scores[0][1]
        char = text[target]
        outcomes.append((char, round(1.0 / sum([exp(score - top) for _, score in scores]), 4),
                         tuple([c for c, _ in scores if c != char][:keep])))
    return text, outcomes


def _search(positions: Sequence[Prepared], max_length: int, alone: dict[int, dict[str, float]] | None,
            ) -> tuple:
    """Forward (Viterbi, with back-pointers) and backward best scores over the lattice."""
    singles, best_single = _singles(positions, alone)
    starting = _edges(positions, max_length)
    forward, backward, back = _passes(best_single, starting, len(positions))
    return singles, starting, forward, backward, back


def _passes(best_single: Sequence[tuple[str, float]], starting: Sequence[Sequence[tuple[int, str, float]]],
            size: int) -> tuple[list[float], list[float], list[tuple[int, str] | None]]:
    """Forward Viterbi scores with back-pointers (start, text), and backward best scores."""
    forward = [NEG] * (size + 1)
    back: list[tuple[int, str] | None] = [None] * (size + 1)
    forward[0] = 0.0
    for position in range(size):  # forward[position] is final: every word ending here started earlier
        here = forward[position]
        char, score = best_single[position]
        total = here + score
        if total > forward[position + 1]:
            forward[position + 1], back[position + 1] = total, (position, char)
        for length, word, score in starting[position]:
            total = here + score
            if total > forward[position + length]:
                forward[position + length], back[position + length] = total, (position, word)
    backward = [NEG] * (size + 1)
    backward[size] = 0.0
    for position in range(size - 1, -1, -1):
        best = best_single[position][1] + backward[position + 1]
        for length, _, score in starting[position]:
            if score + backward[position + length] > best:
                best = score + backward[position + length]
        backward[position] = best
    return forward, backward, back


def _path(back: list[tuple[int, str] | None], size: int) -> str:
    """Follow back-pointers (start, text) from the end of the window."""
    pieces: list[str] = []
    position = size
    while position > 0:
        step = back[position]
        assert step is not None, "every position has a single-character edge"
        position, text = step
        pieces.append(text)
    return "".join(reversed(pieces))


def _marginals(singles: list[list[tuple[str, float]]], starting: list[list[tuple[int, str, float]]],
               forward: list[float], backward: list[float], targets: Sequence[int],
               ) -> dict[int, list[tuple[str, float]]]:
    """For each target position, each character's best total score over the paths that choose it."""
    size = len(singles)
    best: list[dict[str, float] | None] = [None] * size
    for position in targets:
        outside = forward[position] + backward[position + 1]
        best[position] = {char: outside + score for char, score in singles[position]}
    for start in range(size):
        for length, word, score in starting[start]:
            total = None
            end = start + length
            for position in range(start, end):
                seen = best[position]
                if seen is None:
                    continue
                if total is None:
                    total = forward[start] + score + backward[end]
                char = word[position - start]
                if total > seen.get(char, NEG):
                    seen[char] = total
    return {position: sorted(best[position].items(), key=_score, reverse=True) for position in targets}


def confidence(ranked: list[tuple[str, float]]) -> float:
    """Share of the winner in a softmax over max-marginal scores (1.0 when unopposed).

    >>> round(confidence([("a", 0.0), ("b", -math.log(3))]), 2)
    0.75
    """
    top = ranked[0][1]
    return 1.0 / sum([exp(score - top) for _, score in ranked])
