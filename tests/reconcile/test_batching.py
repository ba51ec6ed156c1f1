"""Tables are decided one at a time, names keyed a batch of tables at once, findings built in
chunks: none of that may change a result (sizes are monkeypatched down to force every boundary)."""

from __future__ import annotations

import polars as pl

from bench.synthetic_drops import make_drop
from pipeline.reconcile import frames, links, reconcile_authors
from pipeline.reconcile.affiliation import DEPLOYMENT
from pipeline.reconcile.frames import table_views
from pipeline.reconcile.index import ListIndex
from pipeline.reconcile.view import table_names


def several_tables():
    """Three source files' tables (repeated block, rotation, shift), rows interleaved, links shared."""
    parts, notes, programs, offset = [], [], [], 0
    for number, scenario in enumerate(("repeated_block", "rotation", "shift")):
        drop = make_drop(scenario, n=40 + 10 * number, anchor_share=0.3, seed=number)
        ids = {"paper_id": pl.col("paper_id") + offset}
        parts.append(drop.papers.with_columns(**ids, source_file=pl.lit(f"notes_{number}.md"),
                                              link=pl.format("https://x.org/{}", pl.col("paper_id") % 7)))
        notes.append(drop.paper_notes.with_columns(**ids))
        programs.append(drop.program.with_columns(**ids))
        offset += 1000
    papers = pl.concat(parts).sample(fraction=1.0, shuffle=True, seed=3)
    return papers, pl.concat(notes), pl.concat(programs)


def test_small_batches_and_chunks_give_the_same_result(monkeypatch):
    papers, notes, program = several_tables()
    expected = reconcile_authors(papers, notes, program)
    assert expected.findings.height > 0 and expected.papers["author_evidence"].list.len().sum() > 0
    monkeypatch.setattr(frames, "BATCH_ROWS", 1)
    monkeypatch.setattr(frames, "FINDINGS_CHUNK", 7)
    monkeypatch.setattr(links, "MESSAGE_CHUNK", 3)
    got = reconcile_authors(papers, notes, program)
    for name in ("papers", "paper_authors", "findings"):
        assert getattr(got, name).equals(getattr(expected, name)), name


def test_batched_views_key_names_and_read_abstracts_as_one_table_would(monkeypatch):
    papers, _, _ = several_tables()
    papers = papers.with_columns(abstract=pl.when(pl.col("paper_id") % 3 == 0)
                                 .then(pl.lit("We deployed it at Foo. It works.")).otherwise(pl.col("abstract")))
    monkeypatch.setattr(frames, "BATCH_ROWS", 60)
    seen = 0
    for table, view in table_views(papers, {}):
        alone = ListIndex.from_names(table_names(table), table.height)
        assert view.index.names.equals(alone.names)
        assert view.index.keys.sort("row", "key").equals(alone.keys.sort("row", "key"))  # `unique` order is free
        abstracts = papers["abstract"].gather(table["_input_row"]).to_list()
        assert view.abstracts == {row: text for row, text in enumerate(abstracts)
                                  if text is not None and DEPLOYMENT.search(text)}
        seen += table.height
    assert seen == papers.height
