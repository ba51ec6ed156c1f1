"""The `[matching]` thresholds of the configuration file decide what author reconciliation concludes.

Each test builds a small table on which the built-in threshold gives one verdict and a stricter
(or looser) value from a configuration gives another, so a threshold that is parsed but not used
in a run fails here."""

from __future__ import annotations

from pathlib import Path

from pipeline.assemble import detect_authors
from pipeline.config import parse_config
from pipeline.reconcile import MatchThresholds, reconcile_authors
from pipeline.reconcile.anchors import cross_source_verdict
from pipeline.reconcile.index import ListIndex
from pipeline.reconcile.names import list_similarity
from pipeline.reconcile.recurrence import find_recurrence
from schemas.contracts import empty_frame
from tests.reconcile.reconcile_frames import letters, no_program, notes_frame, papers_frame, people

GIVEN = ("Ann", "Bob", "Cyd", "Dee", "Eve")


def teams(count: int) -> list[list[tuple[str, str]]]:
    """`count` distinct five-author lists (five people per list, so one stranger leaves 0.8 in common)."""
    return [[(f"{given} Sur{letters(i)}{'abcde'[k]}man", f"Org{letters(i)} Labs") for k, given in enumerate(GIVEN)]
            for i in range(count)]


def names_of(pairs) -> list[str]:
    return [name for name, _ in pairs]


def one_stranger(pairs, number: int) -> list[str]:
    """The list's names with its last person replaced by someone else: 4 of 5 people in common."""
    return names_of(pairs)[:-1] + [f"Zed Stranger{letters(number)}"]


def config(matching: str):
    """A configuration whose `[matching]` table is `matching` (every other key at its default)."""
    return parse_config(f'[tracks]\n"Full" = ["full"]\n[matching]\n{matching}\n', Path("thresholds.toml"))


def detect(papers, notes, matching: str):
    """The run's detection stage (`assemble.detect_authors`) with `matching` as the file's [matching]."""
    datasets = {"papers": papers, "paper_notes": notes, "program": no_program(), "findings": empty_frame("findings")}
    return detect_authors(datasets, config(matching))["papers"]["author_status"].to_list()


def test_the_packaged_thresholds_are_the_built_in_defaults():
    assert config("").thresholds == MatchThresholds()
    from pipeline.config import default_config

    assert default_config().thresholds == MatchThresholds()


def test_a_stricter_same_list_similarity_stops_a_displacement_from_correcting_rows():
    truth = teams(30)
    shown = truth[2:] + truth[:2]  # row r shows row r+2's list
    # Three sources each name their paper's people with one stranger: 0.8 similar to the row showing them.
    notes = notes_frame({t + 1: one_stranger(truth[t], t) for t in (5, 12, 20)})
    default = detect(papers_frame(shown), notes, "")
    strict = detect(papers_frame(shown), notes, "same_list_min_similarity = 0.9")
    unanchored = [row for row in range(2, 26) if row not in (5, 12, 20)]
    assert {default[row] for row in unanchored} == {"corrected"}
    assert "corrected" not in {strict[row] for row in unanchored}  # no confirmation, so no displacement


def test_a_stricter_same_list_similarity_leaves_a_nearly_agreeing_source_suspect():
    lists = teams(8)
    notes = notes_frame({4: one_stranger(lists[3], 3)})
    assert detect(papers_frame(lists), notes, "")[3] == "verified"
    assert detect(papers_frame(lists), notes, "same_list_min_similarity = 0.9")[3] == "suspect"


def test_a_stricter_same_list_similarity_no_longer_groups_a_list_repeated_with_one_stranger():
    team = teams(10)
    lists = [names_of(row) for row in team]
    lists[6] = one_stranger(team[1], 1)
    index = ListIndex.build(lists)
    assert find_recurrence(index).others(6) == (1,)
    assert find_recurrence(index, MatchThresholds(same_list_min_similarity=0.9)).others(6) == ()


def test_a_lower_contradiction_threshold_makes_a_weak_overlap_suspect_instead_of_corrected():
    lists = people(8)
    lists[3] = [("Ann Surdman", "Orgd Labs"), ("Bob Famdly", "Orgd Labs"), ("Cyd Outdman", "Orgd Labs")]
    notes = notes_frame({4: ["Ann Surdman", "Yan Plinth", "Zed Quorum"]})  # one person of three in common
    assert cross_source_verdict(("Ann Surdman", "Yan Plinth", "Zed Quorum"), names_of(lists[3]))[0] == "contradict"
    assert detect(papers_frame(lists), notes, "")[3] == "corrected"
    assert detect(papers_frame(lists), notes, "contradicts_below = 0.3")[3] == "suspect"
    assert cross_source_verdict(("Ann Surdman", "Yan Plinth", "Zed Quorum"), names_of(lists[3]),
                                MatchThresholds(contradicts_below=0.3))[0] == "partial"


def test_a_stricter_person_score_no_longer_matches_a_truncated_name():
    assert list_similarity(["Shuhei"], ["Shuhei Godaman"]) == 1.0
    assert list_similarity(["Shuhei"], ["Shuhei Godaman"], person_min_score=0.7) == 0.0
    lists = people(8)
    lists[3] = [("Shuhei", "Orgd Labs"), ("Bob Famdly", "Orgd Labs")]
    notes = notes_frame({4: ["Shuhei Godaman", "Bob Famdly"]})
    assert detect(papers_frame(lists), notes, "")[3] == "verified"
    assert detect(papers_frame(lists), notes, "person_min_score = 0.7")[3] == "suspect"  # 1 of 2 people


def test_a_stricter_person_score_keeps_a_source_from_finding_its_truncated_row():
    truth = people(20)
    shown = list(truth)
    shown[3], shown[11] = truth[11], [("Shuhei", "Orgd Labs")]  # paper 4's one author, truncated, on row 12
    index = ListIndex.build([names_of(row) for row in shown])
    assert set(index.lookup(["Shuhei Godaman"])) == {11}
    assert index.lookup(["Shuhei Godaman"], MatchThresholds(person_min_score=0.7)) == {}
    notes = notes_frame({4: ["Shuhei Godaman"]})
    default = detect(papers_frame(shown), notes, "")
    strict = detect(papers_frame(shown), notes, "person_min_score = 0.7")
    assert default[11] == "mismatch"  # row 12's list is known to be paper 4's
    assert strict[11] != "mismatch"


def three_lists_repeating_four_rows_apart() -> list[list[tuple[str, str]]]:
    lists = people(20)
    for row in (0, 5, 10):
        lists[row + 4] = lists[row]
    return lists


def test_more_lists_needed_for_a_systematic_repeat_leave_the_repeats_unflagged():
    lists = three_lists_repeating_four_rows_apart()
    index = ListIndex.build([names_of(row) for row in lists])
    assert find_recurrence(index).systematic_distances == {4}
    assert find_recurrence(index, MatchThresholds(recurrence_min_lists=4)).systematic_distances == frozenset()
    default = detect(papers_frame(lists), notes_frame({}), "")
    relaxed = detect(papers_frame(lists), notes_frame({}), "recurrence_min_lists = 4")
    repeated = [0, 4, 5, 9, 10, 14]
    assert {default[row] for row in repeated} == {"suspect"}
    assert {relaxed[row] for row in repeated} == {"unverified"}


def test_reconcile_authors_takes_thresholds_directly():
    lists = teams(8)
    notes = notes_frame({4: one_stranger(lists[3], 3)})
    strict = reconcile_authors(papers_frame(lists), notes, no_program(),
                               thresholds=MatchThresholds(same_list_min_similarity=0.9))
    assert strict.papers["author_status"][3] == "suspect"


def test_more_rows_needed_for_a_repeated_list_leave_a_list_on_three_rows_unflagged():
    lists = people(20)
    lists[7] = lists[15] = lists[2]  # one list on three rows, at distances no other list repeats at
    index = ListIndex.build([names_of(row) for row in lists])
    assert find_recurrence(index).systematic_distances == frozenset()
    default = detect(papers_frame(lists), notes_frame({}), "")
    relaxed = detect(papers_frame(lists), notes_frame({}), "repeated_list_min_rows = 4")
    assert [default[row] for row in (2, 7, 15)] == ["suspect"] * 3
    assert [relaxed[row] for row in (2, 7, 15)] == ["unverified"] * 3


def test_a_stricter_respell_score_keeps_a_glued_name_as_the_table_has_it():
    lists = people(8)
    lists[3] = [("Ann Surdman", "Orgd Labs"), ("Bob FamdlyConsumer", "Orgd Labs")]  # next word glued on
    notes = notes_frame({4: ["Ann Surdman", "Bob Famdly"]})
    datasets = {"papers": papers_frame(lists), "paper_notes": notes, "program": no_program(),
                "findings": empty_frame("findings")}
    default = detect_authors(datasets, config(""))["papers"]
    strict = detect_authors(datasets, config("respell_min_score = 0.9"))["papers"]
    assert default["author_status"][3] == "corrected"
    assert [a["name"] for a in default["authors"][3]] == ["Ann Surdman", "Bob Famdly"]
    assert strict["author_status"][3] == "verified"
    assert [a["name"] for a in strict["authors"][3]] == ["Ann Surdman", "Bob FamdlyConsumer"]
