"""Synthetic accepted-papers tables with known truth, for the author-reconciliation evaluation.

A drop is made-up papers (syllable names, so a 100,000-row table still has a large name vocabulary)
whose authors column is then damaged the ways real drops are: shifted, rotated within a block, a
block of lists repeated down the column, random swaps, glued names. Independent sources ("notes"
anchors) name the true authors of a fraction of papers, spelled differently (no middle initial, no
accents), as real sources do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import polars as pl

from schemas.contracts import DATASETS, conform, empty_frame

SYLLABLES = ("ka", "ri", "mo", "ta", "le", "su", "na", "vi", "do", "ha", "ze", "lo", "mi", "ra", "ku", "pe",
             "sa", "no", "ti", "ga", "be", "yu", "fa", "jo", "wen", "li", "an", "el", "or", "is")
ORGS = tuple(f"{w} {k}" for w in ("Nordia", "Quantix", "Veltro", "Ambera", "Solvane", "Krelt", "Omnivo",
                                  "Tessaro", "Brindle", "Corvel", "Halvard", "Ixora") for k in ("Labs", "University"))


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _person(rng: random.Random) -> str:
    given, family = _word(rng, rng.randint(1, 2)), _word(rng, rng.randint(2, 3))
    if rng.random() < 0.15:
        given += f" {rng.choice('ABCDEHJKLMRS')}."
    if rng.random() < 0.1:
        family = family.replace("a", "á", 1)
    return f"{given} {family}"


@dataclass(frozen=True)
class Drop:
    """A damaged table with its truth: `truth[i]` are row i's real authors (list of {name, affiliation})."""

    papers: pl.DataFrame
    paper_notes: pl.DataFrame
    program: pl.DataFrame
    truth: list[list[dict]]
    damaged_rows: frozenset[int]  # positions whose names were glued (scenario "glued")


def true_lists(n: int, rng: random.Random) -> list[list[dict]]:
    """n made-up author lists of 1..8 people, each paper from one or two organisations."""
    lists = []
    for _ in range(n):
        orgs = rng.sample(ORGS, rng.choice((1, 1, 2)))
        lists.append([{"name": _person(rng), "affiliation": rng.choice(orgs)} for _ in range(rng.randint(1, 8))])
    return lists


def shift(lists: list, k: int) -> list:
    """Row r shows row r+k's list; the last k cells are empty (the column slid up)."""
    return [lists[r + k] if r + k < len(lists) else [] for r in range(len(lists))]


def rotate_block(lists: list, start: int, length: int, k: int) -> list:
    """Inside rows start..start+length-1, row r shows the list of row start + (r - start + k) mod length."""
    out = list(lists)
    for r in range(start, start + length):
        out[r] = lists[start + (r - start + k) % length]
    return out


def repeat_block(lists: list, source: int, length: int) -> list:
    """The lists of rows source..source+length-1 repeated down the whole column from the top."""
    return [lists[source + r % length] for r in range(len(lists))]


def swap_pairs(lists: list, pairs: int, rng: random.Random) -> list:
    out = list(lists)
    for _ in range(pairs):
        a, b = rng.sample(range(len(lists)), 2)
        out[a], out[b] = out[b], out[a]
    return out


def glue_names(lists: list, rows: int, rng: random.Random) -> tuple[list, frozenset[int]]:
    """Remove the space inside one name on `rows` random rows ("Bob Patel" -> "BobPatel")."""
    out = [list(map(dict, authors)) for authors in lists]
    chosen = frozenset(rng.sample([i for i, a in enumerate(out) if a], rows))
    for row in chosen:
        person = rng.choice(out[row])
        person["name"] = person["name"].replace(" ", "", 1)
    return out, chosen


def _anchor_spelling(name: str) -> str:
    """How an independent source spells a name: no middle initial, no accents."""
    parts = [p for p in name.split() if not p.endswith(".")]
    return " ".join(parts).replace("á", "a")


def build_drop(truth: list[list[dict]], shown: list[list[dict]], anchor_share: float, rng: random.Random,
               damaged: frozenset[int] = frozenset(), edition: str = "synthetic-2025",
               source_file: str = "synthetic.md") -> Drop:
    """Frames per `schemas.contracts` for a table showing `shown` while `truth` is right."""
    n = len(truth)
    papers = pl.DataFrame({
        "edition": [edition] * n, "paper_id": list(range(1, n + 1)), "title": [f"Synthetic paper {i}" for i in range(1, n + 1)],
        "abstract": [None] * n, "link": [None] * n, "arxiv_id": [None] * n, "track": ["Full"] * n,
        "track_raw": ["Full Papers"] * n, "attachment": [None] * n,
        "authors_raw": pl.Series(shown, dtype=DATASETS["papers"]["authors_raw"]),
        "authors": pl.Series([None] * n, dtype=DATASETS["papers"]["authors"]),
        "author_status": ["unverified"] * n,
        "author_evidence": pl.Series([[] for _ in range(n)], dtype=DATASETS["papers"]["author_evidence"]),
        "source_file": [source_file] * n, "source_line": list(range(100, 100 + n)),
    })
    anchored = sorted(rng.sample(range(n), int(n * anchor_share)))
    notes = pl.DataFrame({
        "edition": [edition] * len(anchored), "note_id": [f"{source_file}#n{i}" for i in anchored], "title": [f"Synthetic paper {i + 1}" for i in anchored],
        "authors": [[_anchor_spelling(a["name"]) for a in truth[i]] for i in anchored],
        "paper_id": [i + 1 for i in anchored], "match_score": [100.0] * len(anchored),
        "source_file": [source_file] * len(anchored), "source_line": [10 + i for i in anchored],
    }, schema_overrides={"authors": pl.List(pl.String), "paper_id": pl.Int64})
    notes = conform("paper_notes", notes.with_columns(
        [pl.lit(None, dtype=d).alias(c) for c, d in DATASETS["paper_notes"].items() if c not in notes.columns]))
    return Drop(conform("papers", papers), notes, empty_frame("program"), truth, damaged)


SCENARIOS = ("clean", "shift", "rotation", "repeated_block", "swaps", "glued")


def make_drop(scenario: str, n: int = 200, anchor_share: float = 0.2, seed: int = 7) -> Drop:
    """One synthetic drop of `scenario` (see SCENARIOS); sizes scale with n, nothing is fixed to a row."""
    rng = random.Random(seed)
    truth = true_lists(n, rng)
    damaged: frozenset[int] = frozenset()
    if scenario == "clean":
        shown = truth
    elif scenario == "shift":
        shown = shift(truth, rng.randint(1, max(1, n // 20)))
    elif scenario == "rotation":
        length = max(4, n // 4)
        shown = rotate_block(truth, rng.randint(0, n - length), length, rng.randint(1, length - 1))
    elif scenario == "repeated_block":
        length = max(4, n // 3)
        shown = repeat_block(truth, n - length, length)
    elif scenario == "swaps":
        shown = swap_pairs(truth, max(1, n // 40), rng)
    elif scenario == "glued":
        shown, damaged = glue_names(truth, max(1, n // 40), rng)
    else:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {SCENARIOS}")
    return build_drop(truth, shown, anchor_share, rng, damaged)
