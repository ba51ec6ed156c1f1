"""Small pure predicates behind the Pandera models: is this text mojibake, is this a person's name.

They live apart from the models so they can be read, doctested and reused (the report and the
reconciler may want them too) without importing Pandera. Each answers one question about one value.
The format patterns are here too, so the Pandera models and the Great Expectations suites share
them instead of drifting apart.
"""

from __future__ import annotations

import re

from ftfy import badness

# DOI as Crossref defines it: the "10." prefix, a registrant code, a slash, any suffix.
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
# New-style arXiv identifier (since 2007): YYMM.NNNN or YYMM.NNNNN, optional version.
ARXIV_ID_PATTERN = r"^\d{4}\.\d{4,5}(?:v\d+)?$"
# An arXiv landing or PDF page for such an identifier.
ARXIV_URL_PATTERN = r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/\d{4}\.\d{4,5}(?:v\d+)?(?:\.pdf)?/?$"
# Any absolute web address without whitespace.
URL_PATTERN = r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$"
# A web address that serves a PDF: a ".pdf" file or a "/pdf/" route (ACM DL, arXiv).
PDF_URL_PATTERN = r"^https?://[^\s/]+\.[^\s/]+/\S*(?:/pdf/\S+|\.pdf)(?:[?#]\S*)?$"
# Program track codes are short upper-case tags (IND, RES, REPR, ...).
TRACK_CODE_PATTERN = r"^[A-Z]{2,6}$"

# Characters that bytes 0x80-0xBF become when UTF-8 is decoded as cp1252 or Latin-1: the
# continuation bytes of every multi-byte UTF-8 sequence. "Weak" ones are ordinary punctuation
# and only count when the context is unmistakable.
_WEAK_CONTINUATION = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00ab\u00bb\u00b0\u00b7"
_STRONG_CONTINUATION = (
    "\u0080-\u009f"  # C1 controls: Latin-1 decoding of 0x80-0x9F
    "\u20ac\u201a\u0192\u201e\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"  # cp1252 0x80-0x8E
    "\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"  # cp1252 0x98-0x9F
    "\u00a0-\u00aa\u00ac-\u00af\u00b1-\u00b6\u00b8-\u00ba\u00bc-\u00bf"  # Latin-1 0xA0-0xBF
)
# A UTF-8 lead byte (0xC2-0xF4) read as one Latin-1 letter, followed by a continuation byte.
_LEAD_THEN_STRONG = f"[\u00c2-\u00f4][{_STRONG_CONTINUATION}]"
# A three-byte lead (0xE0-0xEF, the CJK range) then punctuation-looking continuation, then more
# mojibake or a CJK character: the partly repaired remains of Chinese text.
_CJK_LEAD_THEN_WEAK = (
    f"[\u00e0-\u00ef][{_WEAK_CONTINUATION}'\"]"
    f"([{_STRONG_CONTINUATION}{_WEAK_CONTINUATION}\u00c2-\u00f4]|[\u3000-\u9fff\uff00-\uffef])"
)
MOJIBAKE_TRACE_PATTERN = f"\ufffd|{_LEAD_THEN_STRONG}|{_CJK_LEAD_THEN_WEAK}"
_MOJIBAKE_TRACE = re.compile(MOJIBAKE_TRACE_PATTERN)


def _expand(characters: str) -> set[str]:
    """The characters of a regex class body made of literals and `a-z` ranges (ftfy's categories)."""
    found, index = set(), 0
    while index < len(characters):
        if index + 2 < len(characters) and characters[index + 1] == "-":
            found.update(chr(c) for c in range(ord(characters[index]), ord(characters[index + 2]) + 1))
            index += 3
        else:
            found.add(characters[index])
            index += 1
    return found


def _mojibake_characters() -> str:
    """A polars (Rust regex) class of every non-ASCII character a `looks_like_mojibake` match needs.

    Every alternative of ftfy's `BADNESS_RE` and of `_MOJIBAKE_TRACE` has a mandatory element that
    is a literal or a class of non-ASCII characters only (ftfy's categories, Ã, Â, Œ, ...); all of
    them are collected here (categories expanded, the pattern's own non-ASCII literals and escapes,
    U+FFFD and the UTF-8 lead bytes). Text without any of these characters cannot be mojibake, so
    the Pandera check runs the Python predicate only on the values that contain one.
    """
    chars: set[str] = set()
    for category in badness.MOJIBAKE_CATEGORIES.values():
        chars |= _expand(category)
    pattern = badness.BADNESS_RE.pattern
    chars |= {c for c in pattern if ord(c) > 0x7F}
    chars |= {chr(int(h, 16)) for h in re.findall(r"\\x([0-9a-fA-F]{2})", pattern)}
    chars |= {chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", pattern)}
    chars |= {"\ufffd"} | _expand("\u00c2-\u00f4") | {c for c in MOJIBAKE_TRACE_PATTERN if ord(c) > 0x7F}
    points = sorted(ord(c) for c in chars if ord(c) > 0x7F)
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[{body}]"


#: Text matching none of this class is not mojibake (see `_mojibake_characters`): a cheap,
#: vectorisable pre-filter for `looks_like_mojibake` (polars `str.contains`).
MOJIBAKE_CHARACTERS_PATTERN = _mojibake_characters()


def looks_like_mojibake(text: str) -> bool:
    """True when `text` still carries traces of a wrong decoding, so it must not be emitted as clean.

    Three signals, any one suffices: the replacement character U+FFFD (bytes were lost for good),
    ftfy's own badness heuristic, and lost-byte traces that ftfy does not score because a byte of
    the sequence is gone (a UTF-8 lead byte shown as 'å', 'ç', 'Ã' next to its continuation bytes
    shown as cp1252 punctuation or Latin-1 symbols).

    >>> looks_like_mojibake("å®˜æ–¹å½•åƒ")
    True
    >>> looks_like_mojibake("离线评估ç–ç•¥")
    True
    >>> looks_like_mojibake("Râ´ec: A Reasoning Framework")
    True
    >>> looks_like_mojibake("caf\ufffd")
    True
    >>> looks_like_mojibake("Ã©tude")
    True

    Clean text of any script is not mojibake:

    >>> looks_like_mojibake("推荐系统中的大语言模型，以及“引号”。")
    False
    >>> looks_like_mojibake("naïve café résumé, Zürich, São Paulo, JOÃO, Dvořák")
    False
    >>> looks_like_mojibake("“curly” ‘quotes’ — dash… «café» l’été’s ±3°C © ½")
    False
    >>> looks_like_mojibake("emoji 🎉👍🏽 Ελληνικά Русский 한국어")
    False
    """
    if not text:
        return False
    return bool(_MOJIBAKE_TRACE.search(text)) or badness.is_bad(text)


_ORGANISATION_WORDS = re.compile(
    r"\b(universit(y|ät|é|à|ad)|institut(e)?|inc\.?|ltd\.?|llc|gmbh|corp(oration)?|"
    r"laborator(y|ies)|labs?|college|school|department|research|technologies)\b",
    re.IGNORECASE,
)
_NOT_IN_A_NAME = re.compile(r"[\d@/\\()\[\]{}<>|#*_=+;:!?]|https?:|www\.")
_MAX_NAME_WORDS = 7
_MAX_NAME_CHARS = 80
_NAME_PARTICLES = frozenset(
    "al bin da das de del della den der di dos du el la le st ten ter van von y zu".split()
)


def looks_like_person_name(name: str) -> bool:
    """True when `name` reads as one person's name, not an affiliation, a list or a text fragment.

    Catches what a bad split of an author list leaves behind: several names in one cell, an
    affiliation, an abstract glued to the last name, markup, digits. It stays permissive about real
    names of any script, particles, initials, hyphens and apostrophes.

    >>> all(looks_like_person_name(n) for n in ["Jason H.D. Cho", "Eliška Kremeňová", "O'Brien",
    ...     "Yiu-Kai Ng", "Maria del Carmen de la Fuente", "张三", "Ed Chi"])
    True
    >>> looks_like_person_name("Google DeepMind Research")
    False
    >>> looks_like_person_name("Sami Abboud, Eleanor Hanna")
    False
    >>> looks_like_person_name("Schaun WheelerConsumer applications provide ample opportunities to")
    False
    >>> looks_like_person_name("  ")
    False
    """
    stripped = name.strip()
    if not stripped or len(stripped) > _MAX_NAME_CHARS or stripped != name:
        return False
    if "," in stripped or " and " in stripped or "&" in stripped:
        return False
    if _NOT_IN_A_NAME.search(stripped) or _ORGANISATION_WORDS.search(stripped):
        return False
    if not any(character.isalpha() for character in stripped):
        return False
    words = stripped.split()
    return (
        len(words) <= _MAX_NAME_WORDS
        and not _reads_like_prose(words)
        and not looks_like_mojibake(stripped)
    )


def _reads_like_prose(words: list[str]) -> bool:
    """Two or more lower-case words that are not name particles, beside capitalised ones: a sentence.

    A name written all in lower case ("danah boyd") is a person's choice, not prose.
    """
    lower = [w for w in words if w[0].islower() and w.lower() not in _NAME_PARTICLES]
    return len(lower) >= 2 and len(lower) < len(words)


def is_blank(text: str) -> bool:
    """True for text with nothing but whitespace: an empty cell that slipped past a null check.

    >>> is_blank(" \\t"), is_blank("x")
    (True, False)
    """
    return not text.strip()
