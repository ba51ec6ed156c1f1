"""The repair stage: mojibake in, UTF-8 text and a log of every change (with confidence) out.

Per document: profile the damage (code page, lost bytes) once. Per line: a line with no
UTF-8-shaped stretch passes through untouched (fast path). Otherwise each run of code-page
characters is cut into UTF-8 units; intact units are re-decoded exactly (method 'ftfy': the
lossless fix ftfy itself would make), short units get candidate characters and a lattice over each
window of damaged positions picks them (method 'lost_byte').
"""

from __future__ import annotations

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

MAX_CANDIDATES = 16  # per damaged character, by frequency alone (the lattice sees these)
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
    for index, line in enumerate(lines):
        if line.isascii() or not page.shape_re.search(line) and not (strong and _lone_lead(line, page)):
            continue
        lines[index], changes = repair_line(line, page, profile, config, strong)
        repairs.extend(TextRepair(source_file, index + 1, *change) for change in changes)
    return RepairResult("\n".join(lines), repairs, profile, config)


def repair_line(line: str, page: CodePage, profile: MojibakeProfile, config: RepairConfig,
                strong: bool = False) -> tuple[str, list[tuple]]:
    """Repair one line; returns it and its changes as (column, before, after, method, conf, alts)."""
    cut = _cut_line(line, page, profile, strong)
    changes: list[tuple] = [(col, before, after, "ftfy", 1.0, []) for col, before, after in cut.exact]
    if cut.slots:
        changes.extend(_choose(cut, config))
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
    """Decode one run of code-page characters into `out`."""
    units = split_units(run.encode(page.name))
    shaped = any(u.kind == "intact" or (u.kind == "short" and u.end - u.start > 1) for u in units)
    for unit in units:
        piece = run[unit.start:unit.end]
        column = offset + unit.start + 1
        if unit.kind == "intact":
            _add_exact(out, column, piece, unit.text)
            continue
        options = _options(unit, piece, run, shaped, evidence, line, offset, page, profile, strong)
        if options:
            out.slots.append(_Slot(len(out.chars), column, piece, options))
            out.chars.append(piece)
        else:
            out.chars.extend(piece)


def _add_exact(out: _Line, column: int, before: str, after: str) -> None:
    """Record an exact re-decoding, merged with the previous one when they touch."""
    out.chars.append(after)
    if out.exact and out.exact[-1][0] + len(out.exact[-1][1]) == column:
        last_column, last_before, last_after = out.exact[-1]
        out.exact[-1] = (last_column, last_before + before, last_after + after)
    else:
        out.exact.append((column, before, after))


def _options(unit, piece: str, run: str, shaped: bool, evidence: bool, line: str, offset: int,
             page: CodePage, profile: MojibakeProfile, strong: bool) -> tuple[str, ...]:
    """Candidate characters of a short unit, or () when it is better read as legitimate text."""
    if unit.kind != "short":
        return ()
    data = piece.encode(page.name)
    if not evidence:
        return ()
    if len(data) == 1 and not shaped:  # lone leads by themselves: mojibake only touching a letter
        two_byte_run = all(sequence_length(b) == 2 for b in run.encode(page.name))
        if two_byte_run and sequence_length(data[0]) == 2 and \
                _touches_letter(line, offset, offset + len(run) - 1):
            keep_literal = () if strong else (piece,)  # in a mojibake document a lone lead is damage
            return likely_candidates(data, profile.lost_bytes) + keep_literal
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


def _choose(cut: _Line, config: RepairConfig) -> list[tuple]:
    """Run the lattice over each window of damaged slots and turn the winners into changes."""
    model = language.word_model(config.word_source, config.max_word_length)
    letters = language.letter_prior(_accented_letters(cut))
    changes: list[tuple] = []
    by_position = {slot.position: slot for slot in cut.slots}
    flat = "".join(c if len(c) == 1 and i not in by_position else "\0" for i, c in enumerate(cut.chars))
    memo: dict[str, float] = {}

    def single(char: str) -> float:
        if char not in memo:
            memo[char] = _single(char, model, letters)
        return memo[char]

    for start, end in _windows(cut, model.max_length):
        options = [_position_options(cut, flat, i, by_position) for i in range(start, end)]
        text, ranked = solve(options, model, single)
        for offset, char in enumerate(text):
            slot = by_position.get(start + offset)
            if slot is None:
                continue
            cut.chars[slot.position] = char
            if char == slot.before:
                continue  # read as legitimate text after all
            alternatives = [c for c, _ in ranked[offset] if c != char][: config.max_alternatives]
            changes.append((slot.column, slot.before, char, "lost_byte",
                            round(confidence(ranked[offset]), 4), alternatives))
    return changes


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


def _position_options(cut: _Line, flat: str, index: int,
                      slots: dict[int, _Slot]) -> list[tuple[str, float]]:
    """Options at one position: the fixed character, or each candidate with its context score."""
    slot = slots.get(index)
    if slot is None:
        return [(cut.chars[index], 0.0)]
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
    if char in model.words:
        return model.words[char]
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
