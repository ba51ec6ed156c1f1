"""Properties that hold for any generated drop: the table parses back to what was written, every
row read is emitted or quarantined, and the same frames always give the same Parquet bytes.

Drops come from `tests.generators` (deterministic from a seed), broken in random ways; hypothesis
draws the seeds, sizes, breakages and, for the round trip, the affiliations themselves (nested
parentheses included). Example counts stay small so the file runs in seconds.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import accounting, assemble
from pipeline.emit import write_datasets
from pipeline.ingest import RawDocument, decode_document
from pipeline.parse import parse_notes
from tests.generators import (FIRST_NAMES, LAST_NAMES, TRACK_CELLS, PaperRow, generate_papers, notes_document,
                              program_page)

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROW_DATASETS = ("papers", "paper_notes", "program")

#: Affiliation words; the parser collapses runs of spaces (markdown does too), so none are drawn.
words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ&.-' "), min_size=1, max_size=12) \
    .map(lambda word: " ".join(word.split())).filter(bool)
#: "Uni", "Uni (Lab)", "OTTO (GmbH (KG) & Co)", ...: affiliations with nested, balanced parentheses.
affiliations = st.recursive(words, lambda inner: st.builds(lambda head, tail: f"{head} ({tail})", words, inner),
                            max_leaves=4)
names = st.builds(lambda first, last: f"{first} {last}", st.sampled_from(FIRST_NAMES), st.sampled_from(LAST_NAMES))
authors = st.lists(st.tuples(names, st.one_of(st.none(), affiliations)), min_size=1, max_size=5,
                   unique_by=lambda author: author[0])


@st.composite
def tables(draw: st.DrawFn) -> list[PaperRow]:
    """Table rows numbered 1..n with drawn authors and tracks, titles from the generator."""
    base = generate_papers(draw(st.integers(0, 10_000)), draw(st.integers(1, 25)))
    return [PaperRow(row.number, row.title, row.abstract, row.link, tuple(draw(authors)),
                     draw(st.sampled_from(sorted(TRACK_CELLS)))) for row in base]


@FAST
@given(rows=tables(), leading_pipe=st.booleans())
def test_parsing_a_generated_table_gives_back_its_rows(rows: list[PaperRow], leading_pipe: bool):
    papers = parse_notes(notes_document(rows, leading_pipe=leading_pipe), "gen.md").papers
    assert papers["paper_id"].to_list() == [row.number for row in rows]
    assert papers["title"].to_list() == [row.title for row in rows]
    assert papers["track"].to_list() == [row.track for row in rows]
    assert papers["link"].to_list() == [row.link for row in rows]
    assert [[(a["name"], a["affiliation"]) for a in parsed] for parsed in papers["authors_raw"].to_list()] \
        == [list(row.authors) for row in rows]
    assert papers["source_line"].is_sorted() and papers["source_line"].n_unique() == len(rows)


def corrupt(text: str, rng: random.Random, breakage: str) -> str:
    """`text` with one table row broken the way real drops break."""
    lines = text.split("\n")
    rows = [index for index, line in enumerate(lines) if line.startswith(" **")]
    target = rng.choice(rows)
    if breakage == "drop_cell":
        lines[target] = lines[target].replace(" | ", " ", 1)
    elif breakage == "extra_cell":
        lines[target] = lines[target].replace(" for Study", " | for Study", 1)
    elif breakage == "duplicate_number":
        lines[target] = " **1** |" + lines[target].split("|", 1)[1]
    elif breakage == "bad_track":
        for cell in TRACK_CELLS:
            lines[target] = lines[target].replace(f"| {cell} |", "| Posters |")
    elif breakage == "truncate":
        return "\n".join(lines[: rows[-1]] + [lines[rows[-1]][: rng.randint(5, 40)]])
    return "\n".join(lines)


def document(name: str, text: str) -> RawDocument:
    data = text.encode("utf-8")
    return RawDocument(Path(name), name, hashlib.sha256(data).hexdigest(), len(data), decode_document(Path(name), data))


def drop_documents(seed: int, count: int, breakages: list[str], second_table: bool) -> list[RawDocument]:
    rng = random.Random(seed)
    rows = generate_papers(seed, count)
    notes = notes_document(rows)
    for breakage in breakages:
        notes = corrupt(notes, rng, breakage)
    documents = [document("a_notes.md", notes), document("b_program.txt", program_page(rows[:3], seed))]
    if second_table:  # another write-up reusing numbers 1..k: the two-drops case
        documents.append(document("c_notes.md", notes_document(generate_papers(seed + 1, rng.randint(1, count)))))
    return documents


def stage_datasets(documents: list[RawDocument]) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Repair, parse, combine and hold back (the flow's order); detection is left out: it adds no rows."""
    with tempfile.TemporaryDirectory() as work:
        parsed = [assemble.parse_document(assemble.repair_document(doc, Path(work))) for doc in documents]
        return assemble.hold_back_rejected_rows(assemble.combine_documents(parsed))


BREAKAGES = st.lists(st.sampled_from(["drop_cell", "extra_cell", "duplicate_number", "bad_track", "truncate"]),
                     max_size=3)


@FAST
@given(seed=st.integers(0, 10_000), count=st.integers(2, 20), breakages=BREAKAGES, second_table=st.booleans())
def test_every_row_read_is_emitted_or_quarantined(seed: int, count: int, breakages: list[str], second_table: bool):
    kept, held = stage_datasets(drop_documents(seed, count, breakages, second_table))
    read = accounting.rows_read(kept, held)
    results = assemble.validate_datasets(kept, held)
    for name in ROW_DATASETS:
        valid, quarantined = results[name].valid, results[name].quarantined
        assert read[name].height == valid.height + quarantined.height, name
        locations = pl.concat([valid.select("source_file", "source_line"), quarantined.select("source_file", "source_line")])
        assert sorted(locations.rows()) == sorted(read[name].select("source_file", "source_line").rows()), name
    assert results["papers"].valid.select("edition", "paper_id").is_unique().all()  # a paper is edition + number


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 15), breakages=BREAKAGES)
def test_emitting_the_same_frames_twice_gives_identical_parquet_bytes(seed: int, count: int, breakages: list[str]):
    kept, held = stage_datasets(drop_documents(seed, count, breakages, second_table=False))
    results = assemble.validate_datasets(kept, held)
    valid = {name: result.valid for name, result in results.items()}
    digests = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as out:
            paths = write_datasets(Path(out), valid, "run-1", {"a_notes.md": "0" * 64})
            digests.append({name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()})
    assert digests[0] == digests[1]
