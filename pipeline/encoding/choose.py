"""Choose characters for the damaged slots of a line: windows of slots over the word lattice
(`lattice.choose_prepared`), with the per-model caches of prepared positions that keep it fast."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import product

from pipeline.encoding import hangul, language
from pipeline.encoding.config import RepairConfig
from pipeline.encoding.cut import Line, Slot
from pipeline.encoding.lattice import Prepared, choose_prepared, prepare, with_alone
from pipeline.encoding.words import MIN_ZIPF, word_zipf

CONTEXT_WEIGHT = 1.0  # of the part-of-speech context of one-character readings (bench/repair_eval.py)


def choose(cut: Line, config: RepairConfig, cache: dict[tuple, tuple],
           method: str = "lost_byte") -> list[tuple]:
    """Run the lattice over each window of damaged slots and turn the winners into changes (slots
    of Hangul candidates are Korean's: `hangul.choose_hangul` reads them or leaves them).

    `cache` holds windows already searched in this document (repeated phrases such as 推荐系统
    are searched once); it is per document so a run's speed never depends on earlier inputs. It
    also interns the runner-up tuples of the log (keyed by themselves: strings only, where a
    window's key holds an int): a dense document logs ~10 000 of them, ~700 distinct, and every one
    kept is one more object for the garbage collector to walk."""
    changes, korean = hangul.choose_hangul(cut, config.hangul_min_confidence, config.max_alternatives, method)
    slots = [slot for slot in cut.slots if slot.position not in korean] if korean else cut.slots
    if not slots:
        return changes
    source, max_length = config.word_source, config.max_word_length
    model = language.word_model(source, max_length)
    fixed = _fixed_positions(source, max_length)
    chars = cut.chars
    size = len(chars)
    slot_at: list[Slot | None] = [None] * size
    masked = list(chars)
    for position in korean:  # one character per position: a Hangul slot left as it was, its first
        masked[position] = chars[position][0]
    for slot in slots:
        slot_at[slot.position] = slot
        masked[slot.position] = "\0"
    flat = "".join(masked)  # the line with every damaged slot as one NUL (same indices as cut.chars)
    scorer: list[Callable[[str], float]] = []  # the line's single scorer, made when first needed

    def single(char: str) -> float:
        if not scorer:  # only a non-Han option needs the line's letters
            scorer.append(_single_scorer(source, max_length, _accented_letters(cut)))
        return scorer[0](char)

    append = changes.append
    weight, keep = CONTEXT_WEIGHT, config.max_alternatives
    cjk_prepared, in_context = _cjk_prepared, _cjk_in_context
    for match in _window_re(max_length).finditer(flat):  # see `_windows`
        start, end = match.span()
        window = slot_at[start:end]
        targets = [offset for offset, slot in enumerate(window) if slot is not None]
        # a slot of Han candidates only is prepared once per candidate list (None: it is not)
        han = [cjk_prepared(window[offset].options, source, max_length) for offset in targets]
        key = None
        chosen = None
        left = masked[start - 1] if start and slot_at[start - 1] is None else ""
        right = masked[end] if end < size and slot_at[end] is None else ""
        if None not in han:
            # every slot has Han candidates alone (no line-dependent score) and the fixed characters
            # are Han (windows reach over nothing else), so the search depends only on the window's
            # characters and the fixed characters just outside it (the context of an edge slot)
            key = (source, max_length, tuple(targets), left, right, *chars[start:end])
            chosen = cache.get(key)
        if chosen is None:
            # fixed characters (Han: prepared once per model) and None for the slots, filled below
            positions: list[Prepared] = [fixed[char] if slot is None else None
                                         for char, slot in zip(chars[start:end], window)]
            if positions.count(None) > len(targets):  # a fixed character that is not Han
                for offset, slot in enumerate(window):
                    if slot is None and positions[offset] is None:
                        positions[offset] = prepare([(chars[start + offset], 0.0)], model, single)
            for offset, prepared in zip(targets, han):
                index = start + offset
                slot = window[offset]
                before = (left if offset == 0 else "" if window[offset - 1] is not None
                          else masked[index - 1])
                after = (right if index == end - 1 else "" if window[offset + 1] is not None
                         else masked[index + 1])
                if prepared is None:
                    prepared = _mixed_position(slot, before, after, flat, index, model, single)
                if weight and (before or after):
                    if prepared[5] is not None:  # Han candidates: cached with their context
                        prepared = in_context(slot.options, before, after, weight, source, max_length)
                    else:
                        prepared = with_alone(prepared, _slot_context(before, slot.options, after, weight))
                positions[offset] = prepared
            _, chosen = choose_prepared(positions, max_length, targets, keep)
            if key is not None:
                cache[key] = chosen
        for offset, (char, certainty, alternatives) in zip(targets, chosen):
            slot = window[offset]
            chars[start + offset] = char
            if char != slot.before:  # else read as legitimate text after all
                if alternatives:  # one tuple per distinct list of runner-ups: fewer objects to keep
                    alternatives = cache.setdefault(alternatives, alternatives)
                append((slot.column, slot.before, char, method, certainty, alternatives))
    return changes


MAX_WORD_SLOTS = 3  # guessed letters per word the dictionary re-check tries combinations of
WORD_OPTIONS = 5  # candidates per guessed letter it tries


def dictionary_checked(cut: Line, changes: list[tuple]) -> list[tuple]:
    """Guessed letters re-checked word by word against wordfreq: where the chosen letters make a
    word no language knows and other candidates make one it does, the known word wins ("Ä" that
    lost its byte is č by the letters, but "DienvidÄfrika" is Dienvidāfrika, a Latvian word).
    Letters only: the Chinese lattice already reads words. `cut.chars` holds the chosen letters."""
    if not any(change[2].isalpha() and not language.is_cjk(change[2]) for change in changes):
        return changes  # Han and punctuation guesses only (the common case of a Chinese line)
    slot_of = {slot.position: slot for slot in cut.slots}
    by_column = {change[0]: index for index, change in enumerate(changes)}
    chars = cut.chars
    for start, end in _latin_words(chars, sorted(slot_of)):
        slots = [slot_of[position] for position in range(start, end) if position in slot_of]
        if not slots or len(slots) > MAX_WORD_SLOTS or not any(slot.column in by_column for slot in slots):
            continue
        best = _known_reading(chars, start, end, slots)
        if best is None:
            continue
        for slot, char in zip(slots, best):
            if char == chars[slot.position]:
                continue
            chars[slot.position] = char
            index = by_column.get(slot.column)
            rest = tuple(option for option in slot.options if option not in (char, slot.before))[:3]
            change = (slot.column, slot.before, char, changes[index][3] if index is not None else
                      changes[0][3], WORDS_CONFIDENCE, rest)
            if index is None:
                by_column[slot.column] = len(changes)
                changes.append(change)
            else:
                changes[index] = change
    changes.sort(key=lambda change: change[0])
    return [change for change in changes if change[2] != change[1]]


WORDS_CONFIDENCE = 0.9
"""Confidence of a guess the dictionary re-check chose (bench/REPAIR_RESULTS.md, calibration)."""


def _latin_words(chars: list[str], positions: list[int]) -> list[tuple[int, int]]:
    """Spans of the words (runs of letters outside Han; a damaged slot kept as itself may hold
    several characters) that hold one of the sorted `positions`."""
    def letter(char: str) -> bool:
        return char.isalpha() and not any(language.is_cjk(c) for c in char)

    spans: list[tuple[int, int]] = []
    for position in positions:
        if spans and position < spans[-1][1] or not letter(chars[position]):
            continue
        start = end = position
        while start > 0 and letter(chars[start - 1]):
            start -= 1
        while end + 1 < len(chars) and letter(chars[end + 1]):
            end += 1
        spans.append((start, end + 1))
    return spans


def _known_reading(chars: list[str], start: int, end: int, slots: list[Slot]) -> tuple[str, ...] | None:
    """The slots' letters making the likeliest known word (at least `words.MIN_ZIPF`), or None
    when the chosen letters already make a known word or no combination does."""
    chosen = tuple(chars[slot.position] for slot in slots)
    known = word_zipf("".join(chars[start:end]))
    if known >= MIN_ZIPF:
        return None
    choices = [[chars[slot.position]] + [c for c in slot.options if c.isalpha() and len(c) == 1
                                         and c != chars[slot.position]][:WORD_OPTIONS - 1] for slot in slots]
    word = chars[start:end]
    best, best_zipf = None, max(known, MIN_ZIPF - 1e-9)
    for combination in product(*choices):
        for slot, char in zip(slots, combination):
            word[slot.position - start] = char
        zipf = word_zipf("".join(word))
        if zipf > best_zipf:
            best, best_zipf = combination, zipf
    return best if best != chosen else None


def _mixed_position(slot: Slot, before: str, after: str, flat: str, index: int,
                    model: language.WordModel, single: Callable[[str], float]) -> Prepared:
    """A slot with a candidate that is not Han: each candidate with its context score from the
    line (`language.context_bonus`: letter case, bracket pairing, joiners)."""
    options = [(char, 0.0 if language.is_cjk(char) else
                language.context_bonus(char, before, after, flat, index)) for char in slot.options]
    return prepare(options, model, single)


@lru_cache(maxsize=65_536)
def _slot_context(before: str, options: tuple[str, ...], after: str, weight: float) -> dict[str, float]:
    """Context scores of a slot's Han options between two fixed neighbours (shared: do not mutate)."""
    return {char: weight * language.single_word_context(before, char, after)
            for char in options if language.is_cjk(char)}


class _SingleScores(dict):
    """Log-score of a character read as a word of its own, computed on first use (a dict: fast)."""

    def __init__(self, model: language.WordModel, letters: dict[str, float]) -> None:
        super().__init__()
        self.model, self.letters = model, letters

    def __missing__(self, char: str) -> float:
        self[char] = score = _single(char, self.model, self.letters)
        return score


@lru_cache(maxsize=256)
def _single_scorer(source: str, max_length: int, accented: str) -> Callable[[str], float]:
    """A cached single-character scorer per word model and per line language hint."""
    scores = _SingleScores(language.word_model(source, max_length), language.letter_prior(accented))
    return scores.__getitem__


@lru_cache(maxsize=65_536)
def _cjk_options(options: tuple[str, ...], source: str, max_length: int) -> list[tuple[str, float]] | None:
    """Options of a slot whose candidates are all Han characters (no context score needed), without
    those the word model has never seen in any word: such a character can only win if every other
    candidate is unknown too, so they are dropped unless all are. None when a candidate is not Han."""
    if not all(language.is_cjk(char) for char in options):
        return None
    best_use = language.char_best_use(source, max_length)
    known = [char for char in options if char in best_use] or list(options)
    return [(char, 0.0) for char in known]


def _accented_letters(cut: Line) -> str:
    """The non-ASCII letters already decoded on the line: they hint at its language."""
    damaged = {slot.position for slot in cut.slots}
    return "".join(c for i, c in enumerate(cut.chars) if len(c) == 1 and c.isalpha()
                   and not c.isascii() and i not in damaged and not language.is_cjk(c))[:40]


def _windows(cut: Line, reach: int, flat: str) -> list[tuple[int, int]]:
    """Spans of positions around damaged slots, reaching up to `reach - 1` Han characters out
    (`flat`: the line with damaged slots as NUL, see `_choose`); spans that touch are merged.

    >>> _windows(Line([], [], []), 4, "ab中文\\0字\\0一二三四五六七\\0")
    [(2, 10), (11, 15)]
    """
    return [match.span() for match in _window_re(reach).finditer(flat)]


@lru_cache(maxsize=8)
def _window_re(reach: int) -> re.Pattern[str]:
    """Up to `reach - 1` Han characters, a damaged slot (NUL), then further slots at most
    2 (reach - 1) Han characters apart, and up to `reach - 1` Han characters: one merged span
    (the leftmost match is the one that starts as far left as the reach allows)."""
    han = language.CJK_RE.pattern[:-1]  # the character class, without its '+'
    out = max(reach - 1, 0)
    return re.compile(f"{han}{{0,{out}}}\0(?:{han}{{0,{2 * out}}}\0)*{han}{{0,{out}}}")


class _FixedPositions(dict):
    """Prepared one-option positions of Han characters, computed on first use (None for other
    characters: their single score depends on the line's letters)."""

    def __init__(self, model: language.WordModel) -> None:
        super().__init__()
        self.model = model
        self.single = _SingleScores(model, {}).__getitem__  # Han characters do not use the letters

    def __missing__(self, char: str) -> Prepared | None:
        self[char] = prepared = prepare([(char, 0.0)], self.model, self.single, char) \
            if language.is_cjk(char) else None
        return prepared


@lru_cache(maxsize=8)
def _fixed_positions(source: str, max_length: int) -> _FixedPositions:
    """The cache of prepared fixed positions per word model."""
    return _FixedPositions(language.word_model(source, max_length))


@lru_cache(maxsize=65_536)
def _cjk_prepared(options: tuple[str, ...], source: str, max_length: int) -> Prepared | None:
    """A damaged slot whose candidates are all Han (`_cjk_options`), prepared for the search; None
    when a candidate is not Han."""
    cjk = _cjk_options(options, source, max_length)
    if cjk is None:
        return None
    model = language.word_model(source, max_length)
    return prepare(cjk, model, _fixed_positions(source, max_length).single, tuple(c for c, _ in cjk))


@lru_cache(maxsize=65_536)
def _cjk_in_context(options: tuple[str, ...], before: str, after: str, weight: float, source: str,
                    max_length: int) -> Prepared:
    """`_cjk_prepared` with the context scores of its options between two fixed neighbours."""
    return with_alone(_cjk_prepared(options, source, max_length),
                      _slot_context(before, options, after, weight))


def _single(char: str, model: language.WordModel, letters: dict[str, float]) -> float:
    """Log-score of a character read as a word of its own."""
    entry = model.trie.get(char)
    if entry is not None and entry[0] is not None:
        return entry[0]
    if language.is_cjk(char):
        return language.FLOOR
    return language.char_prior(char, letters)

