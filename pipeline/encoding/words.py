"""Words mis-decoded through some other code page, in text too short for ftfy's heuristics.

ftfy's badness patterns need several odd characters before they fire; a single mis-decoded word
("g√¢teaux" for gâteaux through MacRoman, "РґРѕСЂРѕРіРµ" for дороге through cp1251, "tĹ™etĂ­ho"
for třetího through cp1250) passes for text. Here each word with non-ASCII characters is encoded
back with each code page of `RepairConfig.word_codepages` and decoded as UTF-8; a reading is taken
only when the original does not read as a word (`_odd`) and a word list (wordfreq) knows the
reading but not the original — a dictionary, not a shape, decides, so legitimate words
("NESTLÉ®", "Brontë…", "Ã’s") stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.encoding import language

WORD_RE = re.compile(r"[^\s\"'()\[\]{}<>,.;:!?]*[^\x00-\x7f][^\s\"'()\[\]{}<>,.;:!?]*")
LETTERS_RE = re.compile(r"[^\W\d_]+")
GLUED_DIGIT_RE = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
MIN_ZIPF = 1.5
"""A reading's words must each be at least this frequent (Zipf scale) in a language of its script."""
SCRIPT_LANGUAGES = {"CYRILLIC": ("ru", "uk", "bg", "mk"), "GREEK": ("el",), "HEBREW": ("he",),
                    "ARABIC": ("ar", "fa")}
LATIN_LANGUAGES = 6  # Latin-script languages tried per word: those whose letters explain it best
WORD_CONFIDENCE = 0.95
"""Confidence of a dictionary-confirmed re-decoding (lossless, but the code page is a judgement)."""


def repair_words(line: str, codepages: tuple[str, ...]) -> tuple[str, list[tuple]]:
    """Re-decode the words of `line` a dictionary confirms; returns the line and its changes."""
    pieces: list[str] = []
    changes: list[tuple] = []
    previous = 0
    for match in WORD_RE.finditer(line):
        found = _reading(match.group(), codepages)
        if found is None:
            continue
        text, codepage = found
        pieces.append(line[previous:match.start()])
        pieces.append(text)
        previous = match.end()
        changes.append((match.start() + 1, match.group(), text, f"redecode:{codepage}", WORD_CONFIDENCE, ()))
    if not changes:
        return line, []
    pieces.append(line[previous:])
    return "".join(pieces), changes


@lru_cache(maxsize=16_384)
def _reading(word: str, codepages: tuple[str, ...]) -> tuple[str, str] | None:
    """The first code page whose UTF-8 reading of `word` is a known word while `word` is not."""
    for codepage in codepages:
        text = _decoded(word, codepage)
        if text is None or not _odd(word):
            continue
        if known_word(text) and not known_word(word):
            return text, codepage
    return None


def _decoded(word: str, codepage: str) -> str | None:
    """`word` encoded back through `codepage` and read as UTF-8, when that works and gives another,
    plain text (`_plain`); None otherwise."""
    try:
        text = word.encode(codepage).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return text if text != word and _plain(text) else None


def readings_differ(line: str, codepages: tuple[str, ...]) -> bool:
    """Some word of `line` reads differently through two of the code pages ("MĂĄm": Måm through
    cp1250, Mám through latin-2): only then can a dictionary tell a line reading from a word-by-word
    one. No word list is loaded to answer."""
    return any(len(_readings(match.group(), codepages)) > 1 for match in WORD_RE.finditer(line))


@lru_cache(maxsize=16_384)
def _readings(word: str, codepages: tuple[str, ...]) -> frozenset[str]:
    """The UTF-8 readings of `word` through each code page that encodes it (plain ones only)."""
    return frozenset(text for codepage in codepages if (text := _decoded(word, codepage)) is not None)


TEXT_PUNCTUATION = frozenset("’‘“”–—…•·")


def _plain(text: str) -> bool:
    """The reading holds no control character and no combining mark left over after NFC: a reading
    such as "̴aa" (a lone overlay mark, from "Ã¥aa" through MacRoman) is no word, whatever follows."""
    return not any(unicodedata.category(char)[0] in "CM" for char in unicodedata.normalize("NFC", text))


def _odd(word: str) -> bool:
    """The word does not read as a word: a non-ASCII sign that is not text punctuation between
    letters ("g√¢teaux"), or a capital right after a small letter ("РґРѕСЂРѕРіРµ")."""
    for index in range(1, len(word) - 1):
        char, before, after = word[index], word[index - 1], word[index + 1]
        if not char.isascii() and not char.isalpha() and char not in TEXT_PUNCTUATION \
                and (before.isalpha() or after.isalpha()):
            return True
    if any(a.islower() and b.isupper() and not (a.isascii() and b.isascii())
           for a, b in zip(word, word[1:])):
        return True
    # two capitals then a small letter, one of them not ASCII ("MĂĄm"): neither a capitalised
    # word nor one in capitals
    return any(a.isupper() and b.isupper() and c.islower() and not (a + b).isascii()
               for a, b, c in zip(word, word[1:], word[2:]))


def known_word(text: str) -> bool:
    """Every letter stretch of `text` is a frequent word of one language of its script.

    Read in NFC: a combining mark joins the letter before it ("timezoneÃ£0" through MacRoman is
    "timezone" + U+0323 + "0": not the known word "timezone" beside a sign, but "timezonẹ0").

    >>> known_word("timezone\u03230"), known_word("timezone")
    (False, True)
    """
    text = unicodedata.normalize("NFC", text)
    words = LETTERS_RE.findall(text)
    if not words or min(map(len, words)) < 2 or 2 * sum(map(len, words)) < len(text):
        return False  # a lone letter among signs ("5ף35" from 5×£35) is no evidence
    if GLUED_DIGIT_RE.search(text):
        return False  # letters glued to digits ("aa0bẖ0") are a code, not words to look up
    return any(all(_zipf(word, name) >= MIN_ZIPF for word in words) for name in _languages(text))


def _languages(text: str) -> list[str]:
    """wordfreq languages to look `text` up in, by the script of its letters."""
    scripts = {unicodedata.name(char, "?").split()[0] for char in text if char.isalpha() and not char.isascii()}
    if len(scripts) != 1:
        return [] if scripts else ["en"]
    script = scripts.pop()
    if script in SCRIPT_LANGUAGES:
        return list(SCRIPT_LANGUAGES[script])
    if script != "LATIN":
        return []
    return language.latin_languages_for(text)[:LATIN_LANGUAGES]


def word_zipf(word: str) -> float:
    """The Zipf frequency of a Latin-script word in the language (of those whose letters explain
    it best) that uses it most; 0 for an unknown word."""
    return max((_zipf(word, name) for name in language.latin_languages_for(word)[:LATIN_LANGUAGES]),
               default=0.0)


@lru_cache(maxsize=65_536)
def _zipf(word: str, name: str) -> float:
    """wordfreq's Zipf frequency of `word` in language `name` (0 when unknown)."""
    import wordfreq  # loaded on first use: most texts never need it

    return wordfreq.zipf_frequency(word, name)
