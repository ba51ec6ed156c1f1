"""Single-byte code pages as tables, the corruption they cause, and telling from text which one did.

The seed was made by decoding UTF-8 bytes with a Windows code page and silently dropping bytes the
code page has no character for (and invisible ones such as the soft hyphen). Everything here works
from the text alone: which code page explains the most well-formed UTF-8 shapes, and which byte
values never show up and must therefore be the lost ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CONTINUATION = range(0x80, 0xC0)


@dataclass(frozen=True)
class CodePage:
    """The high half (0x80-0xFF) of a code page, with the regexes that find its mojibake."""

    name: str
    byte_of: dict[str, int]  # character -> byte, high half only
    undefined: frozenset[int]  # bytes the code page has no character for
    invisible: frozenset[int]  # bytes whose character is invisible (soft hyphen, C1 controls)
    run_re: re.Pattern[str]  # maximal runs of high-half characters
    shape_re: re.Pattern[str]  # lead followed by 1..n-1 continuation characters
    intact_re: re.Pattern[str]  # lead followed by exactly its continuations: strong evidence

    def char_class(self, low: int, high: int) -> str:
        """A regex character class of the characters for bytes low..high."""
        chars = "".join(c for c, b in self.byte_of.items() if low <= b <= high)
        return f"[{re.escape(chars)}]" if chars else "(?!)"


@lru_cache(maxsize=None)
def codepage(name: str) -> CodePage:
    """Build (once) the tables of code page `name`.

    >>> sorted(hex(b) for b in codepage("cp1254").undefined)
    ['0x81', '0x8d', '0x8e', '0x8f', '0x90', '0x9d', '0x9e']
    """
    byte_of: dict[str, int] = {}
    undefined: set[int] = set()
    invisible: set[int] = set()
    for value in range(0x80, 0x100):
        try:
            char = bytes([value]).decode(name)
        except UnicodeDecodeError:
            undefined.add(value)
            continue
        byte_of[char] = value
        if unicodedata.category(char) in ("Cf", "Cc"):
            invisible.add(value)
    never = re.compile("(?!)")
    page = CodePage(name, byte_of, frozenset(undefined), frozenset(invisible), never, never, never)
    cont = page.char_class(0x80, 0xBF)
    shape = (f"{page.char_class(0xC2, 0xDF)}{cont}|{page.char_class(0xE0, 0xEF)}{cont}{{1,2}}"
             f"|{page.char_class(0xF0, 0xF4)}{cont}{{1,3}}")
    intact = (f"{page.char_class(0xC2, 0xDF)}{cont}|{page.char_class(0xE0, 0xEF)}{cont}{{2}}"
              f"|{page.char_class(0xF0, 0xF4)}{cont}{{3}}")
    run = f"[{re.escape(''.join(byte_of))}]+"
    return CodePage(name, byte_of, page.undefined, page.invisible, re.compile(run), re.compile(shape),
                    re.compile(intact))


def mojibake(text: str, name: str, lost: frozenset[int] | None = None) -> str:
    """Corrupt `text` the way the seed was: UTF-8 bytes read as code page `name`, bytes in `lost`
    (default: the undefined ones) dropped. Used by tests and the benchmark to make ground truth.

    >>> mojibake("Kordík 中", "cp1254", frozenset({0xAD}))
    'KordÃk ä¸'
    >>> mojibake("Don’t", "cp1252")
    'Donâ€™t'
    """
    page = codepage(name)
    drop = page.undefined | (lost or frozenset())
    kept = bytes(b for b in text.encode("utf-8") if b not in drop)
    return kept.decode(name, errors="ignore")


@dataclass(frozen=True)
class MojibakeProfile:
    """What the text tells about how it was damaged."""

    codepage: str
    lost_bytes: frozenset[int]
    shaped_chars: int  # characters inside complete UTF-8 shapes (intact mojibake)


def _shaped_chars(text: str, name: str, complete: bool = True) -> int:
    """How many characters of `text` sit in complete (or also short) UTF-8 shapes under `name`."""
    page = codepage(name)
    return sum(map(len, (page.intact_re if complete else page.shape_re).findall(text)))


def _sample(text: str, limit: int = 65_536) -> str:
    """The first `limit` characters of the non-ASCII lines: enough to tell code pages apart."""
    lines = (line for line in text.split("\n") if not line.isascii())
    out: list[str] = []
    size = 0
    for line in lines:
        out.append(line)
        size += len(line)
        if size >= limit:
            break
    return "\n".join(out)


def choose_codepage(text: str, names: tuple[str, ...], sample: str | None = None,
                    shaped: dict[str, int] | None = None) -> tuple[str, int] | None:
    """The code page that explains the most of `text` (short shapes count: they are the lost-byte
    ones), with its count of characters in complete shapes (None when it has none).

    >>> choose_codepage("ğŸ… Best paper: â€œYesâ€", ("cp1252", "cp1254"))
    ('cp1254', 3)
    """
    sample = _sample(text) if sample is None else sample
    shaped = {} if shaped is None else shaped  # characters in short-or-complete shapes, per code page
    distinct = {c for c in set(sample) if ord(c) > 0x7F}
    if not distinct:
        return None
    coverage = {name: len(distinct & codepage(name).byte_of.keys()) for name in names}
    best_coverage = max(coverage.values())
    contenders = [name for name in names if coverage[name] >= best_coverage * 0.9]
    for name in contenders:
        if name not in shaped:
            shaped[name] = _shaped_chars(sample, name, complete=False)
    scored = [(shaped[name], -index, name) for index, name in enumerate(names) if name in contenders]
    _, _, name = max(scored)
    count = _shaped_chars(sample, name)
    return (name, count) if count else None


def tied_codepages(text: str, name: str, names: tuple[str, ...], sample: str | None = None,
                   shaped: dict[str, int] | None = None) -> list[str]:
    """Other code pages that explain `text` exactly as well as `name` (nothing tells them apart).
    `sample` and `shaped` are what `choose_codepage` already worked out (optional)."""
    sample = _sample(text) if sample is None else sample
    shaped = {} if shaped is None else shaped
    if name not in shaped:
        shaped[name] = _shaped_chars(sample, name, complete=False)
    best = shaped[name]
    used = set(sample) & codepage(name).byte_of.keys()
    tied = []
    for other in names:  # a code page lacking a character of the sample cannot tie: not scanned
        if other == name or not used <= codepage(other).byte_of.keys():
            continue
        if other not in shaped:
            shaped[other] = _shaped_chars(sample, other, complete=False)
        if shaped[other] == best:
            tied.append(other)
    return tied


def lost_bytes(text: str, name: str, min_continuations: int, sample: str | None = None) -> frozenset[int]:
    """Byte values that cannot be (undefined, invisible) or evidently are not in `text`.

    A continuation byte whose character never occurs, in a text with at least `min_continuations`
    continuation characters, was dropped: UTF-8 of real text uses all 64 continuation values.
    """
    page = codepage(name)
    present = {page.byte_of[c] for c in set(text) if c in page.byte_of}
    continuations = _continuation_count(_sample(text) if sample is None else sample, page)
    lost = set(page.undefined & set(CONTINUATION)) | {b for b in page.invisible if b not in present}
    if continuations >= min_continuations:
        lost |= {b for b in CONTINUATION if b not in present}
    return frozenset(lost)


def _continuation_count(text: str, page: CodePage) -> int:
    """Number of continuation-byte characters in the text (cheap: counts per distinct character)."""
    chars = [c for c, b in page.byte_of.items() if 0x80 <= b <= 0xBF]
    return sum(text.count(c) for c in chars)


def detect_mojibake(text: str, names: tuple[str, ...], lost: frozenset[int] | None = None,
                    min_continuations: int = 2048, min_units: int = 1) -> MojibakeProfile | None:
    """Profile the damage in `text`, or None when it shows no UTF-8-read-as-code-page shapes.

    >>> detect_mojibake("VojtÄ›ch VanÄura, KordÃk, â€œokâ€", ("cp1252", "cp1254")).codepage
    'cp1252'
    """
    sample, shaped = _sample(text), {}
    chosen = choose_codepage(text, names, sample, shaped)
    if chosen is None or chosen[1] < min_units:
        return None
    name, count = chosen
    if lost is None:
        lost = lost_bytes(text, name, min_continuations, sample)
        page = codepage(name)
        tied = tied_codepages(text, name, names, sample, shaped)
        present = set(text) if tied else set()
        for other in tied:  # e.g. cp1252 vs cp1254 on pure CJK text:
            lost |= {b for b in codepage(other).undefined & set(CONTINUATION)  # keep both losses
                     if b not in page.undefined and bytes([b]).decode(name) not in present}
    return MojibakeProfile(name, frozenset(lost), count)
