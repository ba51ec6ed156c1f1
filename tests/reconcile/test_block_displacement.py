"""A displacement confined to a block: rows outside the supported pattern keep their own verdict."""

from __future__ import annotations

from bench.synthetic_drops import rotate_block
from pipeline.reconcile import reconcile_authors
from tests.reconcile.reconcile_frames import no_program, notes_frame, papers_frame, people


def names(pairs):
    return [name for name, _ in pairs]


def test_correct_rows_after_a_rotated_block_are_not_suspect():
    truth = people(40)
    shown = rotate_block(truth, 10, 10, 3)  # rows 10..19 show the lists of titles 13..19, 10..12
    anchored = list(range(10, 20)) + [5, 32]  # every block title, and one source on each side of it
    notes = notes_frame({row + 1: names(truth[row]) for row in anchored})
    statuses = reconcile_authors(papers_frame(shown), notes, no_program()).papers["author_status"].to_list()
    assert set(statuses[10:20]) == {"corrected"}
    assert set(statuses[20:32]) == {"unverified"}, statuses[20:32]
    assert set(statuses[:5] + statuses[6:10]) == {"unverified"}
    assert statuses[5] == statuses[32] == "verified"
