"""Author lists as the sources write them.

Two shapes occur: the table's "Name (Affiliation), Name (Affiliation)" where an affiliation may
hold commas and nested parentheses, and the program page's "by A, B, C" with the abstract glued
straight onto the last name ("Schaun WheelerConsumer applications ..."). Both are parsed by small
scanners rather than one clever regex, so each rule can be read and tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wordfreq import zipf_frequency

#: Lower-case words that may sit inside a personal name ("Maarten de Rijke", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset(
    "de da das del della der di do dos du la le van von ten ter den al el bin ibn y zu af av".split()
)
_MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class AffiliatedAuthor:
    """One author of the table: the name and the affiliation in parentheses after it (or None)."""

    name: str
    affiliation: str | None


class UnbalancedParentheses(ValueError):
    """An author cell whose parentheses do not pair up; the parse is still returned best-effort."""


def split_top_level(text: str, separator: str = ",") -> tuple[list[str], int]:
    """Split at separators outside parentheses; also return the depth left open at the end.

    >>> split_top_level("A (X, Y), B (OTTO (GmbH & Co. KG))")
    (['A (X, Y)', 'B (OTTO (GmbH & Co. KG))'], 0)
    """
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part], depth


def split_name_affiliation(entry: str) -> AffiliatedAuthor:
    """'Timo Wilm (OTTO (GmbH & Co. KGaA))' -> name 'Timo Wilm', affiliation 'OTTO (GmbH & Co. KGaA)'.

    The affiliation is the balanced group that closes at the end of the entry; a name without
    one keeps affiliation None.

    >>> split_name_affiliation("Timo Wilm (OTTO (GmbH & Co. KGaA))")
    AffiliatedAuthor(name='Timo Wilm', affiliation='OTTO (GmbH & Co. KGaA)')
    >>> split_name_affiliation("Ann Lee")
    AffiliatedAuthor(name='Ann Lee', affiliation=None)
    """
    text = entry.strip()
    if not text.endswith(")"):
        return AffiliatedAuthor(text, None)
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                name, affiliation = text[:index].strip(), text[index + 1 : -1].strip()
                if not name:  # "(Something)" alone: keep it as the name rather than lose it
                    return AffiliatedAuthor(text, None)
                return AffiliatedAuthor(name, affiliation or None)
    return AffiliatedAuthor(text, None)


def parse_affiliated_authors(cell: str) -> list[AffiliatedAuthor]:
    """Authors of a table cell "Name (Affiliation), ...", raising UnbalancedParentheses on bad pairs.

    >>> [a.name for a in parse_affiliated_authors("A (G, Inc), B (ZDF (Z)), C")]
    ['A', 'B', 'C']
    """
    if cell.count("(") != cell.count(")"):
        raise UnbalancedParentheses(cell)
    entries, _ = split_top_level(cell)
    return [split_name_affiliation(entry) for entry in entries]


def parse_affiliated_authors_lenient(cell: str) -> tuple[list[AffiliatedAuthor], bool]:
    """Like `parse_affiliated_authors` but never raises: returns (authors, parentheses_balanced)."""
    try:
        return parse_affiliated_authors(cell), True
    except UnbalancedParentheses:
        entries, _ = split_top_level(cell)
        return [split_name_affiliation(entry) for entry in entries], False


def split_plain_names(text: str) -> list[str]:
    """'A, B,C' -> ['A', 'B', 'C']: a by-line list without affiliations."""
    return [name.strip() for name in text.split(",") if name.strip()]


def is_name_token(token: str) -> bool:
    """A word that can be part of a personal name: capitalised, an initial, or a particle.

    >>> [is_name_token(t) for t in ["Eliška", "H.D.", "de", "model", "Ji-Rong", "O'Neil"]]
    [True, True, True, False, True, True]
    """
    if token.casefold() in NAME_PARTICLES:
        return True
    head = token.lstrip("(\"'“‘")
    return bool(head) and head[0].isupper()


def looks_like_name(text: str) -> bool:
    """1..6 name tokens, e.g. 'Aleksandra Maria Osowska-Kurczab'; prose fails quickly."""
    tokens = text.split()
    return 0 < len(tokens) <= _MAX_NAME_WORDS and all(is_name_token(token) for token in tokens)


def looks_like_name_list(text: str) -> bool:
    """Every comma-separated part is a plausible name (the prefix test of the by-line split)."""
    parts = [part.strip() for part in text.split(",")]
    return bool(parts) and all(looks_like_name(part) for part in parts)


def glue_candidates(text: str) -> list[int]:
    """Positions where a lower-case letter is directly followed by a sentence start (camel glue).

    >>> glue_candidates("Ann McDonaldWe study")
    [6, 12]
    """
    positions = []
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if before.isalpha() and before.islower() and (char.isupper() or char.isdigit() or char in "\"“‘(["):
            positions.append(index)
    return positions


def sentence_score(remainder: str) -> float:
    """How much `remainder` reads like the start of an English sentence.

    The first word's frequency (wordfreq Zipf scale, 0..8) plus a bonus for the share of
    lower-case words among the next four: "We study the ..." scores high, "Donald, Bob Lee" low.
    """
    words = re.findall(r"[^\W\d_][\w'’-]*|\d+", remainder)[:5]
    if not words:
        return 0.0
    first = zipf_frequency(words[0].casefold(), "en")
    following = words[1:]
    lower_share = sum(1 for word in following if word[0].islower()) / len(following) if following else 0.0
    return first + 2.0 * lower_share


def split_glued_byline(text: str) -> tuple[list[str], str | None]:
    """Split "A, B, Last NameAbstract text..." into (authors, abstract).

    Candidates are camel-case boundaries whose prefix is still a list of names; among them the
    one whose remainder best starts an English sentence wins, which keeps "McDonald" and
    "Eliška KremeňováBuilding" apart. With no candidate, a line of names only is all authors and
    the abstract is None; anything else returns ([], None) so the caller can report it.

    >>> split_glued_byline("Ann McDonald, Eliška KremeňováBuilding large systems is hard.")
    (['Ann McDonald', 'Eliška Kremeňová'], 'Building large systems is hard.')
    >>> split_glued_byline("Ann Lee, Bo Xu")
    (['Ann Lee', 'Bo Xu'], None)
    """
    body = text.strip()
    scored = [
        (sentence_score(body[index:]), index)
        for index in glue_candidates(body)
        if looks_like_name_list(body[:index])
    ]
    if scored:
        _, index = max(scored, key=lambda pair: (pair[0], pair[1]))
        return split_plain_names(body[:index]), body[index:].strip() or None
    if looks_like_name_list(body):
        return split_plain_names(body), None
    return [], None
