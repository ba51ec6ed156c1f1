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


# --- Whole drops as documents (issue 14): editions, categories, name variants, program pages. ---

DROP_SCENARIOS = ("two_editions", "new_category", "name_variants", "block_rotation", "block_rotation+program")
#: Categories a table writes: known to the default config, and two it does not know.
CATEGORIES = ("Full Papers", "Short Papers", "Demo", "Late-Breaking Results", "Posters", "Keynote", "Panel")


@dataclass(frozen=True)
class DocumentDrop:
    """Raw documents (name -> text) and the truth: (edition, paper_id) -> true authors, and which
    (edition, paper_id) rows show a list that is not theirs."""

    documents: dict[str, str]
    truth: dict[tuple[str, int], list[dict]]
    bad: frozenset[tuple[str, int]]


def _title(rng: random.Random) -> str:
    return " ".join(_word(rng, rng.randint(2, 3)) for _ in range(rng.randint(4, 6)))


def variant_spelling(name: str, rng: random.Random) -> str:
    """How another source may spell a name: given name as an initial, middle initial dropped,
    accents stripped, or a hyphenated given name written without its hyphen."""
    given, _, family = name.rpartition(" ")
    given_parts = [p for p in given.split() if not p.endswith(".")]
    choice = rng.randrange(4)
    if choice == 0:
        return f"{given_parts[0][0]}. {family}"
    if choice == 1:
        return f"{' '.join(given_parts)} {family}"
    if choice == 2:
        return name.replace("á", "a")
    return name.replace("-", " " if rng.random() < 0.5 else "")


def _hyphenate(lists: list[list[dict]], rng: random.Random) -> list[list[dict]]:
    """A third of given names become hyphenated ("Kari" -> "Ka-ri"), so the no-hyphen variant is tested."""
    out = []
    for authors in lists:
        row = []
        for a in authors:
            given, _, family = a["name"].partition(" ")
            if len(given) >= 4 and rng.random() < 0.33:
                given = given[:2] + "-" + given[2:].lower()
            row.append({**a, "name": f"{given} {family}"})
        out.append(row)
    return out


def write_up_text(conference: str, titles: list[str], shown: list[list[dict]], tracks: list[str],
                  notes: dict[int, list[str]]) -> str:
    """A write-up titled `conference`: '*by*' write-ups for `notes` (row -> names) and the table."""
    sections = [line for row, names in sorted(notes.items())
                for line in (f"### {titles[row]}", "*by " + ", ".join(names) + "*", "")]
    rows = [f"| **{i + 1}** | {titles[i]} | We study {titles[i].lower()}. | " + ", ".join(f"{a['name']} ({a['affiliation']})" for a in shown[i])
            + f" | {tracks[i]} |" for i in range(len(titles))]
    return "\n".join([f"# Notes from {conference}", "", "## Paper Session 1", "", *sections,
                      "| # | Title | Abstract | Authors | Category |", "|---|---|---|---|---|", *rows, ""])


def program_text(conference: str, titles: list[str], entries: dict[int, list[str]]) -> str:
    """A scraped program page naming `conference`, one entry per row of `entries` (glued abstract)."""
    lines = ["Session 1: Synthetic Session", "Date: Wednesday September 24, 11:30–13:00 (GMT+2)", conference, ""]
    for row, names in sorted(entries.items()):
        lines += [f"- RES{titles[row]}", "by " + ", ".join(names) + "We study synthetic things at length."]
    return "\n".join(lines + [""])


def _edition_drop(rng: random.Random, n: int, conference: str, edition: str, stem: str, *, anchor_share: float,
                  rotate: bool = False, variants: bool = False, categories: bool = False,
                  program_share: float = 0.0) -> tuple[dict[str, str], dict, set]:
    truth = true_lists(n, rng)
    if variants:
        truth = _hyphenate(truth, rng)
    shown = truth
    if rotate:
        length = max(4, n // 4)
        shown = rotate_block(truth, rng.randint(0, n - length), length, rng.randint(1, length - 1))
    titles = [_title(rng) for _ in range(n)]
    tracks = [rng.choice(CATEGORIES) if categories else rng.choice(CATEGORIES[:2]) for _ in range(n)]
    rows = list(range(n))
    anchored = sorted(rng.sample(rows, int(n * anchor_share)))
    spell = (lambda a: variant_spelling(a["name"], rng)) if variants else (lambda a: _anchor_spelling(a["name"]))
    notes = {row: [spell(a) for a in truth[row]] for row in anchored}
    documents = {f"{stem}_notes.md": write_up_text(conference, titles, shown, tracks, notes)}
    if program_share:
        on_program = sorted(rng.sample([r for r in rows if r not in notes], int(n * program_share)))
        documents[f"{stem}_program.txt"] = program_text(conference, titles, {r: [a["name"] for a in truth[r]] for r in on_program})
    key_truth = {(edition, i + 1): truth[i] for i in rows}
    bad = {(edition, i + 1) for i in rows if [a["name"] for a in shown[i]] != [a["name"] for a in truth[i]]}
    return documents, key_truth, bad


def make_document_drop(scenario: str, n: int = 120, seed: int = 7) -> DocumentDrop:
    """One drop of documents for `scenario` (see DROP_SCENARIOS); nothing is fixed to a row or a seed."""
    rng = random.Random(seed)
    year = 2020 + rng.randint(0, 5)
    parts = []
    if scenario == "two_editions":
        parts.append(_edition_drop(rng, n, f"RecSys {year}", f"recsys-{year}", f"recsys{year}", anchor_share=0.2))
        parts.append(_edition_drop(rng, n, f"RecSys {year + 1}", f"recsys-{year + 1}", f"recsys{year + 1}",
                                   anchor_share=0.2, rotate=True))
    elif scenario == "new_category":
        parts.append(_edition_drop(rng, n, f"RecSys {year}", f"recsys-{year}", "drop", anchor_share=0.2, categories=True))
    elif scenario == "name_variants":
        parts.append(_edition_drop(rng, n, f"RecSys {year}", f"recsys-{year}", "drop", anchor_share=0.3, variants=True))
    elif scenario in ("block_rotation", "block_rotation+program"):
        parts.append(_edition_drop(rng, n, f"RecSys {year}", f"recsys-{year}", "drop", anchor_share=0.2, rotate=True,
                                   program_share=0.2 if scenario.endswith("program") else 0.0))
    else:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {DROP_SCENARIOS}")
    documents, truth, bad = {}, {}, set()
    for docs, key_truth, key_bad in parts:
        documents |= docs
        truth |= key_truth
        bad |= key_bad
    return DocumentDrop(documents, truth, frozenset(bad))
