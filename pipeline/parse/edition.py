"""Which edition of a conference a document is about: the first half of a paper's key.

Two write-ups in one drop (this year's and last year's) both number their tables from 1, so the
table's `#` alone does not name a paper. The edition is read from what the document *says* (a title
or heading such as "RecSys 2025", or a short stand-alone line like "RecSys 2025 (Prague)"), normalised
to a slug (`recsys-2025`); a write-up that names none falls back to its file name (the stem's name
and year when it has them: `recsys2025_notes.md` -> `recsys-2025`). A program page that names none
gets no edition (null): it links to whichever edition holds its titles.
"""

from __future__ import annotations

import re
from pathlib import PurePath

#: A conference name (an acronym-like word: two capitals, or all capitals) and a year, "RecSys 2025",
#: "SIGIR'24", "KDD 2023". Plain words ("September 2025") do not count.
_EDITION = re.compile(r"(?<![\w])(?P<name>[A-Z][a-z]*[A-Z][A-Za-z]*|[A-Z]{2,})(?:\s?(?P<year>(?:19|20)\d{2})|\s?['’](?P<yy>\d{2}))(?!\d)")
_STEM = re.compile(r"(?P<name>[a-z]{2,}?)[-_ ]?(?P<year>(?:19|20)\d{2})(?!\d)")
#: A stand-alone line this short that holds a name and year is taken as a title line.
_TITLE_LINE_CHARS = 60
_HEADING = re.compile(r"^\s{0,3}#{1,3}\s+(?P<text>.+)$")


def slug(name: str, year: str) -> str:
    """`recsys-2025` from ("RecSys", "2025"); a two-digit year is read as 20YY.

    >>> slug("RecSys", "25"), slug("KDD", "2023")
    ('recsys-2025', 'kdd-2023')
    """
    return f"{name.casefold()}-{year if len(year) == 4 else '20' + year}"


def _title_lines(lines: list[str]) -> list[str]:
    """Lines that may carry the document's title: markdown headings and short stand-alone lines
    (not table rows, list items or quotes), in document order."""
    found = []
    for line in lines:
        heading = _HEADING.match(line)
        stripped = line.strip()
        if heading:
            found.append(heading.group("text"))
        elif stripped and len(stripped) <= _TITLE_LINE_CHARS and "|" not in stripped and not stripped.startswith(("-", "*", ">")):
            found.append(stripped)
    return found


def edition_from_text(text: str) -> str | None:
    """The edition the document's title lines name (the first one), or None.

    >>> edition_from_text("# Notes from RecSys 2025\\n\\n| # | Title |")
    'recsys-2025'
    >>> edition_from_text("Session 5: Ranking\\nRecSys 2025 (Prague)\\n"), edition_from_text("## SIGIR'24 notes")
    ('recsys-2025', 'sigir-2024')
    >>> edition_from_text("We met in September 2025 and watched YouTube 2013 clips in a long paragraph of text.") is None
    True
    """
    for line in _title_lines(text.split("\n")):
        match = _EDITION.search(line)
        if match:
            return slug(match.group("name"), match.group("year") or match.group("yy"))
    return None


def edition_from_file(source_file: str) -> str:
    """The edition a file name suggests: name and year of its stem, else the whole stem as a slug.

    >>> edition_from_file("recsys2025_notes.md"), edition_from_file("raw/kdd-2023.md"), edition_from_file("notes v2.md")
    ('recsys-2025', 'kdd-2023', 'notes-v2')
    """
    stem = PurePath(source_file).stem.casefold()
    match = _STEM.search(stem)
    if match:
        return slug(match.group("name"), match.group("year"))
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "unknown"


def notes_edition(text: str, source_file: str) -> str:
    """A write-up's edition: from its text, else from its file name (never unknown)."""
    return edition_from_text(text) or edition_from_file(source_file)


def program_edition(text: str) -> str | None:
    """A program page's edition from its text; None when it names none."""
    return edition_from_text(text)
