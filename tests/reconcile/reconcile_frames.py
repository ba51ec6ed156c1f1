"""Frames per `schemas.contracts`, built by hand, for the reconciliation tests."""

from __future__ import annotations

import polars as pl


from schemas.contracts import DATASETS, conform, empty_frame


#: The edition every hand-built frame belongs to unless a test says otherwise.
EDITION = "conf-2025"


def papers_frame(author_lists: list[list[tuple[str, str | None]]], abstracts: list[str | None] | None = None,
                 edition: str = EDITION, source_file: str = "notes.md") -> pl.DataFrame:
    n = len(author_lists)
    frame = pl.DataFrame({
        "edition": [edition] * n, "paper_id": list(range(1, n + 1)), "title": [f"Paper {i}" for i in range(1, n + 1)],
        "abstract": abstracts or [None] * n, "link": [None] * n, "arxiv_id": [None] * n, "track": ["Full"] * n,
        "track_raw": ["Full Papers"] * n, "attachment": [None] * n,
        "authors_raw": pl.Series([[{"name": a, "affiliation": f} for a, f in row] for row in author_lists],
                                 dtype=DATASETS["papers"]["authors_raw"]),
        "authors": pl.Series([None] * n, dtype=DATASETS["papers"]["authors"]),
        "author_status": ["unverified"] * n,
        "author_evidence": pl.Series([[] for _ in range(n)], dtype=DATASETS["papers"]["author_evidence"]),
        "source_file": [source_file] * n, "source_line": list(range(500, 500 + n)),
    })
    return conform("papers", frame)


def notes_frame(entries: dict[int, list[str]], organisations: dict[int, str] | None = None,
                edition: str = EDITION, source_file: str = "notes.md") -> pl.DataFrame:
    """Write-ups of `edition` linked to `paper_id`s, each naming its authors."""
    ids = sorted(entries)
    frame = pl.DataFrame({
        "edition": [edition] * len(ids),
        "note_id": [f"n{i}" for i in ids], "title": [f"Paper {i}" for i in ids],
        "organisation": [(organisations or {}).get(i) for i in ids], "authors": [entries[i] for i in ids],
        "paper_id": ids, "match_score": [100.0] * len(ids), "source_file": [source_file] * len(ids),
        "source_line": [10 * i for i in ids],
    }, schema_overrides={"authors": pl.List(pl.String), "paper_id": pl.Int64, "organisation": pl.String})
    missing = [pl.lit(None, dtype=d).alias(c) for c, d in DATASETS["paper_notes"].items() if c not in frame.columns]
    return conform("paper_notes", frame.with_columns(missing))


def letters(number: int) -> str:
    """A letters-only spelling of a number (names must differ after folding away digits)."""
    return "".join("abcdefghij"[int(d)] for d in str(number))


def people(count: int) -> list[list[tuple[str, str]]]:
    """`count` distinct two-author lists with distinct surnames and one organisation per paper."""
    return [[(f"Ann Sur{letters(i)}man", f"Org{letters(i)} Labs"), (f"Bob Fam{letters(i)}ly", f"Org{letters(i)} Labs")]
            for i in range(count)]



def no_program() -> pl.DataFrame:
    return empty_frame("program")
