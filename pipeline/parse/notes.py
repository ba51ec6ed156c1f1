"""Paper write-ups of a conference write-up (the `paper_notes` dataset).

A write-up is recognised by structure, not by wording: a markdown heading whose section holds a
`*by ...*` author line or a `> URL` line carrying a DOI. Section headings above it give the
session ("Paper Session 1: ...", "Posters"); talks and keynotes have neither marker and are
skipped (and counted in an info finding). Inside a write-up, lines are sorted by what they are:
`>` lines are the DOI link or comments, the `*by` line the authors, prose lines are told apart
by script (mostly ASCII letters = the English abstract; mostly other letters = Chinese title,
then Chinese abstract, then further Chinese notes). Script is measured on non-ASCII letters, so
Chinese that is still mojibake counts as Chinese too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl
from wordfreq import zipf_frequency

from pipeline.findings import Finding, where
from pipeline.parse.text import clean_inline, foreign_letter_share, is_foreign_line, unescape_markdown
from schemas.contracts import conform, empty_frame

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_AWARD = re.compile(r"^\s*\\?\[(?P<award>[^\]]*?)\\?\](?!\()")
_BYLINE = re.compile(r"^\s*\*+\s*by\s+(?P<body>.*)$", re.IGNORECASE)
_QUOTE = re.compile(r"^\s*>\s?(?P<body>.*)$")
_URL_ONLY = re.compile(r"^<?(?P<url>https?://\S+?)>?$")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s?#<>\"]+)")
_DECORATION = re.compile(r"^(\s*(!\[[^\]]*\]\([^)]*\)|<[^>]+>|-{3,}|\*{3,}))*\s*$")
#: Characters that separate the organisation prefix from the title in "Org'Title" headings.
_APOSTROPHES = "'’‘`´"
_FOREIGN_TAIL = re.compile(r"(?<=[.!?。])\s+(?=[^\x00-\x7f])")


@dataclass(frozen=True)
class Heading:
    """A markdown ATX heading: 0-based line index, level (1 = `#`) and its raw text."""

    index: int
    level: int
    text: str


@dataclass
class WriteUpParts:
    """The lines of one write-up, sorted by kind while walking its section."""

    doi: str | None = None
    pdf_url: str | None = None
    authors: list[str] | None = None
    byline_extra: str | None = None
    comments: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    mixed_line: int | None = None


def find_headings(lines: list[str]) -> list[Heading]:
    """ATX headings outside fenced code blocks."""
    headings, fenced = [], False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            headings.append(Heading(index, len(match.group(1)), match.group(2)))
    return headings


def section_body(lines: list[str], headings: list[Heading], position: int) -> range:
    """0-based line indices between heading `position` and the next heading of any level."""
    end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
    return range(headings[position].index + 1, end)


def doi_link(line: str) -> tuple[str, str] | None:
    """(doi, url) when the line is `> URL` and the URL carries a DOI; else None.

    >>> doi_link("> https://dl.acm.org/doi/pdf/10.1145/3705328.3748030")
    ('10.1145/3705328.3748030', 'https://dl.acm.org/doi/pdf/10.1145/3705328.3748030')
    """
    quote = _QUOTE.match(line)
    url = _URL_ONLY.match(quote.group("body").strip()) if quote else None
    doi = _DOI.search(url.group("url")) if url else None
    if doi is None:
        return None
    return doi.group(1).rstrip(".,;)"), url.group("url")


def is_write_up(lines: list[str], body: range) -> bool:
    """A section is a paper write-up when it has an author line or a DOI link line."""
    return any(_BYLINE.match(lines[index]) or doi_link(lines[index]) for index in body)


def split_awards(heading: str) -> tuple[str | None, str]:
    r"""Leading award marks of a heading: '\[Best Short Paper \]UIBK'...' -> ('Best Short Paper', "UIBK'...").

    >>> split_awards(r"\[Nominee\]RU'A Model")
    ('Nominee', "RU'A Model")
    >>> split_awards("[Link](#x) title")
    (None, '[Link](#x) title')
    """
    awards, rest = [], heading
    while match := _AWARD.match(rest):
        award = clean_inline(match.group("award"))
        if award:
            awards.append(award)
        rest = rest[match.end() :]
    return ("; ".join(awards) or None), rest.strip()


def is_possessive_plural(word: str) -> bool:
    """'Users' before an apostrophe reads as a possessive: a common English word ending in s."""
    return word.endswith("s") and zipf_frequency(word.casefold(), "en") >= 3.0


def split_organisation(text: str) -> tuple[str | None, str]:
    """'Deezer'Biases in ...' -> ('Deezer', 'Biases in ...'); no prefix -> (None, text).

    The separator is an apostrophe-like character whose prefix has no whitespace (organisation
    names here are one token such as 'CUHK&Wechat') and which is not followed by a lower-case
    letter (so "Don't" is not a separator), nor by a space after a common English plural
    ("Users' Interests" is a possessive, "Meta' Enhancing" an organisation). The last such
    character wins, because a garbled Chinese prefix can itself contain apostrophe-like debris.

    >>> split_organisation("JRC'You Don't Bring Me Flowers")
    ('JRC', "You Don't Bring Me Flowers")
    >>> split_organisation("Meta' Enhancing Embeddings"), split_organisation("Users' Interests matter")
    (('Meta', 'Enhancing Embeddings'), (None, "Users' Interests matter"))
    """
    cut = None
    for index, char in enumerate(text):
        if char.isspace():
            break
        following = text[index + 1 : index + 2]
        if char in _APOSTROPHES and index > 0 and not (following.isascii() and following.islower()):
            if not (following.isspace() and is_possessive_plural(text[:index])):
                cut = index
    if cut is None or not text[cut + 1 :].strip():
        return None, text
    return text[:cut], text[cut + 1 :].strip()


def parse_byline(line: str) -> tuple[list[str], str | None]:
    """'*by A, B* *C* Topic: X' -> (['A', 'B C'...], 'Topic: X'): names inside the emphasis, extra after.

    >>> parse_byline("*by Hao Gu, Kun* *Gai* Topic: LLMs")
    (['Hao Gu', 'Kun Gai'], 'Topic: LLMs')
    >>> parse_byline("*by Srivaths Ranganathan, Chieh* *Lo**, Bernardo Cunha*")
    (['Srivaths Ranganathan', 'Chieh Lo', 'Bernardo Cunha'], None)
    """
    match = _BYLINE.match(line)
    body = match.group("body") if match else line
    last_star = body.rfind("*")
    names_part, extra = (body[:last_star], body[last_star + 1 :].strip()) if last_star >= 0 else (body, "")
    names_text = re.sub(r"\s+", " ", unescape_markdown(names_part).replace("*", " "))
    names = [name.strip() for name in names_text.split(",") if name.strip()]
    return names, extra or None


def split_mixed_line(line: str) -> tuple[str, str | None]:
    """An English sentence run followed on the same line by Chinese: (english, chinese_tail)."""
    for match in _FOREIGN_TAIL.finditer(line):
        head, tail = line[: match.start()], line[match.end() :]
        if foreign_letter_share(head) < 0.1 and is_foreign_line(tail, 0.6):
            return head.strip(), tail.strip()
    return line, None


def _add_prose(parts: WriteUpParts, text: str, index: int) -> None:
    """File one prose line: English before any Chinese is the abstract, the rest goes to `after`."""
    if parts.after or is_foreign_line(text):
        parts.after.append(text)
        return
    english, tail = split_mixed_line(text)
    parts.english.append(english)
    if tail is not None:  # "...last sentence. 中文标题 中文摘要": title cut at the first space
        parts.mixed_line = index + 1
        parts.after.extend(part.strip() for part in tail.split(" ", 1))


def is_title_like(text: str, abstract_en: str | None) -> bool:
    """Whether a Chinese paragraph is a title rather than an abstract.

    Measured on the seed, a Chinese title is 1-3% of the English abstract's length and a Chinese
    abstract 25-35% (both about 2.5x longer while still mojibake), so the cut is 15% (at least 60,
    at most 300 characters); a full stop (。！？) marks a sentence, never a title.
    """
    if re.search(r"[。！？]", text):
        return False
    limit = max(0.15 * len(abstract_en), 60.0) if abstract_en else 300.0
    return len(text) <= min(limit, 300.0)


def chinese_parts(parts: WriteUpParts) -> tuple[str | None, str | None, list[str]]:
    """(title_zh, abstract_zh, further notes) from the prose after the English abstract.

    The first Chinese paragraph is the title only when it is title-sized; otherwise the write-up
    has no Chinese title and that paragraph is the Chinese abstract.
    """
    after = parts.after
    if not after:
        return None, None, []
    if not is_title_like(after[0], "\n".join(parts.english) or None):
        return None, after[0], after[1:]
    if len(after) > 1 and is_foreign_line(after[1]):
        return after[0], after[1], after[2:]
    return after[0], None, after[1:]


def collect_parts(lines: list[str], body: range) -> WriteUpParts:
    """Sort the lines of one write-up section into DOI, comments, authors and prose."""
    parts = WriteUpParts()
    for index in body:
        line = lines[index]
        if not line.strip() or _DECORATION.match(line):
            continue
        link = doi_link(line)
        quote = _QUOTE.match(line)
        if link and parts.doi is None:
            parts.doi, parts.pdf_url = link
        elif quote:
            if quote.group("body").strip():
                parts.comments.append(quote.group("body").strip())
        elif _BYLINE.match(line) and parts.authors is None:
            parts.authors, parts.byline_extra = parse_byline(line)
        else:
            _add_prose(parts, line.strip(), index)
    return parts


def enclosing_session(headings: list[Heading], position: int) -> str | None:
    """Text of the nearest earlier heading of a higher level: the session a write-up belongs to."""
    level = headings[position].level
    for earlier in reversed(headings[:position]):
        if earlier.level < level:
            return clean_inline(earlier.text) or None
    return None


def note_record(heading: Heading, session: str | None, parts: WriteUpParts, note_id: str, source_file: str) -> dict:
    """One `paper_notes` row from a heading and its sorted lines (paper_id is set by linking)."""
    award, rest = split_awards(heading.text)
    organisation, title = split_organisation(clean_inline(rest))
    title_zh, abstract_zh, further = chinese_parts(parts)
    notes = parts.comments + further
    return {
        "note_id": note_id,
        "session": session,
        "award": award,
        "organisation": organisation,
        "title": title or None,
        "doi": parts.doi,
        "pdf_url": parts.pdf_url,
        "authors": parts.authors,
        "abstract_en": "\n".join(parts.english) or None,
        "title_zh": title_zh,
        "abstract_zh": abstract_zh,
        "comment_zh": "\n".join(notes) or None,
        "paper_id": None,
        "match_score": None,
        "source_file": source_file,
        "source_line": heading.index + 1,
    }


def note_findings(record: dict, parts: WriteUpParts) -> list[Finding]:
    """What a write-up lacks or holds in an odd place; warnings and infos, never fatal."""
    at = where(record["source_file"], record["source_line"])
    key = record["note_id"]
    found = []

    def add(check: str, severity: str, message: str, evidence: dict | None = None) -> None:
        found.append(Finding("paper_notes", key, check, severity, f"{at}: {message}", evidence))

    if not record["title"]:
        add("note_title_missing", "error", "the write-up heading has no title after its award/organisation prefix")
    if record["doi"] is None:
        add("note_without_doi", "info", "write-up has no '> https://...10.xxxx/...' DOI link line")
    if not record["authors"]:
        add("note_without_authors", "warning", "write-up has no '*by Name, Name*' author line")
    if record["abstract_en"] is None:
        add("note_without_abstract", "warning", "write-up has no English abstract paragraph")
    if parts.byline_extra:
        add("byline_extra_text", "info", "text after the author line's emphasis is not an author; kept only here",
            {"extra": parts.byline_extra})
    if parts.mixed_line is not None:
        add("mixed_language_line", "warning",
            f"line {parts.mixed_line} runs the English abstract straight into the Chinese title and abstract; "
            "title_zh was cut at the first space, check it", {"line": parts.mixed_line})
    return found


def skipped_sections_finding(skipped: list[Heading], source_file: str) -> Finding:
    """One info finding that counts the sections that are neither write-ups nor their parents."""
    return Finding(
        "paper_notes", None, "non_paper_sections_skipped", "info",
        f"{source_file}: {len(skipped)} sections without an author line or DOI link were not read as "
        "paper write-ups (talks, keynotes, overviews)",
        {"count": len(skipped), "lines": [heading.index + 1 for heading in skipped][:50]},
    )


def parse_write_ups(lines: list[str], source_file: str) -> tuple[pl.DataFrame, list[Finding]]:
    """Every paper write-up of a markdown document as the `paper_notes` dataset, plus findings."""
    headings = find_headings(lines)
    records, found, skipped = [], [], []
    flags = [is_write_up(lines, section_body(lines, headings, position)) for position in range(len(headings))]
    for position, heading in enumerate(headings):
        if not flags[position]:
            is_parent = any(
                flags[later] for later in range(position + 1, len(headings)) if headings[later].level > heading.level
                and all(headings[between].level > heading.level for between in range(position + 1, later))
            )
            if not is_parent:
                skipped.append(heading)
            continue
        parts = collect_parts(lines, section_body(lines, headings, position))
        record = note_record(heading, enclosing_session(headings, position), parts,
                             f"{source_file}#{len(records) + 1}", source_file)
        records.append(record)
        found.extend(note_findings(record, parts))
    if skipped:
        found.append(skipped_sections_finding(skipped, source_file))
    if not records:
        return empty_frame("paper_notes"), found
    frame = pl.DataFrame(records, schema=empty_frame("paper_notes").schema)
    return conform("paper_notes", frame), found
