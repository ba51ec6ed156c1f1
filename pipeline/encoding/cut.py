"""Cut a line into decoded characters and damaged slots: exact re-decodings of intact UTF-8 units,
candidate characters for units that lost bytes, and the rules that leave legitimate text alone."""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ftfy.badness import is_bad

from pipeline.encoding import hangul, language
from pipeline.encoding.codepages import CodePage, MojibakeProfile
from pipeline.encoding.units import candidates, sequence_length, split_units

SURROGATE_RE = re.compile("[\udc80-\udcff]")
SEGMENT_RE = re.compile("[\udc80-\udcff]+|[^\udc80-\udcff]+")
MAX_CANDIDATES = 16  # per damaged character, by frequency alone (the lattice sees these)


@dataclass(slots=True)
class Slot:
    """A damaged character of a line: where it was and what it may have been."""

    position: int  # index into the decoded line
    column: int  # 1-based column in the original line
    before: str
    options: tuple[str, ...]


@dataclass(slots=True)
class Line:
    """A line cut into decoded characters, with its damaged slots and its exact re-decodings."""

    chars: list[str]
    slots: list[Slot]
    exact: list[tuple[int, str, str]]  # (column, before, after)



def lone_lead(line: str, page: CodePage) -> bool:
    """A 2-byte lead letter touching a letter ("KordÃk"): it may have lost its only continuation."""
    return any(touches_letter(line, i) for i, c in enumerate(line)
               if 0xC2 <= page.byte_of.get(c, 0) <= 0xDF and c.isalpha())


def cut_line(line: str, page: CodePage, profile: MojibakeProfile, strong: bool) -> Line:
    """Split the line into fixed characters and damaged slots."""
    out = Line([], [], [])
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
             evidence: bool, out: Line, strong: bool) -> None:
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
                slots.append(Slot(len(chars), offset + unit_start + 1, piece, options))
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


def _add_exact(out: Line, column: int, before: str, after: str) -> None:
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
                touches_letter(line, offset, offset + len(run_data) - 1):
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


def touches_letter(line: str, first: int, last: int | None = None) -> bool:
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
    best_use = language.char_best_use()
    letters = language.letter_prior("")

    def alone(char: str) -> float:
        if hangul.is_syllable(char):
            return hangul.unigram(char)
        return max(best_use.get(char, language.FLOOR), language.char_prior(char, letters))
    return tuple(sorted(everything, key=alone, reverse=True)[:keep])

