"""Person-name normalisation and fuzzy matching of names and author lists.

Sources spell the same person differently: accents ("Gómez"/"Gomez"), hyphens ("Yiu-Kai"/"Yiu Kai"),
initials ("Ed H. Chi"/"Ed Chi"), middle names ("Elena V. Epure"), glued tokens ("BobPatel", or a
program page's last author glued to the abstract: "Schaun WheelerConsumer") and truncated names
("Shuhei"). Everything here is a pure function of strings so each rule can be tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from collections.abc import Sequence

from rapidfuzz import fuzz

from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, PERSON_MATCH, MatchThresholds

#: Name particles that legitimately start a camel-cased token ("LeCun", "McDonald", "DeAndre").
PARTICLES = frozenset({"mc", "mac", "de", "di", "da", "du", "le", "la", "van", "von", "o", "al", "el"})

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: "Last, First" (one comma): the surname-first form some sources use.
SURNAME_FIRST = r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$"
_SURNAME_FIRST = re.compile(SURNAME_FIRST)


def given_first(name: str) -> str:
    """"Epure, Elena V." -> "Elena V. Epure"; a name without exactly one comma is unchanged.

    >>> given_first("Epure, Elena"), given_first("Elena Epure")
    ('Elena Epure', 'Elena Epure')
    """
    return _SURNAME_FIRST.sub(r"\2 \1", name)
_NON_LETTER = re.compile(r"[^a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII letters and single spaces only, so accents and punctuation never decide a match.

    >>> fold("Eliška Kremeňová-Smith")
    'eliska kremenova smith'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_LETTER.sub(" ", stripped.lower()).strip()


@lru_cache(maxsize=1 << 20)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name, with camel-case joins split ("BobPatel" -> bob, patel).

    >>> name_tokens("BobPatel")
    ('bob', 'patel')
    >>> name_tokens("Ed H. Chi")
    ('ed', 'h', 'chi')
    """
    return tuple(fold(_CAMEL.sub(" ", given_first(name))).split())


def squash(name: str) -> str:
    """The name's letters without spaces: equal for split and glued spellings ("Bob Patel"/"BobPatel")."""
    return "".join(name_tokens(name))


def _given_compatible(a: str, b: str) -> bool:
    """Given names agree when equal, one is the other's initial, or one is a prefix ("Chris"/"Christopher")."""
    return a == b or (min(len(a), len(b)) >= 1 and (a.startswith(b) or b.startswith(a)))


@lru_cache(maxsize=1 << 18)
def person_score(a: str, b: str) -> float:
    """How sure we are that two spellings name the same person, 0..1.

    >>> person_score("Elena V. Epure", "Elena Epure") >= 0.9
    True
    >>> person_score("Schaun WheelerConsumer", "Schaun Wheeler") >= 0.8
    True
    >>> person_score("Shuhei", "Shuhei Goda")
    0.6
    >>> person_score("Yu Xia", "Yu Xiao") < 0.6
    True
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = "".join(ta), "".join(tb)
    if sa == sb or sorted(ta) == sorted(tb):
        return 1.0
    if len(ta) >= 2 and len(tb) >= 2:
        if ta[-1] == tb[-1] and _given_compatible(ta[0], tb[0]):
            return 0.95
        short, long_ = sorted((sa, sb), key=len)
        if len(short) >= 6 and long_.startswith(short):
            return 0.85  # the longer spelling has the next word glued on
    elif ta[0] in tb or tb[0] in ta:
        return 0.6  # a truncated name: only one token survived
    if (len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1] and len(ta[0]) == len(tb[0])
            and fuzz.ratio(ta[0], tb[0]) >= 80):
        return 0.9  # same surname, one substituted letter in the given name (left-over mojibake)
    ratio = fuzz.ratio(sa, sb) / 100
    return ratio if min(len(sa), len(sb)) >= 16 and ratio >= 0.92 else 0.0


def list_similarity(a: Sequence[str], b: Sequence[str], person_min_score: float = PERSON_MATCH) -> float:
    """Share of people two author lists have in common (greedy one-to-one), over the longer list;
    two names are one person when their `person_score` is at least `person_min_score`.

    >>> list_similarity(["Ann Lee", "Bo Xu"], ["Bo Xu", "Ann  Lee"])
    1.0
    >>> list_similarity(["Ann Lee", "Bo Xu"], ["Ann Lee", "Cy Twombly", "Dee Dee"])
    0.3333333333333333
    """
    if not a or not b:
        return 0.0
    unmatched = list(b)
    matched = 0
    for name in a:
        scores = [person_score(name, other) for other in unmatched]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= person_min_score:
            matched += 1
            unmatched.pop(best)
    return matched / max(len(a), len(b))


def same_people(a: Sequence[str], b: Sequence[str], thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> bool:
    """The two author lists name the same people: similar at least `thresholds.same_list_min_similarity`,
    names matched at `thresholds.person_min_score` (the one test every signal applies to two lists).

    >>> same_people(["Ann Lee", "Bo Xu"], ["Bo Xu", "Ann  Lee"]), same_people(["Ann Lee"], ["Bo Xu"])
    (True, False)
    """
    return list_similarity(a, b, thresholds.person_min_score) >= thresholds.same_list_min_similarity


def damaged_name(name: str) -> str | None:
    """Why a table name looks damaged ("glued", "truncated"), or None when it looks whole.

    A single-token name lost its surname or its space; a token whose camel-case join is not a
    surname particle ("LeCun" is fine, "BobPatel" is not) had a word glued on.

    >>> damaged_name("BobPatel"), damaged_name("Yann LeCun"), damaged_name("Shuhei"), damaged_name("Bo Xu")
    ('glued', None, 'truncated', None)
    """
    raw_tokens = name.replace("-", " ").split()
    if not raw_tokens:
        return None
    for token in raw_tokens:
        parts = _CAMEL.sub(" ", token).split()
        if len(parts) > 1 and fold(parts[0]) not in PARTICLES and len(parts[0]) >= 2:
            return "glued"
    if len(raw_tokens) == 1:
        return "truncated"
    return None
