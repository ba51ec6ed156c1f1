"""The repair stage: mojibake in, UTF-8 text and a log of every change (with confidence) out.

Per document: profile the damage (code page, lost bytes) once. Per line: a line with no
UTF-8-shaped stretch passes through untouched (fast path). Otherwise each run of code-page
characters is cut into UTF-8 units; intact units are re-decoded exactly (method 'ftfy': the
lossless fix ftfy itself would make), short units get candidate characters and a lattice over each
window of damaged positions picks them (method 'lost_byte').
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import ftfy
import polars as pl
from ftfy.badness import is_bad

from pipeline.encoding import language
from pipeline.encoding.codepages import CodePage, MojibakeProfile, codepage, detect_mojibake
from pipeline.encoding.config import FTFY_SAFE_CONFIG, LOW_CONFIDENCE_BELOW, RepairConfig
from pipeline.encoding.lattice import confidence, solve
from pipeline.encoding.units import candidates, sequence_length, split_units
from schemas.contracts import conform

SURROGATE_RE = re.compile("[\udc80-\udcff]")
SEGMENT_RE = re.compile("[\udc80-\udcff]+|[^\udc80-\udcff]+")
MAX_CANDIDATES = 16  # per damaged character, by frequency alone (the lattice sees these)
CONTEXT_WEIGHT = 1.0  # of the part-of-speech context of one-character readings (bench/repair_eval.py)
STRONG_DOCUMENT_UNITS = 50  # intact sequences after which every line of the document is suspect


@dataclass(frozen=True)
class TextRepair:
    """One change to the raw text: where (1-based line and column in the original), what, how sure."""

    source_file: str
    line: int
    column: int
    before: str
    after: str
    method: str  # 'ftfy' (lossless re-decoding) or 'lost_byte' (guessed lost bytes)
    confidence: float
    alternatives: list[str] = field(default_factory=list)

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


@dataclass
class _Slot:
    """A damaged character of a line: where it was and what it may have been."""

    position: int  # index into the decoded line
    column: int  # 1-based column in the original line
    before: str
    options: tuple[str, ...]


@dataclass
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
    for index, line in enumerate(lines):
        if line.isascii() or not page.shape_re.search(line) and not (strong and _lone_lead(line, page)):
            continue
        lines[index], changes = repair_line(line, page, profile, config, strong, solved)
        repairs.extend(TextRepair(source_file, index + 1, *change) for change in changes)
    return RepairResult("\n".join(lines), repairs, profile, config)


def repair_line(line: str, page: CodePage, profile: MojibakeProfile, config: RepairConfig,
                strong: bool = False, solved: dict[tuple, tuple] | None = None) -> tuple[str, list[tuple]]:
    """Repair one line; returns it and its changes as (column, before, after, method, conf, alts)."""
    cut = _cut_line(line, page, profile, strong)
    changes: list[tuple] = [(col, before, after, "ftfy", 1.0, []) for col, before, after in cut.exact]
    if cut.slots:
        changes.extend(_choose(cut, config, {} if solved is None else solved))
    changes.sort(key=lambda change: change[0])
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
    data = run.encode(page.name)
    decoded = data.decode("utf-8", "surrogateescape")
    if not SURROGATE_RE.search(decoded):  # the common case: the whole run re-decodes exactly
        _add_exact(out, offset + 1, run, decoded)
        return
    segments: list[tuple[int, str, list]] = []  # (byte offset, decoded text or '', units)
    position = 0
    for match in SEGMENT_RE.finditer(decoded):
        piece = match.group()
        if "\udc80" <= piece[0] <= "\udcff":
            units = split_units(data[position:position + len(piece)])
            segments.append((position, "", units))
            position += len(piece)
        else:
            segments.append((position, piece, []))
            position += len(piece.encode("utf-8"))
    intact = any(text for _, text, _ in segments)
    shaped = intact or any(
        u.kind == "short" and u.end - u.start > 1 for _, _, units in segments for u in units)
    plain = not intact and _plain_run(line, offset, run)
    for start, text, units in segments:
        if text:
            _add_exact(out, offset + start + 1, run[start:start + len(text.encode("utf-8"))], text)
            continue
        for unit in units:
            piece = run[start + unit.start:start + unit.end]
            column = offset + start + unit.start + 1
            if unit.kind == "intact":  # cannot happen after the decoder, kept for safety
                _add_exact(out, column, piece, unit.text)
                continue
            options = _options(unit, piece, run, shaped, evidence, line, offset, page, profile, plain)
            if options:
                out.slots.append(_Slot(len(out.chars), column, piece, options))
                out.chars.append(piece)
            else:
                out.chars.extend(piece)


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


def _options(unit, piece: str, run: str, shaped: bool, evidence: bool, line: str, offset: int,
             page: CodePage, profile: MojibakeProfile, plain: bool) -> tuple[str, ...]:
    """Candidate characters of a short unit, or () when it is better read as legitimate text.

    A lone 2-byte lead touching a letter ("KordÃk", "Straße") keeps itself as a candidate: the
    language model (letter case, letter frequencies) decides; inside a word of a `plain` run only
    Latin-script letters compete with it. Any other short unit in a `plain` run
    (see `_cut_run`) is left alone."""
    if unit.kind != "short" or not evidence:
        return ()
    data = piece.encode(page.name)
    if len(data) == 1 and not shaped:  # lone leads by themselves: mojibake only touching a letter
        two_byte_run = all(sequence_length(b) == 2 for b in run.encode(page.name))
        if two_byte_run and sequence_length(data[0]) == 2 and \
                _touches_letter(line, offset, offset + len(run) - 1):
            end = offset + len(run)
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
    are searched once); it is per document so a run's speed never depends on earlier inputs."""
    model = language.word_model(config.word_source, config.max_word_length)
    accented = _accented_letters(cut)
    single = _single_scorer(config.word_source, config.max_word_length, accented)
    changes: list[tuple] = []
    by_position = {slot.position: slot for slot in cut.slots}
    flat = "".join(c if len(c) == 1 and i not in by_position else "\0" for i, c in enumerate(cut.chars))

    for start, end in _windows(cut, model.max_length):
        targets = [i - start for i in range(start, end) if i in by_position]
        key = _window_key(cut, start, end, targets, by_position, model)
        solved = cache.get(key) if key is not None else None
        if solved is None:
            options = [_position_options(cut, flat, i, by_position, model) for i in range(start, end)]
            alone = _context_scores(cut, start, targets, by_position) if CONTEXT_WEIGHT else None
            solved = solve(options, model, single, targets, alone)
            if key is not None:
                cache[key] = solved
        text, ranked = solved
        for offset in targets:
            char = text[offset]
            slot = by_position[start + offset]
            cut.chars[slot.position] = char
            if char == slot.before:
                continue  # read as legitimate text after all
            alternatives = [c for c, _ in ranked[offset] if c != char][: config.max_alternatives]
            changes.append((slot.column, slot.before, char, "lost_byte",
                            round(confidence(ranked[offset]), 4), alternatives))
    return changes


def _context_scores(cut: _Line, start: int, targets: list[int], slots: dict[int, _Slot],
                    ) -> dict[int, dict[str, float]]:
    """Per target offset, the context score of each Han option read as a one-character word, from
    the fixed characters on either side (`language.single_word_context`)."""
    scores: dict[int, dict[str, float]] = {}
    for offset in targets:
        index = start + offset
        before = _neighbour(cut, index - 1, slots)
        after = _neighbour(cut, index + 1, slots)
        if before or after:
            scores[offset] = _slot_context(before, slots[index].options, after, CONTEXT_WEIGHT)
    return scores


@lru_cache(maxsize=65_536)
def _slot_context(before: str, options: tuple[str, ...], after: str, weight: float) -> dict[str, float]:
    """Context scores of a slot's Han options between two fixed neighbours (shared: do not mutate)."""
    return {char: weight * language.single_word_context(before, char, after)
            for char in options if language.is_cjk(char)}


def _window_key(cut: _Line, start: int, end: int, targets: list[int], slots: dict[int, _Slot],
                model: language.WordModel) -> tuple | None:
    """What a window's search depends on, when that is only its characters: every damaged slot has
    Han candidates alone (no context score) and the fixed characters are Han (windows reach over
    nothing else), so neither the line's language nor its brackets matter; the characters just
    outside the window count too (they are the context of a slot at its edge). None otherwise."""
    for offset in targets:
        if _cjk_options(slots[start + offset].options, model.source, model.max_length) is None:
            return None
    before, after = _neighbour(cut, start - 1, slots), _neighbour(cut, end, slots)
    return (model.source, model.max_length, tuple(targets), before, after, *cut.chars[start:end])


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


def _windows(cut: _Line, reach: int) -> list[tuple[int, int]]:
    """Spans of positions around damaged slots, reaching up to `reach - 1` Han characters out."""
    spans: list[tuple[int, int]] = []
    damaged = {slot.position for slot in cut.slots}
    for slot in cut.slots:
        start, end = slot.position, slot.position + 1
        while start > 0 and slot.position - start < reach - 1 and \
                (start - 1 in damaged or language.is_cjk(cut.chars[start - 1])):
            start -= 1
        while end < len(cut.chars) and end - slot.position <= reach - 1 and \
                (end in damaged or language.is_cjk(cut.chars[end])):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _position_options(cut: _Line, flat: str, index: int, slots: dict[int, _Slot],
                      model: language.WordModel) -> list[tuple[str, float]]:
    """Options at one position: the fixed character, or each candidate with its context score."""
    slot = slots.get(index)
    if slot is None:
        return [(cut.chars[index], 0.0)]
    cjk = _cjk_options(slot.options, model.source, model.max_length)
    if cjk is not None:
        return cjk
    before = _neighbour(cut, index - 1, slots)
    after = _neighbour(cut, index + 1, slots)
    return [(char, 0.0 if language.is_cjk(char) else
             language.context_bonus(char, before, after, flat, index)) for char in slot.options]


def _neighbour(cut: _Line, index: int, slots: dict[int, _Slot]) -> str:
    """A fixed neighbouring character, '' when it is outside the line or itself damaged."""
    if index < 0 or index >= len(cut.chars) or index in slots:
        return ""
    return cut.chars[index]


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
    return fixed, [(1, line, fixed, "ftfy", 0.9, [])]


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
