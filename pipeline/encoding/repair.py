"""The repair stage: mojibake in, UTF-8 text and a log of every change (with confidence) out.

Per document: profile the damage (code page, lost bytes) once. Per line: a line with no
UTF-8-shaped stretch passes through untouched (fast path). Otherwise each run of code-page
characters is cut into UTF-8 units; intact units are re-decoded exactly (method 'ftfy': the
lossless fix ftfy itself would make), short units get candidate characters and a lattice over each
window of damaged positions picks them (method 'lost_byte').
"""

from __future__ import annotations

import codecs
import gc
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import itemgetter

import ftfy
import polars as pl
from ftfy.badness import is_bad

from pipeline.encoding import language
from pipeline.encoding.codepages import CodePage, MojibakeProfile, codepage, detect_mojibake
from pipeline.encoding.config import FTFY_SAFE_CONFIG, LOW_CONFIDENCE_BELOW, RepairConfig
from pipeline.encoding.lattice import Prepared, choose_prepared, prepare, with_alone
from pipeline.encoding.units import candidates, sequence_length, split_units
from schemas.contracts import conform

SURROGATE_RE = re.compile("[\udc80-\udcff]")
SEGMENT_RE = re.compile("[\udc80-\udcff]+|[^\udc80-\udcff]+")
MAX_CANDIDATES = 16  # per damaged character, by frequency alone (the lattice sees these)
CONTEXT_WEIGHT = 1.0  # of the part-of-speech context of one-character readings (bench/repair_eval.py)
STRONG_DOCUMENT_UNITS = 50  # intact sequences after which every line of the document is suspect


@dataclass(frozen=True, slots=True)
class TextRepair:
    """One change to the raw text: where (1-based line and column in the original), what, how sure.

    Slotted, with the runner-ups as a tuple (shared between changes, the empty one by all exact
    re-decodings): a dense document logs tens of thousands of changes, and each object the log holds
    is walked by the garbage collector's next collection."""

    source_file: str
    line: int
    column: int
    before: str
    after: str
    method: str  # 'ftfy' (lossless re-decoding) or 'lost_byte' (guessed lost bytes)
    confidence: float
    alternatives: tuple[str, ...] = ()  # runner-up characters, best first

    @property
    def low_confidence(self) -> bool:
        """True for a guess worth a human look (below `LOW_CONFIDENCE_BELOW`)."""
        return self.confidence < LOW_CONFIDENCE_BELOW


@dataclass(frozen=True)
class RepairResult:
    """The repaired text, every change made, and the damage profile that drove them."""

    text: str
    repairs: list[TextRepair]
    profile: MojibakeProfile | None = None
    config: RepairConfig = RepairConfig()

    def low_confidence(self) -> list[TextRepair]:
        """The guesses below the configured threshold, least confident first."""
        shaky = [r for r in self.repairs if r.confidence < self.config.low_confidence_below]
        return sorted(shaky, key=lambda r: r.confidence)


@dataclass(slots=True)
class _Slot:
    """A damaged character of a line: where it was and what it may have been."""

    position: int  # index into the decoded line
    column: int  # 1-based column in the original line
    before: str
    options: tuple[str, ...]


@dataclass(slots=True)
class _Line:
    """A line cut into decoded characters, with its damaged slots and its exact re-decodings."""

    chars: list[str]
    slots: list[_Slot]
    exact: list[tuple[int, str, str]]  # (column, before, after)


def repair_text(text: str, *, source_file: str = "<stdin>",
                config: RepairConfig = RepairConfig()) -> RepairResult:
    """Repair mojibake (with lost bytes) in `text`; clean text comes back unchanged.

    >>> repair_text("VojtÄ›ch VanÄura and â€œKordÃkâ€").text
    'Vojtěch Vančura and “Kordík”'
    >>> repair_text("中文（测试），“引号”’").text
    '中文（测试），“引号”’'
    """
    profile = detect_mojibake(text, config.codepages, config.lost_bytes,
                              config.absent_byte_min_continuations, config.min_units)
    if profile is None:
        return RepairResult(text, [], None, config)
    page = codepage(profile.codepage)
    strong = profile.shaped_chars >= STRONG_DOCUMENT_UNITS
    lines = text.split("\n")
    repairs: list[TextRepair] = []
    solved: dict[tuple, tuple] = {}  # windows searched in this document, by content
    with _COLLECTOR_PAUSED:
        for index, line in enumerate(lines):
            if line.isascii() or not page.shape_re.search(line) and not (strong and _lone_lead(line, page)):
                continue
            lines[index], changes = repair_line(line, page, profile, config, strong, solved)
            repairs.extend(_logged(source_file, index + 1, changes))
        solved.clear()  # freed before the collector resumes: it need not walk the cache
    return RepairResult("\n".join(lines), repairs, profile, config)


_CHANGE_FIELDS = ("column", "before", "after", "method", "confidence", "alternatives")
assert tuple(f.name for f in fields(TextRepair)) == ("source_file", "line", *_CHANGE_FIELDS)


_SET_SOURCE, _SET_LINE, *_SET_CHANGE = (TextRepair.__dict__[name].__set__
                                         for name in ("source_file", "line", *_CHANGE_FIELDS))


def _logged(source_file: str, line: int, changes: list[tuple]) -> list[TextRepair]:
    """`TextRepair(source_file, line, *change)` for each change, without the generated __init__ of
    a frozen dataclass (one `object.__setattr__` per field, twice as slow; a dense document logs
    tens of thousands of changes): the slots' own setters fill a bare instance. The assertion
    above keeps the field list in step with the class."""
    made = []
    append = made.append
    new = object.__new__
    set_source, set_line = _SET_SOURCE, _SET_LINE
    set_column, set_before, set_after, set_method, set_confidence, set_alternatives = _SET_CHANGE
    for column, before, after, method, confidence, alternatives in changes:
        repair = new(TextRepair)
        set_source(repair, source_file)
        set_line(repair, line)
        set_column(repair, column)
        set_before(repair, before)
        set_after(repair, after)
        set_method(repair, method)
        set_confidence(repair, confidence)
        set_alternatives(repair, alternatives)
        append(repair)
    return made


class _PausedCollector:
    """Pause Python's cyclic garbage collector while repairs run (re-entrant and thread-safe:
    the first caller in pauses it if it was running, the last one out restores it).

    Repairing dense damage allocates hundreds of thousands of short-lived tuples and lists
    (lattice edges, candidate scores); none form reference cycles, so reference counting frees
    them all, but their sheer number triggers a hundred or so collections per document that find
    nothing, ~15 % of the repair time (measured on bench/repair_eval.py's dense Chinese input).
    Cycles anyone creates meanwhile are collected at the first collection after the pause.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._restore = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._restore:
                gc.enable()


_COLLECTOR_PAUSED = _PausedCollector()


def repair_line(line: str, page: CodePage, profile: MojibakeProfile, config: RepairConfig,
                strong: bool = False, solved: dict[tuple, tuple] | None = None) -> tuple[str, list[tuple]]:
    """Repair one line; returns it and its changes as (column, before, after, method, conf, alts)."""
    cut = _cut_line(line, page, profile, strong)
    changes: list[tuple] = [(col, before, after, "ftfy", 1.0, ()) for col, before, after in cut.exact]
    if cut.slots:  # the exact re-decodings are in column order already; the guesses go between
        guesses = _choose(cut, config, {} if solved is None else solved)
        if guesses:
            changes.extend(guesses)
            changes.sort(key=itemgetter(0))
    repaired = "".join(cut.chars)
    if not changes and config.use_ftfy_fallback and is_bad(line):
        return _ftfy_fallback(line)
    return repaired, changes


def _lone_lead(line: str, page: CodePage) -> bool:
    """A 2-byte lead letter touching a letter ("KordÃk"): it may have lost its only continuation."""
    return any(_touches_letter(line, i) for i, c in enumerate(line)
               if 0xC2 <= page.byte_of.get(c, 0) <= 0xDF and c.isalpha())


def _cut_line(line: str, page: CodePage, profile: MojibakeProfile, strong: bool) -> _Line:
    """Split the line into fixed characters and damaged slots."""
    out = _Line([], [], [])
    previous = 0
    runs = list(page.run_re.finditer(line))
    evidence = strong or any(page.intact_re.search(run.group()) for run in runs)
    for run in runs:
        out.chars.extend(line[previous:run.start()])
        _cut_run(line, run.start(), run.group(), page, profile, evidence, out, strong)
        previous = run.end()
    out.chars.extend(line[previous:])
    return out


def _cut_run(line: str, offset: int, run: str, page: CodePage, profile: MojibakeProfile,
             evidence: bool, out: _Line, strong: bool) -> None:
    """Decode one run of code-page characters into `out`.

    The run is re-encoded and decoded as UTF-8 in one C-level call ('surrogateescape' marks every
    byte that is not part of a well-formed sequence); only those stretches are cut into units.
    """
    data = _encoder(page.name)(run)
    decoded = data.decode("utf-8", "surrogateescape")
    chars, slots = out.chars, out.slots
    if not SURROGATE_RE.search(decoded):  # the common case: the whole run re-decodes exactly
        _add_exact(out, offset + 1, run, decoded)
        return
    segments: list[tuple[int, int, str, tuple]] = []  # (byte offset, byte length, decoded text or '', units)
    position = 0
    intact = shaped = False
    for piece in SEGMENT_RE.findall(decoded):
        if "\udc80" <= piece[0] <= "\udcff":
            length = len(piece)
            units, long_short = _damaged_units(data[position:position + length])
            shaped = shaped or long_short
            segments.append((position, length, "", units))
        else:
            intact = True
            length = len(piece.encode("utf-8"))
            segments.append((position, length, piece, ()))
        position += length
    shaped = shaped or intact
    plain = not intact and _plain_run(line, offset, run)
    lost = profile.lost_bytes
    # the common case of dense damage: every short unit simply gets its likeliest candidates
    simple = shaped and evidence and not plain
    for start, length, text, units in segments:
        if text:  # an exact re-decoding, merged with the previous one when they touch
            _add_exact(out, offset + start + 1, run[start:start + length], text)
            continue
        for unit in units:
            unit_start, unit_end, kind = unit.start + start, unit.end + start, unit.kind
            piece = run[unit_start:unit_end]
            if kind == "intact":  # cannot happen after the decoder, kept for safety
                _add_exact(out, offset + unit_start + 1, piece, unit.text)
                continue
            if simple:
                options = likely_candidates(data[unit_start:unit_end], lost) if kind == "short" else ()
            else:
                options = _options(unit, piece, data[unit_start:unit_end], data, shaped, evidence, line,
                                   offset, profile, plain)
            if options:
                slots.append(_Slot(len(chars), offset + unit_start + 1, piece, options))
                chars.append(piece)
            else:
                chars.extend(piece)


@lru_cache(maxsize=16)
def _encoder(name: str) -> Callable[[str], bytes]:
    """`str.encode(name)` (strict), for a single-byte code page without the codec registry's
    Python-level wrapper when it is a charmap codec (cp125x)."""
    codec = getattr(codecs.lookup(name).encode, "__self__", None)  # a charmap codec's Codec()
    module = sys.modules.get(type(codec).__module__) if codec is not None else None
    table = getattr(module, "encoding_table", None)
    if table is None:
        return lambda text: text.encode(name)
    charmap_encode = codecs.charmap_encode
    return lambda text: charmap_encode(text, "strict", table)[0]


@lru_cache(maxsize=65_536)
def _damaged_units(data: bytes) -> tuple[tuple, bool]:
    """`split_units(data)`, and whether one of them is a short unit of more than one byte (a lead
    with some of its continuations: the shape of UTF-8 that lost a byte)."""
    units = split_units(data)
    return units, any(u.kind == "short" and u.end - u.start > 1 for u in units)


TEXT_PUNCTUATION = frozenset("’‘“”–—…•·")
"""Punctuation that legitimately touches accented letters in clean Latin-script text (café’s)."""


def _plain_run(line: str, offset: int, run: str) -> bool:
    """True when a run with nothing that re-decodes exactly reads as legitimate Latin-script text.

    "é’" in café’s and "áš" in odhlášení would each decode as a CJK character with a lost byte,
    and evidence elsewhere on the line (or in the document) must not be enough to rewrite them. A
    run is kept when it sits inside a Latin word (touches an ASCII letter), consists of letters some
    Latin-script language uses (no capital right after a small letter) and common text
    punctuation, and ftfy's badness heuristics see no mojibake in it and its neighbours.
    """
    before = line[offset - 1] if offset else ""
    after = line[offset + len(run)] if offset + len(run) < len(line) else ""
    if not ((before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())):
        return False
    letters = language.known_letters()
    context = before + run + after
    for index, char in enumerate(run, start=1 if before else 0):
        previous = context[index - 1] if index else ""
        following = context[index + 1] if index + 1 < len(context) else ""
        if char.isalpha():
            if char not in letters or not (previous.isalpha() or following.isalpha()) or \
                    (char.isupper() and previous.isalpha() and previous.islower()):
                return False  # not a letter of a word, or a capital inside a small-letter word
        elif char not in TEXT_PUNCTUATION or (following.isalpha() and not following.isascii()):
            return False  # punctuation followed by an accented letter: "è·å–" is 获取
        elif char == "·" and not (following.isascii() and following.isalpha()):
            return False  # a middle dot sits between letters (Catalan l·l)
    return not is_bad(line[max(0, offset - 1):offset + len(run) + 1])


def _add_exact(out: _Line, column: int, before: str, after: str) -> None:
    """Record an exact re-decoding, merged with the previous one when they touch."""
    out.chars.extend(after)
    if out.exact and out.exact[-1][0] + len(out.exact[-1][1]) == column:
        last_column, last_before, last_after = out.exact[-1]
        out.exact[-1] = (last_column, last_before + before, last_after + after)
    else:
        out.exact.append((column, before, after))


def _options(unit, piece: str, data: bytes, run_data: bytes, shaped: bool, evidence: bool, line: str,
             offset: int, profile: MojibakeProfile, plain: bool) -> tuple[str, ...]:
    """Candidate characters of a short unit, or () when it is better read as legitimate text.

    A lone 2-byte lead touching a letter ("KordÃk", "Straße") keeps itself as a candidate: the
    language model (letter case, letter frequencies) decides; inside a word of a `plain` run only
    Latin-script letters compete with it. Any other short unit in a `plain` run
    (see `_cut_run`) is left alone. `data` and `run_data` are the unit's and the run's bytes."""
    if unit.kind != "short" or not evidence:
        return ()
    if len(data) == 1 and not shaped:  # lone leads by themselves: mojibake only touching a letter
        two_byte_run = all(sequence_length(b) == 2 for b in run_data)
        if two_byte_run and sequence_length(data[0]) == 2 and \
                _touches_letter(line, offset, offset + len(run_data) - 1):
            end = offset + len(run_data)
            found = likely_candidates(data, profile.lost_bytes)
            if plain and end < len(line) and line[end].isalpha():
                # inside a word that reads as legitimate (Über, Straße, but also Czech "Äas" for
                # "čas"): only a letter of a Latin-script language may replace it
                letters = language.known_letters()
                found = tuple(char for char in found if char in letters)
                if not found:
                    return ()
            return (piece,) + found  # ties keep the text
        return ()
    if plain:
        return ()
    return likely_candidates(data, profile.lost_bytes)


def _touches_letter(line: str, first: int, last: int | None = None) -> bool:
    """line[first..last] has a letter next to it: "nastavenÃ " is nastavení, "3 × 4" is a sign."""
    last = first if last is None else last
    before = line[first - 1] if first else ""
    after = line[last + 1] if last + 1 < len(line) else ""
    return before.isalpha() or after.isalpha()


@lru_cache(maxsize=65_536)
def likely_candidates(data: bytes, lost: frozenset[int], keep: int = MAX_CANDIDATES) -> tuple[str, ...]:
    """The `keep` candidates most frequent on their own: a lone lead has up to 64, most absurd."""
    everything = candidates(data, lost)
    if len(everything) <= keep:
        return everything
    model = language.word_model()
    letters = language.letter_prior("")

    def alone(char: str) -> float:
        return max(model.best_use.get(char, language.FLOOR), language.char_prior(char, letters))
    return tuple(sorted(everything, key=alone, reverse=True)[:keep])


def _choose(cut: _Line, config: RepairConfig, cache: dict[tuple, tuple]) -> list[tuple]:
    """Run the lattice over each window of damaged slots and turn the winners into changes.

    `cache` holds windows already searched in this document (repeated phrases such as 推荐系统
    are searched once); it is per document so a run's speed never depends on earlier inputs. It
    also interns the runner-up tuples of the log (keyed by themselves: strings only, where a
    window's key holds an int): a dense document logs ~10 000 of them, ~700 distinct, and every one
    kept is one more object for the garbage collector to walk."""
    source, max_length = config.word_source, config.max_word_length
    model = language.word_model(source, max_length)
    fixed = _fixed_positions(source, max_length)
    chars = cut.chars
    size = len(chars)
    slot_at: list[_Slot | None] = [None] * size
    masked = list(chars)
    for slot in cut.slots:
        slot_at[slot.position] = slot
        masked[slot.position] = "\0"
    flat = "".join(masked)  # the line with every damaged slot as one NUL (same indices as cut.chars)
    scorer: list[Callable[[str], float]] = []  # the line's single scorer, made when first needed

    def single(char: str) -> float:
        if not scorer:  # only a non-Han option needs the line's letters
            scorer.append(_single_scorer(source, max_length, _accented_letters(cut)))
        return scorer[0](char)

    changes: list[tuple] = []
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
                append((slot.column, slot.before, char, "lost_byte", certainty, alternatives))
    return changes


def _mixed_position(slot: _Slot, before: str, after: str, flat: str, index: int,
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
    best_use = language.word_model(source, max_length).best_use
    known = [char for char in options if char in best_use] or list(options)
    return [(char, 0.0) for char in known]


def _accented_letters(cut: _Line) -> str:
    """The non-ASCII letters already decoded on the line: they hint at its language."""
    damaged = {slot.position for slot in cut.slots}
    return "".join(c for i, c in enumerate(cut.chars) if len(c) == 1 and c.isalpha()
                   and not c.isascii() and i not in damaged and not language.is_cjk(c))[:40]


def _windows(cut: _Line, reach: int, flat: str) -> list[tuple[int, int]]:
    """Spans of positions around damaged slots, reaching up to `reach - 1` Han characters out
    (`flat`: the line with damaged slots as NUL, see `_choose`); spans that touch are merged.

    >>> _windows(_Line([], [], []), 4, "ab中文\\0字\\0一二三四五六七\\0")
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


def _ftfy_fallback(line: str) -> tuple[str, list[tuple]]:
    """Let ftfy (configured never to touch legitimate characters) try a line we could not explain."""
    fixed = ftfy.fix_text(line, FTFY_SAFE_CONFIG)
    if fixed == line:
        return line, []
    return fixed, [(1, line, fixed, "ftfy", 0.9, ())]


def repairs_frame(repairs: list[TextRepair]) -> pl.DataFrame:
    """The repairs as the `text_repairs` dataset (schemas.contracts)."""
    columns = {
        "source_file": [r.source_file for r in repairs],
        "line": [r.line for r in repairs],
        "column": [r.column for r in repairs],
        "before": [r.before for r in repairs],
        "after": [r.after for r in repairs],
        "method": [r.method for r in repairs],
        "confidence": [r.confidence for r in repairs],
        "alternatives": pl.Series("alternatives", [list(r.alternatives) for r in repairs],
                                  dtype=pl.List(pl.String)),
    }
    return conform("text_repairs", pl.DataFrame(columns))
