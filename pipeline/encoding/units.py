"""Split a run of mojibake into UTF-8 units and list what each damaged unit may have been.

Lead bytes (0xC2-0xF4) and continuation bytes (0x80-0xBF) are told apart by value, so a run
splits into units deterministically: a lead and the continuations after it. A unit with all its
bytes is re-decoded exactly; a short one lost bytes, and every way of putting lost byte values back
(at any continuation position) that decodes to an assigned character is a candidate.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import combinations, product
from typing import NamedTuple

UNIT_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]*|[\x80-\xbf]+|[\xc0\xc1\xf5-\xff]")
UNLIKELY_CATEGORIES = frozenset({"Cn", "Cs", "Co"})


def sequence_length(lead: int) -> int:
    """UTF-8 length announced by a lead byte (0 for a byte that cannot lead)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


class Unit(NamedTuple):
    """A slice [start, end) of the run (in characters = bytes) and how to read it (a NamedTuple:
    a line of dense damage makes thousands)."""

    start: int
    end: int
    kind: str  # 'intact', 'short' (lost bytes) or 'literal' (not UTF-8: keep as it is)
    text: str  # the decoded character for 'intact', else ''


@lru_cache(maxsize=65_536)
def split_units(data: bytes) -> tuple[Unit, ...]:
    """Cut the bytes of one run into units (cached: the same damaged bytes recur throughout a text).

    >>> [(u.kind, u.text) for u in split_units("中".encode() + b"\\xe4\\xb8" + b"\\xa9\\xa9")]
    [('intact', '中'), ('intact', '丩'), ('literal', '')]
    >>> [(u.kind, u.end) for u in split_units(b"\\xe4\\xb8\\xe5")]
    [('short', 2), ('short', 3)]
    """
    units: list[Unit] = []
    for match in UNIT_RE.finditer(data):
        start, chunk = match.start(), match.group()
        need = sequence_length(chunk[0])
        if need == 0:
            units.append(Unit(start, start + len(chunk), "literal", ""))
            continue
        head = chunk[:need]
        units.append(_unit(start, head, need))
        if len(chunk) > need:  # surplus continuations: nothing they could belong to
            units.append(Unit(start + need, start + len(chunk), "literal", ""))
    return tuple(units)


def _unit(start: int, head: bytes, need: int) -> Unit:
    """Classify a lead with its continuations."""
    if len(head) < need:
        return Unit(start, start + len(head), "short", "")
    try:
        return Unit(start, start + need, "intact", head.decode("utf-8"))
    except UnicodeDecodeError:  # overlong or surrogate: not something an encoder wrote
        return Unit(start, start + need, "literal", "")


@lru_cache(maxsize=65_536)
def candidates(head: bytes, lost: frozenset[int]) -> tuple[str, ...]:
    """Characters whose UTF-8 is `head` with lost byte values put back at continuation positions.

    >>> candidates(b"\\xc3", frozenset({0xAD, 0x8D}))
    ('Í', 'í')
    >>> "”" in candidates(b"\\xe2\\x80", frozenset({0x9D}))
    True
    """
    need = sequence_length(head[0])
    missing = need - len(head)
    if missing <= 0:
        return ()
    found: dict[str, None] = {}
    tail = head[1:]
    for slots in combinations(range(1, need), missing):
        for values in product(sorted(lost), repeat=missing):
            char = _decode_with(head[0], tail, slots, values, need)
            if char and unicodedata.category(char) not in UNLIKELY_CATEGORIES:
                found[char] = None
    return tuple(found)


def _decode_with(lead: int, tail: bytes, slots: tuple[int, ...], values: tuple[int, ...],
                 need: int) -> str:
    """Decode the sequence with `values` inserted at positions `slots` ('' when invalid)."""
    filled = dict(zip(slots, values))
    rest = iter(tail)
    sequence = bytes([lead] + [filled[i] if i in filled else next(rest) for i in range(1, need)])
    try:
        return sequence.decode("utf-8")
    except UnicodeDecodeError:
        return ""
