"""The parse stage on the committed seed drop (repaired): counts that must hold on this data."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.parse import link_to_papers
from schemas.contracts import DATASETS


def test_every_table_row_becomes_a_paper_with_a_unique_number(seed_notes):
    papers = seed_notes.papers
    assert papers.height == 170
    assert papers["paper_id"].n_unique() == 170 and papers["paper_id"].null_count() == 0
    assert papers["track"].null_count() == 0
    assert papers["authors_raw"].list.len().min() >= 1
    assert not {"table_row_cell_count", "duplicate_paper_id", "track_unknown"} & set(seed_notes.findings["check"])


def test_seed_table_keeps_nested_affiliation_whole(seed_notes):
    authors = seed_notes.papers["authors_raw"].explode().struct.unnest()
    assert "OTTO (GmbH & Co. KGaA)" in authors["affiliation"].to_list()


def test_seed_write_ups_are_found_and_all_link_to_the_table(seed_notes):
    notes = link_to_papers(seed_notes.paper_notes, seed_notes.papers)
    assert notes.height == 41
    assert notes["authors"].list.len().min() >= 1
    assert notes["doi"].drop_nulls().len() == 30
    assert notes.filter(pl.col("session") == "Posters").height == 9
    assert notes["paper_id"].null_count() == 0


def test_seed_program_entries_parse_and_link(seed_notes, seed_program):
    program = link_to_papers(seed_program.program, seed_notes.papers)
    assert program.height == 9
    assert program["track_code"].value_counts().sort("track_code").rows() == [("IND", 2), ("REPR", 1), ("RES", 6)]
    assert program["session_date"].unique().to_list() == [dt.date(2025, 9, 24)]
    assert program["paper_id"].null_count() == 0
    assert program["abstract"].null_count() == 0


def test_seed_frames_match_the_contracts(seed_notes, seed_program):
    for name, frame in [("papers", seed_notes.papers), ("paper_notes", seed_notes.paper_notes),
                        ("program", seed_program.program), ("findings", seed_notes.findings),
                        ("findings", seed_program.findings)]:
        assert frame.schema == DATASETS[name], name
