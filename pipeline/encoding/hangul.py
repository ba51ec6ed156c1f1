"""Korean: choose Hangul syllables for damaged slots with a syllable model, and only where the line
is Korean.

A Hangul syllable is three UTF-8 bytes (EA-ED lead); when one is lost, a dozen syllables fit the
two left, and a Chinese word model knows none of them. The model here is a syllable model from
wordfreq's Korean list, which is split into morphemes (시스템 and 을 are separate tokens): within a
token P(c | a b) and P(c | b) are counted, across tokens it is P(the token ends) x P(c starts one),
so 시스템을 is explained although the list never has it; the triple model is trusted by how many
tokens show its pair (시그널, not 시그도). A run of Hangul (fixed syllables and damaged slots) is
searched jointly (Viterbi over syllable pairs, max-marginals for the confidence).

The gate: "Brontë…" re-encodes to a Hangul lead with one continuation, exactly the shape of a
syllable that lost a byte. A Hangul reading is therefore kept only on a line that already holds
Hangul besides the damaged slots (exact re-decodings or clean syllables) and only when the model
prefers it clearly (`RepairConfig.hangul_min_confidence`); otherwise the text is left as it is.
"""

from __future__ import annotations

import marshal
import math
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ftfy.badness import is_bad

if TYPE_CHECKING:
    from pipeline.encoding.cut import Line

TABLE_PATH = Path(__file__).with_name("ko_syllables.marshal.zlib")
TABLE_FORMAT = "ko-syllable-model/2"
HANGUL_LEAD_BLOCK = ("\ua000", "\ud7ff")  # what EA-ED leads decode to: Hangul, Yi, jamo extensions
UNIGRAM_SHARE = 0.01  # of the unigram in every transition (smoothing for pairs the list never shows)
FLOOR = math.log(1e-9)
START, END = "^", "$"


def is_syllable(char: str) -> bool:
    """A precomposed Hangul syllable (U+AC00-U+D7A3)."""
    return len(char) == 1 and "\uac00" <= char <= "\ud7a3"


def build_table(frequencies: dict[str, float]) -> dict:
    """Syllable statistics of a Korean token list (token -> frequency): per syllable its share of
    all syllables (`unigram`), of token starts (`start`), how often a token ends after it (`end`);
    per pair "ab" how often b follows a inside a token relative to a's count (`within`); and for the
    triple model, per pair "ab" (a may be START: the token starts with b) how often it occurs
    (`pair`), ends a token (`pair_end`) and in how many distinct tokens (`types`), and per triple
    "abc" how often it occurs inside a token (`tri`; these relative to the whole list)."""
    count: dict[str, float] = {}
    end: dict[str, float] = {}
    pair: dict[str, float] = {}
    pair_end: dict[str, float] = {}
    tri: dict[str, float] = {}
    types: dict[str, int] = {}
    for token, frequency in frequencies.items():
        if not token or not all(map(is_syllable, token)):
            continue
        padded = START + token
        end[token[-1]] = end.get(token[-1], 0.0) + frequency
        pair_end[padded[-2:]] = pair_end.get(padded[-2:], 0.0) + frequency
        for index in range(1, len(padded)):
            count[padded[index]] = count.get(padded[index], 0.0) + frequency
            key = padded[index - 1:index + 1]
            pair[key] = pair.get(key, 0.0) + frequency
            if padded.find(key) == index - 1:  # the pair's first occurrence in this token
                types[key] = types.get(key, 0) + 1
            if index >= 2:
                tri[padded[index - 2:index + 1]] = tri.get(padded[index - 2:index + 1], 0.0) + frequency
    total, starts, scale = sum(count.values()), sum(end.values()), 1.0 / sum(frequencies.values())
    return {"format": TABLE_FORMAT,
            "unigram": {char: round(value / total, 12) for char, value in count.items()},
            "start": {key[1]: round(value / starts, 12) for key, value in pair.items() if key[0] == START},
            "end": {char: round(value / count[char], 6) for char, value in end.items()},
            "within": {key: round(value / count[key[0]], 6) for key, value in pair.items() if key[0] != START},
            "pair": {key: round(value * scale, 12) for key, value in pair.items()},
            "pair_end": {key: round(value * scale, 12) for key, value in pair_end.items()},
            "tri": {key: round(value * scale, 12) for key, value in tri.items()}, "types": types}


def write_table(table: dict, path: Path | None = None) -> int:
    """Store the table (bench/build_char_prior.py); returns its size in bytes."""
    data = zlib.compress(marshal.dumps(table), 9)
    (path or TABLE_PATH).write_bytes(data)
    return len(data)


@lru_cache(maxsize=1)
def table() -> dict:
    """The shipped table, or one built from wordfreq's Korean list when it is missing or stale."""
    try:
        loaded = marshal.loads(zlib.decompress(TABLE_PATH.read_bytes()))
        if isinstance(loaded, dict) and loaded.get("format") == TABLE_FORMAT:
            return loaded
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        pass
    import wordfreq

    return build_table(wordfreq.get_frequency_dict("ko", "best"))


@lru_cache(maxsize=262_144)
def transition(before: str, after: str) -> float:
    """log P(after | before), where `before` may be START and `after` END (a token boundary that
    is not inside the run: a space, punctuation, a Latin word).

    >>> transition("시", "스") > transition("시", "쁞")
    True
    >>> transition("템", "을") > transition("템", "흃")
    True
    """
    model = table()
    unigram = model["unigram"]
    if after == END:
        return math.log(model["end"].get(before, 0.0) * (1 - UNIGRAM_SHARE) + UNIGRAM_SHARE) \
            if before != START else 0.0
    if before == START:
        p = model["start"].get(after, 0.0)
    else:
        p = model["within"].get(before + after, 0.0) + model["end"].get(before, 0.0) * model["start"].get(after, 0.0)
    p = (1 - UNIGRAM_SHARE) * p + UNIGRAM_SHARE * unigram.get(after, 0.0)
    return math.log(p) if p > 0 else FLOOR


TRIPLE_TRUST = 2.0
"""How much the triple model is trusted after a pair seen in n distinct tokens: n / (n + this)."""


@lru_cache(maxsize=262_144)
def transition3(first: str, before: str, after: str) -> float:
    """log P(after | first, before): the triple model (inside a token, or the token ends after
    `before` and the next starts with `after`) where the pair (first, before) is known, mixed with
    `transition` by how many tokens show the pair. `first` is '' when unknown.

    >>> transition3("시", "그", "널") > transition3("시", "그", "도")
    True
    """
    model = table()
    key = first + before
    seen = model["types"].get(key, 0) if first else 0
    backoff = transition(before, after)
    if not seen:
        return backoff
    share = seen / (seen + TRIPLE_TRUST)
    count = model["pair"][key]
    ends = model["pair_end"].get(key, 0.0) / count
    if after == END:
        p = ends
    else:
        p = model["tri"].get(key + after, 0.0) / count + ends * model["start"].get(after, 0.0)
    mixed = share * p + (1 - share) * math.exp(backoff)
    return math.log(mixed) if mixed > 0 else FLOOR


def hangul_options(options: Sequence[str]) -> tuple[str, ...]:
    """The syllables among a damaged slot's candidates when all of them are what a Hangul lead
    decodes to (so the slot is Korean or nothing), else ()."""
    low, high = HANGUL_LEAD_BLOCK
    if not options or not all(len(char) == 1 and low <= char <= high for char in options):
        return ()
    return tuple(char for char in options if is_syllable(char))


def best_run(options: Sequence[Sequence[str]]) -> tuple[str, list[dict[str, float]]]:
    """The likeliest string of a run of positions (each a list of syllables; a fixed one has one)
    between token boundaries, and per position every option's max-marginal log-score (a Viterbi
    over pairs of neighbouring syllables: the model looks two syllables back).

    >>> text, marginals = best_run([["시"], ["스", "쁞"], ["템"]])
    >>> text, max(marginals[1], key=marginals[1].get)
    ('시스템', '스')
    """
    size = len(options)
    # forward[i][(b, c)]: best score of the first i + 1 positions ending in b, c (b = START at 0)
    forward: list[dict[tuple[str, str], tuple[float, str]]] = [
        {(START, char): (transition(START, char), "") for char in options[0]}]
    for index in range(1, size):
        scores: dict[tuple[str, str], tuple[float, str]] = {}
        for (first, before), (score, _) in forward[-1].items():
            for char in options[index]:
                total = score + transition3(first, before, char)
                if (before, char) not in scores or total > scores[(before, char)][0]:
                    scores[(before, char)] = (total, first)
        forward.append(scores)
    backward: list[dict[tuple[str, str], float]] = [{} for _ in range(size)]
    backward[-1] = {state: transition3(*state, END) for state in forward[-1]}
    for index in range(size - 2, -1, -1):
        backward[index] = {(first, before): max(transition3(first, before, char) + backward[index + 1][(before, char)]
                                                for char in options[index + 1])
                           for first, before in forward[index]}
    marginals: list[dict[str, float]] = []
    for index in range(size):
        best: dict[str, float] = {}
        for state, (score, _) in forward[index].items():
            total = score + backward[index][state]
            if total > best.get(state[1], -math.inf):
                best[state[1]] = total
        marginals.append(best)
    state = max(forward[-1], key=lambda key: forward[-1][key][0] + backward[-1][key])
    chars = [state[1]]
    for index in range(size - 1, 0, -1):
        first = forward[index][state][1]
        chars.append(state[0])
        state = (first, state[0])
    return "".join(reversed(chars)), marginals


def choose_hangul(cut: Line, min_confidence: float, keep: int, method: str) -> tuple[list[tuple], set[int]]:
    """Readings for the damaged slots of `cut` whose candidates are Hangul, as changes (column,
    before, after, method, confidence, alternatives), and the positions of all such slots (the
    lattice leaves them alone: a slot not changed here keeps its text).

    Runs of Hangul (fixed syllables and damaged slots side by side) are searched jointly; a
    reading is kept only on a line with Hangul besides the slots, at `min_confidence` or more, and
    not for a lone slot glued to a letter of another script that reads as Latin text
    (`_glued_to_other_letter`: in "Brontë… 한국어" ë… stays).
    """
    low, high = HANGUL_LEAD_BLOCK
    candidates = {slot.position: (slot, options) for slot in cut.slots  # first option: a cheap test
                  if low <= slot.options[0] <= high and (options := hangul_options(slot.options))}
    if not candidates:
        return [], set()
    chars = cut.chars
    damaged = {slot.position for slot in cut.slots}
    if not any(is_syllable(char) for index, char in enumerate(chars) if index not in damaged):
        return [], set(candidates)  # no Korean on the line: "Brontë…" stays
    changes: list[tuple] = []
    for run in _runs(chars, candidates):
        if len(run) == 1 and _glued_to_other_letter(chars, run[0]):
            continue  # "Brontë…s": a lone syllable inside a Latin word is a Latin word
        text, marginals = best_run([candidates[index][1] if index in candidates else (chars[index],)
                                    for index in run])
        for offset, index in enumerate(run):
            if index not in candidates:
                continue
            slot, char = candidates[index][0], text[offset]
            ranked = sorted(marginals[offset].items(), key=lambda item: item[1], reverse=True)
            top = ranked[0][1]
            confidence = 1.0 / sum(math.exp(score - top) for _, score in ranked)
            if char != ranked[0][0] or confidence < min_confidence:
                continue  # not clearly Korean: left as it is
            chars[index] = char
            alternatives = tuple(other for other, _ in ranked[1:keep + 1])
            changes.append((slot.column, slot.before, char, method, round(confidence, 4), alternatives))
    return changes, set(candidates)


def _glued_to_other_letter(chars: Sequence[str], index: int) -> bool:
    """The damaged text at position `index` touches a letter (of another script) and ftfy's badness
    heuristics see nothing odd in it with its neighbours: "Brontë…" reads as Latin text, while
    "TIMEOUTì€" (TIMEOUT은: a Korean particle after an English word) does not."""
    before = chars[index - 1][-1] if index else ""
    after = chars[index + 1][0] if index + 1 < len(chars) else ""
    return (before.isalpha() or after.isalpha()) and not is_bad(before + chars[index] + after)


def _runs(chars: Sequence[str], candidates: dict) -> list[list[int]]:
    """Maximal stretches of positions that are damaged Hangul slots or fixed syllables, each with
    at least one slot."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, char in enumerate(chars):
        if index in candidates or is_syllable(char):
            current.append(index)
            continue
        if any(position in candidates for position in current):
            runs.append(current)
        current = []
    if any(position in candidates for position in current):
        runs.append(current)
    return runs


def unigram(char: str) -> float:
    """log P(char) among Korean syllables (FLOOR for one the list never shows)."""
    p = table()["unigram"].get(char, 0.0)
    return math.log(p) if p > 0 else FLOOR


COMMON_SYLLABLE_LOGP = math.log(1e-6)
"""A syllable is common when it is at least this frequent among the syllables of wordfreq's list."""


def common_redecoding(line: str, column: int, before: str, after: str,
                      changed: frozenset[int] | set[int] = frozenset()) -> bool:
    """An exact re-decoding (`before` at 1-based `column` of `line` -> `after`) into common Hangul
    syllables only, with no letter of another script right beside it (a neighbour at an index in
    `changed` is mojibake being repaired, not a letter): ftfy's badness sees nothing odd in "ê°’"
    (값), and "Brontë…”" (녔 after a Latin letter) must stay.

    >>> common_redecoding("기본 ê°’", 4, "ê°’", "값"), common_redecoding("Brontë…”", 6, "ë…”", "녔")
    (True, False)
    """
    if not after or not all(is_syllable(char) and unigram(char) >= COMMON_SYLLABLE_LOGP for char in after):
        return False
    start, end = column - 1, column - 1 + len(before)
    neighbours = [index for index in (start - 1, end) if 0 <= index < len(line) and index not in changed]
    return not any(line[index].isalpha() and not is_syllable(line[index]) for index in neighbours)
