"""Synthetic raw drops for tests: notes documents with an accepted-papers table of N rows, and
program pages, deterministic from a seed.

Everything here is built from small vocabularies of plausible titles, person names and
affiliations (some with nested parentheses, as real tables have), so a property test can compare
what the parser reads back with what was written. Nothing depends on the seed files in `raw/`.

    rows = generate_papers(seed=7, count=30)
    text = notes_document(rows)                 # a write-up ending in the papers table
    page = program_page(rows[:5], seed=7)       # a program page listing five of them
    write_drop(tmp_path / "raw", seed=7, count=30)
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FIRST_NAMES = ("Ann", "Bo", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jonas",
               "Kwame", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomoko")
LAST_NAMES = ("McDonald", "Xu", "de Rijke", "Okafor", "Larsen", "Silva", "Novak", "Tanaka", "Haddad",
              "Kowalski", "Nguyen", "Schmidt", "Rossi", "Ivanova", "Moreau", "Chen", "O'Brien", "Yilmaz")
AFFILIATIONS = ("University of Amsterdam", "Spotify", "ACME (Europe), Inc.", "OTTO (GmbH & Co. KGaA)",
                "Uni A (Dept. B (Data Lab))", "Google DeepMind", "KAIST", "Zalando SE",
                "Politecnico di Milano", "Netflix, Inc.")
TITLE_WORDS = ("Recommendation", "Sequential", "Graph", "Contrastive", "Learning", "Fairness", "Music",
               "News", "Retrieval", "Ranking", "Session", "Cold-Start", "Diffusion", "Language", "Models",
               "Evaluation", "Bandits", "Exploration", "Embeddings", "Users", "Playlists", "Attention")
#: Category cells as a table writes them, and the track the parser must read from each.
TRACK_CELLS = {"Full Papers": "Full", "Short Papers": "Short", "Reproducibility": "Reproducibility",
               "Industry Talks": "Industry", "Doctoral Symposium": "Doctoral"}
PROGRAM_CODES = {"Full": "RES", "Short": "RES", "Reproducibility": "REPR", "Industry": "IND", "Doctoral": "RES"}
HEADER = ("**#**", "**Title**", "**abstract**", "**link**", "**authors**", "**Category**", "**附件**")


@dataclass(frozen=True)
class PaperRow:
    """What one generated table row says, in the shape the `papers` dataset should read it back."""

    number: int
    title: str
    abstract: str
    link: str | None
    authors: tuple[tuple[str, str | None], ...]  # (name, affiliation)
    track_cell: str

    @property
    def track(self) -> str:
        return TRACK_CELLS[self.track_cell]

    @property
    def authors_cell(self) -> str:
        return ", ".join(f"{name} ({affiliation})" if affiliation else name for name, affiliation in self.authors)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def title_text(rng: random.Random, number: int) -> str:
    """A title unique within a drop: random topic words, then the row number."""
    words = rng.sample(TITLE_WORDS, rng.randint(3, 6))
    return f"{' '.join(words)} for Study {number}"


def generate_papers(seed: int, count: int, *, start: int = 1) -> list[PaperRow]:
    """`count` table rows numbered from `start`; the same seed always gives the same rows."""
    rng = random.Random(seed)
    rows = []
    for number in range(start, start + count):
        authors = []
        for _ in range(rng.randint(1, 5)):
            name = person_name(rng)
            while any(name == existing for existing, _ in authors):
                name = person_name(rng)
            authors.append((name, rng.choice((*AFFILIATIONS, None))))
        link = rng.choice((f"https://arxiv.org/abs/25{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}",
                           f"https://dl.acm.org/doi/10.1145/{rng.randint(1000000, 9999999)}", None))
        abstract = f"We study {rng.choice(TITLE_WORDS).lower()} and report results on {rng.randint(2, 9)} datasets."
        rows.append(PaperRow(number, title_text(rng, number), abstract, link, tuple(authors),
                             rng.choice(tuple(TRACK_CELLS))))
    return rows


def table_row(row: PaperRow, *, leading_pipe: bool = False) -> str:
    """One body row in the seed's style (no outer pipes, bold number) or with outer pipes."""
    cells = [f"**{row.number}**", row.title, row.abstract, row.link or "", row.authors_cell, row.track_cell, ""]
    body = " | ".join(cells)
    return f"| {body} |" if leading_pipe else f" {body}"


def table_lines(rows: list[PaperRow], *, leading_pipe: bool = False) -> list[str]:
    """Header, delimiter and body of an accepted-papers table."""
    header = " | ".join(HEADER)
    delimiter = "|".join(["---"] * len(HEADER))
    if leading_pipe:
        header, delimiter = f"| {header} |", f"|{delimiter}|"
    return [header, delimiter, *(table_row(row, leading_pipe=leading_pipe) for row in rows)]


def write_up(row: PaperRow) -> list[str]:
    """A '### Title' paper write-up section for one paper, as the notes have them."""
    names = ", ".join(name for name, _ in row.authors)
    return [f"### {row.title}", f"> https://doi.org/10.1145/{1000000 + row.number}.{2000000 + row.number}", "",
            f"*by {names}*", row.abstract, ""]


def notes_document(rows: list[PaperRow], *, write_ups: int = 3, leading_pipe: bool = False) -> str:
    """A conference write-up: an overview, `write_ups` paper sections, then the papers table."""
    lines = ["> Conference notes", "", "# Overview", "", "Some notes about the conference.", "",
             "# Sessions", "", "## Paper Session 1: Recommendation", ""]
    for row in rows[:write_ups]:
        lines += write_up(row)
    lines += ["# Accepted papers", "", *table_lines(rows, leading_pipe=leading_pipe), ""]
    return "\n".join(lines)


def program_page(rows: list[PaperRow], seed: int) -> str:
    """A scraped program page listing `rows` in one session (authors glued to the abstract, as scraped)."""
    rng = random.Random(seed)
    lines = ["Conference 2025", "- About the Conference", "- Program", "",
             "Session 5: Sequences and Journeys",
             f"Date: Wednesday September 24, 11:{rng.randint(10, 40)}–13:00 (GMT+2)",
             f"Session Chair: {person_name(rng)}"]
    for row in rows:
        lines.append(f"- {PROGRAM_CODES[row.track]}{row.title}")
        lines.append(f"by {', '.join(name for name, _ in row.authors)}{row.abstract}")
    return "\n".join(lines) + "\n"


def write_drop(raw_dir: Path, seed: int, count: int, *, program_entries: int = 4) -> list[PaperRow]:
    """A raw folder with one notes document and one program page; returns the table's rows."""
    rows = generate_papers(seed, count)
    raw_dir.mkdir(parents=True, exist_ok=True)
    (raw_dir / f"notes_{seed}.md").write_text(notes_document(rows), encoding="utf-8")
    (raw_dir / f"program_{seed}.txt").write_text(program_page(rows[:program_entries], seed), encoding="utf-8")
    return rows


def huge_notes_chunks(target_bytes: int, seed: int = 0) -> Iterator[str]:
    """A notes document of about `target_bytes`, yielded in pieces so writing it needs no memory."""
    rows = generate_papers(seed, 200)
    yield "\n".join(["# Accepted papers", "", *table_lines([])]) + "\n"
    written, number = 0, 1
    while written < target_bytes:
        chunk = "\n".join(table_row(PaperRow(number + i, row.title, row.abstract, row.link, row.authors, row.track_cell))
                          for i, row in enumerate(rows)) + "\n"
        number += len(rows)
        written += len(chunk.encode("utf-8"))
        yield chunk


def write_huge_notes(path: Path, target_bytes: int) -> int:
    """Write a ~`target_bytes` notes document to `path` in bounded memory; returns its size."""
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in huge_notes_chunks(target_bytes):
            handle.write(chunk)
    return path.stat().st_size
