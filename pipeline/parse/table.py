"""The accepted-papers table of a write-up: find it by its header, then read every row.

The table is recognised by what its header *says* (a number column, a title and an authors
column, in any order, bold or not, possibly still carrying mojibake), never by where it sits in
the document, so a later drop with reordered or extra columns still parses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from pipeline.config import PipelineConfig, default_config
from pipeline.findings import Finding, where
from pipeline.parse.names import parse_affiliated_authors_lenient
from pipeline.parse.text import clean_inline, normalise_label, split_pipe_row
from schemas.contracts import conform, empty_frame

#: Header labels per role; compared after `normalise_label`, also in their mojibake spellings.
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "number": ("#", "no", "no.", "nr", "number", "id", "paper #", "paper id"),
    "title": ("title", "paper", "paper title"),
    "abstract": ("abstract", "summary"),
    "link": ("link", "url", "links", "pdf", "arxiv"),
    "authors": ("authors", "author", "author(s)", "authors and affiliations"),
    "track": ("category", "track", "type", "paper type"),
    "attachment": ("附件", "attachment", "attachments", "file", "files"),
}
REQUIRED_ROLES = ("number", "title", "authors")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")
_PAPER_NUMBER = re.compile(r"^\s*(\d+)\s*\.?\s*$")
_URL = re.compile(r"https?://\S+")
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?P<version>v\d+)?", re.IGNORECASE
)


@dataclass(frozen=True)
class PapersTable:
    """Where the table is: 0-based index of its header line and each role's column index."""

    header_index: int
    columns: dict[str, int]
    width: int
    closing_pipe: bool = False  # header written "a | b |": a row's empty cell past `width` is that pipe


def _mojibake_spellings(label: str) -> set[str]:
    """A label and how it reads after UTF-8 bytes were decoded as cp1252 or latin-1."""
    spellings = {label}
    for codec in ("cp1252", "latin-1"):
        for errors in ("replace", "ignore"):
            spellings.add(label.encode("utf-8").decode(codec, errors=errors))
    return {normalise_label(spelling) for spelling in spellings}


def header_role(cell: str) -> str | None:
    """The role of one header cell, e.g. '**Authors**' -> 'authors', 'é™„ä»¶' -> 'attachment'.

    Exact match first; for labels of 4+ characters a fuzzy ratio >= 80 also counts, so a label
    that lost a byte to mojibake still matches.

    >>> header_role("**#**"), header_role("**Category**"), header_role("é™„ä»¶"), header_role("Notes")
    ('number', 'track', 'attachment', None)
    """
    label = normalise_label(cell)
    for role, names in COLUMN_LABELS.items():
        for name in names:
            spellings = _mojibake_spellings(name)
            if label in spellings:
                return role
            if len(label) >= 4 and any(fuzz.ratio(label, spelling) >= 80 for spelling in spellings if len(spelling) >= 4):
                return role
    return None


def is_delimiter_row(line: str) -> bool:
    """`---|:---:|---` : the line under a pipe-table header."""
    if "-" not in line:
        return False
    cells = split_pipe_row(line)
    return len(cells) >= 2 and all(_DELIMITER_CELL.match(cell.replace(" ", "")) for cell in cells)


def find_papers_table(lines: list[str]) -> PapersTable | None:
    """The first pipe table whose header names a number, a title and an authors column."""
    for index in range(len(lines) - 1):
        if "|" not in lines[index] or not is_delimiter_row(lines[index + 1]):
            continue
        cells = split_pipe_row(lines[index])
        closing_pipe = bool(cells) and not cells[-1]
        if closing_pipe:  # "a | b |": a closing pipe, not an unnamed column
            cells = cells[:-1]
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            role = header_role(cell)
            if role is not None and role not in columns:
                columns[role] = position
        if all(role in columns for role in REQUIRED_ROLES):
            return PapersTable(index, columns, len(cells), closing_pipe)
    return None


def table_row_indices(lines: list[str], table: PapersTable) -> list[int]:
    """0-based indices of the body rows: every line after the delimiter until one without a pipe."""
    indices = []
    for index in range(table.header_index + 2, len(lines)):
        if "|" not in lines[index] or not lines[index].strip():
            break
        indices.append(index)
    return indices


def headerless_rows(lines: list[str]) -> list[int]:
    """1-based lines that read like accepted-papers rows ('**N** | title | ...') although no table
    header was found above them: a table whose header line was lost. The parser cannot know which
    cell is which without it, so it reports these lines instead of dropping them silently.

    >>> headerless_rows(["intro", " **1** | A title | Ann (X)", "| 2 | B | Bo |", "a | b"])
    [2, 3]
    """
    found = []
    for index, line in enumerate(lines):
        cells = split_pipe_row(line) if "|" in line else []
        if len(cells) >= 3 and _PAPER_NUMBER.match(clean_inline(cells[0])):
            found.append(index + 1)
    return found


def row_cells(line: str, table: PapersTable) -> list[str]:
    """Cells of a body row; one empty cell beyond the header's width is a closing pipe, dropped,
    when the header closes with a pipe too. Otherwise it is a real extra cell (an unescaped '|'
    earlier in the row shifted every cell after it) and the row must be reported, not re-aligned."""
    cells = split_pipe_row(line)
    if table.closing_pipe and len(cells) == table.width + 1 and not cells[-1]:
        cells = cells[:-1]
    return cells


def split_link(cell: str | None) -> tuple[str | None, str | None]:
    """(link, arxiv_id) of a link cell; arxiv ids drop their version suffix (2507.20035v2 -> 2507.20035).

    The version is dropped because every version is the same paper, and matching against other
    sources needs the canonical id; the full URL, version included, stays in `link`.

    >>> split_link("https://arxiv.org/pdf/2507.20035v2")
    ('https://arxiv.org/pdf/2507.20035v2', '2507.20035')
    >>> split_link("see title")
    (None, None)
    """
    if not cell:
        return None, None
    url = _URL.search(cell)
    if url is None:
        return None, None
    link = url.group(0).rstrip(").,;")
    arxiv = _ARXIV.search(link)
    return link, arxiv.group("id") if arxiv else None


def _cell(cells: list[str], table: PapersTable, role: str) -> str | None:
    """The raw text of a role's cell in this row, or None when the row or the header lacks it."""
    position = table.columns.get(role)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def _text(cell: str | None) -> str | None:
    """A cell as plain text; empty becomes None so 'no value' is one thing, not two."""
    if cell is None:
        return None
    cleaned = clean_inline(cell)
    return cleaned or None


def _row_findings(row: dict, cells: list[str], table: PapersTable, raw: dict[str, str | None],
                  config: PipelineConfig, truncated: bool = False) -> list[Finding]:
    """Checks on one parsed row that the parser can judge (shape, number, track, authors, link);
    `truncated` says the row is the document's last line and the document does not end in a newline."""
    source, line = row["source_file"], row["source_line"]
    key = str(row["paper_id"]) if row["paper_id"] is not None else where(source, line)
    at = where(source, line)
    found: list[Finding] = []

    def add(check: str, severity: str, message: str, **evidence: object) -> None:
        # The location goes into the evidence because `key` (the paper number) may be missing or
        # repeated: assemble uses it to find the row an error finding sends to quarantine.
        located = {"source_file": source, "source_line": line, **evidence}
        found.append(Finding("papers", key, check, severity, f"{at}: {message}", located))

    if truncated and len(cells) < table.width:
        add("table_row_truncated", "error",
            f"the document ends inside this accepted-papers row ({len(cells)} of {table.width} cells); "
            "the file was cut off: re-export or re-download it in full", cells=cells)
    elif len(cells) != table.width:
        add("table_row_cell_count", "error",
            f"accepted-papers row has {len(cells)} cells but the header has {table.width}; "
            "look for a missing cell or an unescaped '|' in this row", cells=cells)
    if row["paper_id"] is None:
        add("paper_number_unparsable", "error",
            f"cannot read a paper number from {raw['number']!r}; the first column should hold **N**",
            cell=raw["number"])
    if not row["title"]:
        add("title_missing", "error", "the row has no title; fill in the Title cell")
    if row["track_raw"] and row["track"] is None:
        # A new category is not an error in the row: it is kept with `track` null. What to do is
        # to teach the configuration the category, so the message names the file and the table.
        add("track_unknown", config.severity("track_unknown", "warning"),
            f"category {row['track_raw']!r} is none of the tracks of {config.path} "
            f"({', '.join(config.track_names)}); the row is kept with track empty. Add it under [tracks] "
            f"there (e.g. \"{row['track_raw']}\" = [\"{row['track_raw'].casefold()}\"]) or fix the cell",
            cell=row["track_raw"])
    if not row["authors_raw"]:
        add("authors_missing", "error", "the row has no authors; fill in the authors cell")
    elif not row["_balanced"]:
        add("authors_unbalanced_parentheses", "warning",
            "parentheses in the authors cell do not pair up; affiliations may be cut wrongly",
            cell=raw["authors"])
    if raw["link"] and clean_inline(raw["link"]) and row["link"] is None:
        add("link_not_url", "warning",
            "the link cell holds no URL (link left empty); put the paper's URL there", cell=raw["link"])
    return found


def parse_table_row(cells: list[str], table: PapersTable, source_file: str, line: int,
                    truncated: bool = False, config: PipelineConfig | None = None) -> tuple[dict, list[Finding]]:
    """One body row as a `papers` record (reconcile fields at their 'unverified' defaults) + findings."""
    config = config or default_config()
    raw = {role: _cell(cells, table, role) for role in COLUMN_LABELS}
    number = _PAPER_NUMBER.match(clean_inline(raw["number"] or ""))
    authors, balanced = parse_affiliated_authors_lenient(strip_authors_markup(raw["authors"]))
    link, arxiv_id = split_link(raw["link"])
    track_raw = _text(raw["track"])
    abstract = (raw["abstract"] or "").strip()
    row = {
        "paper_id": int(number.group(1)) if number else None,
        "title": _text(raw["title"]),
        "abstract": abstract or None,
        "link": link,
        "arxiv_id": arxiv_id,
        "track": config.normalise_track(track_raw),
        "track_raw": track_raw,
        "attachment": _text(raw["attachment"]),
        "authors_raw": [{"name": author.name, "affiliation": author.affiliation} for author in authors],
        "authors": None,
        "author_status": "unverified",
        "author_evidence": [],
        "source_file": source_file,
        "source_line": line,
        "_balanced": balanced,
    }
    return row, _row_findings(row, cells, table, raw, config, truncated)


def strip_authors_markup(cell: str | None) -> str:
    """The authors cell without markdown emphasis/escapes (parentheses are kept for the scanner)."""
    return clean_inline(cell) if cell else ""


def duplicate_findings(rows: list[dict]) -> list[Finding]:
    """One error per repeated paper number after its first row, naming both lines."""
    first_line: dict[int, int] = {}
    found = []
    counts = Counter(row["paper_id"] for row in rows if row["paper_id"] is not None)
    for row in rows:
        paper_id = row["paper_id"]
        if paper_id is None or counts[paper_id] < 2:
            continue
        if paper_id not in first_line:
            first_line[paper_id] = row["source_line"]
            continue
        found.append(Finding(
            "papers", str(paper_id), "duplicate_paper_id", "error",
            f"{where(row['source_file'], row['source_line'])}: paper number {paper_id} already used on line "
            f"{first_line[paper_id]}; this row is quarantined and line {first_line[paper_id]} kept; "
            "renumber one of the rows",
            {"lines": [first_line[paper_id], row["source_line"]], "source_file": row["source_file"],
             "source_line": row["source_line"]},
        ))
    return found


def missing_column_findings(table: PapersTable, source_file: str) -> list[Finding]:
    """A warning per optional column the header lacks (its field stays null in every row)."""
    line = table.header_index + 1
    return [
        Finding("papers", None, "table_column_missing", "warning",
                f"{where(source_file, line)}: the accepted-papers header has no {role!r} column "
                f"(expected one of {list(COLUMN_LABELS[role])}); {role} is left empty", None)
        for role in COLUMN_LABELS
        if role not in table.columns and role not in REQUIRED_ROLES
    ]


def parse_papers_table(lines: list[str], table: PapersTable, source_file: str,
                       config: PipelineConfig | None = None) -> tuple[pl.DataFrame, list[Finding]]:
    """Every body row of the table as the `papers` dataset, plus the findings on it (tracks and
    severities from `config`, the packaged default when None)."""
    rows: list[dict] = []
    found = missing_column_findings(table, source_file)
    for index in table_row_indices(lines, table):
        truncated = index == len(lines) - 1  # no newline after the row: the file stops inside it
        row, row_found = parse_table_row(row_cells(lines[index], table), table, source_file, index + 1, truncated,
                                         config)
        rows.append(row)
        found.extend(row_found)
    found.extend(duplicate_findings(rows))
    if not rows:
        return empty_frame("papers"), found
    frame = pl.DataFrame([{k: v for k, v in row.items() if not k.startswith("_")} for row in rows],
                         schema=empty_frame("papers").schema)
    return conform("papers", frame), found
